"""CWE-89: SQL text assembled from run-time values instead of passing them as parameters.

The rule looks at what reaches a SQL sink: DB-API `execute`/`executemany`/`executescript` on any
object, Django `raw`, `extra` and `RawSQL`, SQLAlchemy `text` and pandas `read_sql`. It reports
text that was *built* in the function (a fixed SQL part plus a run-time part, by `%`, `+`,
`str.format`, an f-string or `+=` on a local) and leaves alone text it cannot see being built,
because a bare variable may well hold a constant query from elsewhere. When the receiver is unknown
(`anything.execute(...)`) the fixed part must also read as SQL, which keeps shell, Selenium or
Redis `execute` methods out. Values formatted as numbers (`%d`, `int(x)`) and generated
placeholder lists (`", ".join(["%s"] * len(ids))`) are not injection and not reported, nor are
identifiers quoted by the database layer (`connection.ops.quote_name`, SQLAlchemy's
`identifier_preparer.quote*`/`format_table`, `psycopg.sql.Identifier`) or by the module itself
with every quote doubled (`sql_quoting`).
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import (
    Piece,
    assembly_evidence,
    fixed_text,
    is_fixed,
    looks_internal,
    string_pieces,
)
from secreview.analysis.rules._support.compiled_sql import is_compiled_sql
from secreview.analysis.rules._support.local_bindings import sequence_elements, single_value
from secreview.analysis.rules._support.number_annotations import is_number_conversion
from secreview.analysis.rules._support.quoting import code, name_values
from secreview.analysis.rules._support.regex_checked_names import regex_checked
from secreview.analysis.rules._support.schema_names import (
    is_schema_identifier,
    joins_schema_names,
)
from secreview.analysis.rules._support.sql_quoting import in_backticks, quotes_identifier
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_UNKNOWN_RECEIVER_METHODS = frozenset({"execute", "executemany", "executescript", "raw"})
# What DB-API drivers, Django and SQLAlchemy call the statement argument when passed by keyword.
_STATEMENT_KEYWORDS = frozenset({"sql", "operation", "query", "raw_query", "statement"})
_SQL_FUNCTIONS: dict[str, tuple[int, str]] = {
    "sqlalchemy.text": (0, "text"),
    "sqlalchemy.sql.text": (0, "text"),
    "sqlalchemy.sql.expression.text": (0, "text"),
    "sqlmodel.text": (0, "text"),
    "pandas.read_sql": (0, "sql"),
    "pandas.read_sql_query": (0, "sql"),
    "django.db.models.RawSQL": (0, "sql"),
    "django.db.models.expressions.RawSQL": (0, "sql"),
}
# QuerySet.extra(select, where, params, tables, order_by, select_params): the raw SQL fragments.
_EXTRA_FRAGMENTS = (("select", 0), ("where", 1), ("tables", 3), ("order_by", 4))
_SQL_OBJECT = (
    r"(?:(?:temp|temporary|unique|materialized|virtual|global|local)\s+)*"
    r"(?:table|index|view|database|schema|sequence|trigger|function|procedure|user|role|"
    r"extension|type|if|column|constraint|policy|domain|collation|aggregate|operator|rule|"
    r"event|server|tablespace|materialized)\b"
)


@functools.cache
def _sql_statement() -> re.Pattern[str]:
    """Text that starts an SQL statement, compiled on first use: the pattern is large and
    most files never build SQL, so a one-file scan should not pay for it at start-up."""
    return re.compile(
        r"^\s*\(*\s*(?:"
        r"select\s.*?\bfrom\s"
        r"|with\s+(?:recursive\s+)?.+?\bas\s*\("
        r"|insert\s+(?:or\s+\w+\s+)?into\s"
        r"|(?:replace|merge)\s+into\s"
        r"|update\s.+?\sset\s"
        r"|delete\s+from\s"
        rf"|(?:create|drop|alter)\s+(?:or\s+replace\s+)?{_SQL_OBJECT}"
        r"|truncate\s+(?:table\s+)?\S"
        r"|pragma\s+\w"
        r"|explain\s+(?:analyze\s+)?(?:select|insert|update|delete|with)\s"
        r"|(?:grant|revoke)\s.+?\s(?:on|to|from)\s"
        # Transaction, session and maintenance statements take names and values too.
        r"|(?:savepoint|release\s+savepoint|rollback\s+(?:work\s+|transaction\s+)?to\s+"
        r"(?:savepoint\s+)?)\s*\S"
        r"|set\s+(?:(?:session|local|global)\s+)?(?:role\s|time\s+zone\s|names\s|[\w.@]+\s*(?:=|\bto\b))"
        r"|lock\s+tables?\s+\S"
        r"|(?:vacuum|reindex|analyze|cluster)\b(?:\s+\S|\s*$)"
        r"|(?:optimize|rename)\s+table\s|refresh\s+materialized\s+view\s"
        r"|comment\s+on\s"
        r"|copy\s+\S.*?\s(?:from|to)\s"
        r"|(?:attach|detach)\s+(?:database\s+)?\S"
        r"|show\s+(?:full\s+)?(?:tables|columns|index|databases|grants|create)\b"
        r"|call\s+[\w.]+\s*\("
        r"|(?:use|listen|notify)\s+[\w`\"]+\s*;?\s*$"
        r")",
        re.IGNORECASE | re.DOTALL,
    )


_IDENTIFIER_QUOTERS = frozenset(
    {"psycopg2.sql.Identifier", "psycopg.sql.Identifier", "psycopg2.extensions.quote_ident"}
)
_QUOTING_METHODS = frozenset(
    {"quote_name", "quote_identifier", "quote_schema", "format_table", "format_column"}
)
"""Django's `connection.ops.quote_name`; SQLAlchemy's `IdentifierPreparer` methods."""
_COMPILE_TARGETS = frozenset({"dialect", "engine", "bind"})
"""What `ClauseElement.compile` is given to spell SQL for a database (`compile(conn.engine)`)."""
_RUN_TIME_MARK = "\x00"  # stands for a spliced value when the fixed text is checked for SQL


def _repeats_fixed_text(context: ModuleContext, items: ast.expr, depth: int = 0) -> bool:
    """`["%s"] * n`, `"?" * n`, `("%s" for _ in ids)`: copies of one fixed placeholder, or of
    a group of them (`[row] * len(rows)` after `row = "(" + ", ".join(["%s"] * 3) + ")"`), or
    named placeholders the loop numbers (`f":rid_{i}" for i in range(n)`, `f"%(p{i})s"` over
    `enumerate`'s index: `comprehension_names`), whose values are bound beside the text."""
    items = single_value(context, items)
    match items:
        case ast.BinOp(op=ast.Mult(), left=left, right=right):
            return _is_placeholder_text(context, left, depth) or _is_placeholder_text(
                context, right, depth
            )
        case ast.GeneratorExp(elt=element) | ast.ListComp(elt=element):
            return _is_placeholder_text(context, element, depth)
        case ast.Call(args=[first, *_]):
            return context.call_name(items) == "itertools.repeat" and _is_placeholder_text(
                context, first, depth
            )
    return False


def _is_placeholder_text(context: ModuleContext, expr: ast.expr, depth: int) -> bool:
    """Fixed text, or fixed text around numbers and generated placeholder lists (`"(" + marks +
    ")"`, `f":id{i}"`), or a list of such: what is repeated, never the count (`[name] * 3`
    repeats a run-time name)."""
    if isinstance(context.constant_value(expr), int):
        return False
    if is_fixed(context, expr):
        return True
    if isinstance(expr, ast.List | ast.Tuple):
        return bool(expr.elts) and all(_is_placeholder_text(context, e, depth) for e in expr.elts)
    pieces = string_pieces(context, expr)
    return all(
        p.node is None
        or p.numeric
        or (depth < 3 and _is_placeholder_list(context, p.node, depth + 1))
        for p in pieces
    )


def _is_placeholder_list(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """Whether `expr` only generates parameter placeholders (`", ".join(["%s"] * len(ids))`)."""
    if depth > 3:
        return False
    expr = single_value(context, expr)
    match expr:
        case ast.Call(func=ast.Attribute(attr="join", value=separator), args=[items]):
            return fixed_text(context, separator) is not None and _repeats_fixed_text(
                context, items, depth
            )
        case ast.BinOp(op=ast.Mult()):
            return _repeats_fixed_text(context, expr, depth)
        case ast.Subscript(value=inner):  # ("?, " * n)[:-2]
            return _is_placeholder_list(context, inner, depth + 1)
    return False


def _is_quoted_identifier(context: ModuleContext, expr: ast.expr) -> bool:
    """An identifier quoted for the database (`connection.ops.quote_name(t)`,
    `preparer.quote_identifier(c)`, `sql.Identifier(t)`), or SQL that SQLAlchemy compiled for the
    dialect (`column.type.compile(engine.dialect)`): the driver's own quoting, not raw text."""
    value = single_value(context, expr)
    if not isinstance(value, ast.Call):
        return False
    if context.call_name(value) in _IDENTIFIER_QUOTERS:
        return True
    func = value.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in _QUOTING_METHODS:
        return True
    if func.attr == "quote" and code(context, func.value, 80).endswith("preparer"):
        return True
    dialects = [*value.args, *(k.value for k in value.keywords if k.arg in _COMPILE_TARGETS)]
    return func.attr == "compile" and any(
        isinstance(d, ast.Attribute) and d.attr in _COMPILE_TARGETS for d in dialects
    )


def _is_dialect_text(context: ModuleContext, expr: ast.expr, executors: frozenset[str]) -> bool:
    """SQL text the database object running the statement gives for its own dialect: an
    attribute of it, or a method of it called with constants only (`db.execute(f"... {
    db.timestamp_placeholder('now')}")`, `{db.serial_primary_key}`). Such helpers write the
    same SQL for every call; a value of the caller's handed to one (`db.quote(name)`) is not."""
    value = single_value(context, expr)
    if isinstance(value, ast.Call):
        arguments = [*value.args, *(k.value for k in value.keywords)]
        if not all(context.is_constant(a) for a in arguments):
            return False
        value = value.func
    return (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id in executors
    )


def _spliced_values(
    context: ModuleContext, pieces: list[Piece], executors: frozenset[str] = frozenset()
) -> list[Piece]:
    """The run-time values that can carry SQL syntax: not numbers, not placeholder lists, not
    identifiers the database's own quoting produced or the module quoted, quotes doubled, not
    names an anchored pattern without SQL syntax accepted whole before (`regex_checked`), not
    names of the program's schema, not SQL the ORM compiled or a primary key, not the dialect
    text of the object running the statement (`executors`: the names in the receiver of
    `execute`)."""
    return [
        p
        for index, p in enumerate(pieces)
        if p.node is not None
        and p.is_dynamic
        and not is_number_conversion(context, p.node)
        and not _is_placeholder_list(context, p.node)
        and not _is_quoted_identifier(context, p.node)
        and not is_schema_identifier(context, p.node)
        and not joins_schema_names(context, p.node)
        and not is_compiled_sql(context, p.node)
        and not in_backticks(context, pieces, index)
        and not quotes_identifier(context, p.node)
        and not (isinstance(p.node, ast.Name) and regex_checked(context, p.node, "sql"))
        and not (executors and _is_dialect_text(context, p.node, executors))
    ]


def _built_sql(
    context: ModuleContext,
    sql: ast.expr,
    must_look_like_sql: bool,
    executors: frozenset[str] = frozenset(),
) -> list[Piece]:
    """The unsafe run-time values, when `sql` is SQL text built here from some (else [])."""
    pieces = string_pieces(context, sql)
    values = _spliced_values(context, pieces, executors)
    has_fixed_text = any(p.text and p.text.strip() for p in pieces)
    if not values or not has_fixed_text:
        return []
    if must_look_like_sql:
        template = "".join(_RUN_TIME_MARK if p.text is None else p.text for p in pieces)
        if not _sql_statement().match(template):
            return []
    return values


def _hit(
    context: ModuleContext, call: ast.Call, sink: str, sql: ast.expr, built: list[Piece]
) -> Hit:
    nodes = [p.node for p in built if p.node is not None]
    values = name_values(context, nodes)
    if isinstance(sql, ast.Name):
        what = f"`{sink}` receives the SQL held in `{sql.id}`, assembled from {values}"
    else:
        what = f"`{sink}` receives the SQL text `{code(context, sql)}`, which splices in {values}"
    return Hit(
        node=call,
        message=f"{what}; the value is parsed as SQL rather than sent as data, so a quote or "
        "keyword in it rewrites the statement to read or change whatever the connection can.",
        evidence=assembly_evidence(context, built),
        confidence=Confidence.LOW if all(looks_internal(n) for n in nodes) else None,
        judged=sql if _is_argument(call, sql) else None,
    )


def _is_argument(call: ast.Call, expr: ast.expr) -> bool:
    """Whether `expr` is written as an argument of `call` (not a fragment inside one): then the
    data flow can say what reaches the SQL text alone, whatever parameters are bound beside it
    (`execute(sql, comment=commentid)`)."""
    return any(a is expr for a in call.args) or any(k.value is expr for k in call.keywords)


def _extra_fragments(context: ModuleContext, call: ast.Call) -> Iterator[tuple[str, ast.expr]]:
    """The raw SQL strings handed to Django's `QuerySet.extra`, with the argument they came in."""
    for keyword, position in _EXTRA_FRAGMENTS:
        value = ModuleContext.argument(call, position, keyword)
        if value is None:
            continue
        value = single_value(context, value)
        if isinstance(value, ast.Dict):
            fragments: list[ast.expr] | None = list(value.values)
        else:
            fragments = sequence_elements(context, value)
        for fragment in fragments or ():
            yield keyword, fragment


@rule(
    id="formatted-sql-query",
    needs_untrusted_input=True,
    name="SQL statement built from run-time values",
    cwe=89,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="SQL text built with %, +, str.format or an f-string from run-time values reaches "
    "execute/raw/extra/RawSQL/text/read_sql.",
    fix="Keep the SQL text constant and pass the values as parameters: "
    '`cursor.execute("SELECT * FROM users WHERE name = %s", (name,))` (`?` for sqlite3, '
    "`:name` with SQLAlchemy `text`); take table and column names from an allow-list.",
    what_it_does="Reports SQL text assembled from a fixed part and run-time values (`%`, `+`, "
    "`+=`, `str.format`, f-strings, directly or through a local variable of the same function) "
    "when it reaches `.execute`, `.executemany`, `.executescript` or Django `.raw` on any object, "
    "Django `.extra(select=/where=/tables=/order_by=)` and `RawSQL`, SQLAlchemy `text` or pandas "
    "`read_sql`. For methods of unknown objects the fixed part must read as a SQL statement "
    "of any kind: queries and DML, DDL, PRAGMA, GRANT, and transaction and session statements "
    "(SAVEPOINT, RELEASE, ROLLBACK TO, SET, LOCK, ATTACH, VACUUM, COPY, SHOW, USE, CALL). "
    "Parameterised queries, constant text, numbers (`%d`, `int(x)`) and generated placeholder "
    "lists are not reported, nor a name quoted between backticks with its backticks doubled "
    "(`name.replace('`', '``')`), nor the result of the module's own helper that returns a "
    "name between double quotes with its double quotes doubled (not beside a MySQL driver), "
    "nor a parameter annotated `Literal['a', 'b']`, nor text the data flow shows holds only "
    "constants or checked values (`if t not in (...): raise`), whatever parameters are bound "
    "beside it; "
    "values that look internal (`TABLE`, `self.x`) lower the confidence.",
    why_bad="The database parses the whole string: `name = \"x' OR '1'='1\"` in `WHERE name = "
    "'{name}'` returns every row, and `'; DROP TABLE users; --` ends the statement early. "
    "Escaping by hand misses cases; parameters are sent apart from the SQL and never parsed as "
    "SQL.",
    example="cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
    use_instead='cursor.execute("SELECT * FROM users WHERE name = %s", (name,))',
    references=(
        "https://docs.python.org/3/library/sqlite3.html#sqlite3-placeholders",
        "https://peps.python.org/pep-0249/#paramstyle",
        "https://docs.djangoproject.com/en/stable/topics/db/sql/",
        "https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text",
        "https://cwe.mitre.org/data/definitions/89.html",
    ),
    calls=frozenset(_SQL_FUNCTIONS),
    methods=frozenset({"extra", *_UNKNOWN_RECEIVER_METHODS}),
)
def formatted_sql_query(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report SQL sinks whose statement text was built from run-time values."""
    assert isinstance(node, ast.Call)
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "extra":
        for keyword, fragment in _extra_fragments(context, node):
            values = _built_sql(context, fragment, must_look_like_sql=False)
            if values:
                yield _hit(context, node, f".extra({keyword}=...)", fragment, values)
        return
    name = context.call_name(node)
    executors: frozenset[str] = frozenset()
    if name in _SQL_FUNCTIONS:
        sql = ModuleContext.argument(node, *_SQL_FUNCTIONS[name])
        sink, must_look_like_sql = name, False
    elif isinstance(func, ast.Attribute) and func.attr in _UNKNOWN_RECEIVER_METHODS:
        sql = ModuleContext.argument(node, 0) or next(
            (k.value for k in node.keywords if k.arg in _STATEMENT_KEYWORDS), None
        )
        sink, must_look_like_sql = code(context, func, 40), True
        executors = frozenset(n.id for n in ast.walk(func.value) if isinstance(n, ast.Name))
    else:
        return
    if sql is None:
        return
    values = _built_sql(context, sql, must_look_like_sql, executors)
    if values:
        yield _hit(context, node, sink, sql, values)
