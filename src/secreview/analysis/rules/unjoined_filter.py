"""CWE-285: an ORM query filtered on a model it never joins, so the filter scopes nothing.

`Person.query.filter(Project.id == project.id)` reads like "members of this project", but
`Project` is not part of the query: SQLAlchemy adds it to the FROM clause as a cross join, the
condition holds for every `Person` row as soon as the project exists, and the lookup returns
members of every project. When such a filter is the only thing tying a record to the caller's
tenant, project or account, anyone reaches everyone's records (ihatemoney's members, CVE-2020-
15120). The intended condition names the queried model's own column (`Person.project_id`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_FILTERS = frozenset({"filter", "where"})
_JOINS = frozenset({"join", "outerjoin", "select_from", "join_from", "add_entity", "add_columns"})
_COMPARISONS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)


def _chain(top: ast.AST) -> tuple[list[ast.Call], ast.AST]:
    """The method calls of `a.b(...).c(...)` from the top down, and the expression below them."""
    calls: list[ast.Call] = []
    node = top
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            calls.append(node)
            node = node.func.value
        else:
            return calls, node


def _queried(base: ast.AST, calls: list[ast.Call]) -> set[str] | None:
    """The model classes a query starts from: `Model.query`, `session.query(Model, ...)`."""
    if (
        isinstance(base, ast.Attribute)
        and base.attr == "query"
        and isinstance(base.value, ast.Name)
    ):
        return {base.value.id}
    if calls and isinstance(calls[-1].func, ast.Attribute) and calls[-1].func.attr == "query":
        names = {a.id for a in calls[-1].args if isinstance(a, ast.Name)}
        return names or None
    return None


def _models(context: ModuleContext) -> dict[str, set[str]]:
    """Classes defined in the module, each with the names of its bases (to see inheritance)."""
    return {
        node.name: {b.id for b in node.bases if isinstance(b, ast.Name)}
        for node in context.tree.body
        if isinstance(node, ast.ClassDef)
    }


def _related(first: str, second: str, models: dict[str, set[str]]) -> bool:
    """Whether one class inherits from the other (joined-table inheritance shares the row)."""
    for child, parent in ((first, second), (second, first)):
        seen: set[str] = set()
        todo = [child]
        while todo:
            name = todo.pop()
            if name == parent:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(models.get(name, ()))
    return False


def _column_model(node: ast.AST, models: dict[str, set[str]]) -> str | None:
    """`Project` for `Project.id`, when `Project` is a class of this module."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id if node.value.id in models else None
    return None


def _relationship_target(path: ast.AST, context: ModuleContext) -> str | None:
    """The model `.join(Episode.series)` joins: the class `series = relationship("Series")`
    names in `Episode`'s body; None when the attribute is a backref or built otherwise.

    A join along a relationship attribute brings in its target model, whose name the join
    itself does not spell; reading it from the class body keeps the filter check exact.
    """
    assert isinstance(path, ast.Attribute) and isinstance(path.value, ast.Name)
    for node in context.tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name == path.value.id):
            continue
        for statement in node.body:
            if not (
                isinstance(statement, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == path.attr for t in statement.targets)
                and isinstance(statement.value, ast.Call)
                and statement.value.args
            ):
                continue
            first = statement.value.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            if isinstance(first, ast.Name):
                return first.id
    return None


@rule(
    id="unjoined-filter",
    name="ORM filter on a model the query never joins",
    cwe=285,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A query filters on another model's column without joining it: the cross join "
    "makes the condition true for every row, so the filter restricts nothing.",
    fix="Compare the queried model's own column (`Person.project_id == project.id`), or join "
    "the other model explicitly (`.join(Project)`) so the condition relates the two.",
    what_it_does="Reads query chains starting at `Model.query` or `session.query(Model)` and "
    "reports a `.filter(...)`/`.where(...)` whose comparison is between a column of another "
    "model class of the same module and a value that is no model's column, when that model is "
    "neither queried, joined (`join`, `outerjoin`, `select_from`; a join along a relationship "
    "attribute joins the model its `relationship(...)` names, and one we cannot name stops "
    "the check) anywhere in the chain, nor "
    "related to a queried model by inheritance.",
    why_bad="SQL puts a table that appears only in WHERE into the FROM list as a cross "
    "product: `Project.id == 5` is true for every member row once project 5 exists. A lookup "
    "meant to stay inside the caller's project, account or tenant then returns and lets the "
    "caller change everyone's records (CWE-285; CWE-639 when the key is the caller's).",
    example="Person.query.filter(Person.id == id).filter(Project.id == project.id).one()",
    use_instead="Person.query.filter(Person.id == id)\n"
    "    .filter(Person.project_id == project.id).one()",
    references=(
        "https://docs.sqlalchemy.org/en/20/changelog/migration_14.html#change-4737",
        "https://cwe.mitre.org/data/definitions/285.html",
    ),
    visits=(ast.Call,),
    text_words=("query",),  # `_queried` needs an attribute named `query`
)
def unjoined_filter(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report filters on a model that is not part of the query."""
    assert isinstance(node, ast.Call)
    parent = context.parent(node)
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return  # not the top of its chain: the top call reads the whole chain
    calls, base = _chain(node)
    queried = _queried(base, calls)
    if not queried:
        return
    models = _models(context)
    if not queried <= set(models):
        return
    joins = [
        call for call in calls if isinstance(call.func, ast.Attribute) and call.func.attr in _JOINS
    ]
    joined = {n.id for call in joins for n in ast.walk(call) if isinstance(n, ast.Name)}
    for call in joins:
        for target in call.args:
            if _column_model(target, models) is None:
                continue
            related = _relationship_target(target, context)
            if related is None:
                return  # joined along a relationship whose model we cannot name
            joined.add(related)
    for call in calls:
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in _FILTERS):
            continue
        for condition in call.args:
            hit = _unjoined(condition, queried, joined, models)
            if hit is not None:
                yield Hit(
                    node=condition,
                    message=f"`{context.one_line(condition)}` filters on `{hit}`, which this "
                    f"query of `{', '.join(sorted(queried))}` never joins: the cross join makes "
                    "it true for every row, so the query is not restricted by it.",
                )


def _unjoined(
    condition: ast.AST, queried: set[str], joined: set[str], models: dict[str, set[str]]
) -> str | None:
    """The unjoined model a `Model.column == value` condition names, if it is one."""
    if not (
        isinstance(condition, ast.Compare)
        and len(condition.ops) == 1
        and isinstance(condition.ops[0], _COMPARISONS)
    ):
        return None
    left, right = condition.left, condition.comparators[0]
    for column, value in ((left, right), (right, left)):
        model = _column_model(column, models)
        if model is None or model in queried or model in joined:
            continue
        if _column_model(value, models) is not None:
            return None  # `Project.id == Person.project_id`: an explicit join condition
        if any(_related(model, each, models) for each in queried):
            return None
        return model
    return None
