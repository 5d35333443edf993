"""CWE-489: debug modes left switched on (the Werkzeug debugger, Django's DEBUG setting).

The Werkzeug debugger behind Flask's debug mode runs Python typed into a browser page, so it gets
its own rule at high severity; Django's `DEBUG = True` discloses settings, SQL and source on every
error page and is judged only in settings modules, where it is a deployment setting.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.django_settings import (
    is_development_settings,
    is_django_settings,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import UNKNOWN, ModuleContext

# Frameworks whose `.run(debug=True)` starts the Werkzeug debugger.
_WERKZEUG_FRAMEWORKS = ("flask", "quart", "flask_socketio", "dash", "connexion", "apiflask")
_APP_CONSTRUCTORS = frozenset(
    {
        "flask.Flask",
        "quart.Quart",
        "dash.Dash",
        "connexion.App",
        "connexion.FlaskApp",
        "apiflask.APIFlask",
    }
)
_RUN_METHODS = frozenset({"run", "run_server"})
# `run` functions of modules that are not applications: `asyncio.run(main(), debug=True)`.
_NOT_APP_MODULES = frozenset({"asyncio", "subprocess", "trio", "anyio", "uvloop", "unittest"})
_CONFIG_UPDATES = frozenset({"update", "from_mapping"})
_RUN_SIMPLE = frozenset({"werkzeug.serving.run_simple", "werkzeug.run_simple"})
_DEBUGGED_APPLICATION = frozenset(
    {"werkzeug.debug.DebuggedApplication", "werkzeug.DebuggedApplication"}
)

_FLASK_FIX = (
    "Leave debug off in code (`app.run()`), and switch it on only on a developer machine with "
    "`flask run --debug` or the `FLASK_DEBUG=1` environment variable; serve production with a "
    "WSGI server such as gunicorn."
)


def _is_true(node: ast.AST | None, context: ModuleContext) -> bool:
    """Whether `node` is a constant that is true (`True`, `1`, or a module constant set so)."""
    value = context.constant_value(node)
    return value is not UNKNOWN and bool(value)


def _is_flask_app(node: ast.expr, context: ModuleContext) -> bool:
    """Whether `node` is, or names, the result of `Flask(...)` (or a Werkzeug-based twin)."""
    value = assigned_value(node, context)
    if isinstance(node, ast.Name) and value is node:
        value = context.module_constants.get(node.id, node)
    return isinstance(value, ast.Call) and context.call_name(value) in _APP_CONSTRUCTORS


def _uses_werkzeug_framework(context: ModuleContext) -> bool:
    """Whether the module imports a framework whose debug mode is the Werkzeug debugger."""
    return any(context.imports_module(framework) for framework in _WERKZEUG_FRAMEWORKS)


def _flask_confidence(receiver: ast.expr, context: ModuleContext) -> Confidence | None:
    """High when `receiver` is a Flask app, medium when the module merely imports Flask."""
    if _is_flask_app(receiver, context):
        return Confidence.HIGH
    return Confidence.MEDIUM if _uses_werkzeug_framework(context) else None


def _werkzeug_debugger_hit(call: ast.Call, console: bool, context: ModuleContext) -> Hit:
    """The hit for Werkzeug's debugger used directly; without its console it only discloses."""
    shows = (
        "whose console runs any Python typed into an error page"
        if console
        else "which shows source code and local variables on every error page"
    )
    return Hit(
        node=call,
        message=f"`{context.one_line(call)}` serves the Werkzeug debugger, {shows}; whoever "
        "reaches the server gets that too.",
        severity=None if console else Severity.MEDIUM,
    )


def _flask_call_hit(call: ast.Call, context: ModuleContext) -> Hit | None:
    """`app.run(debug=True)`, `app.config.update(DEBUG=True)`, `run_simple(use_debugger=True)`."""
    name = context.call_name(call)
    if name in _RUN_SIMPLE:
        if not _is_true(context.argument(call, 4, "use_debugger"), context):
            return None
        evalex = context.argument(call, 5, "use_evalex")  # defaults to True
        return _werkzeug_debugger_hit(call, evalex is None or _is_true(evalex, context), context)
    if name in _DEBUGGED_APPLICATION:  # evalex defaults to False
        return _werkzeug_debugger_hit(
            call, _is_true(context.argument(call, 1, "evalex"), context), context
        )
    if not isinstance(call.func, ast.Attribute):
        return None
    method, receiver = call.func.attr, call.func.value
    module = (name or "").partition(".")[0]
    if (
        method in _RUN_METHODS
        and module not in _NOT_APP_MODULES
        and _is_true(context.keyword(call, "debug"), context)
    ):
        confidence = _flask_confidence(receiver, context)
        if confidence is None:
            return None
        return Hit(
            node=call,
            message=f"`{context.one_line(call)}` starts the development server with the Werkzeug "
            "debugger, whose console runs any Python typed into an error page; whoever reaches "
            "the server can run code as this process.",
            confidence=confidence,
        )
    if (
        method in _CONFIG_UPDATES
        and isinstance(receiver, ast.Attribute)
        and receiver.attr == "config"
        and _is_true(context.keyword(call, "DEBUG"), context)
    ):
        confidence = _flask_confidence(receiver.value, context)
        if confidence is None:
            return None
        return Hit(
            node=call,
            message=f"`{context.one_line(call)}` switches the Flask debug mode on; with the "
            "development server that is the Werkzeug debugger, which runs any Python typed into "
            "an error page.",
            confidence=confidence,
        )
    return None


