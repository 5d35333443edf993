"""CWE-83: text escaped without its quotes put inside a quoted HTML attribute
(`escape-leaves-attribute-quotes`).

Several escapers leave `"` and `'` as they are: `cgi.escape(s)` and `xml.sax.saxutils.escape(s)`
by default, `html.escape(s, quote=False)`, and the `escape(text, quote=False)` helpers projects
copy from them. That is enough between tags, but inside `id="...%s"` a `"` in the text ends the
attribute and what follows is markup of the attacker's (`x" onmouseover="alert(1)`). The rule
reads an HTML template filled with `%` or an f-string, finds the placeholders that sit inside a
quoted attribute value, and reports a value escaped by one of those helpers there.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.string_parts import fstring_slots
from secreview.analysis.taint.escapers import replace_chain_table
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_KEEPS_QUOTES_BY_DEFAULT = frozenset({"cgi.escape", "xml.sax.saxutils.escape"})
"""Escapers that leave quotes unless told otherwise (`quote=True`, or an `entities` table)."""
_QUOTE_FLAG = frozenset({"html.escape", "cgi.escape"})
"""Escapers whose second argument (`quote`) chooses whether quotes are escaped."""
_PLACEHOLDER = lazy_pattern(
    r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
)
"""A `%` conversion specifier (`%%` included, to be skipped)."""
_OPEN_ATTRIBUTE = lazy_pattern(r"""=\s*(["'])[^"'<>]*$""")
"""Template text that ends inside a quoted attribute value (`<a href="#fn-`)."""


def _inside_attribute(prefix: str) -> tuple[str, str] | None:
    """The attribute's opening (`href="#fn-`) and its quote mark when text after `prefix` lands
    inside a quoted attribute value of an HTML tag, else None."""
    tag_start = prefix.rfind("<")
    if tag_start < 0 or ">" in prefix[tag_start:]:
        return None
    found = _OPEN_ATTRIBUTE.search(prefix[tag_start:])
    if found is None:
        return None
    start = prefix.rfind(" ", tag_start, len(prefix) - len(found.group(0))) + 1
    return prefix[start:], found.group(1)


def _percent_slots(template: str, values: ast.expr) -> Iterator[tuple[str, ast.expr]]:
    """(text before the placeholder, the value filling it) for a positional `%` format."""
    items = values.elts if isinstance(values, ast.Tuple) else [values]
    index = 0
    for found in _PLACEHOLDER.finditer(template):
        if found.group(0) == "%%":
            continue
        if "(" in found.group(0) or "*" in found.group(0) or index >= len(items):
            return  # named or starred conversions: not a positional tuple
        yield template[: found.start()], items[index]
        index += 1


def _own_escaper_keeping_quotes(name: str, context: ModuleContext) -> int | None:
    """Position of the `quote` parameter of this module's function `name` when it defaults to
    False (the helper keeps quotes unless asked), else None."""
    for statement in context.tree.body:
        if not isinstance(statement, ast.FunctionDef) or statement.name != name:
            continue
        parameters = [*statement.args.posonlyargs, *statement.args.args]
        defaults = dict(
            zip([p.arg for p in parameters][::-1], statement.args.defaults[::-1], strict=False)
        )
        for position, parameter in enumerate(parameters):
            default = defaults.get(parameter.arg)
            if (
                parameter.arg == "quote"
                and isinstance(default, ast.Constant)
                and default.value is False
            ):
                return position
    return None


def _is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _keeps_quotes(call: ast.expr, context: ModuleContext, quote_mark: str) -> bool:
    """Whether `call` escapes text but leaves its quotes (see the module docstring): also a chain
    of `.replace` calls that escapes `<` or `>` by hand and leaves the attribute's `quote_mark`."""
    if not isinstance(call, ast.Call) or not call.args:
        return False
    by_hand = replace_chain_table(call, context.constant_value)
    if isinstance(by_hand, dict) and by_hand:
        return bool(by_hand.keys() & {"<", ">"}) and quote_mark not in by_hand
    name = context.call_name(call) or ""
    quote = context.argument(call, 1, "quote")
    if name in _QUOTE_FLAG:
        return _is_false(quote) if name == "html.escape" else quote is None or _is_false(quote)
    if name in _KEEPS_QUOTES_BY_DEFAULT:
        return context.argument(call, 1, "entities") is None
    if isinstance(call.func, ast.Name) and "escape" in call.func.id.lower():
        position = _own_escaper_keeping_quotes(call.func.id, context)
        if position is not None:
            given = context.argument(call, position, "quote")
            return given is None or _is_false(given)
    return False


@rule(
    id="escape-leaves-attribute-quotes",
    name="Quote-keeping escape inside a quoted HTML attribute",
    cwe=83,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Text escaped by a function that leaves quotes as they are (`cgi.escape`, "
    "`html.escape(s, quote=False)`, a project's `escape(text, quote=False)`) fills a quoted "
    "HTML attribute, where a quote in the text ends the attribute.",
    fix="Escape the quotes too: `html.escape(text)` (quote defaults to True), "
    "`markupsafe.escape`, or the project's helper with `quote=True`.",
    what_it_does="Reads HTML templates filled with `%` or written as f-strings, finds the "
    'placeholders inside a quoted attribute value of a tag (`<a href="#fn-%s">`), and reports '
    "a value there escaped by `cgi.escape` or `xml.sax.saxutils.escape` (without `quote=True` "
    "or an `entities` table), `html.escape(..., quote=False)`, a function of the module "
    "named for escaping whose `quote` parameter defaults to False, or a chain of `.replace` "
    "calls that escapes `<` or `>` by hand but not the attribute's quote mark.",
    why_bad="Escaping `<`, `>` and `&` keeps text from opening tags, but inside "
    '`id="..."` the attribute ends at the first `"`: `x" onmouseover="alert(1)` adds an '
    "event handler to the tag (CWE-83, CWE-79).",
    example="html = '<li id=\"fn-%s\">%s</li>' % (escape(key), text)  # escape(..., quote=False)",
    use_instead="html = '<li id=\"fn-%s\">%s</li>' % (escape(key, quote=True), text)",
    references=(
        "https://docs.python.org/3/library/html.html#html.escape",
        "https://cwe.mitre.org/data/definitions/83.html",
    ),
    visits=(ast.BinOp, ast.JoinedStr),
)
def escape_leaves_attribute_quotes(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report quote-keeping escapes filling quoted attribute values of an HTML template."""
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, ast.Mod):
            return
        template = context.constant_value(node.left)
        if not isinstance(template, str) or "<" not in template:
            return
        slots = _percent_slots(template, node.right)
    elif isinstance(node, ast.JoinedStr):
        slots = fstring_slots(node)
    else:
        return
    for prefix, value in slots:
        inside = _inside_attribute(prefix)
        if inside is None or not _keeps_quotes(value, context, inside[1]):
            continue
        opening = inside[0]
        yield Hit(
            node=value,
            message=f"`{context.one_line(value)}` leaves the quote mark `{inside[1]}` as it is, "
            f"and fills the quoted attribute `{opening}…`: a quote in the text ends the attribute "
            'and what follows becomes markup (`x" onmouseover="...`).',
        )
