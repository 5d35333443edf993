"""Values known to be a dict although the code did not build them, and library objects known
to be no database handle.

`str()`, `%s` and an f-string of a dict write its `repr`, where a line break inside a string key
or value is the two characters `\\n`: such a value, formatted into a log line, forges no entry.
`formats.is_plain_container` knows the containers the code builds; these are the others:

- what a model dump returns (`model.model_dump()`, pydantic 1's `model.dict()`, Django's
  `QueryDict.dict()`, Werkzeug's `MultiDict.to_dict()`, a named tuple's `_asdict()`): a dict
  of the object's data, whatever the object. A method the engine resolves to the project's
  code is read as code instead;
- a WSGI environ (`request.environ`, Django's `request.META`), a dict by PEP 3333;
- a request's query, form or cookies as its framework holds them (`str(request.form)`: Werkzeug's
  `ImmutableMultiDict([('name', 'a\\nb')])`, Django's `<QueryDict: {...}>`, WebOb's, Starlette's
  and aiohttp's multidicts all write their items' `repr`).

Only the whole value: a string read out of it (`data["name"]`) is a string again. Parsed JSON
(`json.loads(body)`, `response.json()`) is not among them: a JSON document may be a bare string.

The `*.execute` family of SQL sinks matches any receiver the engine cannot type, which is what
keeps a cursor a helper returns reported. A local the function fills only by calling a class of a
library that is no database driver (`et = exiftool.ExifTool()`, `with exiftool.ExifTool() as
et`) runs no SQL: `et.execute(*args)` hands arguments to a tool (`built_by_library`). Such
objects keep no type (typing them would end the string semantics `io.StringIO` needs), so the
assignments are read from the function's code.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from secreview.analysis.taint.values import Value
from secreview.index.children import walk

if TYPE_CHECKING:
    from secreview.analysis.taint.module_state import ModuleState

DUMP_METHODS = frozenset({"model_dump", "dict", "to_dict", "_asdict"})
"""Methods that, called without positional arguments on a library object, return its data as
a dict."""
_QUERY_AND_FORM = (
    "args",  # Werkzeug: MultiDict, `repr` of its items
    "form",  # Werkzeug, Starlette: (Immutable)MultiDict / FormData, `repr` of its items
    "values",  # Werkzeug: CombinedMultiDict of the two above
    "cookies",  # Werkzeug: ImmutableMultiDict
    "GET",  # Django: QueryDict, `<QueryDict: {...}>` (a dict's repr); WebOb: MultiDict
    "POST",
    "COOKIES",  # Django: a dict
    "query_params",  # Starlette: `str` is the url-encoded query, `repr` of its items
    "params",  # WebOb: NestedMultiDict, `repr` of each pair
    "query",  # aiohttp: MultiDictProxy, `repr` of each value
    "arguments",  # Tornado: a dict of lists of bytes
    "query_arguments",
    "body_arguments",
)
DICT_TYPES = frozenset(
    {"web.Request.environ", "web.Request.META", *(f"web.Request.{a}" for a in _QUERY_AND_FORM)}
)
"""Typed values that are dicts (a WSGI environ is one by PEP 3333), or a framework's multidict of
the query string, form or cookies, whose text is the `repr` of its items too (headers are not:
Werkzeug's `str(request.headers)` writes the raw header lines)."""

_DATABASE_WORDS = (
    "sql",
    "db",
    "pg",
    "oracle",
    "odbc",
    "cassandra",
    "clickhouse",
    "snowflake",
    "trino",
    "presto",
    "hive",
    "athena",
    "impala",
    "duck",
    "peewee",
    "pony",
    "tortoise",
    "gino",
    "django",
    "databases",
    "records",
    "dataset",
    "bigquery",
    "spark",
    "teradata",
    "vertica",
    "firebird",
    "hdbcli",
    "ibm_db",
    "cx_",
    "jaydebe",
    "druid",
    "pinot",
    "edgedb",
    "neo4j",
    "apsw",
    "mongo",
    "database",
    "cursor",
    "connection",
    "session",
    "engine",
    "query",
)
"""Words in a class's qualified name that mark a database driver, ORM or query client
(`sqlite3`, `psycopg2`, `asyncpg`, `pymysql`, `MySQLdb`, `cx_Oracle`, `pyodbc`, `sqlalchemy`,
`clickhouse_driver`, `duckdb`, `app.database.Connection`): its objects' `execute` may well
run SQL."""


def dumped(result: Value, method: str | None, args: list[Value]) -> Value:
    """`result` of a library method call the models leave untyped, known to be a dict when the
    call is a model dump (`report.model_dump()`)."""
    if method in DUMP_METHODS and not args and result.type is None and not result.shape:
        return replace(result, shape="dict")
    return result


def built_by_library(
    function: ast.AST, name: str, qualified: Callable[[ast.expr], str | None], module: str | None
) -> bool:
    """Whether every assignment to the local `name` in `function` stores an object built by a
    class of a library that is no database driver (`et = exiftool.ExifTool()`, `with
    exiftool.ExifTool() as et`), not one of the package of `module` (the project's own code):
    `qualified` names a call's callee as the file's imports define it."""
    built: list[ast.expr | None] = []
    for node in walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_names(t, name) for t in targets):
                built.append(node.value)
        elif isinstance(node, ast.withitem) and _names(node.optional_vars, name):
            built.append(node.context_expr)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.arg) and _names(node, name):
            return False  # a loop variable or a parameter: built elsewhere
    own = (module or "").partition(".")[0]
    for value in built:
        if not isinstance(value, ast.Call):
            return False
        callee = qualified(value.func)
        if callee is None or callee.partition(".")[0] == own or not runs_no_sql(callee):
            return False
    return bool(built)


