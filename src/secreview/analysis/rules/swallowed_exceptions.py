"""CWE-390 and CWE-396: a security check whose failure is caught and thrown away.

Checks of signatures, passwords, tokens, certificates and permissions answer "no" by raising.
An `except` clause around one that carries on (does nothing, or only logs) turns that "no" into
"yes": the defect a security reviewer raises. The same broad catch around cleanup, closing,
probing or formatting is deliberate best-effort handling in mature code (53 such findings on ten
mature projects were all judged false), and linters already report it as a matter of style
(Ruff BLE001/E722/S110, Pylint W0702/W0718, Bandit B110), so it is not reported here.
`_support/security_operations.py` decides what a security check is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import name_words
from secreview.analysis.rules._support.handler_outcomes import (
    does_nothing,
    leaves,
    only_logs,
    propagates,
)
from secreview.analysis.rules._support.security_operations import (
    Outcome,
    SecurityOperation,
    names_a_security_failure,
    security_operations,
)
from secreview.analysis.rules._support.skipped_items import open_checks, refusal_skips_the_item
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_GENERIC_EXCEPTIONS = frozenset({"Exception", "BaseException"})
# Catching these also takes what a process must see: Ctrl-C, sys.exit(), generator shutdown.
_ALL_EXCEPTIONS = frozenset({"BaseException"})
# An earlier `except (KeyboardInterrupt, SystemExit): raise` lets these through already.
_PROCESS_EXITS = frozenset({"KeyboardInterrupt", "SystemExit"})
# Exceptions raised while an object is finalised are only printed as "Exception ignored in", so
# swallowing them in `__del__` changes nothing but the noise on stderr.
_FINALISERS = frozenset({"__del__"})
_LEAVING = (ast.Return, ast.Break, ast.Continue, ast.Raise)


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


def _catches_the_check_failure(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """A catch that takes the check's failure: generic, or named for a security failure."""
    return handler.type is None or any(
        name in _GENERIC_EXCEPTIONS or names_a_security_failure(name)
        for name in _caught_names(handler, context)
    )


def _exits_caught_earlier(handler: ast.ExceptHandler, context: ModuleContext) -> bool:
    """Whether an earlier clause of the same `try` takes KeyboardInterrupt and SystemExit."""
    statement = context.parent(handler)
    if not isinstance(statement, ast.Try | ast.TryStar):
        return False
    earlier = statement.handlers[: statement.handlers.index(handler)]
    return any(set(_caught_names(each, context)) >= _PROCESS_EXITS for each in earlier)


def _success_takes_another_path(statement: ast.Try | ast.TryStar) -> bool:
    """Whether success leaves the `try` block (or runs an `else:`), so what follows is failure.

    `for key in keys: try: verify(sig, key); return True except InvalidSignature: continue` tries
    each key; falling out of the handler leads to the refusal, not to the success path.
    """
    return bool(statement.orelse) or (
        bool(statement.body) and isinstance(statement.body[-1], _LEAVING)
    )


def _falsy_constant(node: ast.expr) -> bool:
    """`None`, `False`, `0`, `''`, `[]`, `{}`: the refusal a pre-initialised result stands for."""
    if isinstance(node, ast.Constant):
        return not node.value
    return isinstance(node, ast.List | ast.Dict | ast.Tuple | ast.Set) and not (
        node.elts if not isinstance(node, ast.Dict) else node.keys
    )


def _result_defaults_to_refusal(
    operation: SecurityOperation, statement: ast.stmt, context: ModuleContext
) -> bool:
    """`user = None` before `try: user = authenticate(...)`: swallowing leaves the refusal."""
    assignment = next(
        (a for a in context.ancestors(operation.call) if isinstance(a, ast.Assign)), None
    )
    if assignment is None:
        return False
    targets = {t.id for t in assignment.targets if isinstance(t, ast.Name)}
    if not targets:
        return False
    block = getattr(context.parent(statement), "body", [])
    before = block[: block.index(statement)] if statement in block else []
    defaults = {
        target.id
        for earlier in before
        if isinstance(earlier, ast.Assign) and _falsy_constant(earlier.value)
        for target in earlier.targets
        if isinstance(target, ast.Name)
    }
    return targets <= defaults


