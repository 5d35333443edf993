"""Environments: where paths meet, and checks on a value read again instead of kept.

An environment maps a function's local names to their values on one path. Where paths meet
(after an `if`, a loop, a `try`) the values of each name are joined; a name missing on one path
is unbound there, which carries nothing.

Handlers often test a request field and then read it again rather than keep it in a local:
`if is_safe_url(request.args.get("next")): return redirect(request.args.get("next"))`. The
guard proved the second read safe as much as the first, since the same spelling reads the same
field. So a guard on a read (a name followed by attributes, constant subscripts and getter calls
with constant arguments: `request.args.get("next")`, `self.request.GET["next"]`,
`data.get("url")`) leaves the checked value in the environment under the read's spelling, a key
no variable can have, and a later read of that spelling on the same path is that value.
Rebinding the read's first name, storing into it (`data["url"] = ...`) or calling a method of
it other than a getter (`data.update(...)`, `self.reload()`) forgets every read of it. Where
paths meet, a read is kept only if every path checked it: a path that did not check it reads
the field as it is.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.values import CLEAN, Value, join

READ = "("
"""The first character of a remembered read's key (no variable name starts with it)."""
_GETTERS = frozenset(
    {"get", "getlist", "getone", "getfirst", "get_argument", "get_query_argument"}
    | {"get_body_argument"}
)
"""Methods that read a field by a constant name without changing their object: request
parameter mappings' (`get`, `getlist`, WebOb's `getone`, `cgi`'s `getfirst`) and Tornado's."""


def read_key(node: ast.expr) -> str | None:
    """The key a read is remembered under (`(request).args.get('next')`), or None when `node`
    is not a read that gives the same value each time it is spelled the same way."""
    parts: list[str] = []
    while True:
        match node:
            case ast.Attribute(value=inner, attr=attr):
                parts.append(f".{attr}")
            case ast.Subscript(value=inner, slice=ast.Constant(value=key)):
                parts.append(f"[{key!r}]")
            case ast.Call(
                func=ast.Attribute(value=inner, attr=method), args=arguments, keywords=[]
            ) if (
                method in _GETTERS
                and arguments
                and all(isinstance(a, ast.Constant) for a in arguments)
            ):
                constants = ", ".join(repr(a.value) for a in arguments)  # type: ignore[attr-defined]
                parts.append(f".{method}({constants})")
            case ast.Name(id=root) if parts:
                return f"{READ}{root}){''.join(reversed(parts))}"
            case _:
                return None
        node = inner


def changed_root(node: ast.expr) -> str | None:
    """The first name of the object a method call may change (`data` for `data.update(other)`,
    `self` for `self.reload()`), or None for a getter's call or a call of no object's method.
    Any other method may change what its object holds, so the reads of it checked before are
    forgotten rather than trusted."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr not in _GETTERS
    ):
        return None
    receiver = node.func.value
    while isinstance(receiver, ast.Attribute | ast.Subscript):
        receiver = receiver.value
    return receiver.id if isinstance(receiver, ast.Name) else None


def forget_reads(env: dict[str, Value], name: str) -> None:
    """Forget the remembered reads rooted at `name`, which was just rebound or stored into."""
    prefix = f"{READ}{name})"
    for key in [key for key in env if key.startswith(prefix)]:
        del env[key]


def join_envs(*envs: dict[str, Value] | None) -> dict[str, Value] | None:
    """The environment after paths meet; unreachable paths (None) do not count.

    Each name's values are joined in the order of `envs`, skipping a value already joined into
    the current result: `join` returns its left side itself when the right adds nothing, and
    joining the same two objects again gives the same answer, so skipping it changes nothing.
    A `try` body's handlers start from the state before each statement of the body that
    rebinds a name (hundreds, in a long body run again by a loop), and most of those states
    hold the very same value for a name: docassemble's `askfor` joined an object of thirty
    attributes and five hundred flows once per state, for each of its thirteen handlers.
    """
    live = [e for e in envs if e is not None]
    if not live:
        return None
    if len(live) == 1:
        return dict(live[0])
    names = dict.fromkeys(name for env in live for name in env)  # in order, not by hash
    merged: dict[str, Value] = {}
    first, rest = live[0], live[1:]
    for name in names:
        if name[0] == READ and not all(name in env for env in live):
            continue  # checked on some paths only: the others read the field as it is
        value = first.get(name, CLEAN)
        absorbed: set[int] = set()
        for env in rest:
            other = env.get(name, CLEAN)
            if other is value or id(other) in absorbed:
                continue  # most names hold the same value on every path
            joined = join(value, other)
            if joined is not value:
                value, absorbed = joined, set()
            absorbed.add(id(other))
        merged[name] = value if value is not None else CLEAN
    return merged


def _value_signature(value: Value) -> object:
    """What a loop's fixpoint compares of one name's value: its flows and constant."""
    return (frozenset(f.signature for f in value.all_flows()), repr(value.const)[:50])


def settled(merged: dict[str, Value] | None, state: dict[str, Value] | None) -> bool:
    """Whether a loop's state stopped changing: the same names, each with the same flows (by
    signature) and constant. A name holding the very same object needs no signature: `join`
    keeps a value the next pass added nothing to, so most names do."""
    if merged is None or state is None:
        return merged is state
    if merged.keys() != state.keys():
        return False
    return all(
        value is state[name] or _value_signature(value) == _value_signature(state[name])
        for name, value in merged.items()
    )
