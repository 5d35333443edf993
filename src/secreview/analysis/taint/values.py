"""Abstract values of the taint interpreter: what a variable may hold, and where its taint began.

A `Value` is what the interpreter knows about one expression at one program point: the taint
`Flow`s it may carry, its constant value when known (for dead-branch pruning), its known constant
prefix (a URL whose host is fixed cannot redirect elsewhere), the parts of a container or object
whose keys are constant (so `d["a"] = tainted; use(d["b"])` stays clean), and its type when a
model or a class in the module told us (so `cursor.execute` and `session[...] = ...` are found).
The flows themselves are `flows.py`'s; here are the values holding them and how flow sets merge.

Values are immutable, so branches can be joined safely: by convention, not `frozen=True` (a frozen
dataclass sets each field through `object.__setattr__`, which made building `Value`s and `Flow`s,
hundreds of thousands per tree, about 6 % of a scan's CPU). They hash and compare by their fields
(`unsafe_hash=True`). Never assign to one: build a new one (`replace`, `mapped`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.evidence_order import preferred
from secreview.analysis.taint.flows import MAX_PATH, PARAMETER_ORIGIN, RETURNED_BY, Flow
from secreview.analysis.taint.joined_fields import joined_choices, joined_prefix
from secreview.analysis.taint.markers import APPENDED
from secreview.analysis.taint.part_widening import MAX_PART_FLOWS, coarsened
from secreview.analysis.taint.type_unions import joined_type
from secreview.analysis.taint.url_text import has_query_mark
from secreview.index.context import UNKNOWN

MAX_PART_DEPTH = 6
ELEMENT = "(element)"
"""The part of a list or set holding what was added once the code no longer knew its length (a
work list grown in a loop): any unknown index may be one of them, so an appended tuple keeps its
positions apart instead of spilling into the whole list."""
PROGRAM = "(program)"
"""The part of a wrapper's parameter that an argument vector's sink runs as its program (`def
run(argv): Popen(argv)`): at a call site, the program of the caller's argument (`argv[0]`, all of
a string, or all of a vector that runs a shell: `semantics.program_of`)."""
KEYS = "(keys)"
"""The part of a parameter its function reads through `.keys()`: at a call site, the keys of
the argument, which are its whole-value taint and never the values held at constant keys (a
helper that builds `UPDATE t SET a = ?` from a dict's keys and binds its values is handed
`{"a": request_value}` without splicing the request's text)."""


def merge_flows(*groups: Iterable[Flow]) -> frozenset[Flow]:
    """The union of flow sets, keeping one flow per origin, sanitisation and parameter part (the
    first by `evidence_rank`, so the choice does not depend on the order of the groups or of a
    set).

    Keeping one representative bounds every value to a handful of flows, whatever the code does;
    a value built from many parts of one parameter keeps shorter paths (`part_widening`). A
    parameter flow with text built around it (`APPENDED`) and the same flow without are one flow
    marked `APPENDED`: the caller's argument then loses its one-name marks, as it would through
    either (two flows doubled every summary of a parser's many small helpers, past its memory
    budget).
    """
    if len(groups) <= 2:  # already merged, and the other adds none: most joins of two paths
        first, second = (*groups, _NO_FLOWS, _NO_FLOWS)[:2]
        if type(first) is Merged and isinstance(second, frozenset) and second <= first:
            return first
        if type(second) is Merged and isinstance(first, frozenset) and not first:
            return second
    if not any(groups):
        return _NO_FLOWS  # most values carry no flow (a generator counts as a group: it is read)
    best: dict[tuple[str, frozenset[str], tuple[object, ...]], Flow] = {}
    appended: list[tuple[str, frozenset[str], tuple[object, ...]]] = []
    for group in groups:
        for flow in group:
            marks = flow.safe_for
            if ALL_KINDS in marks:
                continue
            if APPENDED in marks:  # one flow whether or not text was built around it
                marks = marks - _APPENDED
                appended.append((flow.origin, marks, flow.within))
            signature = (flow.origin, marks, flow.within)  # `Flow.signature`, inlined
            current = best.get(signature)
            if current is None or preferred(flow, current):
                best[signature] = flow
    if not best:
        return _NO_FLOWS  # most values carry no flow: skip building an empty set
    for signature in appended:
        kept = best[signature]
        if APPENDED not in kept.safe_for:
            best[signature] = Flow(kept.origin, kept.steps, kept.safe_for | _APPENDED, kept.within)
    if len(best) > MAX_PART_FLOWS:
        return _widened(best.values())
    return Merged(best.values())


class Merged(frozenset[Flow]):
    """A set of flows `merge_flows` gives back unchanged: merging it again, alone or with
    flows it already holds, is itself (no copy, no ranking). Joins meet the same sets again
    and again (an object's parts after each branch of a long constructor: most of the cost of
    docassemble's parser module); a set built any other way is merged the long way."""

    __slots__ = ()


_NO_FLOWS: frozenset[Flow] = frozenset()
_APPENDED = frozenset({APPENDED})


def _widened(flows: Iterable[Flow]) -> frozenset[Flow]:
    """Flows of parts of parameters as flows of shorter paths, or of the whole parameters
    (`part_widening`: coarser, never fewer); `Merged` unless two differ only by `APPENDED`
    (merged again, they would be one)."""
    kept = coarsened(flows)
    if len({(f.origin, f.safe_for - _APPENDED, f.within) for f in kept}) == len(kept):
        return Merged(kept)
    return frozenset(kept)


@dataclass(slots=True, unsafe_hash=True)
class FunctionRef:
    """A callable the interpreter can look inside: a def or lambda, and the scope it closed over."""

    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    closure: Mapping[str, Value] = field(default_factory=dict)
    bound: tuple[Value, ...] = ()
    """Arguments bound ahead of the caller's (`functools.partial(f, x)`), passed first."""
    bound_keywords: tuple[tuple[str, Value], ...] = ()
    """Keyword arguments bound the same way (`partial(f, mode=m)`)."""


@dataclass(slots=True, unsafe_hash=True)
class Value:
    """What an expression may hold; see the module docstring."""

    flows: frozenset[Flow] = frozenset()
    const: object = UNKNOWN
    prefix: str = ""
    parts: Mapping[object, Value] = field(default_factory=dict)
    exact: bool = False
    """Whether `parts` lists every element (a literal list or dict not changed in unknown ways)."""
    type: str | None = None
    function: FunctionRef | None = None
    shape: str = ""
    """`list`, `tuple`, `dict` or `set` for containers built in the code, else ''."""
    choices: frozenset[object] = frozenset()
    """The few constants a value may be after branches that set different ones (`"sh"` or
    `"cmd"`); only ever asked about by membership, so its order never reaches the output."""
    query: bool = False
    """Whether the fixed text of this string has a `?` or `#`: whatever is appended to it is in
    the query string or fragment of a URL, where it cannot choose the host."""
    classes: frozenset[str] = frozenset()
    """The classes this value may be, as class objects rather than instances (`Store`, or a
    project class's qualified name): `kind or Store` is either, and calling it constructs each.
    An instance has the class's `type` and no `classes`, so calling it runs `__call__`."""
    contents: dict[int, frozenset[Flow]] | None = field(
        default=None, init=False, compare=False, hash=False, repr=False
    )
    """`all_flows` once asked, by depth: a value never changes, and a loop's fixpoint test, a
    call's arguments and an unknown call's result ask again for the same object's (an object
    of fifty attributes, read at each of the hundred calls of its constructor, merged its parts'
    flows each time: most of docassemble's parser module's minute)."""

    @property
    def is_constant(self) -> bool:
        """Whether the value is fixed in the source."""
        return self.const is not UNKNOWN

    def all_flows(self, depth: int = 0) -> frozenset[Flow]:
        """Every flow of the value and of everything it contains."""
        if not self.parts or depth > MAX_PART_DEPTH:
            return self.flows
        known = self.contents
        if known is None:
            known = self.contents = {}
        elif depth in known:
            return known[depth]
        flows = merge_flows(self.flows, *(p.all_flows(depth + 1) for p in self.parts.values()))
        known[depth] = flows
        return flows

    def part(self, key: object) -> Value:
        """The element at constant `key`: its own value when known, else the unknown elements
        (those added at an unknown index, `ELEMENT`; of a parameter: that part of whatever the
        caller passes, see `Flow.narrowed`)."""
        if key in self.parts:
            return self.parts[key]
        if key == KEYS:  # the keys: what the whole holds, not the elements stored at some key
            return Value(flows=narrowed(self.flows, key))
        if isinstance(key, int) and key < 0 and self.exact:
            length = len(self.parts)
            if key + length in self.parts:
                return self.parts[key + length]
        unknown = Value(flows=narrowed(self.flows, key))
        return join(self.parts[ELEMENT], unknown) if ELEMENT in self.parts else unknown

    def any_part(self) -> Value:
        """An element at an unknown key: any of them."""
        return Value(flows=self.all_flows())

    def with_part(self, key: object, value: Value) -> Value:
        """This container with `key` set to `value`."""
        parts = dict(self.parts)
        parts[key] = value
        return replace(self, parts=parts, const=UNKNOWN)

    def with_flows(self, flows: Iterable[Flow]) -> Value:
        """This value also carrying `flows` (for data added at an unknown key)."""
        return replace(self, flows=merge_flows(self.flows, flows), exact=False, const=UNKNOWN)

    def mapped(self, change: Callable[[Flow], Flow | None], depth: int = 0) -> Value:
        """This value with every flow (also inside parts) replaced by `change(flow)`."""
        flows = merge_flows(f for f in map(change, self.flows) if f is not None)
        parts = (
            {k: v.mapped(change, depth + 1) for k, v in self.parts.items()}
            if depth <= MAX_PART_DEPTH
            else {}
        )
        return Value(  # `replace(self, flows=flows, parts=parts)`, without its generic cost
            flows=flows,
            const=self.const,
            prefix=self.prefix,
            parts=parts,
            exact=self.exact,
            type=self.type,
            function=self.function,
            shape=self.shape,
            choices=self.choices,
            query=self.query,
            classes=self.classes,
        )


CLEAN = Value()


def narrowed(flows: frozenset[Flow], key: object) -> frozenset[Flow]:
    """`flows` as read from the part `key` of a value (see `Flow.narrowed`)."""
    if not flows:  # the usual case, without building a generator to learn it
        return flows
    if not any(f.origin.startswith(PARAMETER_ORIGIN) and len(f.within) < MAX_PATH for f in flows):
        return flows
    return merge_flows(f.narrowed(key) for f in flows)


def tainted(flows: Iterable[Flow]) -> Value:
    """A value of unknown content carrying `flows`."""
    return Value(flows=merge_flows(flows))


def constant(value: object) -> Value:
    """A value fixed in the source."""
    prefix = value if isinstance(value, str) else ""
    return Value(const=value, prefix=prefix, query=has_query_mark(prefix))


def join(left: Value | None, right: Value | None) -> Value:
    """What a variable may hold after two paths meet (None is an unreachable path)."""
    if left is None:
        return right if right is not None else CLEAN
    if right is None or left is right:
        return left
    keys = dict.fromkeys([*left.parts, *right.parts])  # in order, not by hash
    parts = {k: join(left.part(k), right.part(k)) for k in keys}
    prefix = joined_prefix(left.prefix, right.prefix)
    const = left.const if left.const == right.const and left.is_constant else UNKNOWN
    joined = Value(
        flows=merge_flows(left.flows, right.flows),
        const=const,
        choices=joined_choices(left, right) if const is UNKNOWN else frozenset(),
        prefix=prefix,
        parts=parts,
        exact=left.exact and right.exact and set(left.parts) == set(right.parts),
        type=joined_type(left.type, right.type),
        function=left.function if left.function == right.function else None,
        shape=left.shape if left.shape == right.shape else "",
        query=left.query and right.query,
        classes=left.classes | right.classes,
    )
    # `right` added nothing: `left` itself, so that paths meeting again with the same values
    # are seen to change nothing (`join_envs`) and an object's unchanged parts stay shared.
    # Never the `CLEAN` singleton, which some callers test by identity for "nothing known".
    if left is not CLEAN and joined == left:
        return left
    return joined


def returned_function(note: str) -> str | None:
    """The function an evidence step says a value was returned by, as the step shows it
    (`pkg.forms.value`, `helper()`), or None for any other step."""
    if not note.startswith(RETURNED_BY):
        return None
    return note.removeprefix(RETURNED_BY).partition("`")[0]
