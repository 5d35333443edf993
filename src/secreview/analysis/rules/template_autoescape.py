"""CWE-79: a template engine that renders HTML without autoescaping (`template-autoescape-off`).

Jinja2 leaves autoescaping off unless the environment is told otherwise (`autoescape=True` or
`select_autoescape()`), and Mako escapes nothing unless `default_filters` names an escaping filter
(`h`), so every `{{ value }}` / `${value}` of an HTML template is pasted in as markup. Only
templates that render HTML matter: code generators and reStructuredText templates must not
escape. The module has to show that it renders HTML (a `.html` template, `text/html`, a name
with `html` in it; for Mako also a web framework it serves pages with) before a missing flag is
reported.

`autoescape=flag` where `flag` is a parameter of the enclosing function that defaults to `False`
(and is never reassigned there) is read as off: every caller that does not think of it gets
unescaped HTML, which is how template helpers shared across a project ship the flaw.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.caller_arguments import unchanged_parameter_default
from secreview.analysis.rules._support.web_handlers import (
    uses_web_framework,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import UNKNOWN, ModuleContext
from secreview.index.node_types import nodes_of
from secreview.patterns import lazy_pattern

_ENVIRONMENTS = frozenset(
    {
        "jinja2.Environment",
        "jinja2.environment.Environment",
        "jinja2.sandbox.SandboxedEnvironment",
        "jinja2.sandbox.ImmutableSandboxedEnvironment",
    }
)
# Mako's template classes: both take `default_filters`, the lookup hands its own to every
# template it loads.
_MAKO_TEMPLATES = frozenset(
    {"mako.template.Template", "mako.lookup.TemplateLookup", "mako.lookup.TemplateCollection"}
)
# Filters that escape markup: Mako's `h` (HTML) and `x` (XML), or any `*escape*` function.
_ESCAPING_FILTER = lazy_pattern(r"^(?:h|x)$|escape", re.IGNORECASE)
# An inline Mako template that pipes a value through `h` escapes per expression on purpose.
_INLINE_ESCAPE = lazy_pattern(r"\$\{[^}]*\|\s*[^}]*\bh\b")
_HTML_TAG = lazy_pattern(r"<[A-Za-z!/]")
_HTML_EVIDENCE = lazy_pattern(r"html|\.htm\b|\.xhtml\b", re.IGNORECASE)
_MAX_BASE_DEPTH = 5
# Web servers beyond the frameworks of `uses_web_framework` whose pages Mako often renders.
_OTHER_WEB_SERVERS = ("cherrypy", "webob", "twisted.web")


def _is_environment_class(name: str | None, context: ModuleContext, depth: int = 0) -> bool:
    """A Jinja2 environment class, or a class of this module derived from one."""
    if name is None or depth > _MAX_BASE_DEPTH:
        return False
    if name in _ENVIRONMENTS:
        return True
    for statement in context.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            return any(
                _is_environment_class(_class_name(base, context), context, depth + 1)
                for base in statement.bases
            )
    return False


def _class_name(expr: ast.expr, context: ModuleContext) -> str | None:
    """The qualified name of an imported class, or the bare name of one of this module."""
    return context.resolve(expr) or (expr.id if isinstance(expr, ast.Name) else None)


def _sets_autoescape_later(context: ModuleContext) -> bool:
    """Whether the module switches autoescaping on after construction (`env.autoescape = ...`)."""
    return any(
        node.attr == "autoescape" and isinstance(node.ctx, ast.Store)
        for node in nodes_of(context, ast.Attribute)
    )


@rule(
    id="template-autoescape-off",
    name="Template engine renders HTML without autoescaping",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A Jinja2 environment or Mako template lookup that renders HTML templates leaves "
    "autoescaping off, so values in the templates are inserted as markup.",
    fix="Create the Jinja2 environment with `autoescape=select_autoescape()` (or "
    "`autoescape=True`), the Mako `Template`/`TemplateLookup` with `default_filters=['h']` (or "
    "`['str', 'h']`), and mark the few values that are trusted markup as safe.",
    what_it_does="Reports `jinja2.Environment`, `SandboxedEnvironment` and classes of the module "
    "derived from them, constructed without `autoescape`, with `autoescape=False` or with "
    "`autoescape` from a parameter that defaults to False, in a module "
    "that renders HTML (a `.html` template, `text/html`, a name containing `html`). Also reports "
    "Mako's `Template` and `TemplateLookup` built without an escaping filter (`h`, `x`, an "
    "`*escape*` function) in `default_filters`, in a module that renders HTML or imports a web "
    "framework (Mako's default filter only converts to text); an inline template is reported "
    "only when its text has HTML tags and never applies `| h` itself; `**options` are left alone.",
    why_bad="Jinja2 escapes nothing unless told to: a user's name, a file name or a query "
    "parameter shown by `{{ value }}` in an HTML page is inserted as markup, so `<script>` in it "
    "runs in the reader's browser (CWE-79). Every template variable must then remember `|e`.",
    example='env = Environment(loader=FileSystemLoader("templates"))\n'
    'page = env.get_template("index.html").render(name=name)',
    use_instead='env = Environment(loader=FileSystemLoader("templates"), '
    "autoescape=select_autoescape())",
    references=(
        "https://jinja.palletsprojects.com/en/stable/api/#autoescaping",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    call_imports=("jinja2", "mako"),
)
def template_autoescape_off(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report HTML-rendering Jinja2 environments and Mako templates with autoescaping off."""
    assert isinstance(node, ast.Call)
    if context.imports_module("jinja2"):
        yield from _jinja_environment(node, context)
    if context.imports_module("mako"):
        yield from _mako_template(node, context)


