"""What one function does with its parameters, in a form that can leave its module.

Inside a module the interpreter applies a callee's analysis directly (with AST evidence). Across
modules it needs something smaller and picklable, so a scanner can compute it once per project and
ship it to worker processes: an `ExternalSummary` per function, gathered in a `ProjectIndex`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from secreview.analysis.taint.values import (
    CLEAN,
    ELEMENT,
    Flow,
    Value,
    constant,
    merge_flows,
    tainted,
)


class ReturnEffect(NamedTuple):
    """Data reaching the function's return value: from a parameter, or read from a source inside.

    `parameter` is None when the function itself reads untrusted input (then `origin` says which
    trust kind); `safe_for` lists sink kinds a sanitiser on the way has neutralised it for.
    """

    parameter: int | None
    safe_for: frozenset[str] = frozenset()
    origin: str = ""
    note: str = ""
    within: tuple[str, ...] = ()
    """The part of the parameter it comes from (`Flow.within`, string keys only); empty for
    all of it."""
    read_at: str = ""
    """`module.py:LINE` of the expression reading that part (`self.request.args["q"]`), so a
    caller whose argument makes the part a source names the read, not its own call; for a
    source read inside (`parameter` None), where `note`'s source was read."""
    read_code: str = ""
    """The text of that expression (empty when the read is not spelled out in the body)."""
    position: int | None = None
    """The element of the returned tuple it is in (`return command, data, None`: the request's
    data is in 1 and 2 holds none of it); None for the value as a whole."""
    attribute: str = ""
    """The attribute of the returned object it is in (`.folders` of `return Manager(folders,
    blocklist)`: the blocklist is not in it); empty for the value as a whole."""

    @property
    def place(self) -> int | str | None:
        """Where in the returned value it is (`returned_value`): an attribute, an element, or
        None for all of it."""
        return self.attribute or self.position


_SEQUENCES = ("tuple", "list")


def _known_elements(returned: Value) -> bool:
    """Whether every path returns a tuple or list whose first elements are known (all of them,
    or those it starts with before elements a loop may append: `argv = [self.path]` then
    `argv.append(...)`, whose appended positions are known only if the loop runs)."""
    if returned.shape not in _SEQUENCES:
        return False
    positions = [key for key in returned.parts if key != ELEMENT]
    if not all(type(key) is int for key in positions):
        return False
    if sorted(positions) != list(range(len(positions))):
        return False
    return returned.exact or bool(positions)


def _object_fields(returned: Value) -> bool:
    """Whether what is returned is an object whose attributes are known (`return
    Manager(folders, blocklist)`, a singleton a factory keeps in a global): each keeps its own
    data, as it does for a caller in the same module, instead of all of them the object's."""
    return bool(returned.parts) and all(
        type(key) is str and key.startswith(".") for key in returned.parts
    )


def returned_parts(returned: Value) -> list[tuple[int | str | None, frozenset[Flow]]]:
    """The flows of what a function returns, by element when every path returns a tuple or
    list of known elements (`return command, data, None`), by attribute for an object of known
    attributes (`_object_fields`), else all of them as one (see `returned_value`, which
    rebuilds the value at a call). Elements appended after the known ones count as the
    whole's."""
    if _object_fields(returned):
        return [(None, returned.flows)] + [(k, v.all_flows()) for k, v in returned.parts.items()]
    if not _known_elements(returned):
        return [(None, returned.all_flows())]
    tail = returned.parts[ELEMENT].all_flows() if ELEMENT in returned.parts else frozenset()
    return [(None, returned.flows | tail)] + [
        (k, v.all_flows()) for k, v in returned.parts.items() if k != ELEMENT
    ]


class ReturnedElements(NamedTuple):
    """A returned tuple or list whose first elements are known (`_known_elements`): how many,
    and its constant text elements (`return ["ffmpeg", "-i", source]`), so a caller in another
    module still sees which element is fixed text (the program of an argument vector, a `-c` of
    a shell) and which holds data, as a caller in the same module does."""

    shape: str
    length: int
    constants: tuple[tuple[int, str], ...] = ()
    open: bool = False
    """The length is not fixed (elements a loop appends): positions past the known ones, and
    those the loop fills, may hold the whole's data."""


