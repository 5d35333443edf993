"""Where the data reaching a dangerous call comes from: untrusted input, the program, or unknown.

Rules whose danger depends on the data (eval, unpickling, XML parsing, SQL text) rate what they
find by this, so that confidence means one thing everywhere:

* untrusted input proven to reach the call (the taint engine's answer): high confidence when it
  came over the network (a request, a socket read, an HTTP response), low for an archive member
  (its maker may be the operator) or the operator's own input;
* a value neither this module's data flow nor its source can trace (a parameter of a public
  function, a global, an attribute): the rule's usual confidence;
* a value the program made itself, which no outside party can choose: low confidence, or no
  finding at all where the rule says so. Program-made means built only from constants, the
  source of the program's own functions (`inspect.getsource`), identifiers and docstrings of its
  own objects (`f.__name__`, `__doc__`), an AST parsed from such text and transformed by the
  program's own visitors, serialisations of objects it holds (`pickle.dumps(obj)`,
  `ElementTree.tostring(tree)`), and the output of a command run with fixed arguments and input
  (`subprocess.check_output(["dot", "-Tsvg"])`), through local variables and string operations,
  and the parameter of a task runner's callback handed a worker that returns only such values
  (`worker_results`).

The syntactic half looks back inside one function only (`local_bindings`), and anything it does
not recognise is *not* program-made, so it can lower a finding only where the value is plain.
"""

from __future__ import annotations

import ast
from enum import Enum
from typing import NamedTuple

from secreview.analysis.rules._support.command_line import (
    filled_from_command_line,
    parameter_of,
)
from secreview.analysis.rules._support.local_bindings import (
    MAX_DEPTH,
    bindings_before,
    scope_nodes_of,
)
from secreview.analysis.rules._support.worker_results import receives_program_made_result
from secreview.analysis.taint import AnalysisContext, taint_events, untrusted_input_reaches
from secreview.analysis.taint.context import LIBRARY_ORIGIN, OPERATOR_ORIGINS
from secreview.analysis.taint.markers import UNREAD_CALL
from secreview.findings import Confidence
from secreview.index.context import ModuleContext

_PROGRAM_TEXT = frozenset(
    {
        # The program's own source and signatures: text of code already loaded in the process.
        "inspect.getsource",
        "inspect.getsourcelines",
        "inspect.getdoc",
        "inspect.getcomments",
        "inspect.signature",
        "inspect.getfullargspec",
        "inspect.getargspec",
        "inspect.formatargspec",
        # Serialisations of objects the process holds: unpickling them only rebuilds those objects.
        "pickle.dumps",
        "cPickle.dumps",
        "_pickle.dumps",
        "dill.dumps",
        "cloudpickle.dumps",
        "marshal.dumps",
        # ElementTree's serialiser never writes a DOCTYPE, so its output declares no entities.
        "xml.etree.ElementTree.tostring",
        "xml.etree.ElementTree.tostringlist",
        "xml.etree.cElementTree.tostring",
    }
)
"""Calls whose result the program made, whatever their arguments."""

_COMMAND_OUTPUTS = frozenset({"subprocess.check_output", "subprocess.getoutput", "subprocess.run"})
"""The output of a command the program runs: program-made when its command line and input are."""
_TRANSFORMS = frozenset(
    {
        "textwrap.dedent",
        "textwrap.indent",
        "ast.parse",
        "ast.fix_missing_locations",
        "ast.increment_lineno",
        "ast.copy_location",
        "ast.unparse",
        "str",
        "repr",
        "bytes",
        "compile",
        *_COMMAND_OUTPUTS,
    }
)
"""Calls whose result is program-made when every argument is."""