def _names(target: ast.AST | None, name: str) -> bool:
    """Whether an assignment target (or a parameter, or a loop) binds `name`."""
    if isinstance(target, ast.arg):
        return target.arg == name
    if isinstance(target, ast.For | ast.AsyncFor):
        return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target.target))
    return isinstance(target, ast.Name) and target.id == name


def is_typed_dict(value: Value) -> bool:
    """Whether `value` is known to be a dict by its type (see the module docstring)."""
    return value.type in DICT_TYPES


def runs_no_sql(callee: str) -> bool:
    """Whether the qualified name of a call is a class of a library that is no database driver
    (`exiftool.ExifTool`), so that a `*.execute` wildcard does not describe its objects'
    methods. A factory function (`create_engine(url)`) may return a database handle."""
    if "." not in callee or not callee.rpartition(".")[2][:1].isupper():
        return False
    return not any(word in callee.lower() for word in _DATABASE_WORDS)


_DOCUMENT_STORE_WORDS = ("mongo", "motor", "bson", "beanie", "odmantic", "db", "database", "coll")
"""Words of a name that may be a MongoDB collection or a module holding one (`pymongo`,
`extensions.mongo`, `app.db.users`)."""


def library_object(
    call: ast.AST,
    qualified: Callable[[ast.expr], str | None],
    analysis: ModuleState,
) -> bool:
    """Whether the receiver of a `*.delete_many`-style `call` is an object imported from a library
    that is no document store: Django's cache (`from django.core.cache import cache`;
    `cache.delete_many(keys)`, `caches["default"].delete_many(keys)`) has the MongoDB method
    names, not a MongoDB filter. Not a name of the project's own modules, and not one whose
    dotted name has a word of a document store in it."""
    func = call.func if isinstance(call, ast.Call) else None
    receiver = func.value if isinstance(func, ast.Attribute) else None
    if isinstance(receiver, ast.Subscript):
        receiver = receiver.value  # `caches["default"]`: an item of the imported mapping
    if not isinstance(receiver, ast.Name):
        return False
    name = qualified(receiver)
    if name is None or "." not in name:
        return False
    parts = name.split(".")
    own = (analysis.module_name or "").partition(".")[0]
    modules = analysis.project.modules
    if parts[0] == own or any(".".join(parts[:i]) in modules for i in range(1, len(parts))):
        return False
    return not any(word in part.lower() for part in parts for word in _DOCUMENT_STORE_WORDS)
