"""CWE-22: a web framework's static-file server rooted at the filesystem root.

Every framework serves static files by joining the request's path onto a configured folder and
keeping the result inside it. When that folder is `/` (or a drive root, `os.sep`, `Path("/")`),
"inside" is everywhere: `GET /static/etc/passwd` downloads any file the server process can
read, with no `..` needed and no check to get around. The folder is a constant in the source,
so the flaw is the configuration itself, read where it is written: Tornado's `static_path`
setting (in `Application(...)` or the settings dict handed to it) and a `StaticFileHandler`
route's `{"path": ...}`, Flask's `static_folder`, Starlette's and FastAPI's
`StaticFiles(directory=...)`, aiohttp's `web.static`/`add_static`, Sanic's `app.static` and
Django's `django.views.static.serve` with `{"document_root": ...}`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_FRAMEWORKS = ("tornado", "flask", "starlette", "fastapi", "aiohttp", "sanic", "django")
# Calls whose keyword (or positional argument) names the folder static files are served from.
_FOLDER_ARGUMENTS = {
    "tornado.web.Application": ("static_path", None),
    "flask.Flask": ("static_folder", None),
    "flask.Blueprint": ("static_folder", None),
    "starlette.staticfiles.StaticFiles": ("directory", 0),
    "fastapi.staticfiles.StaticFiles": ("directory", 0),
    "aiohttp.web.static": ("path", 1),
}
# Methods of an application or router object whose second argument is the folder, with the
# framework the module must import for the name to mean that method.
_FOLDER_METHODS = {"add_static": ("aiohttp", "path"), "static": ("sanic", "file_or_directory")}
# Dict keys naming the folder: Tornado's settings, a Tornado route's handler arguments, and the
# keyword arguments a Django URL pattern hands `django.views.static.serve`.
_SETTING_KEYS = frozenset({"static_path", "path", "document_root"})
_PATH_CALLS = frozenset(
    {
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.normpath",
    }
)
_DRIVE_ROOT = lazy_pattern(r"[A-Za-z]:[\\/]?")


def _is_root(node: ast.AST | None, context: ModuleContext) -> bool:
    """Whether `node` is the filesystem root: `"/"`, `"\\"`, a drive root, `os.sep`, or one of
    those through `Path(...)`, `os.path.abspath(...)`, `.resolve()`, `.absolute()`."""
    if node is None:
        return False
    value = context.constant_value(node)
    if isinstance(value, str):
        return value in ("/", "\\") or _DRIVE_ROOT.fullmatch(value) is not None
    if context.resolve(node) in ("os.sep", "os.path.sep"):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in ("resolve", "absolute") and not node.args:
        return _is_root(func.value, context)
    return (
        context.call_name(node) in _PATH_CALLS and len(node.args) == 1 and not node.keywords
    ) and _is_root(node.args[0], context)


def _argument(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    found = ModuleContext.keyword(call, keyword)
    if found is None and position is not None and len(call.args) > position:
        found = call.args[position]
    return found


@rule(
    id="static-files-filesystem-root",
    name="Static files served from the filesystem root",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A web framework serves static files from `/`, so any file the server can read is "
    "downloaded by naming its path in the URL.",
    fix="Serve static files from a folder that holds only them (`static_path=os.path.join("
    "os.path.dirname(__file__), 'static')`), never from `/` or a drive root.",
    what_it_does="Reports a static-file folder configured as the filesystem root (`/`, a drive "
    "root, `os.sep`, `Path('/')`): Tornado's `static_path` setting (in `Application(...)` or a "
    "settings dict of a module importing Tornado) and a `StaticFileHandler` route's "
    "`{'path': ...}`, Flask's `static_folder`, Starlette's or FastAPI's "
    "`StaticFiles(directory=...)`, aiohttp's `web.static`/`add_static`, Sanic's `app.static` "
    "and a Django URL pattern handing `django.views.static.serve` `{'document_root': ...}`.",
    why_bad="The static handler keeps the requested path inside its folder; when the folder is "
    "the root, every file is inside it, so `GET /static/etc/passwd` (or the application's own "
    "configuration with its secrets) is served to anyone who can reach the server, with no `..` "
    "to detect.",
    example="import tornado.web\napp = tornado.web.Application(handlers, static_path='/')",
    use_instead="import os\nimport tornado.web\n"
    "STATIC = os.path.join(os.path.dirname(__file__), 'static')\n"
    "app = tornado.web.Application(handlers, static_path=STATIC)",
    references=(
        "https://www.tornadoweb.org/en/stable/web.html#tornado.web.StaticFileHandler",
        "https://cwe.mitre.org/data/definitions/22.html",
        "https://cwe.mitre.org/data/definitions/552.html",
    ),
    visits=(ast.Call, ast.Dict),
    calls=frozenset({*_FOLDER_ARGUMENTS, "dict"}),
    methods=frozenset(_FOLDER_METHODS),
    call_imports=_FRAMEWORKS,
)
def static_files_filesystem_root(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a static-file folder that is the filesystem root."""
    if isinstance(node, ast.Dict):
        yield from _dict_hits(node, context)
        return
    call = node
    assert isinstance(call, ast.Call)
    name = context.call_name(call)
    folder: ast.expr | None = None
    if name == "dict":
        if context.imports_module("tornado"):
            folder = ModuleContext.keyword(call, "static_path")
    elif name in _FOLDER_ARGUMENTS:
        folder = _argument(call, *_FOLDER_ARGUMENTS[name])
    elif isinstance(call.func, ast.Attribute) and call.func.attr in _FOLDER_METHODS:
        framework, keyword = _FOLDER_METHODS[call.func.attr]
        if context.imports_module(framework):
            folder = _argument(call, keyword, 1)
    if _is_root(folder, context):
        yield _hit(folder or call, context)


def _dict_hits(node: ast.Dict, context: ModuleContext) -> Iterator[Hit]:
    """A settings or route-argument dict naming the root: Tornado's `{"static_path": "/"}`,
    a `StaticFileHandler` route's `{"path": "/"}`, Django's `{"document_root": "/"}` for
    `django.views.static.serve`."""
    for key, value in zip(node.keys, node.values, strict=True):
        if not isinstance(key, ast.Constant) or key.value not in _SETTING_KEYS:
            continue
        if not _is_root(value, context) or not _serves_files(key.value, node, context):
            continue
        yield _hit(value, context)


def _serves_files(key: str, node: ast.Dict, context: ModuleContext) -> bool:
    """Whether the dict's `key` is read by a static-file server: Tornado's settings in a module
    importing it, or the arguments of the handler or view beside the dict in a route."""
    if key == "static_path":
        return context.imports_module("tornado")
    parent = context.parent(node)
    siblings = (
        parent.elts
        if isinstance(parent, ast.Tuple | ast.List)
        else parent.args
        if isinstance(parent, ast.Call)
        else []
    )
    wanted = "tornado.web.StaticFileHandler" if key == "path" else "django.views.static.serve"
    return any(context.resolve(sibling) == wanted for sibling in siblings)


def _hit(node: ast.AST, context: ModuleContext) -> Hit:
    return Hit(
        node=node,
        message=f"`{context.one_line(node)}` is the filesystem root, set as the folder static "
        "files are served from: the handler keeps each requested path inside it, which every "
        "path is, so any file the server can read (`/etc/passwd`, the application's own "
        "configuration) is downloaded by naming it in the URL.",
    )
