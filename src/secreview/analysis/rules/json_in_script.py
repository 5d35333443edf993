"""CWE-79: JSON written into an inline `<script>` element as it is (`json-in-inline-script`).

`f"<script>var data = {json.dumps(report)};</script>"` looks safe, since JSON is valid
JavaScript, but `json.dumps` escapes nothing HTML cares about: a string in the data holding
`</script><script>...` ends the script element where the browser reads it, before any JavaScript
parser sees the JSON, and what follows is markup of whoever wrote that string (a model's answer,
a user's name, a row of a dataset). Django's `json_script`, Jinja's `tojson` and Flask's `tojson`
exist for this reason: they escape `<`, `>` and `&` as `\\u003c`, `\\u003e`, `\\u0026`.

The rule reads HTML templates filled with `%`, `+` or written as f-strings, finds the
placeholders inside an open `<script>` element, and reports a value there that is JSON text
straight from `json.dumps` (or `simplejson.dumps`), directly, through one local name, or
through a parameter of a module function that every call in the module fills with such JSON
(`_page_html(json.dumps(result))`). JSON of text the program writes itself (literals, constants
in capitals, a translated message `_("Saved")`, `url_for("index")`), and JSON edited after
`dumps` (`.replace("<", "\\\\u003c")`, base64, an escaper), are not reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.call_sites import arguments_at_every_call
from secreview.analysis.rules._support.string_parts import added_operands, fstring_slots
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_JSON_WRITERS = frozenset({"json.dumps", "simplejson.dumps"})
"""Serialisers that leave `<`, `>`, `&` and `/` as they are. `ujson.dumps` is not one: it writes
`/` as `\\/` unless told not to, so `</script>` never appears in its output."""


def _slots(node: ast.AST, context: ModuleContext) -> Iterator[tuple[str, ast.expr]]:
    """(template text before the placeholder, the value filling it) for an f-string, a `%`
    format with a positional tuple or one value, and a chain of `+` (its outermost `+` only)."""
    if isinstance(node, ast.JoinedStr):
        yield from fstring_slots(node)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = context.constant_value(node.left)
        if not isinstance(template, str) or "%(" in template:
            return
        items = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        texts = template.replace("%%", "").split("%")
        for index, item in enumerate(items[: len(texts) - 1]):
            yield "%".join(texts[: index + 1]), item
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        parent = context.parent(node)
        if isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add):
            return  # judged once, from the outermost `+`
        prefix = ""
        for operand in added_operands(node):
            text = context.constant_value(operand)
            if isinstance(text, str):
                prefix += text
            else:
                yield prefix, operand
                prefix += "x"


def _inside_script(prefix: str) -> bool:
    """Whether text after `prefix` lands inside a `<script>` element's body."""
    lowered = prefix.lower()
    opened = lowered.rfind("<script")
    return opened >= 0 and lowered.rfind("</script") < opened and ">" in lowered[opened:]


def _raw_json_call(node: ast.expr, context: ModuleContext) -> ast.Call | None:
    """The `json.dumps(value)` call `node` is, or names through one local assignment, when the
    value dumped is not written in the source."""
    node = assigned_value(node, context)
    if not (isinstance(node, ast.Call) and context.call_name(node) in _JSON_WRITERS):
        return None
    dumped = context.argument(node, 0, "obj")
    return node if dumped is not None and not _written_by_program(dumped) else None


def _written_by_program(node: ast.expr) -> bool:
    """Whether the value dumped is text the program itself writes: literals, constants named
    in capitals (`NOTIFICATION_MESSAGE`), and calls given only such values (`_("Saved")`,
    `url_for("index")`, `generate_csrf()`), in containers, `+` and `x if c else y` of those.
    A name is not followed: a list made empty and appended to later is data."""
    match node:
        case ast.Constant():
            return True
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name.isupper()
        case ast.List(elts=items) | ast.Tuple(elts=items) | ast.Set(elts=items):
            return all(_written_by_program(i) for i in items)
        case ast.Dict(keys=keys, values=values):
            return all(k is not None and _written_by_program(k) for k in keys) and all(
                _written_by_program(v) for v in values
            )
        case ast.BinOp(left=left, right=right):
            return _written_by_program(left) and _written_by_program(right)
        case ast.IfExp(body=body, orelse=orelse):
            return _written_by_program(body) and _written_by_program(orelse)
        case ast.Call(args=args, keywords=keywords):
            return all(_written_by_program(a) for a in args) and all(
                _written_by_program(k.value) for k in keywords
            )
    return False