def returned_elements(returned: Value) -> ReturnedElements | None:
    """The shape of what a function returns, for its summary; None unless `_known_elements`."""
    if not _known_elements(returned):
        return None
    known = {key: value for key, value in returned.parts.items() if key != ELEMENT}
    constants = tuple(
        (key, value.const) for key, value in sorted(known.items()) if isinstance(value.const, str)
    )
    return ReturnedElements(returned.shape, len(known), constants, not returned.exact)


def returned_value(
    flows: Iterable[tuple[int | str | None, Flow]], elements: ReturnedElements | None = None
) -> Value:
    """What a call of a summarised function returns, from its flows and the element of the
    returned tuple or list, or the attribute of the returned object, each is in
    (`ReturnEffect.place`): unpacking `command, data, error = call()` gives `error` none of
    the data `data` holds, and `manager(folders, blocklist).folders` none of the blocklist.
    With the `elements` the summary knows, the value is that whole sequence, its constant
    elements fixed text."""
    whole: list[Flow] = []
    by_position: dict[int, list[Flow]] = {}
    by_field: dict[str, list[Flow]] = {}
    for position, flow in flows:
        if position is None:
            whole.append(flow)
        elif isinstance(position, str):
            by_field.setdefault(position, []).append(flow)
        else:
            by_position.setdefault(position, []).append(flow)
    if by_field:
        fields = {key: tainted(by_field[key]) for key in sorted(by_field)}
        return Value(flows=merge_flows(whole, *by_position.values()), parts=fields)
    if elements is not None and all(p < elements.length for p in by_position):
        parts: dict[object, Value] = dict.fromkeys(range(elements.length), CLEAN)
        parts.update((position, constant(text)) for position, text in elements.constants)
        parts.update((p, tainted(by_position[p])) for p in sorted(by_position))
        return Value(
            flows=merge_flows(whole), parts=parts, shape=elements.shape, exact=not elements.open
        )
    if not by_position:
        return tainted(whole)
    elements_at = {position: tainted(by_position[position]) for position in sorted(by_position)}
    return Value(flows=merge_flows(whole), parts=elements_at, shape="tuple")


class SinkEffect(NamedTuple):
    """A parameter that reaches a sink inside the function (or the functions it calls)."""

    parameter: int
    kind: str
    sink: str
    location: str
    """`module.py:LINE` of the sink, for the evidence note at the call site."""
    safe_for: frozenset[str] = frozenset()
    prefix: str = ""
    note: str = ""
    """What the sink's argument is (`shell command`), from the sink's model."""
    origins: frozenset[str] = frozenset()
    """The origins the sink's model is limited to (see `SinkEvent.origins`)."""
    within: tuple[str, ...] = ()
    """The part of the parameter that reaches the sink (as `ReturnEffect.within`)."""
    guess: bool = False
    """The sink was guessed from the name of a function the scan could not read."""
    typed: bool = False
    """The sink's body is HTML only if no other Content-Type was declared (`SinkEvent.typed`)."""


class StoredParameter(NamedTuple):
    """A parameter a method stores unchanged on `self` (`self.r = req`): the caller's object then
    holds the argument itself at that attribute, typed (a request stays a request)."""

    attribute: str
    """The part of `self`, as a `Flow.within` key (`.r`)."""
    parameter: int


HANDED = ""
"""A `FieldEffect.attribute` for a parameter a constructor hands to its base class's
(`super().__init__(message)`): a library base may keep it anywhere in the object."""


class FieldEffect(NamedTuple):
    """A parameter whose data a constructor leaves at an attribute of `self`, changed or not
    (`self.name = name.strip()`): the caller's new object holds that data there."""

    attribute: str
    """The part of `self`, as a `Flow.within` key (`.name`); `HANDED`: anywhere in it."""
    parameter: int
    """The parameter (0, `self`: the constructor sets the attribute, from no argument unless
    another effect says so)."""
    safe_for: frozenset[str] = frozenset()
    within: tuple[str, ...] = ()
    """The part of the parameter it comes from (as `ReturnEffect.within`)."""


