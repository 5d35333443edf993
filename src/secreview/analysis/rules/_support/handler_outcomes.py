"""What an `except` handler does with what it caught: nothing, only log it, pass it on, or
leave (return, break, refuse the client). `swallowed_exceptions` reports the handlers around a
security check that neither pass the failure on nor leave.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.crypto_names import name_words
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.index.context import ModuleContext

_EXITS = frozenset({"sys.exit", "os._exit", "os.abort"})
_CAPTURES = frozenset({"sys.exc_info", "sys.exception"})
# Calls that refuse the request: the handler fails closed.
_REFUSALS = frozenset({"abort", "flask.abort", "fastapi.HTTPException", "HttpResponseForbidden"})
_REFUSING_WORDS = frozenset({"deny", "reject", "refuse", "forbid"})
"""Words of a called function's or method's name that say it refuses the client
(`send_client_deny`, `reject_connection`): a handler that calls one fails closed."""
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)


def does_nothing(statement: ast.stmt) -> bool:
    """`pass`, `...`, `continue` or a bare string (a comment written as a string)."""
    if isinstance(statement, ast.Pass | ast.Continue):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def only_logs(statement: ast.stmt, context: ModuleContext) -> bool:
    """A log or print call as a statement: a trace is left, but nothing is refused."""
    if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
        return False
    call = statement.value
    if context.call_name(call) in {"print", "warnings.warn", "traceback.print_exc"}:
        return True
    return isinstance(call.func, ast.Attribute) and call.func.attr in _LOG_METHODS


def propagates(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Whether the handler re-raises, hands the caught exception on, or ends the process."""
    for node in scope_nodes(handler.body):
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call) and context.call_name(node) in _EXITS | _CAPTURES:
            return True  # exits, or keeps `sys.exc_info()` to re-raise or report later
        # `except BaseException as e: future.set_exception(e)` transports the exception on.
        if (
            handler.name is not None
            and isinstance(node, ast.Name)
            and node.id == handler.name
            and isinstance(node.ctx, ast.Load)
        ):
            return True
    return False


def leaves(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Whether the handler returns, breaks out or refuses instead of carrying on after the try."""
    for node in scope_nodes(handler.body):
        if isinstance(node, ast.Return | ast.Break):
            return True
        if isinstance(node, ast.Call) and _refuses(node, context):
            return True
    return False


def _refuses(call: ast.Call, context: ModuleContext) -> bool:
    """A call of a known refusal, or of a function whose name says it refuses."""
    if context.call_name(call) in _REFUSALS:
        return True
    function = call.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return not _REFUSING_WORDS.isdisjoint(name_words(name))
