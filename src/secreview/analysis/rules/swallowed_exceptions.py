"""CWE-390 and CWE-396: exceptions caught wholesale and then thrown away.

Catching one specific, expected exception and ignoring it is ordinary Python (`except ImportError:
pass` for an optional dependency, `except FileNotFoundError: pass` when a file may be gone), so
only catches that take *every* exception are reported: a bare `except:`, `except BaseException:`
and, when the handler does nothing at all, `except Exception:`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_GENERIC_EXCEPTIONS = frozenset({"Exception", "BaseException"})
# Catching these also takes what a process must see: Ctrl-C, sys.exit(), generator shutdown.
_ALL_EXCEPTIONS = frozenset({"BaseException"})
_EXITS = frozenset({"sys.exit", "os._exit", "os.abort"})
_CAPTURES = frozenset({"sys.exc_info", "sys.exception"})
# An earlier `except (KeyboardInterrupt, SystemExit): raise` lets these through already.
_PROCESS_EXITS = frozenset({"KeyboardInterrupt", "SystemExit"})
# Exceptions raised while an object is finalised are only printed as "Exception ignored in", so
# swallowing them in `__del__` changes nothing but the noise on stderr.
_FINALISERS = frozenset({"__del__"})


def _caught_names(handler: ast.ExceptHandler, context: ModuleContext) -> list[str]:
    """Resolved names of the exception classes a handler catches ('' for unresolvable ones)."""
    if handler.type is None:
        return []
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [context.resolve(each) or "" for each in types]


def _catches_everything(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Bare `except:` or `except BaseException` (also inside a tuple)."""
    return handler.type is None or any(
        name in _ALL_EXCEPTIONS for name in _caught_names(handler, context)
    )


