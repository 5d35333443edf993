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

A tag's output is HTML, so a value spliced in right after an attribute's opening quote
(`f'{key}="{value}"'`) is markup even with no tag in the text. And the HTML is often built by a
module-level helper the tag calls (`attr_string(key, value)` joined by the node's `render`, the
slippers `{% attrs %}` tag of CVE-2026-34231): a helper whose returned markup splices in one of
its parameters unescaped is reported at that return when a tag passes it template data there and
returns the result.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import (
    Piece,
    assembly_evidence,
    string_pieces,
)
from secreview.analysis.rules._support.function_flow import shared_own_nodes
from secreview.analysis.rules._support.quoting import code, name_values
from secreview.analysis.rules._support.safe_markup import TAG, is_escaped
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

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


_ATTRIBUTE_OPEN = lazy_pattern(r"""=\s*["']$""")
"""Text ending in an attribute's opening quote (`class="`): what follows is an attribute value."""


def _page_data(function: Function, nodes: list[ast.AST]) -> frozenset[str]:
    """The function's parameters but `self`, and the locals assigned from them."""
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    names.discard("self")
    return _reached(names, nodes)


def _reached(start: set[str], nodes: list[ast.AST]) -> frozenset[str]:
    """`start` and the locals assigned from them, a few assignments deep."""
    names = set(start)
    for _ in range(3):  # a few passes reach the locals assigned from other locals
        for node in nodes:
            assigned = isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
            if assigned and node.value and _mentions(node.value, names):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(names)


def _mentions(node: ast.AST, names: set[str] | frozenset[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _raw_markup(context: ModuleContext, value: ast.expr) -> list[Piece]:
    """The run-time pieces of the string `value` builds that land in markup unescaped: every one
    when its text holds a tag or an entity, else those right after an attribute's opening quote
    (`{key}="{value}"`), markup only because a tag's output is HTML."""
    pieces = string_pieces(context, value)
    raw = [p for p in pieces if p.is_dynamic and p.node and not is_escaped(context, p.node)]
    if TAG.search("".join(p.text or "" for p in pieces)):
        return raw
    return [
        piece
        for before, piece in itertools.pairwise(pieces)
        if before.text and _ATTRIBUTE_OPEN.search(before.text) and any(piece is r for r in raw)
    ]


class _Builder(NamedTuple):
    """A module-level function returning markup: its positional parameters, the ones its markup
    splices in unescaped, and the first `return` that does."""

    parameters: tuple[str, ...]
    spliced: frozenset[str]
    returned: ast.Return


def _builders(context: ModuleContext) -> dict[str, _Builder]:
    """The module's functions whose returned markup splices in a parameter unescaped."""
    found: dict[str, _Builder] = {}
    for function in context.tree.body:
        if not isinstance(function, ast.FunctionDef):
            continue
        arguments = function.args
        parameters = tuple(a.arg for a in (*arguments.posonlyargs, *arguments.args))
        nodes = shared_own_nodes(function, context)
        reach = {name: _reached({name}, nodes) for name in parameters}
        for returned in nodes:
            if not isinstance(returned, ast.Return) or returned.value is None:
                continue
            raw = _raw_markup(context, returned.value)
            spliced = frozenset(
                name for name in parameters if any(_mentions(p.node, reach[name]) for p in raw)
            )
            if spliced:
                found[function.name] = _Builder(parameters, spliced, returned)
                break
    return found


def _returned_values(nodes: list[ast.AST]) -> list[ast.expr]:
    """The values a function returns and those assigned to the locals it returns."""
    values = [n.value for n in nodes if isinstance(n, ast.Return) and n.value is not None]
    names = {n.id for v in values for n in ast.walk(v) if isinstance(n, ast.Name)}
    for node in reversed(nodes):
        if isinstance(node, ast.Assign) and _mentions(ast.Tuple(elts=node.targets), names):
            values.append(node.value)
            names.update(n.id for n in ast.walk(node.value) if isinstance(n, ast.Name))
    return values


def _feeds_builder(call: ast.Call, builder: _Builder, data: set[str]) -> bool:
    """Whether `call` passes page data where the builder splices its parameter in."""
    positional = zip(builder.parameters, call.args, strict=False)
    passed = [*positional, *((k.arg, k.value) for k in call.keywords if k.arg)]
    return any(name in builder.spliced and _mentions(arg, data) for name, arg in passed)


def _tag_callers(context: ModuleContext, name: str, builder: _Builder) -> Iterator[str]:
    """The tags (`Node.render`, wrapped `register.tag` functions) that return what the builder
    `name` makes of their page data; a comprehension over page data makes its targets data."""
    for function in ast.walk(context.tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not (_is_node_render(function, context) or _is_wrapped_tag(function, context)):
            continue
        nodes = shared_own_nodes(function, context)
        data = set(_page_data(function, nodes))
        for value in _returned_values(nodes):
            for generator in (n for n in ast.walk(value) if isinstance(n, ast.comprehension)):
                if _mentions(generator.iter, data):
                    data.update(n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name))
            calls = (n for n in ast.walk(value) if isinstance(n, ast.Call))
            if any(
                isinstance(c.func, ast.Name)
                and c.func.id == name
                and _feeds_builder(c, builder, data)
                for c in calls
            ):
                owner = context.parent(function)
                yield (
                    f"{owner.name}.{function.name}"
                    if isinstance(owner, ast.ClassDef)
                    else function.name
                )
                break


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
    "(`conditional_escape`, `escape`, `format_html`) or converted to a number. A value right "
    'after an attribute\'s opening quote (`{key}="{value}"`) counts as markup there, and a '
    "module helper building such markup from its parameters is reported at its `return` when "
    "a tag returns what it makes of template data.",
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
    if not context.imports_module("django"):
        return
    if isinstance(context.parent(node), ast.Module):
        yield from _builder_hits(node, context)
    if not (_is_node_render(node, context) or _is_wrapped_tag(node, context)):
        return
    nodes = shared_own_nodes(node, context)
    data = _page_data(node, nodes)
    for returned in nodes:
        if not isinstance(returned, ast.Return) or returned.value is None:
            continue
        raw = [p for p in _raw_markup(context, returned.value) if _mentions(p.node, data)]
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


def _builder_hits(node: Function, context: ModuleContext) -> Iterator[Hit]:
    """A module-level helper whose markup a template tag returns with page data spliced in."""
    builder = context.derived(_builders).get(node.name)
    if builder is None or builder.returned not in shared_own_nodes(node, context):
        return
    callers = list(_tag_callers(context, node.name, builder))
    if not callers:
        return
    value = builder.returned.value
    assert value is not None  # a builder's return has a value
    raw = _raw_markup(context, value)
    spliced = name_values(context, [p.node for p in raw if p.node])
    yield Hit(
        node=value,
        message=f"`{node.name}` returns HTML that splices in {spliced} "
        f"unescaped (`{code(context, value)}`), and `{callers[0]}` returns it with template data: "
        "Django inserts a template tag's output as it is, so markup in that data reaches the page.",
        evidence=assembly_evidence(context, raw),
    )