def _flask_assignment_hit(statement: ast.Assign, context: ModuleContext) -> Hit | None:
    """`app.debug = True` and `app.config["DEBUG"] = True`."""
    for target in statement.targets:
        match target:
            case ast.Attribute(value=app, attr="debug"):
                pass
            case ast.Subscript(
                value=ast.Attribute(value=app, attr="config"), slice=ast.Constant(value="DEBUG")
            ):
                pass
            case _:
                continue
        if not _is_true(statement.value, context):
            return None
        confidence = _flask_confidence(app, context)
        if confidence is None:
            continue
        return Hit(
            node=statement,
            message=f"`{context.one_line(statement)}` switches the Flask debug mode on; with the "
            "development server that is the Werkzeug debugger, which runs any Python typed into "
            "an error page.",
            confidence=confidence,
        )
    return None


@rule(
    id="flask-debug-mode",
    name="Flask/Werkzeug debugger enabled",
    cwe=489,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Flask debug mode or the Werkzeug debugger is switched on in code.",
    fix=_FLASK_FIX,
    what_it_does="Reports `.run(debug=True)` (and Dash's `.run_server(debug=True)`) on a "
    "`Flask(...)` app, or in any module that imports Flask, Quart, Flask-SocketIO, Dash or "
    "Connexion (medium confidence); `app.debug = True`, `app.config['DEBUG'] = True` and "
    "`app.config.update(DEBUG=True)`; `werkzeug.serving.run_simple(..., use_debugger=True)`; "
    "and `werkzeug.debug.DebuggedApplication(app, evalex=True)`. The debug value must be a "
    "constant that is true: `debug=os.environ.get(...)` is a deployment decision and is not "
    "reported. Without the interactive console (`use_evalex=False`, `DebuggedApplication` "
    "without `evalex`) the finding is of medium severity.",
    why_bad="The Werkzeug debugger turns every unhandled exception into a page with an "
    "interactive Python console. Its PIN is derived from machine facts that file-read bugs "
    "often expose; whoever gets past it runs code as the server. Even without the console the "
    "pages show source code, local variables and configuration.",
    example='app = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run(debug=True)',
    use_instead='app = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run()  '
    "# develop with: flask --app app run --debug",
    references=(
        "https://flask.palletsprojects.com/en/stable/debugging/",
        "https://flask.palletsprojects.com/en/stable/config/#DEBUG",
        "https://werkzeug.palletsprojects.com/en/stable/debug/",
        "https://cwe.mitre.org/data/definitions/489.html",
    ),
    visits=(ast.Call, ast.Assign),
    calls=_RUN_SIMPLE | _DEBUGGED_APPLICATION,
    methods=_RUN_METHODS | _CONFIG_UPDATES,
    # `debug=`, `.debug`, `use_debugger=`, `DEBUG`, `DebuggedApplication`: each spells one
    text_words=("debug", "DEBUG", "Debug"),
)
def flask_debug_mode(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report the Werkzeug debugger switched on through Flask or Werkzeug directly."""
    if isinstance(node, ast.Call):
        hit = _flask_call_hit(node, context)
    else:
        assert isinstance(node, ast.Assign)
        hit = _flask_assignment_hit(node, context)
    if hit is not None:
        yield hit


@rule(
    id="django-debug-setting",
    name="Django DEBUG enabled in settings",
    cwe=489,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A Django settings module sets DEBUG = True.",
    fix="Read the setting from the environment with a safe default, for example "
    "`DEBUG = os.environ.get('DJANGO_DEBUG') == '1'`, or keep `DEBUG = True` only in a "
    "development settings module that production never loads.",
    what_it_does="Reports a module-level `DEBUG = True` (or any constant true value) in a Django "
    "settings module: a file named `settings.py` or `*_settings.py`, a file inside a "
    "`settings/` package, or a module that defines `INSTALLED_APPS`, `MIDDLEWARE` or "
    "`ROOT_URLCONF`. Settings files named for development (`dev`, `local`, `test`, …) are "
    "reported at low severity, since that is where DEBUG belongs; assignments under an `if` "
    "or from the environment are not reported.",
    why_bad="With DEBUG on, every error page shows the traceback with local variables, the "
    "settings (only names matching a few patterns are masked), the SQL that ran and the URL "
    "patterns; Django also keeps every SQL query in memory. Settings files are easily deployed "
    "as they are.",
    example="# settings.py\nDEBUG = True",
    use_instead="# settings.py\nimport os\n\nDEBUG = os.environ.get('DJANGO_DEBUG') == '1'",
    references=(
        "https://docs.djangoproject.com/en/stable/ref/settings/#debug",
        "https://docs.djangoproject.com/en/stable/howto/deployment/checklist/#debug",
        "https://cwe.mitre.org/data/definitions/489.html",
    ),
    visits=(ast.Assign, ast.AnnAssign),
    text_words=("DEBUG",),
)
def django_debug_setting(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report `DEBUG = True` at the top level of a Django settings module."""
    assert isinstance(node, ast.Assign | ast.AnnAssign)
    if context.parent(node) is not context.tree:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if not any(isinstance(t, ast.Name) and t.id == "DEBUG" for t in targets):
        return
    if node.value is None or not _is_true(node.value, context) or not is_django_settings(context):
        return
    development = is_development_settings(context)
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` in a Django settings module shows tracebacks, local "
        "variables, settings and SQL to anyone who triggers an error"
        + (
            " (a development settings file: make sure production never loads it)."
            if development
            else "; production must never run with it."
        ),
        severity=Severity.LOW if development else None,
    )