_STRING_METHODS = frozenset(
    {
        "format",
        "join",
        "strip",
        "lstrip",
        "rstrip",
        "replace",
        "encode",
        "decode",
        "lower",
        "upper",
        "splitlines",
        "expandtabs",
    }
)
_NETWORK_READS = frozenset({"remote", "socket", "model"})
"""Taint origins of data read from the network: requests, socket reads, HTTP responses and a
language model's replies (its prompt carries what others wrote)."""
_ARCHIVE = "archive"
"""The taint origin of an archive member: chosen by whoever made the archive, which may be the
operator (a file they name) as well as a stranger, so it is not rated as network input."""
_LIBRARY_KIND = "a parameter of a public function (the `library` threat model)"
_VISITOR_METHODS = frozenset({"visit", "generic_visit"})
"""`ast.NodeVisitor` methods: the program's own visitor rewriting a tree it was given."""
_OWN_NAMES = frozenset({"__name__", "__qualname__", "__module__", "__doc__"})
"""Identifiers and docstrings of the program's own objects."""


class Trust(Enum):
    """Who can choose the data reaching a call."""

    UNTRUSTED = "untrusted"
    UNTRACED = "untraced"
    PROGRAM_MADE = "program-made"


class DataOrigin(NamedTuple):
    """The trust of the data reaching one call, and the words a finding says it in."""

    trust: Trust
    phrase: str
    remote: bool = False
    """For untrusted data: whether it came over the network (not the operator's own input)."""
    public_parameter: bool = False
    """For untrusted data under the `library` threat model: a parameter of a public function,
    which any caller may fill, but no flow from real input is shown."""
    operator: bool = False
    """For untrusted data: only the operator's own input (command line, standard input, files
    they name) reaches the call, which the default threat model trusts."""
    likely: bool = False
    """For network input: every path to the call goes through a call the scan does not follow
    (`UNREAD_CALL`), taken to carry its arguments' data: likely, not proven."""

    def confidence(self, usual: Confidence) -> Confidence:
        """High for network input (medium when only likely, as the taint rules rate it), medium
        for a public function's parameter under the `library` threat model, low for
        program-made values, archive members or the operator's own input."""
        if self.trust is Trust.UNTRUSTED:
            if self.remote:
                return Confidence.MEDIUM if self.likely else Confidence.HIGH
            return Confidence.MEDIUM if self.public_parameter else Confidence.LOW
        if self.trust is Trust.PROGRAM_MADE:
            return Confidence.LOW
        return usual


PROGRAM_MADE = DataOrigin(Trust.PROGRAM_MADE, "only program-made values reach this call")


def data_origin(context: ModuleContext, call: ast.Call, data: ast.expr) -> DataOrigin:
    """Where `data`, an argument of `call`, comes from (see the module docstring)."""
    if isinstance(context, AnalysisContext):
        if untrusted_input_reaches(context, call) or _public_parameter_reaches(context, call):
            return _untrusted(context, call)
        reaching = taint_events(context).sinks.get(id(call), frozenset())
        if reaching & OPERATOR_ORIGINS and not _filled_otherwise(context, data):
            return DataOrigin(Trust.UNTRUSTED, "the operator's own input reaches it", operator=True)
    if is_program_made(context, data):
        return PROGRAM_MADE
    return DataOrigin(Trust.UNTRACED, "where this value comes from could not be traced")


def _filled_otherwise(context: ModuleContext, data: ast.expr) -> bool:
    """Whether `data` is a parameter (or the loop variable over one) that some call of its
    function fills with something other than the command line: the operator's input reaching
    through one call (`plugin_setup(args.setup)`) says nothing of another passing a file's text
    (`plugin_setup(load_plugin_setup())`), nor of a method's callers elsewhere."""
    parameter = parameter_of(context, data) if isinstance(data, ast.Name) else None
    return parameter is not None and not filled_from_command_line(context, parameter)


