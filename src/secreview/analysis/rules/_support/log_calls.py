"""Which calls write to a log: `logging.*`, logger methods by the receiver's name, and `print`.

A logger is rarely typed where it is used (`self.log`, `LOG`, a module-level `logger`), so its name
decides, the way reviewers read it; `print` counts too, since command-line tools and services
under a supervisor send standard output to the same log files.
"""

from __future__ import annotations

import ast
import re

from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
# The receiver of a log call: `logger`, `log`, `LOG`, `_logger`, `audit_log`, `app.logger`.
_LOGGER_NAME = lazy_pattern(r"^_*(?:[a-z0-9]+_)*(?:log|logger)$", re.IGNORECASE)
_LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger", "structlog.getLogger"})
_FACTORY_NAMES = frozenset({"getLogger", "get_logger"})


def is_log_call(call: ast.Call, context: ModuleContext) -> bool:
    """`logging.info(...)`, `logger.warning(...)`, `self.log.error(...)`, or `print(...)`."""
    if context.call_name(call) == "print":
        return True
    function = call.func
    if not isinstance(function, ast.Attribute) or function.attr not in LOG_METHODS:
        return False
    receiver = function.value
    if context.resolve(receiver) in {"logging", "loguru.logger"}:
        return True
    if isinstance(receiver, ast.Call):
        factory = context.call_name(receiver) or ""
        # a project's own facade (`fancylogger.getLogger()`) is named like the logging one
        return factory in _LOGGER_FACTORIES or factory.rpartition(".")[2] in _FACTORY_NAMES
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return bool(_LOGGER_NAME.match(name))
