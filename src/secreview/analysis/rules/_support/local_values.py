"""Local facts the injection-style rules share: what a name was bound to, how a string was built.

A pattern rule sees one call. These helpers look back inside the same function, one binding at a
time, so that `query = "SELECT ... '%s'" % name` two lines above `cursor.execute(query)` counts as
built from `name`, and `cmd = "ls -l"` above `os.system(cmd)` counts as a constant. This is not a
dataflow analysis: branches are merged, loops are ignored, and whatever is unclear counts as a
value known only at run time (so it can raise a finding, never hide one behind a guess).
"""

from __future__ import annotations

import ast
import dataclasses
import re
import string
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass

from secreview.index.context import UNKNOWN, ModuleContext

_MAX_DEPTH = 12  # bindings followed through other bindings; deeper chains count as unknown
_NESTED_SCOPES = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
)
_PERCENT_SPEC = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
# Conversions that only accept numbers, so the text they produce cannot carry quotes or shell
# metacharacters. `c` is left out on purpose: `"%c" % 39` is a quote.
_NUMERIC_PERCENT_TYPES = frozenset("diouxXeEfFgG")
_NUMERIC_FORMAT_TYPES = frozenset("bdoxXneEfFgG%")
_NUMBER_CONVERSIONS = frozenset({"int", "float", "len", "bool", "round", "abs"})
_CONSTANT_STYLE = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Binding:
    """One place a scope binds a name, and where the binding takes effect.

    `value` is what a plain `name = value` (or `with value as name`, `name := value`) binds; it is
    None when the binding is opaque (a parameter, a loop variable, tuple unpacking, an import).
    `augmented_op` marks `name op= value`, which extends the previous value instead of replacing it.
    """

    node: ast.AST
    value: ast.expr | None
    end: tuple[int, int]
    augmented_op: ast.operator | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of a string built at run time: fixed `text`, or the expression `node` supplying it.

    `numeric` marks a run-time value formatted as a number (`%d`, `{:d}`), which cannot carry
    quotes or metacharacters. `via` lists the assignments the piece travelled through, outermost
    first, so a finding can show where the string was assembled.
    """

    text: str | None = None
    node: ast.expr | None = None
    numeric: bool = False
    via: tuple[ast.AST, ...] = ()

    @property
    def is_dynamic(self) -> bool:
        """Whether the piece is a run-time value that may carry arbitrary text."""
        return self.node is not None and not self.numeric


# ----- bindings ------------------------------------------------------------------------------
def _end(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)


def _scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """Nodes that belong to `scope` itself, not to functions, classes or comprehensions in it."""
    pending = list(ast.iter_child_nodes(scope))
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, _NESTED_SCOPES):
            pending.extend(ast.iter_child_nodes(node))


def _name_binding(context: ModuleContext, name: ast.Name) -> Binding:
    """What storing into `name` binds, judged from the statement around it."""
    parent = context.parent(name)
    match parent:
        case ast.Assign(targets=targets, value=value) if any(t is name for t in targets):
            return Binding(parent, value, _end(parent))
        case ast.AnnAssign(target=target, value=value) if target is name and value is not None:
            return Binding(parent, value, _end(parent))
        case ast.AugAssign(target=target, op=op, value=value) if target is name:
            return Binding(parent, value, _end(parent), augmented_op=op)
        case ast.NamedExpr(target=target, value=value) if target is name:
            return Binding(parent, value, _end(parent))
        case ast.withitem(context_expr=value, optional_vars=target) if target is name:
            statement = context.parent(parent) or name
            return Binding(statement, value, _end(name))
    return Binding(name, None, _end(name))


def _new_bindings_table(context: ModuleContext) -> dict[int, dict[str, list[Binding]]]:
    """An empty table of bindings by scope id, filled as rules ask (one per module)."""
    return {}


def _collect_bindings(context: ModuleContext, scope: ast.AST) -> dict[str, list[Binding]]:
    found: dict[str, list[Binding]] = {}
    for node in _scope_nodes(scope):
        match node:
            case ast.Name(ctx=ast.Store()):
                found.setdefault(node.id, []).append(_name_binding(context, node))
            case ast.arg() | ast.Global() | ast.Nonlocal():
                # bound before the body runs, or by code elsewhere: opaque from the start
                names = [node.arg] if isinstance(node, ast.arg) else node.names
                for each in names:
                    found.setdefault(each, []).append(Binding(node, None, (0, 0)))
            case ast.FunctionDef() | ast.AsyncFunctionDef() | ast.ClassDef():
                found.setdefault(node.name, []).append(Binding(node, None, _end(node)))
            case ast.Import() | ast.ImportFrom():
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    found.setdefault(local, []).append(Binding(node, None, _end(node)))
            case ast.ExceptHandler(name=str() as caught):
                found.setdefault(caught, []).append(Binding(node, None, _end(node)))
            case ast.MatchAs(name=str() as captured) | ast.MatchStar(name=str() as captured):
                found.setdefault(captured, []).append(Binding(node, None, _end(node)))
    for bindings in found.values():
        bindings.sort(key=lambda b: b.end)
    return found


def _scope_bindings(context: ModuleContext, scope: ast.AST) -> dict[str, list[Binding]]:
    """Every binding in `scope`, by name; computed once per scope."""
    table = context.derived(_new_bindings_table)
    key = id(scope)
    if key not in table:
        table[key] = _collect_bindings(context, scope)
    return table[key]


def _statement_slot(context: ModuleContext, node: ast.AST) -> tuple[ast.AST, list[ast.AST], int]:
    """(owner, block, index) of the statement holding `node`: where it sits in a body list."""
    current: ast.AST | None = node
    while current is not None:
        owner = context.parent(current)
        if owner is None:
            break
        for field in ("body", "orelse", "finalbody"):
            block = getattr(owner, field, None)
            if isinstance(block, list):
                for index, statement in enumerate(block):
                    if statement is current:
                        return owner, block, index
        current = owner
    return context.tree, [], 0


def _always_precedes(context: ModuleContext, binding: ast.AST, use: ast.AST) -> bool:
    """Whether `binding` runs on every path to `use`: its statement sits in a block that also
    holds (a statement enclosing) the use, at or before it. Branches and loops elsewhere do not."""
    owner, block, index = _statement_slot(context, binding)
    current: ast.AST | None = use
    while current is not None and current is not owner:
        if context.parent(current) is owner:
            return any(s is current for s in block[index:])
        current = context.parent(current)
    return False


def bindings_before(context: ModuleContext, name: ast.Name) -> list[Binding] | None:
    """How `name` may have been bound in its own scope at this use, in source order.

    None when the scope never binds it (a global, an import or a builtin); an empty list when it
    is only bound later (a loop carries it round), which callers treat as unknown. A plain
    assignment that always runs before the use hides the bindings before it.
    """
    scope: ast.AST = context.enclosing_function(name) or context.tree
    bound = _scope_bindings(context, scope).get(name.id)
    if not bound:
        return None
    position = (name.lineno, name.col_offset)
    before = [b for b in bound if b.end <= position]
    for index in range(len(before) - 1, 0, -1):
        binding = before[index]
        if (
            binding.value is not None
            and binding.augmented_op is None
            and _always_precedes(context, binding.node, name)
        ):
            return before[index:]
    return before


def scope_nodes_of(context: ModuleContext, node: ast.AST) -> Iterator[ast.AST]:
    """The nodes of the function around `node` (or of the module), without nested scopes."""
    return _scope_nodes(context.enclosing_function(node) or context.tree)


def assigned_values(context: ModuleContext, expr: ast.expr) -> list[tuple[ast.expr, ast.AST]]:
    """The plain values a local name may hold here, each with its assignment; else `expr` itself.

    Augmented and opaque bindings are left out: they never make an object of a known kind.
    """
    if isinstance(expr, ast.Name):
        bindings = bindings_before(context, expr)
        if bindings:
            return [(b.value, b.node) for b in bindings if b.value and not b.augmented_op]
        if bindings is None and expr.id in context.module_constants:
            return [(context.module_constants[expr.id], expr)]
        return []
    return [(expr, expr)]


def origin_calls(context: ModuleContext, expr: ast.expr) -> list[ast.Call]:
    """Calls whose result `expr` may be: itself, or what a local name was assigned or bound to."""
    return [value for value, _ in assigned_values(context, expr) if isinstance(value, ast.Call)]


def made_by(context: ModuleContext, expr: ast.expr, factories: Container[str]) -> ast.Call | None:
    """The call to one of `factories` (qualified names) that built the object `expr` refers to,
    when it is visible: `expr` itself, or what a local was assigned or bound to with `with`."""
    for call in origin_calls(context, expr):
        if context.call_name(call) in factories:
            return call
    return None


def single_value(context: ModuleContext, expr: ast.expr) -> ast.expr:
    """What a local name holds when it was bound exactly once to a plain value, else `expr`."""
    if isinstance(expr, ast.Name):
        bindings = bindings_before(context, expr)
        if bindings and len(bindings) == 1:
            only = bindings[0]
            if only.value is not None and only.augmented_op is None:
                return only.value
    return expr


# ----- fixed values and sequences ------------------------------------------------------------
def sequence_elements(
    context: ModuleContext, expr: ast.expr, depth: int = 0
) -> list[ast.expr] | None:
    """The elements of a list/tuple built in the source (through locals and `+`), else None."""
    if depth > _MAX_DEPTH:
        return None
    match expr:
        case ast.List(elts=elements) | ast.Tuple(elts=elements):
            result: list[ast.expr] = []
            for element in elements:
                if isinstance(element, ast.Starred):
                    inner = sequence_elements(context, element.value, depth + 1)
                    if inner is None:
                        return None
                    result.extend(inner)
                else:
                    result.append(element)
            return result
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            first = sequence_elements(context, left, depth + 1)
            second = sequence_elements(context, right, depth + 1)
            return None if first is None or second is None else first + second
        case ast.Name():
            return _name_sequence(context, expr, depth)
    return None


def _name_sequence(context: ModuleContext, name: ast.Name, depth: int) -> list[ast.expr] | None:
    bindings = bindings_before(context, name)
    if bindings is None:
        value = context.module_constants.get(name.id)
        return None if value is None else sequence_elements(context, value, depth + 1)
    plain = [b for b in bindings if b.augmented_op is None]
    if len(plain) != 1 or plain[0].value is None or plain[0] is not bindings[0]:
        return None
    result = sequence_elements(context, plain[0].value, depth + 1)
    for extension in bindings[1:]:
        if (
            result is None
            or extension.value is None
            or not isinstance(extension.augmented_op, ast.Add)
        ):
            return None
        more = sequence_elements(context, extension.value, depth + 1)
        result = None if more is None else result + more
    return result


def is_fixed(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """Whether `expr` is written in the source (through locals), not chosen at run time."""
    if context.is_constant(expr):
        return True
    elements = sequence_elements(context, expr, depth)
    if elements is not None:
        return all(is_fixed(context, e, depth + 1) for e in elements)
    return not any(p.node is not None for p in string_pieces(context, expr, depth))


def fixed_text(context: ModuleContext, expr: ast.expr) -> str | None:
    """The text of `expr` when it is fixed in the source (through locals), else None."""
    pieces = string_pieces(context, expr)
    if any(p.node is not None for p in pieces):
        return None
    return "".join(p.text or "" for p in pieces)


# ----- strings built at run time -------------------------------------------------------------
def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def string_pieces(context: ModuleContext, expr: ast.expr, depth: int = 0) -> list[Piece]:
    """Split a string expression into fixed text and the run-time values spliced into it.

    Understands literals, module constants, `+`, `%` formatting, `str.format`, f-strings,
    `sep.join([...])`, `a if c else b` and local names assigned earlier in the same function.
    """
    if depth > _MAX_DEPTH:
        return [Piece(node=expr)]
    value = context.constant_value(expr)
    if value is not UNKNOWN:
        return [Piece(text=_as_text(value))]
    match expr:
        case ast.JoinedStr(values=values):
            return [p for v in values for p in _fstring_pieces(context, v, depth)]
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            return string_pieces(context, left, depth + 1) + string_pieces(
                context, right, depth + 1
            )
        case ast.BinOp(op=ast.Mod(), left=left, right=right):
            return _percent_pieces(context, left, right, depth)
        case ast.Call(func=ast.Attribute(attr="format", value=template)):
            return _format_pieces(context, template, expr, depth)
        case ast.Call(
            func=ast.Attribute(attr="join", value=separator), args=[ast.List() | ast.Tuple()]
        ) if not expr.keywords:
            return _join_pieces(context, separator, expr.args[0], expr, depth)
        case ast.IfExp(body=body, orelse=orelse):
            return _either_pieces(context, body, orelse, depth)
        case ast.Name():
            return _name_pieces(context, expr, depth)
    return [Piece(node=expr)]


def _fixed_or_none(pieces: list[Piece]) -> str | None:
    if any(p.node is not None for p in pieces):
        return None
    return "".join(p.text or "" for p in pieces)


def _fstring_pieces(context: ModuleContext, value: ast.expr, depth: int) -> list[Piece]:
    if not isinstance(value, ast.FormattedValue):
        return string_pieces(context, value, depth + 1)
    inner = string_pieces(context, value.value, depth + 1)
    text = _fixed_or_none(inner)
    if text is not None:
        return [Piece(text=text)]
    spec = None
    if value.format_spec is not None:
        spec = fixed_text(context, value.format_spec)
    if value.conversion == -1 and spec and spec[-1] in _NUMERIC_FORMAT_TYPES:
        return [Piece(node=value.value, numeric=True)]
    return inner


def _value_piece(context: ModuleContext, value: ast.expr, numeric: bool, depth: int) -> list[Piece]:
    """The pieces a formatted argument contributes (its own pieces when it is a string)."""
    inner = string_pieces(context, value, depth + 1)
    text = _fixed_or_none(inner)
    if text is not None:
        return [Piece(text=text)]
    if numeric:
        return [Piece(node=value, numeric=True)]
    return inner


def _percent_pieces(
    context: ModuleContext, left: ast.expr, right: ast.expr, depth: int
) -> list[Piece]:
    template = string_pieces(context, left, depth + 1)
    text = _fixed_or_none(template)
    fallback = [*template, Piece(node=right)]
    if text is None:
        return fallback
    specs = [m for m in _PERCENT_SPEC.finditer(text) if m["type"] != "%"]
    if any(m["width"] == "*" or m["precision"] == "*" for m in specs):
        return fallback
    named = [m["key"] for m in specs if m["key"] is not None]
    values: list[ast.expr] | dict[str, ast.expr]
    if named:
        if len(named) != len(specs) or not isinstance(right, ast.Dict):
            return fallback
        keyed: dict[str, ast.expr] = {}
        for key, value in zip(right.keys, right.values, strict=True):
            key_text = None if key is None else context.constant_value(key)
            if not isinstance(key_text, str):
                return fallback
            keyed[key_text] = value
        values = keyed
    else:
        elements = sequence_elements(context, right) if isinstance(right, ast.Tuple) else None
        values = elements if elements is not None else [right]
        if len(values) != len(specs):
            return fallback
    pieces: list[Piece] = []
    position = 0
    index = 0
    for match in _PERCENT_SPEC.finditer(text):
        pieces.append(Piece(text=text[position : match.start()]))
        position = match.end()
        if match["type"] == "%":
            pieces.append(Piece(text="%"))
            continue
        if isinstance(values, dict):
            value = values.get(match["key"])
            if value is None:
                return fallback
        else:
            value = values[index]
            index += 1
        numeric = match["type"] in _NUMERIC_PERCENT_TYPES
        pieces.extend(_value_piece(context, value, numeric, depth))
    pieces.append(Piece(text=text[position:]))
    return pieces


def _format_pieces(
    context: ModuleContext, template_expr: ast.expr, call: ast.Call, depth: int
) -> list[Piece]:
    template = string_pieces(context, template_expr, depth + 1)
    if all(p.node is not None for p in template):
        # not a string template we can see (psycopg2's `sql.SQL(...).format` composes safely)
        return [Piece(node=call)]
    arguments = [Piece(node=a.value if isinstance(a, ast.Starred) else a) for a in call.args]
    fallback = [*template, *arguments, *(Piece(node=k.value) for k in call.keywords)]
    text = _fixed_or_none(template)
    if text is None or ModuleContext.has_star_arguments(call):
        return fallback
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return fallback
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    pieces: list[Piece] = []
    automatic = 0
    for literal, field, spec, conversion in fields:
        pieces.append(Piece(text=literal))
        if field is None:
            continue
        head = re.match(r"[^.\[]*", field)
        key = head.group(0) if head else field
        if key == "":
            key, automatic = str(automatic), automatic + 1
        if key.isdigit():
            value = call.args[int(key)] if int(key) < len(call.args) else None
        else:
            value = keywords.get(key)
        if value is None:
            return fallback
        if key != field:  # `{0.attr}` / `{0[key]}`: some part of the value, never fixed text
            pieces.append(Piece(node=value))
            continue
        numeric = conversion is None and bool(spec) and spec[-1] in _NUMERIC_FORMAT_TYPES
        pieces.extend(_value_piece(context, value, numeric, depth))
    return pieces


def _join_pieces(
    context: ModuleContext, separator: ast.expr, sequence: ast.expr, call: ast.Call, depth: int
) -> list[Piece]:
    glue = fixed_text(context, separator)
    elements = sequence_elements(context, sequence, depth + 1)
    if glue is None or elements is None:
        return [Piece(node=call)]
    pieces: list[Piece] = []
    for position, element in enumerate(elements):
        if position:
            pieces.append(Piece(text=glue))
        pieces.extend(string_pieces(context, element, depth + 1))
    return pieces


def _either_pieces(
    context: ModuleContext, body: ast.expr, orelse: ast.expr, depth: int
) -> list[Piece]:
    """`a if c else b`: the first branch's pieces stand for the text, with the run-time values
    of both."""
    first = string_pieces(context, body, depth + 1)
    second = string_pieces(context, orelse, depth + 1)
    return first + [p for p in second if p.node is not None]


def _name_pieces(context: ModuleContext, name: ast.Name, depth: int) -> list[Piece]:
    bindings = bindings_before(context, name)
    if not bindings or any(b.value is None for b in bindings):
        return [Piece(node=name)]
    pieces: list[Piece] = []
    for binding in bindings:
        assert binding.value is not None
        if binding.augmented_op is not None and not isinstance(binding.augmented_op, ast.Add):
            return [Piece(node=name)]
        for piece in string_pieces(context, binding.value, depth + 1):
            if piece.node is not None:
                piece = dataclasses.replace(piece, via=(binding.node, *piece.via))
            pieces.append(piece)
    return pieces


# ----- judging the run-time values -----------------------------------------------------------
def is_number_conversion(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is `int(...)`, `len(...)` and the like: a number, whatever went in."""
    return isinstance(expr, ast.Call) and context.call_name(expr) in _NUMBER_CONVERSIONS


