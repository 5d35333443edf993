"""CWE-79: HTML built as text and then marked safe (`markup-built-from-text`).

`mark_safe("<b>%s</b>" % name)` and `Markup(f"<a href='{url}'>{title}</a>")` tell the template
engine not to escape a string that was assembled from run-time values, so markup in those values
reaches the page. The safe forms escape each value as it goes in: `format_html`,
`Markup("<b>%s</b>") % name`, `escape(name)`. A string where some values are escaped and others
are not is the clearest sign: the author knew, and missed one.

`format_html(html)` with the text alone and no values is `mark_safe(html)` under another name:
format_html escapes its *arguments* and trusts its format string, so text built before the call
goes out unescaped. With arguments the format string may be a template assembled from fixed
parts elsewhere (a helper returning `"<b>{}</b>"`), which the text alone cannot tell apart, so
only the call without arguments is read this way.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import (
    Piece,
    assembly_evidence,
    is_number_conversion,
    string_pieces,
)
from secreview.analysis.rules._support.quoting import code, name_values
from secreview.analysis.rules._support.safe_markup import MARK_SAFE_CALLS
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_ESCAPERS = frozenset(
    {
        "html.escape",
        "markupsafe.escape",
        "markupsafe.Markup.escape",
        "flask.escape",
        "jinja2.escape",
        "django.utils.html.escape",
        "django.utils.html.conditional_escape",
        "django.utils.html.format_html",
        "django.utils.html.format_html_join",
        "django.utils.html.json_script",
        "django.utils.html.strip_tags",
        "django.utils.html.urlize",
        "django.utils.html.linebreaks",
        "bleach.clean",
        "bleach.linkify",
        "xml.sax.saxutils.escape",
        "xml.sax.saxutils.quoteattr",
        *MARK_SAFE_CALLS,
    }
)
_FORMAT_HTML = "django.utils.html.format_html"
_ESCAPING_METHODS = frozenset({"escape", "render", "render_to_string", "as_html", "__html__"})
_TAG = lazy_pattern(r"<\s*/?\s*[a-zA-Z][\w:-]*|&[a-z]+;")


def _is_escaped(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether a value was escaped (or rendered by a template) before it was spliced in."""
    if is_number_conversion(context, expr) or _model_text(expr):
        return True
    if not isinstance(expr, ast.Call):
        return False
    if context.call_name(expr) in _ESCAPERS:
        return True
    return isinstance(expr.func, ast.Attribute) and expr.func.attr in _ESCAPING_METHODS


def _model_text(expr: ast.expr) -> bool:
    """Django model text no user writes: `obj.get_absolute_url()` (by the framework's
    convention a `reverse()` path, which percent-quotes `"`, `<` and `>`) and
    `Model._meta.verbose_name` (the developer's name for the model)."""
    if isinstance(expr, ast.Call) and not expr.args and isinstance(expr.func, ast.Attribute):
        return expr.func.attr == "get_absolute_url"
    return (
        isinstance(expr, ast.Attribute)
        and expr.attr in ("verbose_name", "verbose_name_plural")
        and isinstance(expr.value, ast.Attribute)
        and expr.value.attr == "_meta"
    )


@rule(
    id="markup-built-from-text",
    needs_untrusted_input=True,
    name="HTML built from run-time values and marked safe",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="`mark_safe`/`Markup` (or `format_html` given the text alone) is applied to HTML text "
    "that was built with unescaped run-time values.",
    fix="Build the HTML with `format_html('<b>{}</b>', name)` (Django) or "
    "`Markup('<b>%s</b>') % name` / `Markup('<b>{}</b>').format(name)` (markupsafe), which escape "
    "each value; or escape each value with `escape()` before splicing it in.",
    what_it_does="Reports `mark_safe`, `SafeString` and `Markup` (markupsafe, Flask, Jinja2) "
    "(and Django's `format_html` called with the text alone, no values to escape) applied to a "
    "string that contains markup (`<tag`, `&entity;`) and is built with `%`, "
    "`.format`, an f-string or `+` from values that were not escaped (`escape`, "
    "`conditional_escape`, `format_html`, `html.escape`, `bleach.clean`), converted to a "
    "number or model text no user writes (`obj.get_absolute_url()`, `_meta.verbose_name`). "
    "Confidence is medium when other values of the same string are escaped.",
    why_bad="Marking the string safe turns off the template's autoescaping for all of it, "
    "values included: a name such as `<img src=x onerror=alert(1)>` runs as script in every "
    "reader's browser (CWE-79).",
    example="mark_safe('<a href=\"%s\">%s</a>' % (url, escape(title)))",
    use_instead="format_html('<a href=\"{}\">{}</a>', url, title)",
    references=(
        "https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html",
        "https://markupsafe.palletsprojects.com/en/stable/escaping/",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    calls=MARK_SAFE_CALLS | {_FORMAT_HTML},
)
def markup_built_from_text(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report strings marked safe after unescaped values were spliced into their markup."""
    assert isinstance(node, ast.Call)
    if len(node.args) != 1:
        return
    name = context.call_name(node)
    if name == _FORMAT_HTML and node.keywords:
        return  # values to escape: the first argument is a template (see the module docstring)
    if name not in MARK_SAFE_CALLS and name != _FORMAT_HTML:
        return
    text = node.args[0]
    pieces = string_pieces(context, text)
    fixed = "".join(p.text or "" for p in pieces)
    if not _TAG.search(fixed):
        return
    values = [p for p in pieces if p.is_dynamic]
    raw: list[Piece] = [
        p for p in values if p.node is not None and not _is_escaped(context, p.node)
    ]
    if not raw:
        return
    escaped_siblings = len(raw) < len(values)
    nodes = [p.node for p in raw if p.node is not None]
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` marks HTML safe that splices in "
        f"{name_values(context, nodes)} without escaping"
        + (" (other values of the same string are escaped)" if escaped_siblings else "")
        + ": markup in those values reaches the page as HTML.",
        evidence=assembly_evidence(context, raw),
        confidence=Confidence.MEDIUM if escaped_siblings else None,
    )