def _catches_generic(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Bare `except:`, `except Exception` or `except BaseException` (also inside a tuple)."""
    return handler.type is None or any(
        name in _GENERIC_EXCEPTIONS for name in _caught_names(handler, context)
    )


def _does_nothing(statement: ast.stmt) -> bool:
    """`pass`, `...`, `continue` or a bare string (a comment written as a string)."""
    if isinstance(statement, ast.Pass | ast.Continue):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _propagates(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
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


def _exits_caught_earlier(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Whether an earlier clause of the same `try` takes KeyboardInterrupt and SystemExit."""
    statement = context.parent(handler)
    if not isinstance(statement, ast.Try | ast.TryStar):
        return False
    earlier = statement.handlers[: statement.handlers.index(handler)]
    return any(set(_caught_names(each, context)) >= _PROCESS_EXITS for each in earlier)


def _header(handler: ast.ExceptHandler, context: ModuleContext) -> str:
    """The `except ...:` clause as written, e.g. `except Exception as error:`."""
    caught = f" {context.one_line(handler.type)}" if handler.type is not None else ""
    bound = f" as {handler.name}" if handler.name else ""
    return f"except{caught}{bound}:"


def _in_finaliser(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` runs while an object is finalised, where exceptions cannot propagate."""
    function = context.enclosing_function(node)
    return function is not None and function.name in _FINALISERS


def _is_swallowing_handler(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """A generic catch whose body does nothing: the one case `swallowed-exception` reports.

    A `try` with an `else:` clause acts on the failure (the `else` block is skipped), so it is
    control flow rather than an error ignored.
    """
    statement = context.parent(handler)
    return (
        _catches_generic(handler, context)
        and all(_does_nothing(s) for s in handler.body)
        and not (isinstance(statement, ast.Try | ast.TryStar) and statement.orelse)
        and not _in_finaliser(handler, context)
    )


@rule(
    id="swallowed-exception",
    name="Every exception caught and silently discarded",
    cwe=390,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="`except Exception: pass` (or a bare `except:`, or `contextlib.suppress(Exception)`) "
    "throws away every error without recording it.",
    fix="Catch the specific exception you expect (`except FileNotFoundError:`), or log the "
    "failure with `logger.exception(...)` before carrying on.",
    what_it_does="Reports exception handlers that catch all exceptions (`except:`, "
    "`except Exception:`, `except BaseException:`) and whose body only says `pass`, `...` or "
    "`continue`, and `contextlib.suppress(Exception)`. Catching one named exception and ignoring "
    "it (`except ImportError: pass`, `contextlib.suppress(FileNotFoundError)`), a `try` whose "
    "`else:` block runs only on success, and clean-up in `__del__` are not reported.",
    why_bad="The error was detected and nothing was done: a failed permission check, a failed "
    "write of an audit record or a half-finished transaction all look like success, and nothing "
    "in the logs says otherwise. Attackers who can make an operation fail silently can often "
    "turn that into a bypass, and defenders lose the trace they need to notice it.",
    example="try:\n    audit_log.write(event)\nexcept Exception:\n    pass",
    use_instead="try:\n    audit_log.write(event)\nexcept OSError:\n"
    "    logger.exception('could not write audit event %s', event.id)",
    references=(
        "https://docs.python.org/3/tutorial/errors.html#handling-exceptions",
        "https://docs.python.org/3/library/contextlib.html#contextlib.suppress",
        "https://docs.python.org/3/library/logging.html#logging.Logger.exception",
        "https://cwe.mitre.org/data/definitions/390.html",
    ),
    visits=(ast.ExceptHandler, ast.Call),
)
def swallowed_exception(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report generic catches that do nothing, in `except` clauses and `contextlib.suppress`."""
    if isinstance(node, ast.ExceptHandler):
        if not _is_swallowing_handler(node, context):
            return
        everything = _catches_everything(node, context)
        extra = " including KeyboardInterrupt and SystemExit" if everything else ""
        yield Hit(
            node=node,
            message=f"`{_header(node, context)}` catches every exception{extra} and discards "
            "it; failures in the `try` block (a failed check, a lost write) pass unnoticed "
            "and leave no trace in the logs.",
        )
        return
    assert isinstance(node, ast.Call)
    if context.call_name(node) != "contextlib.suppress":
        return
    if not isinstance(context.parent(node), ast.withitem):
        return
    generic = [a for a in node.args if context.resolve(a) in _GENERIC_EXCEPTIONS]
    if not generic:
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` silently discards every exception raised in the "
        "`with` block; failures there pass unnoticed and leave no trace in the logs.",
        fix="Suppress only the exception you expect (`contextlib.suppress(FileNotFoundError)`), "
        "or catch it with `except` and log it.",
    )


@rule(
    id="bare-except",
    name="Catch of every exception, including KeyboardInterrupt and SystemExit",
    cwe=396,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="A bare `except:` or `except BaseException:` that neither re-raises nor hands the "
    "exception on.",
    fix="Catch `Exception` (or, better, the specific exceptions the `try` block raises) so that "
    "KeyboardInterrupt, SystemExit and GeneratorExit still stop the program; or re-raise.",
    what_it_does="Reports bare `except:` clauses and `except BaseException:` when the handler "
    "does not re-raise, does not exit, does not pass the caught exception on (as "
    "`future.set_exception(error)` or keeping `sys.exc_info()` do), and no earlier clause "
    "already takes KeyboardInterrupt and SystemExit. Handlers whose body does nothing at all "
    "are reported by `swallowed-exception` instead, so one mistake gives one finding.",
    why_bad="A bare `except:` also catches KeyboardInterrupt, SystemExit and GeneratorExit: a "
    "worker that should stop keeps running, `sys.exit()` inside the `try` block is ignored, and "
    "programming errors are handled as if they were expected failures. The code decides how to "
    "recover from errors it never anticipated, which hides faults an attacker can provoke.",
    example="try:\n    process(job)\nexcept:\n    logger.error('job failed')",
    use_instead="try:\n    process(job)\nexcept Exception:\n    logger.exception('job failed')",
    references=(
        "https://docs.python.org/3/reference/compound_stmts.html#except-clause",
        "https://docs.python.org/3/library/exceptions.html#exception-hierarchy",
        "https://peps.python.org/pep-0008/#programming-recommendations",
        "https://cwe.mitre.org/data/definitions/396.html",
    ),
    visits=(ast.ExceptHandler,),
)
def bare_except(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report catch-everything handlers that keep the program running after any exception."""
    assert isinstance(node, ast.ExceptHandler)
    if not _catches_everything(node, context) or _propagates(node, context):
        return
    if _exits_caught_earlier(node, context):
        return
    if _in_finaliser(node, context) or _is_swallowing_handler(node, context):
        return  # nothing to stop in a finaliser; an empty handler is swallowed-exception's
    yield Hit(
        node=node,
        message=f"`{_header(node, context)}` also catches KeyboardInterrupt, SystemExit and "
        "GeneratorExit and carries on, so the program cannot be stopped cleanly and unexpected "
        "errors are handled as if they were anticipated.",
    )