class ParameterCheck(NamedTuple):
    """What a validator proves of one parameter (`guard_helpers.py`'s reading of its body, made
    in its own module): where the call's answer is `outcome` (None: wherever the call returns,
    for one that raises unless its check holds), the argument is safe for `kinds`, as the same
    check spelled inline would make it (`validators.valid_id(v)`, `validators.check_id(v)`)."""

    parameter: int
    outcome: bool | None
    kinds: tuple[str, ...]


class ExternalSummary(NamedTuple):
    """A function seen from another module: parameter names, what reaches its return and sinks."""

    qualified_name: str
    parameters: tuple[str, ...]
    returns: tuple[ReturnEffect, ...] = ()
    sinks: tuple[SinkEffect, ...] = ()
    is_method: bool = False
    binds_class: bool = False
    """A classmethod: called through its class's name (`Base.run(a)`), the class is `cls`."""
    is_property: bool = False
    """A property's getter: reading the attribute of an instance applies it (`properties.py`)."""
    stores: tuple[StoredParameter, ...] = ()
    fields: tuple[FieldEffect, ...] | None = None
    """For a method read to its end, where each parameter's data lands on `self` (a parameter
    it names nowhere is not kept: `self.count = int(count)`); a caller's object holds it there
    afterwards (`obj.load(data)`), or, for a constructor, only there. None for a function, or a
    method not read to its end: then a constructor's arguments may be anywhere in the object."""
    checks: tuple[ParameterCheck, ...] = ()
    """What its answer proves of its parameters, when it is a validator (`check_summaries.py`)."""
    overridable: bool = False
    """A method whose body only stands in for a subclass's (`stubs.stub_body`) that no project
    subclass implements: a call through it returns what an unknown method's call does. One
    that subclasses implement has their effects instead (`overrides.joined_overrides`)."""
    return_type: str | None = None
    """The project class (qualified) whose instance it returns, as its body's returned value or
    its return annotation says (`def connector_for(kind) -> WebhookConnector`): the caller's
    method calls on the result then read that class's code (`calls.apply_external`)."""
    returned_elements: ReturnedElements | None = None
    """The returned tuple or list, when its first elements are known (`returned_elements`)."""


_MAX_ALIAS_HOPS = 4