def only_operator_input_reaches(context: ModuleContext, call: ast.AST) -> bool:
    """Whether the operator's own input (the command line, standard input) reaches `call` and
    nothing else the taint engine traces does: no untrusted input the threat model reports (the
    `all` model reports the operator's too, and then this is False), no parameter whose callers
    decide, no public function's parameter. Values it cannot trace (a global, an attribute) do
    not count either way."""
    if not isinstance(context, AnalysisContext):
        return False
    taint = taint_events(context)
    reaching = taint.sinks.get(id(call), frozenset())
    return (
        bool(reaching & OPERATOR_ORIGINS)
        and reaching <= OPERATOR_ORIGINS
        and not reaching & taint.reported
        and not _public_parameter_reaches(context, call)  # type: ignore[arg-type]
    )


def _public_parameter_reaches(context: AnalysisContext, call: ast.Call) -> bool:
    """Whether, under the `library` threat model, a public function's parameter reaches `call`."""
    return any(
        e.node is call and e.flow.origin == LIBRARY_ORIGIN for e in taint_events(context).events
    )


def _untrusted(context: AnalysisContext, call: ast.Call) -> DataOrigin:
    """The untrusted origin that reaches `call`, named by its source when the flow ends in the
    sink's own argument (else by its trust kind alone). Network input (a request, a socket read,
    an HTTP response) is preferred, then a public function's parameter, then an archive member,
    then the operator's own input."""
    taint = taint_events(context)
    reaching = taint.sinks.get(id(call), frozenset())
    network = reaching & _NETWORK_READS
    public = not network and _public_parameter_reaches(context, call)
    archive = not (network or public) and _ARCHIVE in reaching
    if network:
        wanted, kind = network, "untrusted input"
    elif public:
        wanted, kind = frozenset({LIBRARY_ORIGIN}), _LIBRARY_KIND
    elif archive:
        wanted, kind = frozenset({_ARCHIVE}), "the content of an archive member"
    else:
        wanted, kind = OPERATOR_ORIGINS, "the operator's own input"
    made = {
        "remote": bool(network),
        "public_parameter": public,
        "operator": not (network or public or archive),
    }
    events = [e for e in taint.events if e.node is call and e.flow.origin in wanted]
    if not events:
        return DataOrigin(Trust.UNTRUSTED, f"{kind} reaches it", **made)
    made["likely"] = bool(network) and all(UNREAD_CALL in e.flow.safe_for for e in events)
    step = min(events, key=lambda e: e.flow.origin).flow.steps[0]
    source = context.one_line(step[0], 50) or step[1]
    return DataOrigin(Trust.UNTRUSTED, f"{kind} from `{source}` reaches it", **made)


def is_program_made(
    context: ModuleContext, expr: ast.expr, depth: int = 0, assumed: frozenset[int] = frozenset()
) -> bool:
    """Whether only the program itself can have made the value of `expr` (see module docstring).

    `assumed` are the bindings being judged (their node ids): a binding that refers back to itself
    (`node = visitor.visit(node)` in a loop) adds nothing from outside by that reference, so it
    is judged by its other parts; the name's other bindings are judged as usual."""
    if depth > MAX_DEPTH:
        return False
    if context.is_constant(expr):
        return True
    match expr:
        case ast.Name():
            return _name_is_program_made(context, expr, depth, assumed)
        case ast.Attribute(attr="stdout", value=process):
            return is_program_made(context, process, depth + 1, assumed)  # `run(...).stdout`
        case ast.Attribute(attr=attribute):
            return attribute in _OWN_NAMES
        case ast.Call():
            return _call_is_program_made(context, expr, depth, assumed)
        case ast.JoinedStr(values=parts) | ast.Tuple(elts=parts) | ast.List(elts=parts):
            return all(is_program_made(context, part, depth + 1, assumed) for part in parts)
        case ast.FormattedValue(value=value):
            return is_program_made(context, value, depth + 1, assumed)
        case ast.BinOp(op=ast.Mult(), left=left, right=right) if _is_text(context, left) or (
            _is_text(context, right)
        ):
            return True  # `"\n" * n`: copies of fixed text, whatever the count
        case ast.BinOp(left=left, right=right):
            return is_program_made(context, left, depth + 1, assumed) and is_program_made(
                context, right, depth + 1
            )
        case ast.IfExp(body=body, orelse=orelse):
            return is_program_made(context, body, depth + 1, assumed) and is_program_made(
                context, orelse, depth + 1
            )
        case ast.Subscript(value=value, slice=index):
            return is_program_made(context, value, depth + 1, assumed) and is_program_made(
                context, index, depth + 1
            )
    return False


