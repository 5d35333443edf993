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
    string_pieces,
)
from secreview.analysis.rules._support.class_constants import is_class_constant
from secreview.analysis.rules._support.quoting import code, name_values
from secreview.analysis.rules._support.safe_markup import MARK_SAFE_CALLS, TAG, is_escaped
from secreview.analysis.rules._support.translations import is_translated_literal
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_FORMAT_HTML = "django.utils.html.format_html"


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
    "number, model text no user writes (`obj.get_absolute_url()`, `_meta.verbose_name`) or a "
    "date written by a fixed format (`when.isoformat()`, `when.strftime('%d %B %Y')`). "
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
    if not TAG.search(fixed):
        return
    values = [  # `self.param` of a class's `param = "q"` and `_("Next")` are the program's text
        p
        for p in pieces
        if p.is_dynamic
        and not (p.node and (is_class_constant(context, p.node) or is_translated_literal(p.node)))
    ]
    raw: list[Piece] = [p for p in values if p.node is not None and not is_escaped(context, p.node)]
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
