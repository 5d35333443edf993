"""Whether an IV, nonce or salt is a byte string written in the source, and where it was written.

`ModuleContext.constant_value` folds literals and module constants (`IV = b"\\0" * 16`); an IV is
also often a local (`iv = b"..."` above the cipher), a zero buffer (`bytes(16)`), a decoded
literal (`bytes.fromhex("00ff...")`, `"abc".encode()`). Anything drawn at run time (`os.urandom`,
`secrets.token_bytes`, `get_random_bytes`, a parameter) is not fixed, so it never raises a finding.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from secreview.analysis.rules._support.local_bindings import MAX_DEPTH, bindings_before
from secreview.index.context import UNKNOWN, ModuleContext

_DECODERS = frozenset(
    {
        "bytes.fromhex",
        "binascii.unhexlify",
        "binascii.a2b_hex",
        "base64.b64decode",
        "base64.urlsafe_b64decode",
        "base64.b16decode",
        "codecs.decode",
        "Crypto.Util.Counter.new",
        "Cryptodome.Util.Counter.new",
    }
)
"""Calls that give the same value whenever their arguments are constants: decoders of constant
text, and pycryptodome's CTR counter (`Counter.new(128)` starts at 1 on every run)."""
_BUFFERS = frozenset({"bytes", "bytearray"})
_TEXT_TO_BYTES = frozenset({"encode"})


class FixedBytes(NamedTuple):
    """A value fixed in the source: its shown text and the node that wrote it."""

    shown: str
    written_at: ast.AST


def _is_fixed_expression(expr: ast.expr, context: ModuleContext) -> bool:
    """Whether `expr` itself (not through a local name) always gives the same non-empty bytes."""
    value = context.constant_value(expr)
    if value is not UNKNOWN:
        return isinstance(value, bytes | str) and len(value) > 0
    if not isinstance(expr, ast.Call) or context.has_star_arguments(expr):
        return False
    name = context.call_name(expr)
    arguments = [*expr.args, *(keyword.value for keyword in expr.keywords)]
    if name in _BUFFERS:
        size = context.constant_value(expr.args[0]) if len(expr.args) == 1 else UNKNOWN
        return (type(size) is int and size > 0) or isinstance(size, tuple | bytes)
    if name in _DECODERS:
        return bool(arguments) and all(context.is_constant(argument) for argument in arguments)
    if isinstance(expr.func, ast.Attribute) and expr.func.attr in _TEXT_TO_BYTES:
        text = context.constant_value(expr.func.value)
        return isinstance(text, str) and len(text) > 0
    return False


def fixed_bytes(expr: ast.expr | None, context: ModuleContext, depth: int = 0) -> FixedBytes | None:
    """Where `expr` was written when it is the same byte string on every run, else None.

    A local name counts only when every assignment that can reach this use is fixed; a
    parameter, a loop variable or a name bound later keeps it unknown, so no finding is guessed.
    """
    if expr is None or depth > MAX_DEPTH:
        return None
    if isinstance(expr, ast.Name):
        bindings = bindings_before(context, expr)
        if bindings is None:  # a module constant, a global or an import
            constant = context.module_constants.get(expr.id)
            if constant is None or fixed_bytes(constant, context, depth + 1) is None:
                return None
            return FixedBytes(context.one_line(constant), constant)
        if not bindings or any(b.value is None or b.augmented_op for b in bindings):
            return None
        found = [fixed_bytes(b.value, context, depth + 1) for b in bindings]
        if any(each is None for each in found):
            return None
        first = bindings[0]
        return FixedBytes(context.one_line(first.node), first.node)
    if _is_fixed_expression(expr, context):
        return FixedBytes(context.one_line(expr), expr)
    return None
