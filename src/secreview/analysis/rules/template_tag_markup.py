"""CWE-79: a Django template tag that returns HTML built as text from page data
(`template-tag-unescaped-markup`).

Django escapes a variable printed with `{{ }}` and, since 1.9, what a `simple_tag` returns; but
what a tag's `Node.render` returns goes into the page as it is ("the output from template tags is
not automatically run through the auto-escaping filters", Django's how-to on custom tags). So a
`render` that builds `'<img alt="%s">' % user.get_full_name()` from a template variable, or a
function `register.tag` registers through a decorator that makes it a node (djblets'
`@register.tag @basictag`, whose arguments are the template's variables), puts any markup in
that data into the page: a user who names themselves `"><script>...` runs script for every
reader (CVE-2014-3995 in djblets' `gravatar` tag). The safe forms escape each value as it goes in:
`format_html`, `conditional_escape`, `escape`.

Only values that come from the page are reported: in `render`, what is read through the
`context` (`self.user.resolve(context)`, `context["request"]`); in a function registered through
another decorator, its parameters (the template's variables). Text a `render` takes from the tag's
own arguments (`self.css_class`, written by the template's author) is not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import assembly_evidence, string_pieces
from secreview.analysis.rules._support.function_flow import shared_own_nodes
from secreview.analysis.rules._support.quoting import code, name_values
from secreview.analysis.rules._support.safe_markup import TAG, is_escaped
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

Function = ast.FunctionDef | ast.AsyncFunctionDef

_NODE_CLASSES = frozenset({"django.template.Node", "django.template.base.Node"})
_LIBRARY_CLASSES = frozenset(
    {"django.template.Library", "django.template.base.Library", "django.template.library.Library"}
)


def _is_node_render(function: Function, context: ModuleContext) -> bool:
    """`render` of a class derived from Django's template `Node`."""
    owner = context.parent(function)
    return (
        function.name == "render"
        and isinstance(owner, ast.ClassDef)
        and any(context.resolve(base) in _NODE_CLASSES for base in owner.bases)
    )


def _libraries(context: ModuleContext) -> frozenset[str]:
    """Module-level names bound to a Django template `Library()` (`register`)."""
    return frozenset(
        target.id
        for statement in context.tree.body
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)
        if context.call_name(statement.value) in _LIBRARY_CLASSES
        for target in statement.targets
        if isinstance(target, ast.Name)
    )


def _is_tag_decorator(decorator: ast.expr, libraries: frozenset[str]) -> bool:
    """`@register.tag` or `@register.tag("name")` on a template `Library`."""
    func = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "tag"
        and isinstance(func.value, ast.Name)
        and func.value.id in libraries
    )


def _is_wrapped_tag(function: Function, context: ModuleContext) -> bool:
    """A function `register.tag` registers through another decorator below it, which makes a
    node of a plain function (`@register.tag` then `@basictag`): its return is the output. A
    function registered by `register.tag` alone is a compile function returning a node."""
    decorators = function.decorator_list
    libraries = context.derived(_libraries)
    return any(
        _is_tag_decorator(d, libraries) and index < len(decorators) - 1
        for index, d in enumerate(decorators)
    )


def _page_data(function: Function, nodes: list[ast.AST]) -> frozenset[str]:
    """The function's parameters but `self`, and the locals assigned from them."""
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    names.discard("self")
    for _ in range(3):  # a few passes reach the locals assigned from other locals
        for node in nodes:
            assigned = isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
            if assigned and node.value and _mentions(node.value, names):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def _mentions(node: ast.AST, names: set[str] | frozenset[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


@rule(
    id="template-tag-unescaped-markup",
    name="Template tag output built as HTML from unescaped page data",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A Django template `Node.render` (or a function `register.tag` registers through a "
    "node-making decorator) returns HTML text built from template data it did not escape; "
    "Django inserts a tag's output unescaped.",
    fix="Build the HTML with `format_html('<img alt=\"{}\">', name)`, or escape each value "
    "with `conditional_escape()` before splicing it in.",
    what_it_does="Reads the `render` methods of classes derived from `django.template.Node` and "
    "the functions `@register.tag` registers through another decorator (`@basictag`), and "
    "reports a `return` of text holding markup (`<tag`, `&entity;`) built with `%`, `.format`, "
    "an f-string or `+` from values read through the template context (`resolve(context)`, "
    "`context[...]`) or the function's parameters, unless each was escaped "
    "(`conditional_escape`, `escape`, `format_html`) or converted to a number.",
    why_bad="Django does not escape what a template tag returns: a user's name or a page's "
    'title holding `<script>` or `" onerror=` runs in the browser of every reader (CWE-79).',
    example="class GravatarNode(template.Node):\n    def render(self, context):\n"
    "        user = self.user.resolve(context)\n"
    "        return '<img alt=\"%s\">' % user.get_full_name()",
    use_instead="class GravatarNode(template.Node):\n    def render(self, context):\n"
    "        user = self.user.resolve(context)\n"
    "        return format_html('<img alt=\"{}\">', user.get_full_name())",
    references=(
        "https://docs.djangoproject.com/en/stable/howto/custom-template-tags/#auto-escaping-considerations",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
    text_words=("render", "tag"),
)
def template_tag_unescaped_markup(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report markup a template tag's output splices from unescaped page data."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return
    if not context.imports_module("django") or not (
        _is_node_render(node, context) or _is_wrapped_tag(node, context)
    ):
        return
    nodes = shared_own_nodes(node, context)
    data = _page_data(node, nodes)
    for returned in nodes:
        if not isinstance(returned, ast.Return) or returned.value is None:
            continue
        pieces = string_pieces(context, returned.value)
        if not TAG.search("".join(p.text or "" for p in pieces)):
            continue
        raw = [
            p
            for p in pieces
            if p.is_dynamic
            and p.node is not None
            and _mentions(p.node, data)
            and not is_escaped(context, p.node)
        ]
        if not raw:
            continue
        values = [p.node for p in raw if p.node is not None]
        owner = context.parent(node)
        name = f"{owner.name}.{node.name}" if isinstance(owner, ast.ClassDef) else node.name
        yield Hit(
            node=returned.value,
            message=f"`{name}` returns HTML that splices in {name_values(context, values)} "
            f"unescaped (`{code(context, returned.value)}`): Django inserts a template tag's "
            "output as it is, so markup in that page data reaches the page.",
            evidence=assembly_evidence(context, raw),
        )
