"""Data no outside party chooses: text built only from clocks, random numbers and constants.

A collision attack on a hash needs an attacker who picks (part of) what is hashed. MD5 of
`f"{time.time()}:{random.random()}"` (a nonce, a throw-away id) gives nobody that choice: its
weakness, if any, is predictability, which the random-number rules judge. This looks back inside
one function only (`local_bindings`) and anything it does not recognise counts as chosen, so it
can only hide a finding where the data is plainly the program's own.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.drawn_names import UUID_CALLS
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
        "secrets.token_urlsafe",
        *UUID_CALLS,
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "threading.get_ident",
    }
)
"""Readings of a clock, a counter or a random source: values the program draws itself (fresh
UUIDs of every version: MaxKB's `hashlib.md5(str(uuid.uuid7()).encode())` access tokens)."""
_TEXT_CONVERSIONS = frozenset({"str", "repr", "bytes", "format"})
_TEXT_METHODS = frozenset({"encode", "format", "join", "hex", "strip", "lower", "upper"})


def is_unchosen(context: ModuleContext, expr: ast.expr | None) -> bool:
    """Whether `expr` is built only from constants, clock readings and random draws, with at
    least one draw (a constant alone is another matter: it is the same in every run)."""
    return bool(_draws(context, expr, 0))


def _draws(context: ModuleContext, expr: ast.expr | None, depth: int) -> int | None:
    """How many clock readings or random draws `expr` is built from; None when it may hold
    anything else but constants."""
    if expr is None or depth > MAX_DEPTH:
        return None
    match expr:
        case ast.Constant():
            return 0
        case ast.Name():
            return _name_draws(context, expr, depth)
        case ast.JoinedStr(values=parts) | ast.Tuple(elts=parts) | ast.List(elts=parts):
            return _all_draws(context, parts, depth)
        case ast.FormattedValue(value=value):
            return _draws(context, value, depth + 1)
        case ast.BinOp(left=left, right=right):
            return _all_draws(context, [left, right], depth)
        case ast.Call():
            return _call_draws(context, expr, depth)
    return None


def _all_draws(context: ModuleContext, parts: list[ast.expr], depth: int) -> int | None:
    counts = [_draws(context, part, depth + 1) for part in parts]
    return None if any(count is None for count in counts) else sum(c or 0 for c in counts)


def _name_draws(context: ModuleContext, name: ast.Name, depth: int) -> int | None:
    """A local bound only by plain assignments and never changed in place (`parts.append(user)`
    would add data the bindings do not show)."""
    bindings = bindings_before(context, name)
    if not bindings or any(b.value is None or b.augmented_op for b in bindings):
        return None
    scope = context.enclosing_function(name) or context.tree
    for node in ast.walk(scope):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name.id
            and node.func.attr not in _TEXT_METHODS
        ):
            return None
    return _all_draws(context, [b.value for b in bindings if b.value is not None], depth)


def _call_draws(context: ModuleContext, call: ast.Call, depth: int) -> int | None:
    name = context.call_name(call)
    if name in _UNCHOSEN_CALLS:
        return 1
    arguments = [*call.args, *(k.value for k in call.keywords)]
    if name in _TEXT_CONVERSIONS:
        return _all_draws(context, arguments, depth)
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS:
        return _all_draws(context, [func.value, *arguments], depth)
    return None
