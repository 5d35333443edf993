"""The last name a call is spelled with, for rules that judge a callee by its own name.

`auth.verify_token(...)`, `self.verify_token(...)` and `verify_token(...)` all call something
named `verify_token`: rules that read intent from names (a verification, a refusal, a hash) ask
for that name whatever the receiver, resolved or not.
"""

from __future__ import annotations

import ast


def last_name(func: ast.expr) -> str | None:
    """`verify_token` of `auth.verify_token` or of a bare `verify_token`; None for anything
    else (a call of a call, a subscript)."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def read_name(node: ast.AST) -> str | None:
    """The name a value is read under: `password`, `user.password`, `creds["api_key"]`;
    None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        key = node.slice.value
        return key if isinstance(key, str) else None
    return None
