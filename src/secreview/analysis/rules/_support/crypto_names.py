"""Helpers shared by the cryptography, randomness and transport rules.

Those rules cannot see types, so they decide from *names* whether a value is a password, a token or
a key, and from the *surrounding syntax* where a value ends up (`token = ...`, `return ...`,
`password=...`). Both decisions live here so every rule judges names the same way.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import NamedTuple

from secreview.index.children import walk
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_WORD = lazy_pattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

REPRESENTATION_WORDS = frozenset(
    {
        "b",
        "b64",
        "base64",
        "bytes",
        "chars",
        "cleartext",
        "data",
        "encoded",
        "hex",
        "input",
        "plain",
        "plaintext",
        "raw",
        "str",
        "string",
        "text",
        "urlsafe",
        "utf8",
        "val",
        "value",
    }
)
"""Words that may follow a noun without changing what the value is (`password_bytes`)."""

_PASSWORD_PHRASES = (("password",), ("passwd",), ("pwd",), ("passphrase",))

Phrase = tuple[str, ...]


def name_words(name: str) -> tuple[str, ...]:
    """Lower-case words of an identifier or key: `hashedPassword` -> ('hashed', 'password')."""
    return tuple(word.lower() for word in _WORD.findall(name))


def phrase_at_end(words: tuple[str, ...], phrases: Iterable[Phrase]) -> Phrase | None:
    """The phrase that is the head noun of `words`, followed by representation words only.

    The head noun decides what a value is: `password_bytes` is a password, `password_reset_url`
    and `password_length` are not, which is what keeps name-based rules quiet on the latter.
    """
    for phrase in phrases:
        size = len(phrase)
        for start in range(len(words) - size + 1):
            if words[start : start + size] == phrase and all(
                word in REPRESENTATION_WORDS for word in words[start + size :]
            ):
                return phrase
    return None


def is_password_words(words: tuple[str, ...]) -> bool:
    """Whether these identifier words name a password (`raw pwd`, not `password reset url`)."""
    return phrase_at_end(words, _PASSWORD_PHRASES) is not None


def is_password_name(name: str) -> bool:
    """Whether `name` holds a password itself (`password`, `raw_pwd`, not `password_reset_url`)."""
    return is_password_words(name_words(name))


def target_names(target: ast.AST) -> list[str]:
    """Names an assignment target stores under: `x`, `obj.attr`, `d["key"]`, tuples of those."""
    match target:
        case ast.Name(id=name):
            return [name]
        case ast.Attribute(attr=name):
            return [name]
        case ast.Subscript(slice=ast.Constant(value=str() as key)):
            return [key]
        case ast.Tuple(elts=elements) | ast.List(elts=elements):
            return [name for element in elements for name in target_names(element)]
        case ast.Starred(value=value):
            return target_names(value)
    return []


class Destination(NamedTuple):
    """Where the value of an expression ends up, as far as the enclosing statement shows."""

    names: tuple[str, ...]
    """Variables, attributes, subscript keys, keyword arguments and dict keys that receive it."""
    returned: bool
    """Whether the statement returns it from the enclosing function."""


def destination(node: ast.expr, context: ModuleContext) -> Destination:
    """Follow `node` up through the expressions that carry its value to the enclosing statement.

    Calls, method chains, f-strings, operators, containers and comprehensions carry the value
    (`"".join(random.choice(a) for _ in range(8))` is still random); comparisons, indices and
    lambdas do not, so `d[random.choice(keys)]` or `key=lambda _: random.random()` stop the walk.
    """
    names: list[str] = []
    child: ast.AST = node
    parent = context.parent(node)
    while parent is not None:
        match parent:
            case ast.Assign(targets=targets):
                names.extend(name for target in targets for name in target_names(target))
                return Destination(tuple(names), returned=False)
            case ast.AnnAssign(target=target) | ast.AugAssign(target=target):
                names.extend(target_names(target))
                return Destination(tuple(names), returned=False)
            case ast.Return():
                return Destination(tuple(names), returned=True)
            case ast.NamedExpr(target=target):
                names.extend(target_names(target))
            case ast.keyword(arg=str() as argument):
                names.append(argument)
            case ast.Dict(keys=keys, values=values):
                for key, value in zip(keys, values, strict=True):
                    if (
                        value is child
                        and isinstance(key, ast.Constant)
                        and isinstance(key.value, str)
                    ):
                        names.append(key.value)
            case ast.Subscript() if child is not parent.value:
                break
            case ast.comprehension() if child is not parent.iter:
                break
            case ast.Compare() | ast.Lambda() | ast.stmt():
                break
        child, parent = parent, context.parent(parent)
    return Destination(tuple(names), returned=False)


def scope_of(node: ast.AST, context: ModuleContext) -> ast.AST:
    """The function around `node`, or the module when it is at top level."""
    return context.enclosing_function(node) or context.tree


def bound_values(scope: ast.AST, context: ModuleContext) -> dict[str, list[ast.expr]]:
    """Receiver text -> the values assigned to it in `scope` (`x = ...`, `with ... as x`).

    Receivers are compared as source text (`server`, `self.smtp`) because a pattern rule has no
    types; a name bound to two different things keeps both values so callers can refuse to guess.
    """
    bound: dict[str, list[ast.expr]] = {}
    for node in walk(scope):
        pairs: list[tuple[ast.AST, ast.expr]] = []
        if isinstance(node, ast.Assign):
            pairs = [(target, node.value) for target in node.targets]
        elif isinstance(node, ast.AnnAssign | ast.NamedExpr) and node.value is not None:
            pairs = [(node.target, node.value)]
        elif isinstance(node, ast.With | ast.AsyncWith):
            pairs = [
                (item.optional_vars, item.context_expr)
                for item in node.items
                if item.optional_vars is not None
            ]
        for target, value in pairs:
            if isinstance(target, ast.Name | ast.Attribute):
                bound.setdefault(context.segment(target), []).append(value)
    return bound


def method_calls(
    scope: ast.AST, receiver: str, method: str, context: ModuleContext
) -> list[ast.Call]:
    """Calls `receiver.method(...)` in `scope`, in source order."""
    calls = [
        node
        for node in walk(scope)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and context.segment(node.func.value) == receiver
    ]
    return sorted(calls, key=lambda call: (call.lineno, call.col_offset))
