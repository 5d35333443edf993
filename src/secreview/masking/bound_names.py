"""The name a string literal in code is bound to, read from the tokens written before it.

Masking judges a string by its name as the secret rules do (`password = "…"`), but it reads
tokens, not a tree, because it must work on fragments (a snippet, a line of a diff) that do not
parse. This module keeps that reading apart from the masking itself: assignments, comparisons,
dict keys and subscripts (`x["api_key"] = …`), keyword and positional arguments of calls that
take a secret (`hmac.new(key, …)`, `HTTPBasicAuth(user, password)`), the fallback of an
environment look-up (`os.getenv("API_KEY", "…")`), and the items of a container bound to a name.
"""

from __future__ import annotations

import ast
import tokenize
from dataclasses import dataclass

from secreview.credentials import ENVIRONMENT_LOOKUPS, KEY_ARGUMENT_OF, PASSWORD_ARGUMENT_OF
from secreview.patterns import lazy_pattern

STRING_OPENING = lazy_pattern(r"[A-Za-z]*('''|\"\"\"|'|\")")
# The generic last part of a callee (`AES.new`) needs the part before it to name the call.
_GENERIC_CALLEE_PARTS = frozenset({"new", "digest", "encode", "decode"})
SINK = "\x00sink"  # a binding name no identifier can have: the place says it is a secret


def literal_value(literal: str) -> str:
    """The text a string literal stands for (its source body when it cannot be evaluated)."""
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        opening = STRING_OPENING.match(literal)
        quote = opening[1] if opening else ""
        return literal[opening.end() if opening else 0 : len(literal) - len(quote)]
    if isinstance(value, bytes):
        return value.decode("ascii") if all(32 <= b < 127 for b in value) else value.hex()
    return value if isinstance(value, str) else literal


@dataclass
class Bracket:
    """An open bracket: the call it belongs to, the name its value is bound to, where we are."""

    callee: str | None
    owner: str | None
    position: int = 0
    first_string: str | None = None


def callee_before(recent: list[tokenize.TokenInfo]) -> str | None:
    """The dotted name written just before an opening parenthesis (`hmac.new`), if any."""
    parts: list[str] = []
    index = len(recent) - 1
    while index >= 0 and recent[index].type == tokenize.NAME:
        parts.append(recent[index].string)
        if index >= 1 and recent[index - 1].string == ".":
            index -= 2
            continue
        break
    return ".".join(reversed(parts)) or None


def bound_name(recent: list[tokenize.TokenInfo]) -> str | None:
    """The name a value written after `recent` is bound to: `name =`, `name: T =`, `x["name"] =`,
    `name ==`, `"name":` (dict key); None when nothing names it."""
    if not recent or recent[-1].string not in ("=", ":=", "==", "!=", ":"):
        return None
    operator = recent[-1].string
    before = recent[-2] if len(recent) >= 2 else None
    if before is None:
        return None
    if operator == ":":
        return literal_value(before.string) if before.type == tokenize.STRING else None
    if before.type == tokenize.NAME:
        annotated = len(recent) >= 4 and recent[-3].string == ":" and operator == "="
        return (
            recent[-4].string if annotated and recent[-4].type == tokenize.NAME else before.string
        )
    if before.string == "]" and len(recent) >= 4 and recent[-3].type == tokenize.STRING:
        return literal_value(recent[-3].string) if recent[-4].string == "[" else None
    return None


def _argument_name(bracket: Bracket) -> str | None:
    """The name of the positional argument `bracket` is at, when its call says what it is."""
    callee = bracket.callee or ""
    parts = callee.split(".")
    if bracket.position == 1 and any(
        callee.endswith(e.split(".", 1)[1]) for e in ENVIRONMENT_LOOKUPS
    ):
        return bracket.first_string  # `os.getenv("API_KEY", "<fallback>")`
    if bracket.position == 1 and parts[-1] == "login":
        return SINK
    for qualified, (position, _) in (*KEY_ARGUMENT_OF.items(), *PASSWORD_ARGUMENT_OF.items()):
        known = qualified.split(".")
        if position != bracket.position or known[-1] != parts[-1]:
            continue
        if known[-1] in _GENERIC_CALLEE_PARTS and (len(parts) < 2 or parts[-2] != known[-2]):
            continue
        return SINK
    return None


def name_in_brackets(recent: list[tokenize.TokenInfo], stack: list[Bracket]) -> str | None:
    """The name of an item written right after an opening bracket or a comma."""
    if not stack or not recent or recent[-1].string not in ("(", "[", "{", ","):
        return None
    bracket = stack[-1]
    if bracket.callee is not None:
        return _argument_name(bracket)
    if bracket.owner == "auth":
        return "password" if bracket.position == 1 else None  # auth=(user, password)
    return bracket.owner  # the items of `PASSWORDS = [...]` share its name
