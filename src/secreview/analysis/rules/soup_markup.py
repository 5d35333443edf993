"""CWE-79: BeautifulSoup output serialized without entity substitution, marked safe.

BeautifulSoup stores text decoded: `&lt;script&gt;` in the parsed page is the text `<script>`.
Serializing puts the entities back only through the formatter's `entity_substitution`; with
`formatter=None`, or with a `Formatter`/`HTMLFormatter` built without one (the attribute-order
subclass of the bs4 documentation is the usual case: `HTMLFormatter()` substitutes nothing), the
escaped text of the page comes out as live markup. Marking that output safe (`mark_safe`,
`Markup`) hands it to the page unescaped.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.safe_markup import MARK_SAFE_CALLS
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_FORMATTERS = frozenset(
    {
        "bs4.formatter.Formatter",
        "bs4.formatter.HTMLFormatter",
        "bs4.formatter.XMLFormatter",
        "bs4.Formatter",
        "bs4.HTMLFormatter",
        "bs4.XMLFormatter",
    }
)
# Tag methods that serialize a document and take `formatter=`.
_SERIALIZERS = frozenset({"encode", "decode", "prettify", "encode_contents", "decode_contents"})
# A byte/str conversion of the serialized text: `soup.encode(formatter=f).decode("utf-8")`.
_CONVERSIONS = frozenset({"encode", "decode", "strip"})
_MAX_DEPTH = 4


def _class_named(name: str, context: ModuleContext) -> ast.ClassDef | None:
    """The class of this module called `name`."""
    for statement in context.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            return statement
    return None


def _sets_substitution(node: ast.AST) -> bool:
    """Whether a node of a formatter subclass chooses the substitution (constructor or method)."""
    if isinstance(node, ast.keyword | ast.arg):
        return node.arg == "entity_substitution"
    if isinstance(node, ast.FunctionDef):
        return node.name in {"__init__", "substitute"}
    return isinstance(node, ast.Attribute) and node.attr == "entity_substitution"


def _substitutes_nothing(formatter: ast.expr, context: ModuleContext, depth: int = 0) -> bool:
    """Whether a `formatter=` value puts no entities back (None, or a formatter built without)."""
    if isinstance(formatter, ast.Constant):
        return formatter.value is None
    if not isinstance(formatter, ast.Call) or depth > _MAX_DEPTH:
        return False
    if context.resolve(formatter.func) in _FORMATTERS:
        return context.keyword(formatter, "entity_substitution") is None and len(formatter.args) < 2
    if not isinstance(formatter.func, ast.Name):
        return False
    local = _class_named(formatter.func.id, context)
    if local is None or context.keyword(formatter, "entity_substitution") is not None:
        return False
    if any(_sets_substitution(node) for node in ast.walk(local)):
        return False  # the subclass chooses or performs the substitution itself
    return any(context.resolve(base) in _FORMATTERS for base in local.bases)


def _unescaped_serialization(
    expr: ast.expr, context: ModuleContext, depth: int = 0
) -> ast.Call | None:
    """The serializing call an expression's value comes from, when it substitutes no entities.

    Follows a local variable to its assignments in the same function, and a call of a function or
    method of this module to its `return` values.
    """
    if depth > _MAX_DEPTH:
        return None
    if isinstance(expr, ast.Name):
        function = context.enclosing_function(expr)
        for node in ast.walk(function) if function is not None else ():
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == expr.id for t in node.targets
            ):
                found = _unescaped_serialization(node.value, context, depth + 1)
                if found is not None:
                    return found
        return None
    if not isinstance(expr, ast.Call) or not isinstance(expr.func, ast.Attribute | ast.Name):
        return None
    formatter = context.keyword(expr, "formatter")
    if isinstance(expr.func, ast.Attribute) and expr.func.attr in _SERIALIZERS and formatter:
        return expr if _substitutes_nothing(formatter, context) else None
    if isinstance(expr.func, ast.Attribute) and expr.func.attr in _CONVERSIONS:
        found = _unescaped_serialization(expr.func.value, context, depth + 1)
        if found is not None:
            return found
    return _returned_serialization(expr, context, depth)


def _returned_serialization(call: ast.Call, context: ModuleContext, depth: int) -> ast.Call | None:
    """An unescaped serialization returned by the module's own function or method `call` calls."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    for node in context.derived(_functions_by_name).get(name, ()):
        for returned in ast.walk(node):
            if isinstance(returned, ast.Return) and returned.value is not None:
                found = _unescaped_serialization(returned.value, context, depth + 1)
                if found is not None:
                    return found
    return None


def _functions_by_name(context: ModuleContext) -> dict[str, list[ast.AST]]:
    """The module's functions and methods by name, in `ast.walk`'s order: one walk per module,
    not one per call a serialization is traced through (a 30,000-line module made thousands)."""
    found: dict[str, list[ast.AST]] = {}
    for node in ast.walk(context.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.setdefault(node.name, []).append(node)
    return found


@rule(
    id="markup-from-unescaped-soup",
    name="BeautifulSoup output without entity substitution marked safe",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="HTML serialized by BeautifulSoup with a formatter that substitutes no entities is "
    "marked safe, so text that was escaped in the page comes out as markup.",
    fix="Serialize with an escaping formatter (`formatter='minimal'`, or pass "
    "`entity_substitution=EntitySubstitution.substitute_html` to a custom `HTMLFormatter`), or "
    "do not mark the output safe.",
    what_it_does="Reports `mark_safe`/`Markup` of a value that comes from a BeautifulSoup "
    "`encode`/`decode`/`prettify` whose `formatter=` is None, a bs4 `Formatter`/`HTMLFormatter` "
    "built without `entity_substitution`, or a subclass of one defined in the module that "
    "neither passes `entity_substitution` nor overrides `__init__`/`substitute`. The value is "
    "followed through local variables and the returns of the module's own functions.",
    why_bad="BeautifulSoup keeps text unescaped in memory (`&lt;script&gt;` is the text "
    "`<script>`); a formatter without entity substitution writes it back as a live `<script>` "
    "tag, and marking the result safe sends it to the browser (CWE-79).",
    example="class Unsorted(HTMLFormatter):\n    def attributes(self, tag):\n"
    "        return tag.attrs.items()\n\n"
    "html = mark_safe(soup.decode(formatter=Unsorted()))",
    use_instead="class Unsorted(HTMLFormatter):\n    def __init__(self):\n"
    "        super().__init__(entity_substitution=EntitySubstitution.substitute_html)",
    references=(
        "https://www.crummy.com/software/BeautifulSoup/bs4/doc/#output-formatters",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    calls=MARK_SAFE_CALLS,
)
def markup_from_unescaped_soup(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report BeautifulSoup output without entity substitution that is marked safe."""
    assert isinstance(node, ast.Call)
    if not context.imports_module("bs4") or len(node.args) != 1:
        return
    serialization = _unescaped_serialization(node.args[0], context)
    if serialization is None:
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` marks safe the output of "
        f"`{context.one_line(serialization)}` (line {serialization.lineno}), whose formatter "
        "substitutes no entities: text escaped in the page (`&lt;script&gt;`) comes out as "
        "markup.",
    )
