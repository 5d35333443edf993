"""The calls that declare text to be markup already, so templates insert it unescaped, and the
calls that escape a value before it is spliced into markup.

Rules about HTML built by hand ask whether what reaches one of these was escaped first: the call
itself escapes nothing, it only promises that someone did.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import bindings_before
from secreview.analysis.rules._support.number_annotations import is_number_conversion
from secreview.analysis.rules._support.translations import is_translated_literal
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

MARK_SAFE_CALLS = frozenset(
    {
        "markupsafe.Markup",
        "flask.Markup",
        "jinja2.Markup",
        "django.utils.safestring.mark_safe",
        "django.utils.safestring.SafeString",
        "django.utils.safestring.SafeText",
    }
)
"""Wrappers (by resolved name) whose argument a template engine inserts as markup."""

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
        "wtforms.widgets.html_params",  # WTForms' attribute text: every value escaped
        "wtforms.widgets.core.html_params",
        *MARK_SAFE_CALLS,
    }
)
_ESCAPING_METHODS = frozenset({"escape", "render", "render_to_string", "as_html", "__html__"})
TAG = lazy_pattern(r"<\s*/?\s*[a-zA-Z][\w:-]*|&[a-z]+;")
"""Markup in fixed text: a tag (`<b`, `</a`) or an entity (`&amp;`)."""


def is_escaped(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether a value was escaped (or rendered by a template) before it was spliced in, or is
    text no user writes (a number, model text, a date, a translated literal)."""
    if is_number_conversion(context, expr) or _model_text(expr) or _date_text(expr):
        return True
    if _widget_field_name(context, expr) or is_translated_literal(expr):
        return True  # a translated literal is the project's own text
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


_WIDGET_METHODS = frozenset({"render", "get_context"})
"""Django `Widget` methods called with the field's HTML name first: `render(name, value, ...)`."""


def _widget_field_name(context: ModuleContext, expr: ast.expr) -> bool:
    """The `name` a Django form widget's `render(self, name, value, ...)` is given: the form's
    HTML name for the field (its prefix and the field's name, both the program's), never
    reassigned in the method. The `value` beside it is the data, and stays reported."""
    if not isinstance(expr, ast.Name):
        return False
    method = context.enclosing_function(expr)
    if method is None or method.name not in _WIDGET_METHODS:
        return False
    parameters = method.args.args
    if len(parameters) < 2 or parameters[1].arg != expr.id:
        return False
    owner = context.parent(method)
    if not isinstance(owner, ast.ClassDef) or not any(
        (context.resolve(base) or "").startswith("django.forms.") for base in owner.bases
    ):
        return False
    bindings = bindings_before(context, expr) or []
    return all(isinstance(b.node, ast.arg) for b in bindings)


_DATE_METHODS = frozenset({"isoformat", "strftime"})


def _date_text(expr: ast.expr) -> bool:
    """A date or time written out by a fixed format: `when.isoformat()` (digits, `-`, `:`, `T`,
    `+` and `.`) or `when.strftime("%d %B %Y")` (numbers, the locale's month and day names and
    the format's own text). Neither can hold markup unless the format itself comes from
    elsewhere (`when.strftime(request.GET["fmt"])` copies its text through)."""
    return (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in _DATE_METHODS
        and not expr.keywords
        and all(isinstance(argument, ast.Constant) for argument in expr.args)
    )