def _is_text(context: ModuleContext, expr: ast.expr) -> bool:
    return isinstance(context.constant_value(expr), str | bytes)


def _name_is_program_made(
    context: ModuleContext, name: ast.Name, depth: int, assumed: frozenset[int]
) -> bool:
    """Every value the function may have bound `name` to here is program-made, and the function
    never changes it in place (`parts.append(text)` would add what the binding does not show)."""
    bindings = bindings_before(context, name)
    if bindings is None:
        if name.id in _OWN_NAMES:
            return True  # the module's own `__name__`, `__doc__`
        constant = context.module_constants.get(name.id)
        return constant is not None and is_program_made(context, constant, depth + 1)
    judged = [b for b in bindings if id(b.node) not in assumed]
    if bindings and not judged:
        return True  # only the binding being judged, referring back to itself
    if judged and all(isinstance(b.node, ast.arg) for b in judged):
        return receives_program_made_result(  # a task runner's callback given a worker's result
            context, name, lambda value: is_program_made(context, value, depth + 1)
        )
    return (
        bool(judged)
        and not _changed_in_place(context, name)
        and all(
            b.value is not None
            and is_program_made(context, b.value, depth + 1, assumed | {id(b.node)})
            for b in judged
        )
    )


def _changed_in_place(context: ModuleContext, name: ast.Name) -> bool:
    """Whether the function calls a method of `name` (other than a string method, which returns a
    new value) or assigns into it (`name[k] = v`)."""
    scope = context.enclosing_function(name) or context.tree
    known = context.derived(_changed_by_scope)
    changed = known.get(id(scope))
    if changed is None:  # once per function: asked for each name, it walked the whole body
        changed = known[id(scope)] = _names_changed_in_place(context, name)
    return name.id in changed


def _changed_by_scope(context: ModuleContext) -> dict[int, frozenset[str]]:
    """A module's memo for `_changed_in_place`: by function, the names changed in place."""
    return {}


def _names_changed_in_place(context: ModuleContext, name: ast.Name) -> frozenset[str]:
    """The names of the function around `name` that it changes in place (`_changed_in_place`)."""
    changed: set[str] = set()
    for node in scope_nodes_of(context, name):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            target = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr not in _STRING_METHODS
        ):
            target = node.func.value
        else:
            continue
        if isinstance(target, ast.Name):
            changed.add(target.id)
    return frozenset(changed)


def _call_is_program_made(
    context: ModuleContext, call: ast.Call, depth: int, assumed: frozenset[int]
) -> bool:
    """A call whose result the program made: a producer of program text, or a transformation
    (a listed function, a string method, an AST visitor) of program-made inputs only."""
    name = context.call_name(call)
    if name in _PROGRAM_TEXT:
        return True
    inputs: list[ast.expr] = [*call.args, *(k.value for k in call.keywords)]
    if name in _COMMAND_OUTPUTS:  # the other keywords are options (`text=True`, `stderr=PIPE`)
        inputs = [*call.args, *(k.value for k in call.keywords if k.arg in ("args", "input"))]
    if name not in _TRANSFORMS:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return False
        if func.attr in _STRING_METHODS:
            inputs.append(func.value)
        elif func.attr not in _VISITOR_METHODS:
            return False
    return all(
        not isinstance(value, ast.Starred) and is_program_made(context, value, depth + 1, assumed)
        for value in inputs
    )
