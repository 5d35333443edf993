"""Helpers of the project that keep an exception on the server: they log it, never send it.

FitTrackee's views end their `except` blocks with `return handle_error_and_return_response(e,
db=db)`, a helper of `fittrackee/responses.py` that rolls the session back, logs the error and
returns a generic 500 built from its *other* parameters. The exception is in the returned
expression, but it never reaches the client. A parameter counts as kept on the server when every
read of it is a test (`isinstance(error, ...)`, `error is None`), or sits in the arguments of a
logging call whose result is discarded (`log.error(error)`, `logger.exception(f"... {error}")`,
`print(error)`, `sentry_sdk.capture_exception(error)`); any other read (converted, formatted
into a value, returned, stored, handed to another helper) may show it, so the parameter does
not count.

A helper of the module is read directly; one of another module of the project (the usual place
for such a helper) through `project_quiet_parameters`, which the scanner collects before the
review, as it does the debug-only helpers (`debug_helpers`), into
`AnalysisContext.project_quiet_helpers`.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.rules._support.debug_helpers import called_helper
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

Function = ast.FunctionDef | ast.AsyncFunctionDef
_LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
_LOG_FUNCTIONS = frozenset({"print", "capture_exception", "captureException"})
"""Calls that record a value where operators read it (a logger's methods, `print`, Sentry)."""
_TESTS = frozenset({"isinstance", "issubclass", "type", "bool", "len", "id", "hasattr"})
_TAKES_ERROR = lazy_pattern(
    r"^(?:async[ \t]+)?def[ \t]+\w+\([^)]*?\b(?:e|ex|exc|err|error|exception)\b", re.MULTILINE
)
"""A module-level function with a parameter named for an exception (read, not parsed)."""


def may_keep_errors(text: str) -> bool:
    """Whether a module's text defines a module-level function taking an exception-named
    parameter (the cheap test before `project_quiet_parameters` parses it)."""
    return "def " in text and _TAKES_ERROR.search(text) is not None


def project_quiet_parameters(context: ModuleContext, module: str) -> tuple[str, ...]:
    """`module.function index name` for each parameter a module-level function of `module`
    keeps on the server (for the reviews of the project's other modules)."""
    return tuple(
        f"{module}.{statement.name} {index} {parameter.arg}"
        for statement in context.tree.body
        if isinstance(statement, Function)
        for index, parameter in enumerate([*statement.args.posonlyargs, *statement.args.args])
        if parameter.arg in quiet_parameters(statement, context)
    )


def kept_on_server(leak: ast.AST, statement: ast.AST, context: ModuleContext) -> ast.Call | None:
    """The call of a helper (of this module or, by `project_quiet_helpers`, of the project)
    through which `leak` reaches `statement` in an argument the helper keeps on the server;
    else None."""
    child = leak
    for ancestor in context.ancestors(leak):
        if (
            isinstance(ancestor, ast.Call)
            and child is not ancestor.func
            and _quiet_argument(ancestor, child, context)
        ):
            return ancestor
        if ancestor is statement:
            break
        child = ancestor
    return None


def _read_helpers(_context: ModuleContext) -> dict[int, frozenset[str]]:
    """The module's memo of `quiet_parameters` by helper (a helper is called from many
    handlers)."""
    return {}


def _quiet_of(helper: Function, context: ModuleContext) -> frozenset[str]:
    """`quiet_parameters` of a helper of this module, read once per review."""
    memo = context.derived(_read_helpers)
    if id(helper) not in memo:
        memo[id(helper)] = quiet_parameters(helper, context)
    return memo[id(helper)]


def quiet_parameters(function: Function, context: ModuleContext) -> frozenset[str]:
    """The positional parameters of `function` every read of which keeps the value on the
    server (tested, or logged by a discarded call); one never read counts too."""
    names = {a.arg for a in (*function.args.posonlyargs, *function.args.args)} - {"self", "cls"}
    shown: set[str] = set()
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Name)
            and node.id in names
            and isinstance(node.ctx, ast.Load)
            and not _kept(node, function, context)
        ):
            shown.add(node.id)
    return frozenset(names - shown)


def _kept(name: ast.Name, function: Function, context: ModuleContext) -> bool:
    """Whether this read of a parameter is a test or an argument of a discarded logging call."""
    child: ast.AST = name
    for ancestor in context.ancestors(name):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.Compare):
            return True
        if isinstance(ancestor, ast.Call) and child is not ancestor.func:
            called = ancestor.func
            text = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
            if text in _TESTS:
                return True
            if text in _LOG_FUNCTIONS or (
                isinstance(called, ast.Attribute) and text in _LOG_METHODS
            ):
                return isinstance(context.parent(ancestor), ast.Expr)
        if isinstance(ancestor, ast.stmt):
            return False
        child = ancestor
    return False


def _quiet_argument(call: ast.Call, argument: ast.AST, context: ModuleContext) -> bool:
    """Whether the helper `call` calls keeps on the server the parameter `argument` fills."""
    if any(isinstance(a, ast.Starred) for a in call.args):
        return False
    if argument not in call.args and not isinstance(argument, ast.keyword):
        return False
    keyword = argument.arg if isinstance(argument, ast.keyword) else None
    helper, offset = called_helper(call, context)
    if helper is not None:
        name = keyword
        if name is None:
            parameters = [*helper.args.posonlyargs, *helper.args.args]
            position = call.args.index(argument) + offset
            name = parameters[position].arg if position < len(parameters) else None
        return name is not None and name in _quiet_of(helper, context)
    known: tuple[str, ...] = getattr(context, "project_quiet_helpers", ())
    called = context.call_name(call) if known else None
    if not called:
        return False
    index = None if keyword else str(call.args.index(argument))
    for entry in known:
        function, at, parameter = entry.split(" ")
        if function == called and (parameter == keyword or at == index):
            return True
    return False
