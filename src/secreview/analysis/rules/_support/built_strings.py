"""How a string was built: fixed text and the run-time values spliced into it.

`query = "SELECT ... '%s'" % name` two lines above `cursor.execute(query)` splits into the fixed
text `SELECT ... '` and the value `name`; `cmd = "ls -l"` above `os.system(cmd)` is all fixed text.
`+`, `%`, `str.format`, f-strings, `sep.join([...])` and conditional expressions are read through
local names (`local_bindings`); a value formatted as a number (`%d`, `{:d}`) is marked so, since it
cannot carry quotes or shell metacharacters.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable
from typing import NamedTuple

from secreview.analysis.rules._support.comprehension_names import generator_binds
from secreview.analysis.rules._support.local_bindings import (
    MAX_DEPTH,
    bindings_before,
    mapping_values,
    sequence_elements,
)
from secreview.analysis.rules._support.number_annotations import (
    holds_number_attribute,
    loops_over_numbers,
    number_parameter,
)
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.written_strings import (
    generated_kinds,
    literal_strings_parameter,
    loops_over_strings,
    strings_only,
)
from secreview.index.context import UNKNOWN, ModuleContext
from secreview.patterns import lazy_pattern

_PERCENT_SPEC = lazy_pattern(
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<type>[diouxXeEfFgGcrsa%])"
)
# Conversions that only accept numbers, so the text they produce cannot carry quotes or shell
# metacharacters. `c` is left out on purpose: `"%c" % 39` is a quote.
_NUMERIC_PERCENT_TYPES = frozenset("diouxXeEfFgG")
_NUMERIC_FORMAT_TYPES = frozenset("bdoxXneEfFgG%")
_CONSTANT_STYLE = lazy_pattern(r"^_*[A-Z][A-Z0-9_]*$")


class Piece(NamedTuple):
    """A piece of a string built at run time: fixed `text`, or the expression `node` supplying it.

    `numeric` marks a run-time value formatted as a number (`%d`, `{:d}`), which cannot carry
    quotes or metacharacters; `looped` one of the strings a loop runs over, written in the source
    (`for table in ["a", "b"]:`), a parameter annotated `Literal["a", "b"]`, or a value looked up
    in a dict of strings written in the source (`self.SUPPORTED_GROUP_BY[field]`), known but not
    as one text. `via` lists the assignments the
    piece travelled through, outermost first, so a finding can show where the string was
    assembled.
    """

    text: str | None = None
    node: ast.expr | None = None
    numeric: bool = False
    via: tuple[ast.AST, ...] = ()
    looped: bool = False

    @property
    def is_dynamic(self) -> bool:
        """Whether the piece is a run-time value that may carry arbitrary text."""
        return self.node is not None and not self.numeric and not self.looped


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
    return _fixed_or_none(string_pieces(context, expr))


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def string_pieces(context: ModuleContext, expr: ast.expr, depth: int = 0) -> list[Piece]:
    """Split a string expression into fixed text and the run-time values spliced into it.

    Understands literals, module constants, `+`, `%` formatting, `str.format`, f-strings,
    `sep.join([...])`, `a if c else b` and local names assigned earlier in the same function.
    """
    if depth > MAX_DEPTH:
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
        case ast.Call(
            func=ast.Attribute(attr="join", value=separator),
            args=[ast.GeneratorExp() | ast.ListComp() as generated],
        ) if not expr.keywords:
            return _generated_join_pieces(context, separator, generated, expr, depth)
        case ast.IfExp(body=body, orelse=orelse):
            return _either_pieces(context, body, orelse, depth)
        case ast.Call(args=[shown]) if not expr.keywords and context.call_name(expr) == "str":
            return string_pieces(context, shown, depth + 1)  # a text or a number, as it is
        case ast.Attribute() if holds_number_attribute(context, expr):
            return [Piece(node=expr, numeric=True)]
        case ast.Name():
            return _name_pieces(context, expr, depth)
        case ast.Subscript(value=table) if strings_only(context, mapping_values(context, table)):
            return [Piece(node=expr, looped=True)]  # one of the table's texts, whatever the key
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
        whole_value = key == field
        if key == "":
            key, automatic = str(automatic), automatic + 1
        if key.isdigit():
            value = call.args[int(key)] if int(key) < len(call.args) else None
        else:
            value = keywords.get(key)
        if value is None:
            return fallback
        if not whole_value:  # `{0.attr}` / `{0[key]}`: some part of the value, never fixed text
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


def _generated_join_pieces(
    context: ModuleContext,
    separator: ast.expr,
    generated: ast.GeneratorExp | ast.ListComp,
    call: ast.Call,
    depth: int,
) -> list[Piece]:
    """`", ".join(f"c{i}" for i in range(n))`: one piece for the whole join, known (like a
    loop's strings) when every item the comprehension makes is fixed text and numbers."""
    if fixed_text(context, separator) is None:
        return [Piece(node=call)]
    items = string_pieces(context, generated.elt, depth + 1)
    return [Piece(node=call, looped=not any(p.is_dynamic for p in items))]


def _either_pieces(
    context: ModuleContext, body: ast.expr, orelse: ast.expr, depth: int
) -> list[Piece]:
    """`a if c else b`: the first branch's pieces stand for the text, with the run-time values
    of both."""
    first = string_pieces(context, body, depth + 1)
    second = string_pieces(context, orelse, depth + 1)
    return first + [p for p in second if p.node is not None]


def _name_pieces(context: ModuleContext, name: ast.Name, depth: int) -> list[Piece]:
    if generator_binds(context, name):
        numeric, looped = generated_kinds(context, name)
        return [Piece(node=name, numeric=numeric, looped=looped)]
    bindings = bindings_before(context, name)
    if not bindings:
        return [Piece(node=name)]
    looped = [
        b
        for b in bindings
        if b.value is None
        and (loops_over_strings(context, b.node) or literal_strings_parameter(b.node))
    ]
    numbers = [
        b
        for b in bindings
        if b.value is None and (loops_over_numbers(context, b.node) or number_parameter(b.node))
    ]
    if any(b.value is None and b not in looped and b not in numbers for b in bindings):
        return [Piece(node=name)]
    pieces: list[Piece] = [Piece(node=name, via=(b.node,), looped=True) for b in looped[:1]]
    pieces += [Piece(node=name, via=(b.node,), numeric=True) for b in numbers[:1]]
    for binding in bindings:
        if binding.value is None:
            continue
        if binding.augmented_op is not None and not isinstance(binding.augmented_op, ast.Add):
            return [Piece(node=name)]
        for piece in string_pieces(context, binding.value, depth + 1):
            if piece.node is not None:
                piece = piece._replace(via=(binding.node, *piece.via))
            pieces.append(piece)
    return pieces


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


def _assigned(node: ast.AST) -> ast.AST:
    """The name an assignment binds (`x6` of `x6 = x5 + "a"`), or the node itself."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        return node.targets[0]
    if isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
        return node.target
    return node


def assembly_evidence(
    context: ModuleContext, pieces: Iterable[Piece]
) -> tuple[tuple[ast.AST, str], ...]:
    """Evidence steps for the assignments that spliced run-time values into a string.

    The innermost assignment a piece went through is where its value was spliced in; each
    outer one only passed the text on (`x6 = x5 + "a"` after `x5 = x4 + "a"`), and says so
    by the name it passed it to, rather than repeating the spliced value at every line."""
    steps: list[tuple[ast.AST, str]] = []
    seen: set[int] = set()
    for piece in pieces:
        if piece.node is None:
            continue
        for position, node in enumerate(reversed(piece.via)):
            if id(node) in seen:
                continue
            seen.add(id(node))
            note = (
                f"`{code(context, piece.node, 40)}` spliced into the text here"
                if position == 0
                else f"the text goes on as `{code(context, _assigned(node), 40)}`"
            )
            steps.append((node, note))
    steps.sort(key=lambda step: (getattr(step[0], "lineno", 0), getattr(step[0], "col_offset", 0)))
    return tuple(steps)
