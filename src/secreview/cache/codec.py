"""Records (frozen dataclasses and NamedTuples) to canonical JSON and back, checked field by
field against their types.

A cache file is input like any other: whoever can write the user's cache folder (or a bug in an
older secreview) can put anything in a row. So a stored value is never unpickled; it is JSON,
decoded against the type hints of the dataclass it must become, and any mismatch (a missing or
extra field, a wrong type, an unknown enum value) is a `DecodeError` the caller treats as a miss.
Encoding is canonical (sorted keys, sets sorted, ASCII only) so the same value is the same text.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

from secreview.analysis.taint.summaries import (
    ExternalSummary,
    ReturnedElements,
    ReturnEffect,
    SinkEffect,
)
from secreview.findings import FileReport
from secreview.index.facts import ModuleFacts

Decoded = TypeVar("Decoded")

_FORWARD_NAMES: dict[str, object] = {
    "ModuleFacts": ModuleFacts,
    "ExternalSummary": ExternalSummary,
    "ReturnEffect": ReturnEffect,
    "ReturnedElements": ReturnedElements,
    "SinkEffect": SinkEffect,
    "FileReport": FileReport,
}
"""Names some dataclasses annotate with only under `TYPE_CHECKING` (FileReport.facts)."""


class DecodeError(ValueError):
    """A stored value is not a valid encoding of the type asked for."""


_SCALARS = (str, int, float, bool, type(None))


def to_plain(value: object) -> object:
    """`value` as JSON-ready data: dataclasses as objects, enums as values, sets sorted.

    Dispatched on the exact type first: a scan encodes every summary of a project each round."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: to_plain(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
        return [to_plain(item) for item in typing.cast(tuple, value)]
    if kind is frozenset or kind is set:
        items = [to_plain(item) for item in typing.cast(frozenset, value)]
        if all(type(item) is str for item in items):
            return sorted(items)
        return sorted(items, key=canonical_json)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): to_plain(item) for key, item in value.items()}
    raise TypeError(f"cannot encode a {kind.__name__} for the cache")


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a record type (a dataclass or a NamedTuple), in order; None for any other
    type."""
    if dataclasses.is_dataclass(kind):
        return tuple(field.name for field in dataclasses.fields(kind))
    if issubclass(kind, tuple) and hasattr(kind, "_fields"):
        return typing.cast(tuple[str, ...], kind._fields)
    return None


def canonical_json(value: object) -> str:
    """The one JSON text of already plain `value` (sorted keys, no spaces, ASCII only)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def encode(value: object) -> str:
    """The canonical JSON text of a dataclass value."""
    return canonical_json(to_plain(value))


def decode(text: str, kind: type[Decoded]) -> Decoded:
    """The `kind` value `text` encodes; DecodeError for anything else, however malformed."""
    try:
        plain = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise DecodeError(f"not JSON ({error})") from None
    return typing.cast(Decoded, _decoder(kind)(plain))


Decoder = Callable[[object], object]


@cache
def _decoder(hint: Any) -> Decoder:
    """The function decoding plain data as `hint` (a dataclass, enum, scalar, `X | None`,
    tuple of either kind, frozenset or mapping), built once per type: a warm run decodes every
    summary."""
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        arms = [arm for arm in arguments if arm is not type(None)]
        if len(arms) != 1:
            raise TypeError(f"the cache codec does not decode {hint}")
        arm = _decoder(arms[0])
        return lambda plain: None if plain is None else arm(plain)
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        item = _decoder(arguments[0])
        return lambda plain: tuple(map(item, _list(plain, hint)))
    if origin is tuple and arguments and Ellipsis not in arguments:
        items = [_decoder(argument) for argument in arguments]
        return lambda plain: _fixed_tuple(items, _list(plain, hint), hint)
    if origin is frozenset:
        item = _decoder(arguments[0])
        return lambda plain: frozenset(map(item, _list(plain, hint)))
    if origin in (dict, Mapping) and arguments[0] is str:
        value = _decoder(arguments[1])
        return lambda plain: {key: value(item) for key, item in _object(plain, hint).items()}
    if isinstance(hint, type) and _field_names(hint) is not None:
        return _record_decoder(hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_decoder(hint)
    if hint in (str, int, bool, float):
        return _scalar_decoder(hint)
    raise TypeError(f"the cache codec does not decode {hint}")


def _fixed_tuple(items: list[Decoder], plain: list[object], hint: object) -> tuple[object, ...]:
    """A tuple of fixed length (`tuple[str, str]`), each place decoded as its own type."""
    if len(plain) != len(items):
        raise DecodeError(f"expected {len(items)} items for {hint}")
    return tuple(decode_item(item) for decode_item, item in zip(items, plain, strict=True))


def _list(plain: object, hint: object) -> list[object]:
    if type(plain) is not list:
        raise DecodeError(f"expected a list for {hint}")
    return plain


def _object(plain: object, hint: object) -> dict[str, object]:
    if type(plain) is not dict:
        raise DecodeError(f"expected an object for {hint}")
    return plain


def _record_decoder(kind: type) -> Decoder:
    hints = typing.get_type_hints(kind, localns=_FORWARD_NAMES)
    fields = [(name, _decoder(hints[name])) for name in _field_names(kind) or ()]
    names = {name for name, _ in fields}

    def decode_fields(plain: object) -> object:
        values = _object(plain, kind)
        if values.keys() != names:
            raise DecodeError(f"the fields of {kind.__name__} do not match")
        return kind(**{name: field(values[name]) for name, field in fields})

    return decode_fields


def _enum_decoder(kind: type[enum.Enum]) -> Decoder:
    """A member by its value, of the value's exact type (`True` is no Severity)."""
    members = {(type(member.value), member.value): member for member in kind}

    def member(plain: object) -> object:
        try:
            return members[(type(plain), plain)]
        except (KeyError, TypeError):
            raise DecodeError(f"{plain!r} is no {kind.__name__}") from None

    return member


def _scalar_decoder(kind: type) -> Decoder:
    """A str, int, bool or float of exactly that type (an int is taken for a float)."""
    accepted = (int, float) if kind is float else (kind,)

    def scalar(plain: object) -> object:
        if type(plain) not in accepted:
            raise DecodeError(f"expected {kind.__name__}, found {type(plain).__name__}")
        return float(typing.cast(float, plain)) if kind is float else plain

    return scalar
