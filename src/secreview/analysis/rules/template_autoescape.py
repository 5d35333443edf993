"""CWE-79: a Jinja2 environment that renders HTML without autoescaping (`template-autoescape-off`).

Jinja2 leaves autoescaping off unless the environment is told otherwise (`autoescape=True` or
`select_autoescape()`), so every `{{ value }}` of an HTML template is pasted in as markup. Only
environments that render HTML matter: code generators and reStructuredText templates must not
escape. The module has to show that it renders HTML (a `.html` template, `text/html`, a name
with `html` in it) before a missing flag is reported.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import UNKNOWN, ModuleContext

_ENVIRONMENTS = frozenset(
    {
        "jinja2.Environment",
        "jinja2.environment.Environment",
        "jinja2.sandbox.SandboxedEnvironment",
        "jinja2.sandbox.ImmutableSandboxedEnvironment",
    }
)
_HTML_EVIDENCE = re.compile(r"html|\.htm\b|\.xhtml\b", re.IGNORECASE)
_MAX_BASE_DEPTH = 5


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
        isinstance(node, ast.Attribute)
        and node.attr == "autoescape"
        and isinstance(node.ctx, ast.Store)
        for node in ast.walk(context.tree)
    )


@rule(
    id="template-autoescape-off",
    name="Jinja2 environment renders HTML without autoescaping",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A Jinja2 environment that renders HTML templates leaves autoescaping off, so "
    "values in the templates are inserted as markup.",
    fix="Create the environment with `autoescape=select_autoescape()` (or `autoescape=True`), and "
    "mark the few values that are trusted markup with `Markup` or the `|safe` filter.",
    what_it_does="Reports `jinja2.Environment`, `SandboxedEnvironment` and classes of the module "
    "derived from them, constructed without `autoescape` or with `autoescape=False`, in a module "
    "that renders HTML (a `.html` template, `text/html`, a name containing `html`).",
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
)
def template_autoescape_off(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report HTML-rendering Jinja2 environments created with autoescaping off."""
    assert isinstance(node, ast.Call)
    if not context.imports_module("jinja2"):
        return
    if not _is_environment_class(_class_name(node.func, context), context):
        return
    if context.has_star_arguments(node):
        return  # `**options` may carry autoescape
    flag = context.keyword(node, "autoescape")
    if flag is not None:
        value = context.constant_value(flag)
        if value is UNKNOWN or value:
            return  # a callable such as select_autoescape(), or True
        explicit = True
    else:
        explicit = False
    if _sets_autoescape_later(context) or not _HTML_EVIDENCE.search(context.text):
        return
    how = "with `autoescape=False`" if explicit else "without `autoescape` (Jinja2's default: off)"
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` renders this module's HTML templates {how}: every "
        "`{{ value }}` is inserted as markup, so `<script>` in a value runs in the reader's "
        "browser.",
    )
