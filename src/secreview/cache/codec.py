"""Frozen dataclasses to canonical JSON and back, checked field by field against their types.

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
from collections.abc import Mapping
from functools import cache
from typing import Any, TypeVar

from secreview.analysis.taint.summaries import ExternalSummary, ReturnEffect, SinkEffect
from secreview.findings import FileReport
from secreview.index.facts import ModuleFacts

Decoded = TypeVar("Decoded")

_FORWARD_NAMES: dict[str, object] = {
    "ModuleFacts": ModuleFacts,
    "ExternalSummary": ExternalSummary,
    "ReturnEffect": ReturnEffect,
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
    """The fields of a dataclass type, in order (None for any other type)."""
    if not dataclasses.is_dataclass(kind):
        return None
    return tuple(field.name for field in dataclasses.fields(kind))


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
    return typing.cast(Decoded, _from_plain(plain, kind))


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind, localns=_FORWARD_NAMES)


def _from_plain(plain: object, hint: Any) -> object:
    """`plain` decoded as `hint` (a dataclass, enum, scalar, tuple, frozenset or mapping)."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        arms = [arm for arm in typing.get_args(hint) if arm is not type(None)]
        if plain is None:
            return None
        if len(arms) != 1:
            raise TypeError(f"the cache codec does not decode {hint}")
        return _from_plain(plain, arms[0])
    if origin is tuple:
        arguments = typing.get_args(hint)
        items = _list(plain, hint)
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_from_plain(item, arguments[0]) for item in items)
        if len(items) != len(arguments):
            raise DecodeError(f"expected {len(arguments)} items for {hint}")
        return tuple(_from_plain(item, each) for item, each in zip(items, arguments, strict=True))
    if origin is frozenset:
        (item_hint,) = typing.get_args(hint)
        return frozenset(_from_plain(item, item_hint) for item in _list(plain, hint))
    if origin in (dict, Mapping) or hint is Mapping:
        key_hint, value_hint = typing.get_args(hint)
        if key_hint is not str or not isinstance(plain, dict):
            raise DecodeError(f"expected an object for {hint}")
        return {key: _from_plain(item, value_hint) for key, item in plain.items()}
    if isinstance(hint, type):
        return _instance(plain, hint)
    raise TypeError(f"the cache codec does not decode {hint}")


def _list(plain: object, hint: object) -> list[object]:
    if not isinstance(plain, list):
        raise DecodeError(f"expected a list for {hint}")
    return plain


def _instance(plain: object, kind: type) -> object:
    """A scalar, enum member or dataclass of `kind` (bool is never taken for an int)."""
    if dataclasses.is_dataclass(kind):
        if not isinstance(plain, dict):
            raise DecodeError(f"expected an object for {kind.__name__}")
        hints = _hints(kind)
        fields = [f for f in dataclasses.fields(kind) if f.init]
        if set(plain) != {f.name for f in fields}:
            raise DecodeError(f"the fields of {kind.__name__} do not match")
        values = {f.name: _from_plain(plain[f.name], hints[f.name]) for f in fields}
        return kind(**values)
    if issubclass(kind, enum.Enum):
        try:
            member = kind(plain)
        except ValueError:
            raise DecodeError(f"{plain!r} is no {kind.__name__}") from None
        if type(plain) is not type(member.value):
            raise DecodeError(f"{plain!r} is no {kind.__name__}")
        return member
    if kind is float and type(plain) in (int, float):
        return float(typing.cast(float, plain))
    if kind in (str, int, bool) and type(plain) is kind:
        return plain
    raise DecodeError(f"expected {kind.__name__}, found {type(plain).__name__}")
