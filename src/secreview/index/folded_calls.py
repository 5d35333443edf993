"""Calls whose result follows from constant arguments, folded without running anything.

Patterns, keys and queries are often written as constants passed through a call before use:
`PATTERN.encode()`, `"|".join((A, B))`, `"{}-{}".format(A, B)`, or a compatibility helper such as
`six.b(...)` / `tobytes(...)` / `force_str(...)` that turns text into bytes or back, or
`re.escape(SPECIALS)` spliced into a character class, or pieces named at module level and
spliced with `"(?: %(ALPHA)s | %(DIGIT)s )" % locals()` (an RFC grammar written as regexes).
Rules that ask
whether a value is fixed in the source (`ModuleContext.constant_value`) and rules that read a
pattern's text (ReDoS) see through these. Only the built-in `str`/`bytes` methods below are
computed, on constants, with the size of the result bounded; a helper of the project is known
only by its name, so it is taken as a plain conversion for ASCII text alone (where every
encoding agrees), never for anything else.
"""

from __future__ import annotations

import ast
import operator
import re
import string
from collections.abc import Callable, Iterator, Mapping
from typing import TypeGuard


class _Unknown:
    """Marker for 'this expression has no value known before run time'."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

MAX_FOLDED_LENGTH = 100_000
"""The longest text a fold may produce (a constant `"-" * 10**9` is not worth holding)."""

BINARY_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.LShift: operator.lshift,
}
"""The operators a fold computes, with their functions."""

_TO_BYTES = frozenset(
    {"tobytes", "to_bytes", "force_bytes", "smart_bytes", "ensure_binary", "ensure_bytes"}
    | {"as_bytes", "six.b", "b"}
)
"""Helpers named for turning text into bytes (`six.b`, Django's `force_bytes`, `compat.tobytes`)."""
_TO_TEXT = frozenset(
    {"tostr", "to_str", "force_str", "force_text", "smart_str", "smart_text", "ensure_str"}
    | {"ensure_text", "to_text", "to_unicode", "as_str", "six.u", "u", "native_str"}
)
"""Helpers named for turning bytes into text."""
_CODECS = frozenset({"ascii", "us-ascii", "utf-8", "utf8", "latin-1", "latin1", "iso-8859-1"})
"""Encodings that agree on ASCII text, the only ones a fold accepts by name."""


_NAMESPACE_CALLS = frozenset({"locals", "globals", "vars"})


def namespace_call(node: ast.AST, at_module_level: bool) -> bool:
    """Whether `node` is `globals()`, or `locals()` / `vars()` where they mean the module's
    namespace (at module level): the mapping a `"..." % locals()` reads its `%(name)s` from."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _NAMESPACE_CALLS
        and not node.args
        and not node.keywords
    ):
        return False
    return node.func.id == "globals" or at_module_level


class FoldedNamespace(Mapping[str, object]):
    """The module's constants as `%`-formatting reads them by name (`%(HEXDIG)s`).

    A name whose value is not a known constant raises KeyError, so the whole format is not
    folded (the caller turns the error into UNKNOWN). Only item lookup is meaningful: the names
    are never listed, as formatting never asks for them.
    """

    def __init__(self, value_of_name: Callable[[str], object]) -> None:
        self._value_of_name = value_of_name

    def __getitem__(self, name: str) -> object:
        value = self._value_of_name(name)
        if value is UNKNOWN:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def folded_call(node: ast.Call, name: str | None, value_of: Callable[[ast.AST], object]) -> object:
    """The value of `node` if its function and arguments make it known, else `UNKNOWN`.

    `name` is the call's resolved dotted name (None when it has none); `value_of` folds an
    argument (`ModuleContext.constant_value`, one level deeper).
    """
    if len(node.args) == 1 and not node.keywords:
        if name == "re.escape":
            return _escaped(value_of(node.args[0]))
        short = (name or _written_name(node.func)).rpartition(".")[2]
        if name in _TO_BYTES or short in _TO_BYTES:
            return _ascii_as(value_of(node.args[0]), bytes)
        if name in _TO_TEXT or short in _TO_TEXT:
            return _ascii_as(value_of(node.args[0]), str)
    if isinstance(node.func, ast.Attribute):
        return _method(value_of(node.func.value), node.func.attr, node, value_of)
    return UNKNOWN


def folded_subscript(node: ast.Subscript, value_of: Callable[[ast.AST], object]) -> object:
    """`TEXT[i]`, `TEXT[1:-1]` or `ITEMS[0]` of a constant with constant indexes; else
    `UNKNOWN`."""
    container = value_of(node.value)
    if not isinstance(container, str | bytes | tuple):
        return UNKNOWN
    index = node.slice
    if isinstance(index, ast.Slice):
        bounds = [
            None if p is None else value_of(p) for p in (index.lower, index.upper, index.step)
        ]
        if not all(b is None or _is_index(b) for b in bounds) or bounds[2] == 0:
            return UNKNOWN
        return container[slice(*bounds)]
    position = value_of(index)
    if not _is_index(position) or not -len(container) <= position < len(container):
        return UNKNOWN
    return container[position]


def _is_index(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _written_name(func: ast.expr) -> str:
    """The name a call is written with when imports do not resolve it (`from .compat import
    tobytes` in a file reviewed alone)."""
    match func:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name
    return ""


def _escaped(value: object) -> object:
    """`re.escape(value)` of constant text: a pure function of its argument, and a pattern built
    around it (`"[^" + re.escape(SPECIALS) + "]+"`) is only readable once it is folded."""
    if not isinstance(value, str | bytes):
        return UNKNOWN
    return _bounded(re.escape(value))


def _ascii_as(value: object, kind: type[str] | type[bytes]) -> object:
    """ASCII `value` (text or bytes) as `kind`; UNKNOWN where an encoding would have to be
    guessed."""
    if not isinstance(value, str | bytes) or not value.isascii():
        return UNKNOWN
    if isinstance(value, kind):
        return value
    return value.encode("ascii") if isinstance(value, str) else value.decode("ascii")


def _method(
    receiver: object, method: str, node: ast.Call, value_of: Callable[[ast.AST], object]
) -> object:
    """`receiver.method(*args)` for the few pure `str`/`bytes` methods folded here."""
    if not isinstance(receiver, str | bytes):
        return UNKNOWN
    arguments = [value_of(argument) for argument in node.args]
    keywords = {k.arg: value_of(k.value) for k in node.keywords}
    if any(a is UNKNOWN for a in (*arguments, *keywords.values())):
        return UNKNOWN
    match method, arguments:
        case ("encode" | "decode", [] | [str()]) if (method == "encode") == isinstance(
            receiver, str
        ):
            codec = (arguments or [keywords.get("encoding", "utf-8")])[0]
            target = bytes if method == "encode" else str
            return _ascii_as(receiver, target) if str(codec).lower() in _CODECS else UNKNOWN
        case ("join", [tuple() as parts]) if all(type(p) is type(receiver) for p in parts):
            return _bounded(receiver.join(parts))  # type: ignore[arg-type]
        case ("format", _) if isinstance(receiver, str) and not keywords:
            return _formatted(receiver, arguments)
        case ("split" | "rsplit" | "strip" | "lstrip" | "rstrip" | "lower" | "upper", _):
            return _reshaped(receiver, method, arguments, keywords)
        case ("replace", [str() | bytes() as old, str() | bytes() as new]):
            same = type(old) is type(new) is type(receiver)
            return _bounded(receiver.replace(old, new)) if same else UNKNOWN  # type: ignore[arg-type]
    return UNKNOWN


def _reshaped(
    receiver: str | bytes, method: str, arguments: list[object], keywords: dict[str | None, object]
) -> object:
    """`split`, `strip` and case changes of constant text, no longer than the text itself: a
    message kept as a literal's words joined again (`" ".join(MESSAGE.split())`) is still
    the literal's. Only the arguments these methods take, of the receiver's type."""
    given = [*arguments, *keywords.values()]
    separators = [a for a in given if a is not None and not isinstance(a, int)]
    if any(type(a) is not type(receiver) for a in separators) or len(given) > 2:
        return UNKNOWN
    if method in ("lower", "upper", "strip", "lstrip", "rstrip") and keywords:
        return UNKNOWN  # `strip(chars=...)` raises: these take positional arguments only
    if not set(keywords) <= {"sep", "maxsplit"}:
        return UNKNOWN
    try:
        result = getattr(receiver, method)(*arguments, **keywords)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return UNKNOWN  # an empty separator, a count or characters of the wrong type
    return tuple(result) if isinstance(result, list) else result


def _formatted(template: str, arguments: list[object]) -> object:
    """`template.format(*arguments)` when every field is a plain `{}`/`{N}` of text or numbers:
    no format spec (a width could ask for a gigabyte), no conversion, no attribute or item."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return UNKNOWN
    for _, field, spec, conversion in fields:
        if field is None:
            continue
        if spec or conversion or not (field == "" or field.isdigit()):
            return UNKNOWN
    if not all(isinstance(a, str | int | float) and not isinstance(a, bool) for a in arguments):
        return UNKNOWN
    try:
        return _bounded(template.format(*arguments))
    except (IndexError, ValueError):
        return UNKNOWN


def _bounded(value: str | bytes) -> object:
    return value if len(value) <= MAX_FOLDED_LENGTH else UNKNOWN


def folded_operator(op: ast.operator, left_value: object, right_value: object) -> object:
    """`left_value op right_value` for two folded operands, else UNKNOWN: never a power or
    shift past 64 bits, nor a repetition longer than `MAX_FOLDED_LENGTH`."""
    if left_value is UNKNOWN or right_value is UNKNOWN:
        return UNKNOWN
    if isinstance(op, ast.Pow | ast.LShift) and (
        not isinstance(right_value, int) or right_value > 64
    ):
        return UNKNOWN
    try:
        if isinstance(op, ast.Mult):
            return bounded_multiply(left_value, right_value, MAX_FOLDED_LENGTH)
        return BINARY_OPERATORS[type(op)](left_value, right_value)
    except Exception:  # folding a type error or overflow just means "not a known constant"
        return UNKNOWN


def bounded_multiply(left: object, right: object, longest: int) -> object:
    """`left * right`, refused with an OverflowError where it would repeat text, bytes or a
    sequence past `longest` items: computing it first could take all of the memory
    (`b"0" * (LARGE_FILE_THRESHOLD + 1)` once the threshold, 2 GiB, is known)."""
    for sequence, count in ((left, right), (right, left)):
        if (
            isinstance(sequence, str | bytes | tuple | list)
            and isinstance(count, int)
            and len(sequence) * count > longest
        ):
            raise OverflowError("repetition past the longest folded constant")
    return left * right  # type: ignore[operator]
