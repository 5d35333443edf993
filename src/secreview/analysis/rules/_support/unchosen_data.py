"""Data no outside party chooses: text built only from clocks, random numbers and constants.

A collision attack on a hash needs an attacker who picks (part of) what is hashed. MD5 of
`f"{time.time()}:{random.random()}"` (a nonce, a throw-away id) gives nobody that choice: its
weakness, if any, is predictability, which the random-number rules judge. This looks back inside
one function only (`local_bindings`) and anything it does not recognise counts as chosen, so it
can only hide a finding where the data is plainly the program's own.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import MAX_DEPTH, bindings_before
from secreview.index.context import ModuleContext

_UNCHOSEN_CALLS = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.process_time",
        "os.times",
        "os.getpid",
        "os.urandom",
        "random.random",
        "random.getrandbits",
        "random.randint",
        "random.randrange",
        "random.uniform",
        "secrets.token_bytes",
        "secrets.token_hex",
        "secrets.randbits",
        "uuid.uuid1",
        "uuid.uuid4",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "threading.get_ident",
    }
)
"""Readings of a clock, a counter or a random source: values the program draws itself."""
_TEXT_CONVERSIONS = frozenset({"str", "repr", "bytes", "format"})
_TEXT_METHODS = frozenset({"encode", "format", "join", "hex", "strip", "lower", "upper"})


def is_unchosen(context: ModuleContext, expr: ast.expr | None, depth: int = 0) -> bool:
    """Whether `expr` is built only from constants, clock readings and random draws."""
    if expr is None or depth > MAX_DEPTH:
        return False
    match expr:
        case ast.Constant():
            return True
        case ast.Name():
            return _name_is_unchosen(context, expr, depth)
        case ast.JoinedStr(values=parts) | ast.Tuple(elts=parts) | ast.List(elts=parts):
            return all(is_unchosen(context, part, depth + 1) for part in parts)
        case ast.FormattedValue(value=value):
            return is_unchosen(context, value, depth + 1)
        case ast.BinOp(left=left, right=right):
            return is_unchosen(context, left, depth + 1) and is_unchosen(context, right, depth + 1)
        case ast.Call():
            return _call_is_unchosen(context, expr, depth)
    return False


def _name_is_unchosen(context: ModuleContext, name: ast.Name, depth: int) -> bool:
    """A local bound only by plain assignments of unchosen values and never changed in place
    (`parts.append(user)` would add chosen data the bindings do not show)."""
    bindings = bindings_before(context, name)
    if not bindings or any(b.value is None or b.augmented_op for b in bindings):
        return False
    scope = context.enclosing_function(name) or context.tree
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name.id
            and node.func.attr not in _TEXT_METHODS
        ):
            return False
    return all(is_unchosen(context, b.value, depth + 1) for b in bindings)


def _call_is_unchosen(context: ModuleContext, call: ast.Call, depth: int) -> bool:
    name = context.call_name(call)
    if name in _UNCHOSEN_CALLS:
        return True
    arguments = [*call.args, *(k.value for k in call.keywords)]
    if name in _TEXT_CONVERSIONS:
        return all(is_unchosen(context, a, depth + 1) for a in arguments)
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS:
        return is_unchosen(context, func.value, depth + 1) and all(
            is_unchosen(context, a, depth + 1) for a in arguments
        )
    return False