def _result_unread_after(
    operation: SecurityOperation, statement: ast.stmt, context: ModuleContext
) -> bool:
    """`try: if auth := authenticate(request): ... return ...` and nothing after the `try`
    reads `auth`: the result is used only where the call succeeded, so the code the swallowed
    failure falls through to runs without it, as with no credentials at all."""
    binding = next(
        (a for a in context.ancestors(operation.call) if isinstance(a, ast.Assign | ast.NamedExpr)),
        None,
    )
    function = context.enclosing_function(statement)
    if binding is None or function is None or statement.end_lineno is None:
        return False
    targets = binding.targets if isinstance(binding, ast.Assign) else [binding.target]
    names = {t.id for t in targets if isinstance(t, ast.Name)}
    return bool(names) and not any(
        isinstance(node, ast.Name)
        and node.id in names
        and isinstance(node.ctx, ast.Load)
        and node.lineno > statement.end_lineno
        for node in ast.walk(function)
    )


_NEGATIVE_FIRST_WORDS = frozenset({"not", "no", "non"})
_REFUSAL_WORDS = frozenset(
    {"denied", "refused", "rejected", "failed", "invalid", "forbidden", "unauthorized"}
    | {"unauthorised", "unauthenticated", "blocked"}
)


def _handler_sets_refusal(
    handler: ast.ExceptHandler, operation: SecurityOperation, context: ModuleContext
) -> bool:
    """`try: ok = check() except: ok = False`: the handler records the refusal and carries on.

    The names the `try` bound from the check get, in the handler, the value that means "no":
    a falsy constant for a result named for success (`ca`, `authorised`), a truthy one for a
    result named for failure (`not_authd = True`, `denied = True`). What follows then reads
    the refusal, as after a check that said no; any other statement in the handler (a call,
    a value that is not a constant) keeps the finding.
    """
    binding = next(
        (a for a in context.ancestors(operation.call) if isinstance(a, ast.Assign)), None
    )
    if binding is None or not handler.body:
        return False
    bound = {t.id for t in binding.targets if isinstance(t, ast.Name)}
    for statement in handler.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id in bound
            and isinstance(statement.value, ast.Constant)
        ):
            return False
        words = name_words(statement.targets[0].id)
        negative = bool(words) and (
            words[0] in _NEGATIVE_FIRST_WORDS or bool(set(words) & _REFUSAL_WORDS)
        )
        if bool(statement.value.value) != negative:
            return False
    return True


class _Swallowed(NamedTuple):
    """A security check whose failure a handler (or `suppress`) discards."""

    operation: SecurityOperation
    confidence: Confidence
    severity: Severity


def _swallowed_check(
    statement: ast.Try | ast.TryStar | ast.With, silent: bool, context: ModuleContext
) -> _Swallowed | None:
    """The security check of `statement` whose failure is lost, and how surely it matters."""
    operations = open_checks(security_operations(statement.body, context), context)
    checks = [op for op in operations if op.outcome is Outcome.CHECK]
    if checks and refusal_skips_the_item(statement, checks[0].call, context):
        return None  # the check's failure skips this loop item's work, as a refusal should
    if checks:
        if silent:
            return _Swallowed(checks[0], Confidence.HIGH, Severity.HIGH)
        return _Swallowed(checks[0], Confidence.MEDIUM, Severity.MEDIUM)
    results = [
        op
        for op in operations
        if not _result_defaults_to_refusal(op, statement, context)
        and not _result_unread_after(op, statement, context)
    ]
    if results and silent:
        return _Swallowed(results[0], Confidence.LOW, Severity.MEDIUM)
    return None


def _header(handler: ast.ExceptHandler, context: ModuleContext) -> str:
    """The `except ...:` clause as written, e.g. `except Exception as error:`."""
    caught = f" {context.one_line(handler.type)}" if handler.type is not None else ""
    bound = f" as {handler.name}" if handler.name else ""
    return f"except{caught}{bound}:"