def _raw_json(value: ast.expr, context: ModuleContext) -> ast.Call | None:
    """The unescaped `dumps` call supplying `value`: the value itself, a local name, or a
    parameter of the enclosing module function that every call in the module fills with one."""
    found = _raw_json_call(value, context)
    if found is not None or not isinstance(value, ast.Name):
        return found
    function = context.enclosing_function(value)
    if not isinstance(function, ast.FunctionDef) or function not in context.tree.body:
        return None
    if value.id not in {a.arg for a in (*function.args.posonlyargs, *function.args.args)}:
        return None
    given = arguments_at_every_call(context, function, value.id)
    calls = [_raw_json_call(a, context) for a in given or ()]
    return calls[0] if calls and all(c is not None for c in calls) else None


@rule(
    id="json-in-inline-script",
    name="JSON written into an inline script element unescaped",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="`json.dumps(...)` output is placed inside a `<script>` element of HTML built as "
    "text; a string in the data holding `</script>` ends the element and injects markup.",
    fix="Escape the HTML-significant characters of the JSON before placing it in the page: "
    '`json.dumps(data).replace("<", "\\\\u003c").replace(">", "\\\\u003e").replace("&", '
    "\"\\\\u0026\")`, or use Django's `json_script` / Jinja's `tojson`, or pass the data "
    "base64-encoded, or in a `data-` attribute escaped with `html.escape`.",
    what_it_does="Reads HTML templates filled with `%` or `+` or written as f-strings, and "
    "reports a placeholder inside an open `<script>` element filled with the output of "
    "`json.dumps` (also `simplejson.dumps`): directly, through a local name, or through a "
    "parameter of a module function that every call in the module fills with `json.dumps` "
    "output. JSON of text the program writes itself (literals, capitalised constants, calls "
    "given only such values: `_('Saved')`, `url_for('index')`) and JSON edited after `dumps` "
    "are not reported.",
    why_bad="The HTML parser ends a script element at the first `</script`, whatever the "
    "JavaScript around it; `json.dumps` leaves `<` and `/` as they are, so a string value "
    "`</script><img src=x onerror=...>` in the data (a user's name, a model's answer, a "
    "dataset row) runs as script in the page, in a notebook or in the browser of whoever "
    "opens the report.",
    example='html = f"<script>var data = {json.dumps(results)};</script>"',
    use_instead='payload = json.dumps(results).replace("<", "\\\\u003c")\n'
    'html = f"<script>var data = {payload};</script>"',
    references=(
        "https://docs.djangoproject.com/en/stable/ref/templates/builtins/#json-script",
        "https://html.spec.whatwg.org/multipage/scripting.html#restrictions-for-contents-of-script-elements",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    visits=(ast.BinOp, ast.JoinedStr),
    text_words=("script", "SCRIPT", "Script"),
)
def json_in_inline_script(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report unescaped JSON placed inside an inline `<script>` element of an HTML string."""
    for prefix, value in _slots(node, context):
        if not _inside_script(prefix):
            continue
        dumps = _raw_json(value, context)
        if dumps is None:
            continue
        yield Hit(
            node=value,
            message=f"`{context.one_line(value)}` is JSON from `{context.one_line(dumps)}` "
            "placed inside a `<script>` element as it is: `json.dumps` does not escape `<`, so "
            "a string in the data holding `</script>` ends the element and what follows runs "
            "as markup and script of whoever wrote that string.",
            evidence=((dumps, "the JSON is written here, unescaped"),),
        )
