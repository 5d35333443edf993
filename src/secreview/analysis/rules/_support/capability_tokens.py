"""Handlers a one-time token authenticates: they look the token up and refuse without it.

A password reset, an e-mail confirmation or a single-sign-on step is called by someone who holds
no session or permission yet, only the token the server mailed or handed out:
`challenge = ChallengePasswordReset.find_by_challenge(args["token"])`, then `if not challenge:
raise NotFoundRequest()`; `doc = tokens.find_one_and_delete({"_id": token})`, then `if not doc:
return jsonify(..., 401)`. The look-up is the access check: whoever holds the token may do this
one thing. A permission check there, as its siblings make, would lock out the very callers the
flow is for (`missing-authorization`). The token must be one-time: the handler also deletes,
consumes or invalidates something (`find_one_and_delete`, `delete_by_user(user)`); a handler
that only verifies a long-lived API token has authenticated its caller, not authorised them.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.web_handlers import Function, scope_nodes
from secreview.analysis.taint.name_words import words_of

_TOKEN_WORDS = frozenset({"token", "challenge", "otp", "nonce", "ticket"})
"""Words naming a secret handed to one caller for one flow (a mailed reset token, an SSO ticket)."""
_SPENDING_WORDS = frozenset({"delete", "remove", "consume", "invalidate", "expire", "revoke"})
"""Words of a call that spends a one-time token once it has served."""


def authenticated_by_token(function: Function) -> bool:
    """Whether the handler binds a local to a call given a value named for a token, then
    refuses (returns or raises) when that local is empty or None."""
    looked_up = {
        target.id
        for node in scope_nodes(function.body)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and _given_a_token(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    if not looked_up or not _spends_something(function):
        return False
    return any(
        isinstance(node, ast.If)
        and _tests_missing(node.test, looked_up)
        and bool(node.body)
        and isinstance(node.body[-1], ast.Return | ast.Raise)
        for node in scope_nodes(function.body)
    )


def _spends_something(function: Function) -> bool:
    """Whether the handler calls something named for deleting or invalidating."""
    for node in scope_nodes(function.body):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if words_of(name) & _SPENDING_WORDS:
                return True
    return False


def _given_a_token(call: ast.Call) -> bool:
    """Whether an argument of `call` is (or holds) a name or a constant key naming a token:
    `find_by_challenge(args["token"])`, `find_one({"_id": token})`."""
    for given in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(given):
            if isinstance(node, ast.Name):
                spelled = node.id
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                spelled = node.value
            else:
                continue
            if words_of(spelled) & _TOKEN_WORDS and "csrf" not in spelled.lower():
                return True
    return False


def _tests_missing(test: ast.expr, names: set[str]) -> bool:
    """`not doc`, `doc is None`, or either among an `or` (`not doc or doc["type"] != KIND`)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_tests_missing(value, names) for value in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id in names
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id in names
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )
