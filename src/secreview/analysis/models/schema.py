"""The shape of a model file, checked before any of it is used.

A user's model file (`--models DIR`, or `models` in the configuration of the repository under
review) is data from outside: a number where a list belongs, a table where an array of tables
belongs or a regex that does not compile must be one message naming the file and the key, not
a TypeError in a worker half way through a scan. A mistyped key is an error too, so that a
model someone believes active is never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

Check = Callable[[object], str | None]
"""Returns what the value should have been when it is wrong, else None."""


class ModelError(ValueError):
    """A model file that cannot be used; the message names the file and the problem."""


def _toml_type(value: object) -> str:
    names = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    return names.get(type(value), "a table" if isinstance(value, dict) else "an array or date")


def _string(value: object) -> str | None:
    return None if isinstance(value, str) else "a string"


def _flag(value: object) -> str | None:
    return None if isinstance(value, bool) else "true or false"


def _is_position(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _position(value: object) -> str | None:
    return None if _is_position(value) else "an argument position (an integer from 0)"


def _strings(value: object) -> str | None:
    ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    return None if ok else "a list of strings"


def _positions(value: object) -> str | None:
    ok = isinstance(value, list) and all(_is_position(item) for item in value)
    return None if ok else "a list of argument positions (integers from 0)"


def _keywords_or_positions(value: object) -> str | None:
    ok = isinstance(value, list) and all(
        isinstance(item, str) or _is_position(item) for item in value
    )
    return None if ok else "a list of keywords (strings) and argument positions (integers)"


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _regexes(value: object) -> str | None:
    ok = isinstance(value, list) and all(isinstance(p, str) and _compiles(p) for p in value)
    return None if ok else "a list of valid regular expressions"


def _regex(value: object) -> str | None:
    return None if isinstance(value, str) and _compiles(value) else "a valid regular expression"


def _regex_by_position(value: object) -> str | None:
    ok = isinstance(value, dict) and all(
        key.isdigit() and isinstance(pattern, str) and _compiles(pattern)
        for key, pattern in value.items()
    )
    return None if ok else "a table of argument position = valid regular expression"


def _constants(value: object) -> str | None:
    ok = isinstance(value, dict) and all(
        isinstance(constant, str | int | float) for constant in value.values()
    )
    return None if ok else "a table of keyword = constant (string, number or boolean)"


def _names_by_keyword(value: object) -> str | None:
    ok = isinstance(value, dict) and all(_strings(names) is None for names in value.values())
    return None if ok else "a table of keyword or position = list of strings"


_NOTE = {"note": _string}
_TABLES: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {
    "source": (
        {
            "origin": _string,
            "names": _strings,
            "calls": _strings,
            "returns_arguments": _flag,
            "type": _string,
            "attributes": _strings,
            "safe_for": _strings,
            "safe_in": _strings,
            **_NOTE,
        },
        (),
    ),
    "object": ({"names": _strings, "type": _string}, ("type",)),
    "sink": (
        {
            "kind": _string,
            "calls": _strings,
            "args": _positions,
            "keywords": _strings,
            "all_args": _flag,
            "argv0": _flag,
            "shell_argv": _flag,
            "argv_from": _position,
            "receiver": _flag,
            "receivers": _regexes,
            "arg_patterns": _regex_by_position,
            "when": _constants,
            "unless": _names_by_keyword,
            "unset": _keywords_or_positions,
            "origins": _strings,
            "named_by": _keywords_or_positions,
            "headers": _regex,
            "unless_typed": _flag,
            "spread": _flag,
            **_NOTE,
        },
        ("kind",),
    ),
    "sanitizer": ({"calls": _strings, "protects": _strings, "keys": _strings, **_NOTE}, ()),
    "returns": (
        {
            "type": _string,
            "when": _constants,
            "when_types": _names_by_keyword,
            "arg_patterns": _regex_by_position,
            "calls": _strings,
        },
        ("type",),
    ),
    "parameter": ({"names": _strings, "type": _string, "within": _strings}, ("type",)),
    "pattern_type": ({"names": _strings, "pattern": _regex, **_NOTE}, ("pattern",)),
    "label": (
        {"origin": _string, "from": _strings, "names": _strings, **_NOTE},
        ("origin",),
    ),
    "handler": (
        {
            "bases": _strings,
            "origin": _string,
            "attributes": _strings,
            "safe_for": _strings,
            "type": _string,
        }
        | _NOTE,
        (),
    ),
    "entry": (
        {
            "bases": _strings,
            "imports": _strings,
            "functions": _strings,
            "decorators": _strings,
            "parameters": _strings,
            "init_parameters": _strings,
            "registered_by": _strings,
            "marked_by": _strings,
            "filled_by": _strings,
            "page": _flag,
            "published": _flag,
            "skip": _position,
            "until": _position,
            "type": _string,
            "types": _strings,
            **_NOTE,
        },
        (),
    ),
    "hook": (
        {
            "imports": _strings,
            "methods": _strings,
            "handlers": _strings,
            "request_first": _flag,
            "wrappers": _strings,
            **_NOTE,
        },
        ("methods", "handlers"),
    ),
}
"""Each `[[name]]` array of tables: its keys with their checks, and the keys it requires."""

_SECTIONS: dict[str, dict[str, Check]] = {
    "web": {
        key: _strings
        for key in (
            "view_base_suffixes",
            "frameworks",
            "view_methods",
            "view_attributes",
            "route_decorators",
            "clean_annotations",
            "framework_annotations",
        )
    },
    "engine": {"consuming_sinks": _strings, "dedicated_origins": _strings},
}
"""Each single `[name]` table and its keys."""


def _check_table(
    table: object, checks: Mapping[str, Check], required: tuple[str, ...], at: str
) -> None:
    if not isinstance(table, dict):
        raise ModelError(f"{at} must be a table, not {_toml_type(table)}")
    for key in required:
        if key not in table:
            raise ModelError(f"{at} needs a `{key}`")
    for key, value in table.items():
        check = checks.get(key)
        if check is None:
            raise ModelError(f"{at} has an unknown key {key!r}; known keys: {', '.join(checks)}")
        expected = check(value)
        if expected:
            raise ModelError(f"{at}.{key} must be {expected}")


def check_model_document(document: Mapping[str, object], where: str) -> None:
    """Raise ModelError naming `where` and the first wrong key unless `document` (one parsed
    model file) has the shape the loader expects."""
    for name, value in document.items():
        if name in _TABLES:
            if not isinstance(value, list):
                raise ModelError(
                    f"{where}: `{name}` must be an array of tables ([[{name}]]), "
                    f"not {_toml_type(value)}"
                )
            checks, required = _TABLES[name]
            for number, table in enumerate(value, start=1):
                _check_table(table, checks, required, f"{where}: [[{name}]] #{number}")
        elif name in _SECTIONS:
            _check_table(value, _SECTIONS[name], (), f"{where}: [{name}]")
        else:
            known = ", ".join([*_TABLES, *_SECTIONS])
            raise ModelError(f"{where}: unknown table {name!r}; model files hold {known}")