def looks_internal(expr: ast.expr) -> bool:
    """Whether a run-time value looks like the program's own (`TABLE`, `settings.X`, `self.x`).

    Such values are rarely attacker-controlled, so findings built only from them are reported with
    low confidence rather than dropped: stored data read back through `self` still can be.
    """
    match expr:
        case ast.Name(id=name):
            return bool(_CONSTANT_STYLE.match(name))
        case ast.Attribute(value=ast.Name(id="self" | "cls")):
            return True
        case ast.Attribute(attr=attr):
            return bool(_CONSTANT_STYLE.match(attr))
    return False


def short(text: str, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters, for messages."""
    flat = _WHITESPACE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def code(context: ModuleContext, node: ast.AST, limit: int = 60) -> str:
    """The source of `node` on one line, shortened, for messages."""
    return short(context.segment(node), limit)


def name_values(context: ModuleContext, nodes: Iterable[ast.expr], limit: int = 3) -> str:
    """'`a`, `b` and 2 more' for the run-time values a message talks about."""
    names: list[str] = []
    for node in nodes:
        text = f"`{code(context, node, 40)}`"
        if text not in names:
            names.append(text)
    shown = names[:limit]
    rest = len(names) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else "a run-time value"


def assembly_evidence(
    context: ModuleContext, pieces: Iterable[Piece]
) -> tuple[tuple[ast.AST, str], ...]:
    """Evidence steps for the assignments that spliced run-time values into a string."""
    steps: list[tuple[ast.AST, str]] = []
    seen: set[int] = set()
    for piece in pieces:
        if piece.node is None:
            continue
        for node in reversed(piece.via):
            if id(node) in seen:
                continue
            seen.add(id(node))
            steps.append((node, f"`{code(context, piece.node, 40)}` spliced into the text here"))
    steps.sort(key=lambda step: (getattr(step[0], "lineno", 0), getattr(step[0], "col_offset", 0)))
    return tuple(steps)