def _jinja_environment(node: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """A Jinja2 environment built without autoescaping in a module that renders HTML."""
    if not _is_environment_class(_class_name(node.func, context), context):
        return
    if context.has_star_arguments(node):
        return  # `**options` may carry autoescape
    flag = context.keyword(node, "autoescape")
    how = "without `autoescape` (Jinja2's default: off)"
    if flag is not None:
        value = context.constant_value(flag)
        default = unchanged_parameter_default(context, flag, node) if value is UNKNOWN else UNKNOWN
        if isinstance(flag, ast.Name) and default is not UNKNOWN and default in (False, None):
            how = f"with `autoescape` from the parameter `{flag.id}`, which defaults to False"
        elif value is UNKNOWN or value:
            return  # a callable such as select_autoescape(), or True
        else:
            how = "with `autoescape=False`"
    if _sets_autoescape_later(context) or not _HTML_EVIDENCE.search(context.text):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` renders this module's HTML templates {how}: every "
        "`{{ value }}` is inserted as markup, so `<script>` in a value runs in the reader's "
        "browser.",
    )


def _mako_template(node: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """A Mako template or lookup whose default filters escape nothing, in an HTML/web module."""
    if context.resolve(node.func) not in _MAKO_TEMPLATES or context.has_star_arguments(node):
        return
    filters = context.keyword(node, "default_filters")
    if filters is not None:
        names = context.constant_value(filters)
        if not isinstance(names, tuple) or any(
            not isinstance(name, str) or _ESCAPING_FILTER.search(name) for name in names
        ):
            return  # an escaping filter, or filters not known before run time
    text = node.args[0] if node.args else context.keyword(node, "text")
    inline = context.constant_value(text)
    if isinstance(inline, str):
        if _HTML_TAG.search(inline) and not _INLINE_ESCAPE.search(inline):
            yield _mako_hit(node, filters, context)
        return  # an inline template shows its own format: plain text, or escaped per value
    if not (
        _HTML_EVIDENCE.search(context.text)
        or uses_web_framework(context)
        or any(context.imports_module(server) for server in _OTHER_WEB_SERVERS)
    ):
        return
    yield _mako_hit(node, filters, context)


def _mako_hit(node: ast.Call, filters: ast.expr | None, context: ModuleContext) -> Hit:
    """The finding for a Mako template or lookup that escapes nothing."""
    how = "with `default_filters` that escape nothing" if filters else "without `default_filters`"
    return Hit(
        node=node,
        message=f"`{context.one_line(node)}` builds Mako templates {how} (Mako's default only "
        "converts to text): every `${value}` of a page is inserted as markup, so `<script>` in a "
        "value runs in the reader's browser; add `default_filters=['h']`.",
    )
