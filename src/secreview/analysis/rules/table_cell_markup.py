"""CWE-79: user profile text returned unescaped from a z3c.table cell.

z3c.table (the table library of Zope and Plone) inserts what a column's `renderCell` returns
into the page as HTML, and a `LinkColumn`'s `getLinkContent` inside its `<a>`: the column is
responsible for escaping. A member's full name or a group's title (`getProperty("fullname")`)
is text any user can edit in their profile, so a name of `<img src=x onerror=...>` returned as
is runs script for everyone who lists it (the stored XSS of several Plone add-ons). The rule
follows such values inside the method, through locals, lists they are appended to, `join`,
`decode` and formatting, to a `return`; `escape(...)` around them (any function named
`escape`, `html.escape`, `cgi.escape`, `markupsafe.escape`) ends the path.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_CELL_METHODS = frozenset({"renderCell", "getLinkContent"})
"""Methods whose result z3c.table inserts into the page as markup."""
_USER_TEXT_PROPERTIES = frozenset({"fullname", "title", "description"})
"""Member and group properties their owners edit (`getProperty("fullname")`)."""
_COLLECTORS = frozenset({"append", "extend", "add", "insert"})


def _user_text(node: ast.AST) -> bool:
    """`<principal>.getProperty("fullname", ...)`: text a user wrote about themselves."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "getProperty"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value in _USER_TEXT_PROPERTIES
    )


def _is_escape(node: ast.AST) -> bool:
    """A call of a function named `escape` (`html.escape`, `cgi.escape`, `escape`, ...)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in {"escape", "html_escape", "escape_html"}


def _unescaped_sources(node: ast.AST, tainted: set[str]) -> list[ast.AST]:
    """The user-text calls and tainted names in `node` that no `escape(...)` wraps."""
    if _is_escape(node):
        return []
    if _user_text(node):
        return [node]
    if isinstance(node, ast.Name) and node.id in tainted:
        return [node]
    found: list[ast.AST] = []
    for child in ast.iter_child_nodes(node):
        found.extend(_unescaped_sources(child, tainted))
    return found


def _returned_user_text(function: ast.FunctionDef) -> list[ast.AST]:
    """The user-text calls whose value reaches a `return` of `function` unescaped."""
    tainted: set[str] = set()
    origins: dict[str, list[ast.AST]] = {}
    for _ in range(3):  # a few passes reach the locals assigned after their first use
        for node in ast.walk(function):
            target, value = _flow(node)
            if target is None or value is None:
                continue
            sources = _unescaped_sources(value, tainted)
            if sources:
                tainted.add(target)
                for source in sources:
                    known = origins.setdefault(target, [])
                    for origin in _origins(source, origins):
                        if origin not in known:
                            known.append(origin)
    returned: list[ast.AST] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            for source in _unescaped_sources(node.value, tainted):
                returned.extend(o for o in _origins(source, origins) if o not in returned)
    return returned


def _origins(source: ast.AST, origins: dict[str, list[ast.AST]]) -> list[ast.AST]:
    """The user-text calls behind `source` (itself when it is one)."""
    if isinstance(source, ast.Name):
        return origins.get(source.id, [])
    return [source]


def _flow(node: ast.AST) -> tuple[str | None, ast.AST | None]:
    """(name, value) when `node` stores `value` into the local `name`: `name = value`, or
    `name.append(value)` and the like."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        return (target.id if isinstance(target, ast.Name) else None), node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _COLLECTORS
        and isinstance(node.func.value, ast.Name)
        and node.args
    ):
        return node.func.value.id, node.args[-1]
    return None, None


@rule(
    id="table-cell-unescaped-user-text",
    name="User profile text returned unescaped from a z3c.table cell",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A z3c.table column returns a member's full name or a group's title from "
    "`renderCell`/`getLinkContent` without escaping; the table inserts it as HTML.",
    fix="Escape the text before returning it (`html.escape(user.getProperty('fullname'))`), "
    "or build the cell with a template that escapes.",
    what_it_does="In modules that import z3c.table, follows `getProperty('fullname' | 'title' "
    "| 'description')` of a member or group inside a `renderCell` or `getLinkContent` method, "
    "through locals, lists it is appended to, `join`, `decode` and formatting, to the method's "
    "`return`, and reports it when no `escape(...)` wraps it on the way.",
    why_bad="z3c.table puts a cell's text into the page as markup. Users choose their own full "
    "name, so `<img src=x onerror=...>` as a name runs script in the session of every manager "
    "who opens a table listing that user (stored XSS).",
    example="from z3c.table.column import Column\n\n\nclass UserColumn(Column):\n"
    "    def renderCell(self, item):\n"
    "        return api.user.get(item.owner).getProperty('fullname')",
    use_instead="from html import escape\n\nfrom z3c.table.column import Column\n\n\n"
    "class UserColumn(Column):\n    def renderCell(self, item):\n"
    "        return escape(api.user.get(item.owner).getProperty('fullname'))",
    references=(
        "https://github.com/zopefoundation/z3c.table",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    visits=(ast.FunctionDef,),
    text_words=tuple(sorted(_CELL_METHODS)),  # the method's name, its first test
)
def table_cell_unescaped_user_text(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report user profile text a z3c.table cell method returns unescaped."""
    assert isinstance(node, ast.FunctionDef)
    if node.name not in _CELL_METHODS or not context.imports_module("z3c.table"):
        return
    if not isinstance(context.parent(node), ast.ClassDef):
        return
    for source in _returned_user_text(node):
        yield Hit(
            node=source,
            message=f"`{context.one_line(source)}` (text its owner edits) reaches the value "
            f"`{node.name}` returns without escaping, and z3c.table inserts that value into the "
            "page as HTML: a name holding markup runs script (stored XSS).",
        )
