"""CWE-134: a `str.format` template assembled at run time from data, then given objects.

`str.format` reads its *template* as a small language: `{member.guild.owner}` or
`{0.__init__.__globals__[SECRET_KEY]}` walks the attributes and items of the arguments. A
template written in the source only names fields its author chose; one assembled at run time
(joined from values, concatenated, an f-string) lets whoever wrote those values add fields of
their own, which reach every object passed to `format` (a display name in a leaderboard row that
is then formatted with `member=member`). The values' origin is rarely visible (a chat
platform's users, stored rows), so the rule reads the shape and reports at low confidence.

Left alone: templates whose pieces are all written in the source (through local names and module
constants), the program's own values (`self.X`, `CONSTANT`, an entry of one read by a constant key,
`self.urls["search"]`), translated text (`_("...")`), a
call of constants (`dedent('...')`), a join of pieces whose only values are numbers (column
widths: `' | '.join(f'{{:<{w}}}' for w in widths)`), and calls whose arguments are all fixed
text or numbers, since fields can then reach nothing but strings.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import (
    is_fixed,
    looks_internal,
    string_pieces,
)
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.number_annotations import is_number_conversion
from secreview.analysis.rules._support.numeric_pieces import joined_numbers
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.translations import is_translation_call
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_FORMAT_METHODS = frozenset({"format", "format_map"})
_ASSEMBLED = (ast.BinOp, ast.JoinedStr)


def _assembled(template: ast.expr, context: ModuleContext) -> bool:
    """Whether the template is built here: joined, concatenated, %-formatted or an f-string,
    itself or as the value a local name was assigned."""
    values = (
        [value for value, _ in assigned_values(context, template)]
        if isinstance(template, ast.Name)
        else [template]
    )
    return any(
        isinstance(value, _ASSEMBLED)
        or (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and value.func.attr == "join")
        for value in values
    )  # fmt: skip


def _harmless_piece(node: ast.expr, context: ModuleContext) -> bool:
    """A run-time piece that is the program's own text, or an entry of it read by a constant key
    (`self.urls["search_page"]`, `TEMPLATES["row"]`)."""
    if isinstance(node, ast.Subscript) and context.is_constant(node.slice):
        node = node.value
    if looks_internal(node) or is_number_conversion(context, node):
        return True
    if joined_numbers(node, context):
        return True  # `' | '.join(f'{{:<{w}}}' for w in widths)`: braces and digits only
    if isinstance(node, ast.Call):
        if is_translation_call(node):
            return True
        arguments = [*node.args, *(k.value for k in node.keywords)]
        return bool(arguments) and all(is_fixed(context, a) for a in arguments)
    return False


def _reaches_objects(call: ast.Call, context: ModuleContext) -> bool:
    """Whether some argument of the `format` call is not fixed text or a number."""
    arguments = [*call.args, *(k.value for k in call.keywords)]
    return (
        any(
            not (is_fixed(context, a) or is_number_conversion(context, a))
            for a in arguments
            if not isinstance(a, ast.Starred)
        )
        or any(isinstance(a, ast.Starred) for a in call.args)
        or any(k.arg is None for k in call.keywords)
    )


@rule(
    id="format-string-injection",
    name="str.format template assembled from run-time data",
    cwe=134,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="A `str.format` template is built at run time from values that are not written in "
    "the source and then formatted with objects, whose attributes its fields can read.",
    fix="Format the values into a template written in the source (`'{} | {}'.format(a, b)` or an "
    "f-string over the values), or escape braces in the data first (`text.replace('{', '{{')"
    ".replace('}', '}}')`); never pass objects to a template that contains data.",
    what_it_does="Reports `.format(...)`/`.format_map(...)` on a template joined, concatenated, "
    "%-formatted or written as an f-string in the same function (directly or through a local "
    "name) when a piece of it is a run-time value that is not the program's own (`self.x`, "
    "`CONSTANT`, `_('...')`, a call of constants) and the call passes something other than "
    "fixed text or numbers.",
    why_bad="Format fields walk attributes and items: a value containing "
    "`{member.guild._state.http.token}` or `{0.__init__.__globals__}` turns into the secret it "
    "names when the assembled template is formatted, so whoever wrote the value reads the "
    "program's objects (CWE-134; Red Discord Bot's trivia leaderboard, CVE-2020-15140).",
    example="row = ' | '.join(str(v) for v in (rank, member.display_name, score))\n"
    "lines.append(row.format(member=member))",
    use_instead="lines.append(' | '.join(str(v) for v in (rank, member.display_name, score)))",
    references=(
        "https://cwe.mitre.org/data/definitions/134.html",
        "https://docs.python.org/3/library/string.html#format-string-syntax",
        "https://lucumr.pocoo.org/2016/12/29/careful-with-str-format/",
    ),
    methods=_FORMAT_METHODS,
)
def format_string_injection(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report formatting with objects of a template assembled from run-time values."""
    assert isinstance(node, ast.Call)
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _FORMAT_METHODS:
        return
    template = func.value
    if context.is_constant(template) or not _assembled(template, context):
        return
    if not _reaches_objects(node, context):
        return
    dynamic = [
        piece.node
        for piece in string_pieces(context, template)
        if piece.is_dynamic and piece.node is not None
    ]
    spliced = [piece for piece in dynamic if not _harmless_piece(piece, context)]
    if not spliced:
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node, 60)}` formats a template built at run time from "
        f"`{code(context, spliced[0], 40)}`; braces in that value become format fields that "
        "read the attributes of the objects passed to `format`.",
    )