def _in_finaliser(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` runs while an object is finalised, where exceptions cannot propagate."""
    function = context.enclosing_function(node)
    return function is not None and function.name in _FINALISERS


def _handler_finding(handler: ast.ExceptHandler, context: ModuleContext) -> _Swallowed | None:
    """What `swallowed-exception` reports for an except clause, if anything.

    The clause must take the check's failure (a generic catch, or one named for a security
    failure), carry on after the `try` with nothing but `pass`, `...`, `continue` or log calls,
    and sit where falling out of it reaches the code that success would reach.
    """
    statement = context.parent(handler)
    if not isinstance(statement, ast.Try | ast.TryStar) or _in_finaliser(handler, context):
        return None
    if not _catches_the_check_failure(handler, context) or _success_takes_another_path(statement):
        return None
    if not all(does_nothing(s) or only_logs(s, context) for s in handler.body):
        return None
    silent = all(does_nothing(s) for s in handler.body)
    return _swallowed_check(statement, silent, context)


def _suppressed_check(call: ast.Call, context: ModuleContext) -> _Swallowed | None:
    """What `swallowed-exception` reports for `with contextlib.suppress(...)`, if anything."""
    item = context.parent(call)
    statement = context.parent(item) if isinstance(item, ast.withitem) else None
    if not isinstance(statement, ast.With) or item not in statement.items:
        return None
    caught = [context.resolve(a) or "" for a in call.args]
    if not any(n in _GENERIC_EXCEPTIONS or names_a_security_failure(n) for n in caught):
        return None
    return _swallowed_check(statement, True, context)


def _call_text(operation: SecurityOperation, context: ModuleContext) -> str:
    """The check as the message names it: '`jwt.decode(…)` (a signed-token check)'."""
    return f"`{context.one_line(operation.call.func)}(…)` ({operation.what})"


_CONSEQUENCE = {
    Outcome.CHECK: "its refusal is discarded and the code that follows runs as if the check had "
    "passed",
    Outcome.RESULT: "the variable it sets keeps whatever it held before, and the code that "
    "follows runs with that value",
}


@rule(
    id="swallowed-exception",
    name="Failure of a security check caught and discarded",
    cwe=390,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A signature, password, token, certificate or permission check fails by raising, and "
    "an `except` that does nothing (or only logs) lets the code carry on as if it had passed.",
    fix="Let the failure propagate, or refuse explicitly in the handler (`raise PermissionDenied`, "
    "`return None`, `abort(403)`); catch only the check's own exception.",
    what_it_does="Reports an `except` clause (generic, bare, or named for a security failure "
    "such as `InvalidSignature`) and `contextlib.suppress(...)` around a security check whose "
    "body is only `pass`, `...`, `continue` or log calls, when falling out of it reaches the "
    "code success reaches. A security check is a call that verifies, authenticates, "
    "authorises, decrypts, unsigns, compares a digest, drops privileges or makes a TLS "
    "handshake, or a checking verb applied to a security noun (`check_password`, `has_perm`, "
    "`validate_token`). High confidence when the check is a statement, an assertion or the test "
    "of a `raise` (its exception is its answer) and the handler is silent; medium when the "
    "handler logs; low when only the check's value is kept and the variable was not set to "
    "`None` first and is read after the `try` (a value used only inside it, `if auth := "
    "authenticate(request): ...`, leaves the fall-through without it). Not reported: the "
    "same catch around anything else (closing, cleanup, "
    "probes, formatting: deliberate best effort in mature code, and a style matter that Ruff's "
    "BLE001/S110 and Pylint's W0718 report), a `try` whose success returns, breaks or runs an "
    "`else:` block, and `__del__`.",
    why_bad="The check answered no and nothing acted on it: a forged signature, a wrong "
    "password or a missing permission leads to the same code as a valid one, and nothing in "
    "the logs says otherwise. An attacker only has to make the check fail.",
    example="try:\n    verifier.verify(signature, body)\nexcept Exception:\n    pass\n"
    "process(body)",
    use_instead="try:\n    verifier.verify(signature, body)\nexcept InvalidSignature:\n"
    "    raise PermissionDenied('bad signature') from None\nprocess(body)",
    references=(
        "https://cwe.mitre.org/data/definitions/390.html",
        "https://cwe.mitre.org/data/definitions/703.html",
        "https://docs.python.org/3/library/contextlib.html#contextlib.suppress",
        "https://cryptography.io/en/latest/exceptions/#cryptography.exceptions.InvalidSignature",
    ),
    visits=(ast.ExceptHandler, ast.Call),
    calls=frozenset({"contextlib.suppress"}),
)
def swallowed_exception(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report handlers and `suppress` blocks that discard the failure of a security check."""
    if isinstance(node, ast.ExceptHandler):
        found = _handler_finding(node, context)
        where = f"`{_header(node, context)}`"
    elif isinstance(node, ast.Call) and context.call_name(node) == "contextlib.suppress":
        found = _suppressed_check(node, context)
        where = f"`with {context.one_line(node)}:`"
    else:
        return
    if found is None:
        return
    operation = found.operation
    yield Hit(
        node=node,
        message=f"{where} discards the failure of {_call_text(operation, context)} on line "
        f"{operation.call.lineno}: {_CONSEQUENCE[operation.outcome]}.",
        severity=found.severity,
        confidence=found.confidence,
    )


@rule(
    id="bare-except",
    name="Catch of every exception around a security check",
    cwe=396,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="A bare `except:` or `except BaseException:` around a security check that carries on "
    "after any exception, KeyboardInterrupt and programming errors included.",
    fix="Catch the check's own exception (`except InvalidSignature:`) and refuse in the handler; "
    "let everything else propagate.",
    what_it_does="Reports bare `except:` clauses and `except BaseException:` around a security "
    "check (as `swallowed-exception` defines it) when the handler neither re-raises, exits, "
    "passes the exception on, returns nor refuses, no earlier clause already takes "
    "KeyboardInterrupt and SystemExit, and success does not leave the `try` first. Handlers "
    "that only do nothing or log are `swallowed-exception`'s, so one mistake gives one finding. "
    "Broad catches around anything else are not reported: in mature code they are deliberate "
    "(event loops, teardown, import probes), and Ruff's E722 and Pylint's W0702 report them "
    "as style.",
    why_bad="Every error raised while the check runs (a bug, a timeout, a missing key, even "
    "Ctrl-C) is handled as if the check's outcome were known, and the code carries on; which "
    "way it goes then depends on whatever the handler set, not on the check.",
    example="try:\n    check_permission(user, document)\nexcept:\n    allowed = False\n"
    "render(document)",
    use_instead="try:\n    check_permission(user, document)\nexcept PermissionDenied:\n"
    "    return forbidden()\nrender(document)",
    references=(
        "https://cwe.mitre.org/data/definitions/396.html",
        "https://docs.python.org/3/reference/compound_stmts.html#except-clause",
        "https://docs.python.org/3/library/exceptions.html#exception-hierarchy",
    ),
    visits=(ast.ExceptHandler,),
)
def bare_except(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report catch-everything handlers around a security check that carry on afterwards."""
    assert isinstance(node, ast.ExceptHandler)
    statement = context.parent(node)
    if not isinstance(statement, ast.Try | ast.TryStar) or not _catches_everything(node, context):
        return
    if propagates(node, context) or leaves(node, context) or _in_finaliser(node, context):
        return
    if _exits_caught_earlier(node, context) or _success_takes_another_path(statement):
        return
    if _handler_finding(node, context) is not None:
        return  # a handler that only passes or logs is swallowed-exception's
    operations = open_checks(security_operations(statement.body, context), context)
    if not operations or _handler_sets_refusal(node, operations[0], context):
        return
    yield Hit(
        node=node,
        message=f"`{_header(node, context)}` takes every exception raised by "
        f"{_call_text(operations[0], context)} on line {operations[0].call.lineno}, "
        "KeyboardInterrupt and programming errors included, and carries on after the `try`.",
    )