@dataclass(frozen=True, slots=True)
class ProjectIndex:
    """Summaries of every function of a project, by qualified name (`pkg.helpers.build_query`)."""

    summaries: Mapping[str, ExternalSummary] = field(default_factory=dict)
    classes: frozenset[str] = frozenset()
    """Qualified names of the project's classes, so their instances keep a type."""
    modules: frozenset[str] = frozenset()
    """Names of the modules summarised: a call into one of them is known, never guessed."""
    scanned: frozenset[str] = frozenset()
    """Names of every module of the scan, summarised or not (one more imports away than the
    rounds follow is left out of `modules`): the scan read it, so a call into it is no guess."""
    wanted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per module, the only functions and methods other modules can call
    (`secreview.index.facts.demanded_functions`): the rounds summarise those and what they
    call. A module not named here has every function summarised."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Names a module of the project hands on (a package's `from .shell import run_command`,
    a star import) -> where they are defined (`secreview.index.reexports.alias_table`)."""
    choices: frozenset[str] = frozenset()
    """Qualified names of the project's types that admit only fixed values (its enums and
    `Literal` aliases, `secreview.index.choices`): a view parameter of one is validated."""
    fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Qualified name of each validating model of the project (pydantic's) -> its fields
    declared with a fixed-value type (`secreview.index.choices.validated_fields`)."""
    filled: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Qualified name of each decorator of the project that fills keywords of the views it
    wraps with values it builds -> those keywords (`secreview.index.decorator_fills`)."""
    patterned: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Qualified name of each validating model of the project -> its fields declared with a
    library type the models give a pattern -> that type (`choices.patterned_fields`)."""
    repr_models: frozenset[str] = frozenset()
    """Qualified names of the project's classes whose text lists each field's `repr` or no
    data (pydantic models, plain classes: `secreview.index.model_text`): formatted whole, they
    write no line break."""
    routes: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    """Qualified name of each Django view the project's URLconf routes to -> each argument its
    routes constrain -> the sink kinds it is safe for (`route_kinds`)."""
    matchdict_routes: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    """Qualified name of each Pyramid view the project's routes name -> each `request.matchdict`
    key its routes constrain -> the sink kinds it is safe for (`route_kinds.matchdict_kinds`)."""
    request_helpers: frozenset[str] = frozenset()
    """Qualified names of the project's functions another module calls with the request first
    and no route names (`index.request_handoffs`): helpers that take the request, not views."""

    safe_xml_modules: frozenset[str] = frozenset()
    """The project's modules that make lxml's default parser refuse entities when imported
    (`secreview.index.xml_defaults`): a parse without a parser in a module importing one is
    safe from external entities."""
    safe_parsers: frozenset[str] = frozenset()
    """Qualified names of the project's module-level lxml parsers that refuse entities
    (`secreview.index.xml_defaults.safe_parser_names`): a parse given one is safe."""
    safe_parser_fields: frozenset[str] = frozenset()
    """Attributes every store in the project fills with such a parser (`context.parser`,
    `xml_defaults.safe_parser_fields`): a parse given one is safe, whatever holds it."""

    keyword_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Qualified name of each project class built field by field from keywords (a model, a
    dataclass: no project constructor) -> its fields (`secreview.index.keyword_fields`)."""
    ancestors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Qualified name of each project class deriving from project classes -> those classes,
    nearest first (`secreview.index.choices.project_ancestors`)."""

    def get(self, qualified_name: str) -> ExternalSummary | None:
        """The summary of `qualified_name`, if the project defines it: on its class, or on a
        project class it derives from (`db.User.get(id)`, `get` a classmethod of `ModelBase`
        in another module)."""
        found = self.summaries.get(qualified_name)
        if found is None and self.ancestors:
            owner, _, method = qualified_name.rpartition(".")
            for base in self.ancestors.get(owner, ()):
                found = self.summaries.get(f"{base}.{method}")
                if found is not None:
                    break
        return found

    def defining_name(self, name: str) -> str:
        """`name` where it is defined: its longest prefix the project hands on replaced by the
        name it stands for (`pkg.run_command` -> `pkg.shell.run_command`, `pkg.tools.run` ->
        `pkg.shell.run` for `from . import shell as tools`), again while one applies (bounded:
        the table's names are already followed to their end, a cycle stops)."""
        aliases = self.aliases
        if not aliases:
            return name
        for _ in range(_MAX_ALIAS_HOPS):
            prefix, rest = name, ""
            while prefix not in aliases:
                head, dot, tail = prefix.rpartition(".")
                if not dot:
                    return name
                prefix, rest = head, f".{tail}{rest}"
            name = aliases[prefix] + rest
        return name


def return_order(effect: ReturnEffect) -> tuple[int, str, str, str, str]:
    """A summary's effects in an order that does not depend on the hash seed (the repr of a
    frozenset does), so the summary is the same in every process."""
    parameter = -1 if effect.parameter is None else effect.parameter
    safe = ",".join(sorted(effect.safe_for))
    where = f"{effect.position}:{effect.attribute}:{effect.within!r}"
    return (parameter, safe, effect.origin, effect.note, where)


def sink_order(effect: SinkEffect) -> tuple[object, ...]:
    """See `return_order`."""
    return (
        effect.parameter,
        effect.kind,
        effect.sink,
        effect.location,
        ",".join(sorted(effect.safe_for)),
        effect.prefix,
        effect.note,
        ",".join(sorted(effect.origins)),
        repr(effect.within),
        effect.guess,
    )
