"""What a logging call writes into its message: the arguments as the message formats them.

A logging call is a sink for its arguments, but not all of them become message text. `%`
fields are filled lazily from the positional arguments (`%r` escapes), a `{}` message (loguru)
from the arguments its fields name, and `extra=` is neither: the standard library attaches that
dict's items to the `LogRecord` as attributes, which the default formatter never writes and a
JSON formatter escapes. Separate from `sinks` so the rules of one sink kind stay apart from the
sink machinery.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.analysis.taint.formats import (
    BYTES_TYPES,
    brace_arguments,
    formatted,
    percent_arguments,
    percent_fields,
)
from secreview.analysis.taint.values import Value

_RECORD_KEYWORDS = frozenset({"extra"})
"""Keywords of `logging.Logger.log` and its siblings that fill the record, not the message:
`logger.error("Failed", extra={"response": resp.text})` writes `Failed`; only a formatter
configured with `%(response)s` would print the text, and that is configuration, not this call."""

_STANDARD_KEYWORDS = frozenset({"exc_info", "stack_info", "stacklevel", "extra"})
"""Every keyword `logging.Logger.info` and its siblings accept: a call passing any other is not
the standard library's (it would raise `TypeError`)."""

_LOGURU_LOGGER = "loguru.logger"
_LOGURU_TYPE = "loguru.Logger"
"""The type `models/stdlib.toml` gives loguru's logger and the loggers its `bind` returns."""


def logged_arguments(
    args: list[Value],
    kwargs: dict[str, Value],
    node: ast.AST,
    qualified: Callable[[ast.AST], str | None] | None = None,
    receiver: Value | None = None,
    keywords_apart: bool = False,
) -> tuple[list[Value], dict[str, Value]]:
    """A logging call's arguments as its message will insert them: `%` fields read lazily
    (`%r` escapes), or, for a message with `{}` fields and no `%` field, as `str.format` does
    (loguru's `logger.info("got {report}", report=data)`); `extra=` is left out unless a `{}`
    field of the message names it, and so is every keyword of a call of loguru's logger
    (`_loguru_call`: its names resolved by `qualified`, or a `receiver` of loguru's logger type)
    when the message is known. With `keywords_apart` (the project logs through a library that
    keeps keywords apart and never through structlog: `secreview.project_log_library`), a call
    passing a keyword the standard library rejects counts as that library's too. An f-string
    message whose own text holds no brace (`f"{len(errors)} errors"`) names no field either:
    its values are in it already, and are judged as part of it."""
    messages = [v.const for v in args if isinstance(v.const, str)]
    loguru = (receiver is not None and receiver.type == _LOGURU_TYPE) or (
        qualified is not None and _loguru_call(node, qualified)
    )
    fields_only = (bool(messages) or _fields_free_fstring(node)) and (
        loguru or (keywords_apart and not _STANDARD_KEYWORDS.issuperset(_keywords(node)))
    )
    if args and args[0].type in BYTES_TYPES and not loguru:
        # `logger.error(resp.content)`: `LogRecord.getMessage` writes `str(msg)`, bytes' repr
        args = [formatted(args[0], frozenset(), node), *args[1:]]
    kwargs = {
        key: value
        for key, value in kwargs.items()
        if (key not in _RECORD_KEYWORDS and not fields_only)
        or any("{" + key in m for m in messages)
    }
    for index, value in enumerate(args):
        if not isinstance(value.const, str):
            continue
        template, rest = value.const, args[index + 1 :]
        if "{" in template and not percent_fields(template) and (rest or kwargs):
            rest, kwargs = brace_arguments(template, rest, kwargs, node)
            return [*args[: index + 1], *rest], kwargs
        return [*args[: index + 1], *percent_arguments(template, rest, node)], kwargs
    return args, kwargs


def _loguru_call(node: ast.AST, qualified: Callable[[ast.AST], str | None]) -> bool:
    """Whether `node` calls a method of loguru's logger (imported from loguru, or from a module
    of the project that hands it on: `secreview.index.reexports`). loguru formats the message with
    `str.format` and puts every keyword argument into the record's `extra` dict (its
    documented `capture`): a keyword no `{}` field names is written only where a sink's format
    asks for `{extra}`, a dict whose values print as their `repr`, or serialised as JSON, so
    its line breaks never start a new entry; a format naming one `{extra[key]}` is the
    operator's configuration, as a `%(key)s` field is for `logging`'s `extra=`."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    return qualified(node.func.value) == _LOGURU_LOGGER


def _keywords(node: ast.AST) -> set[str]:
    """The names of the keywords `node` passes (a `**mapping` names none: it proves nothing)."""
    if not isinstance(node, ast.Call):
        return set()
    return {keyword.arg for keyword in node.keywords if keyword.arg is not None}


def _fields_free_fstring(node: ast.AST) -> bool:
    """Whether the call's message is an f-string whose written text holds no brace (`f"{{x}}"`
    would leave a `{x}` field for the logger to fill)."""
    if (
        not isinstance(node, ast.Call)
        or not node.args
        or not isinstance(node.args[0], ast.JoinedStr)
    ):
        return False
    return not any(
        isinstance(part, ast.Constant) and "{" in str(part.value) for part in node.args[0].values
    )
