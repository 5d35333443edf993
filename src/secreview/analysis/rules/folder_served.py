"""CWE-754: a file route serves a path the request named after testing only that it exists
(`folder-served-after-exists`).

`Path.exists()` and `os.path.exists()` are true for a folder. A route that joins the request's
path to its base (`base / path`), tests `exists()` and hands the result to Starlette's or
FastAPI's `FileResponse` or Flask's `send_file` serves a folder when the request ends in `/`:
`FileResponse` raises `RuntimeError("... is not a file")` and `send_file` `IsADirectoryError`,
outside any handler, so every such request is a 500 and a stack trace in the server's log, which
any client can fill (nicegui's GHSA-pq7c-x8g4-rvp6). `is_file()` / `os.path.isfile()` is the
test that was meant. Only route handlers (a function decorated by a `get`, `head`, `route` or
`api_route` call) that join one of their own parameters into the path are read: a file the
application registered (`components[key].path`) is a file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.quoting import code
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_SERVERS = frozenset(
    {"starlette.responses.FileResponse", "fastapi.responses.FileResponse", "fastapi.FileResponse"}
    | {"flask.send_file", "flask.helpers.send_file", "quart.send_file", "quart.helpers.send_file"}
)
"""Responses that open the path they are given as a file, and raise for a folder."""
_ROUTE_DECORATORS = frozenset({"get", "head", "route", "api_route"})
_JOINS = frozenset({"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath"})
_NOT_REQUEST_DATA = frozenset({"self", "cls", "request"})


def _tested(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The path `call` tests: `os.path.exists(p)` or `p.exists()`."""
    if context.call_name(call) == "os.path.exists":
        return call.args[0] if len(call.args) == 1 else None
    if isinstance(call.func, ast.Attribute) and not call.args and not call.keywords:
        return call.func.value
    return None


def _guarded_branch(call: ast.Call, context: ModuleContext) -> list[ast.stmt] | None:
    """The body of the `if` whose test is `call`, alone or as one operand of an `and`."""
    parent = context.parent(call)
    if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And):
        call, parent = parent, context.parent(parent)  # type: ignore[assignment]
    if isinstance(parent, ast.If) and parent.test is call:
        return parent.body
    return None


def _is_route(function: ast.AST) -> bool:
    """A function registered as a route by a decorator call (`@app.get("/files/{path:path}")`)."""
    decorators = getattr(function, "decorator_list", [])
    return any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in _ROUTE_DECORATORS
        for d in decorators
    )


def _joins_parameter(path: ast.expr, parameters: set[str], context: ModuleContext) -> bool:
    """Whether `path` (or what the local holding it was assigned) joins a route parameter in:
    `base / path`, `os.path.join(base, path)`, `Path(base, path)`."""
    values = [v for v, _ in assigned_values(context, path)] if isinstance(path, ast.Name) else []
    for value in [path, *values]:
        for node in ast.walk(value):
            operands: list[ast.expr] = []
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                operands = [node.right]
            elif isinstance(node, ast.Call) and context.call_name(node) in _JOINS:
                operands = node.args[1:]
            if any(isinstance(o, ast.Name) and o.id in parameters for o in operands):
                return True
    return False


@rule(
    id="folder-served-after-exists",
    name="A requested path served as a file after testing only `exists()`",
    cwe=754,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="A route joins the request's path to its base and serves it with `FileResponse` or "
    "`send_file` after `exists()`, which is true for a folder: a request ending in `/` raises "
    "an unhandled error on every call.",
    fix="Test `is_file()` (or `os.path.isfile`) before serving and answer 404 otherwise.",
    what_it_does="Reports `path.exists()` or `os.path.exists(path)` as the test of an `if` "
    "(alone or in an `and`) whose body hands the same path to Starlette's or FastAPI's "
    "`FileResponse` or Flask's or Quart's `send_file`, in a route handler (decorated by a "
    "`get`, `head`, `route` or `api_route` call) whose path joins one of its parameters in "
    "(`base / path`, `os.path.join(base, path)`).",
    why_bad="A folder exists too: `FileResponse` raises `RuntimeError` and `send_file` "
    "`IsADirectoryError` for one, outside any handler, so any client turns each request into "
    "a 500 and a stack trace in the log, and can flood it.",
    example="@app.get('/files/{path:path}')\ndef files(path: str):\n"
    "    target = BASE / path\n    if target.exists():\n        return FileResponse(target)",
    use_instead="@app.get('/files/{path:path}')\ndef files(path: str):\n"
    "    target = BASE / path\n    if target.is_file():\n        return FileResponse(target)",
    references=(
        "https://cwe.mitre.org/data/definitions/754.html",
        "https://github.com/zauberzeug/nicegui/security/advisories/GHSA-pq7c-x8g4-rvp6",
    ),
    methods=frozenset({"exists"}),
)
def folder_served_after_exists(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report an `exists()` test guarding a file response of a path a route parameter joins."""
    assert isinstance(node, ast.Call)
    if context.is_test:
        return
    path = _tested(node, context)
    branch = _guarded_branch(node, context) if path is not None else None
    function = context.enclosing_function(node)
    if path is None or branch is None or function is None or not _is_route(function):
        return
    parameters = {a.arg for a in [*function.args.args, *function.args.kwonlyargs]}
    if not _joins_parameter(path, parameters - _NOT_REQUEST_DATA, context):
        return
    shape = ast.dump(path)
    served = any(
        isinstance(n, ast.Call)
        and context.call_name(n) in _SERVERS
        and n.args
        and ast.dump(n.args[0]) == shape
        for statement in branch
        for n in ast.walk(statement)
    )
    if served:
        yield Hit(
            node=node,
            message=f"`{code(context, node)}` is also true for a folder, which "
            f"`{code(context, path)}` is when the request ends in `/`: serving it raises an "
            "unhandled error on every such request; test `is_file()`.",
        )
