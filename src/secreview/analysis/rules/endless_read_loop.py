"""CWE-835: a `while True` read loop that waits for some content and never for the end.

Parsers of binary formats scan a stream for a marker: `while True: tok = stream.read(1)`, then
`if tok == b"E": ...` until an end marker is seen. At the end of the stream `read` returns
`b""` at once, forever, so when a crafted file never holds the marker the loop spins on without
end (PyPDF2's inline images, CVE-2022-24859). A loop is safe when it looks at whether a read
came back empty (`if not tok: raise ...`, `len(tok)`, `tok == b""`), or when something else
than the read content can end it (a counter, an `except` around the read).

The rule reports a `while True:` loop that assigns names from `.read(...)`, `.read1(...)`,
`.readline(...)` or `.recv(...)` calls in its own body, never tests one of them for emptiness,
and can only be left (`break`, `return`, `raise`) under `if`/`while` tests that look at one of
those names: every exit waits for particular content.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_READS = frozenset({"read", "read1", "readline", "recv"})
_EXITS = (ast.Break, ast.Return, ast.Raise)
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_EMPTY = ("", b"")


def _outside_inner_loops(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """The loop body's nodes, not those of functions, classes or loops nested in it (the
    whole body, nested loops included, is `scope_nodes`)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*_NESTED_SCOPES, ast.For, ast.AsyncFor, ast.While)):
            stack.extend(ast.iter_child_nodes(node))


def _read_names(loop: ast.While) -> set[str]:
    """Names the loop body assigns from a stream read (`tok = stream.read(1)`), outside the
    loops nested in it: those loops' own ends are their business."""
    names: set[str] = set()
    for node in _outside_inner_loops(loop.body):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        func = node.value.func
        if isinstance(func, ast.Attribute) and func.attr in _READS:
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _is_empty_value(node: ast.AST) -> bool:
    """`b""`, `""`, `None` (also wrapped as `b_("")`), or a tuple/list/set literal holding one
    (`tok in (b"", b"\\n")`)."""
    if isinstance(node, ast.Constant):
        return node.value is None or node.value in _EMPTY
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        return _is_empty_value(node.args[0])  # `b_("")`, a Python 2/3 bytes helper
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_empty_value(element) for element in node.elts)
    return False


def _tests_emptiness(loop: ast.While, names: set[str]) -> bool:
    """Whether the loop looks at whether a read came back empty: `not tok` (or `not
    tok.strip()`), a bare `tok` as a test or operand of `and`/`or`, `len(tok)`, or a comparison
    with `b""`, `""` or `None` (a `readline` of the project's that returns None at the end)."""

    def read_name(node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id in names

    def mentions(node: ast.AST) -> bool:
        return any(read_name(n) for n in ast.walk(node))

    for node in scope_nodes(loop.body):
        match node:
            case ast.UnaryOp(op=ast.Not(), operand=operand) if mentions(operand):
                return True
            case ast.If(test=test) | ast.While(test=test) | ast.IfExp(test=test) if read_name(test):
                return True
            case ast.BoolOp(values=values) if any(read_name(v) for v in values):
                return True
            case ast.Call(func=ast.Name(id="len"), args=[argument]) if mentions(argument):
                return True
            case ast.Compare(left=left, comparators=comparators):
                operands = [left, *comparators]
                if any(_is_empty_value(o) for o in operands) and any(mentions(o) for o in operands):
                    return True
    return False


_NEGATIONS = (ast.NotEq, ast.NotIn, ast.IsNot, ast.Not)


def _waits_for(test: ast.expr, names: set[str]) -> bool:
    """Whether `test` holds only for particular content of a read: it looks at a read name and
    negates nothing (`tok != b"E"` and `not tok.isdigit()` also hold for an empty read)."""
    nodes = list(ast.walk(test))
    return any(isinstance(n, ast.Name) and n.id in names for n in nodes) and not any(
        isinstance(n, _NEGATIONS) for n in nodes
    )


def _exits_wait_for_content(context: ModuleContext, loop: ast.While, names: set[str]) -> bool:
    """Whether the loop has exits and each sits under a test of a read name (inside the loop),
    and no `try` in the loop catches what the read might raise."""
    exits: list[ast.AST] = []
    for node in scope_nodes(loop.body):
        if isinstance(node, ast.Try | ast.TryStar) and node.handlers:
            return False
        if isinstance(node, _EXITS):
            exits.append(node)
    if not exits:
        return False
    return all(_exit_waits(context, loop, exit_node, names) for exit_node in exits)


def _exit_waits(
    context: ModuleContext, loop: ast.While, exit_node: ast.AST, names: set[str]
) -> bool:
    """Whether `exit_node` leaves `loop` only for particular content: it sits in the body (not
    the `else`) of an `if` that waits for a read's content, or it is the `break` of an inner
    loop, which does not leave this one."""
    child: ast.AST = exit_node
    guarded = False
    for ancestor in context.ancestors(exit_node):
        if ancestor is loop:
            break
        if isinstance(ancestor, ast.For | ast.AsyncFor | ast.While) and isinstance(
            exit_node, ast.Break
        ):
            return True
        if isinstance(ancestor, ast.If) and child in ancestor.body:
            guarded = guarded or _waits_for(ancestor.test, names)
        child = ancestor
    return guarded


@rule(
    id="endless-read-loop",
    name="Read loop that never checks for the end of the stream",
    cwe=835,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A `while True:` loop reads from a stream and leaves only when it sees particular "
    "content, never when a read comes back empty: at the end of a crafted input it spins "
    "forever.",
    fix="Test every read for the end of the stream and stop there (`if not tok: raise "
    "EOFError(...)`), or read in chunks and search them for the marker.",
    what_it_does="Reports a `while True:` loop that assigns names from `.read(...)`, "
    "`.read1(...)`, `.readline(...)` or `.recv(...)` in its own body, never tests one of them "
    'for emptiness (`not tok`, `not tok.strip()`, `if tok`, `len(tok)`, `tok == b""`, '
    "`tok is None`), has no `try` with a "
    "handler inside it, and whose every `break`, `return` or `raise` sits under an `if` that "
    "looks at one of those names.",
    why_bad="`read` returns an empty value at the end of the stream instead of raising, so a "
    "loop that waits for a marker the input never holds keeps reading nothing: one crafted "
    "file or connection holds a worker at full CPU for good, a denial of service (CWE-835).",
    example='while True:\n    tok = stream.read(1)\n    if tok == b"E" and stream.read(1) == '
    'b"I":\n        break\n    data += tok',
    use_instead="while True:\n    tok = stream.read(1)\n    if not tok:\n        raise "
    'EOFError("no end marker")\n    if tok == b"E" and stream.read(1) == b"I":\n        break\n'
    "    data += tok",
    references=(
        "https://cwe.mitre.org/data/definitions/835.html",
        "https://github.com/py-pdf/pypdf/security/advisories/GHSA-xcjx-m2pj-8g79",
    ),
    visits=(ast.While,),
)
def endless_read_loop(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report `while True` read loops whose exits wait for content and never for the end."""
    assert isinstance(node, ast.While)
    if not (isinstance(node.test, ast.Constant) and node.test.value in (True, 1)):
        return
    names = _read_names(node)
    if not names or _tests_emptiness(node, names):
        return
    if not _exits_wait_for_content(context, node, names):
        return
    shown = ", ".join(f"`{name}`" for name in sorted(names))
    yield Hit(
        node=node,
        message=f"This `while True:` loop reads {shown} from a stream and leaves only on "
        "particular content, never when a read comes back empty: at the end of an input "
        "without that content it spins forever.",
    )
