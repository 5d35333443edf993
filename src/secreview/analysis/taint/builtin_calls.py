"""Builtin functions whose result is a known part of their argument, not all of it.

`str(x)` keeps the text of `x` (its prefix and, for `str`, its value). `getattr(obj, "id", None)`
with a constant name is `obj.id`: an object's other attributes are not in it (timesketch logs
`getattr(self, "id", "N/A")` of a row whose `name` came from the request; the id did not).
`zip(names, ids)` and `enumerate(ids)` yield tuples whose each position holds an element of its
own iterable (or the index): `for dtype, ids in zip(DTYPES, requested)` keeps `dtype` one of the
code's own names (omero-web formats it into a query and binds the ids as parameters).
`list(xs)`, `tuple(xs)`, `sorted(xs)` and an ORM's `bulk_create(objs)` (which returns the objects
it saved) hold the same elements as the sequence they are given, each as it was built.
`dict(template="page.html", form=form)` is the dict literal `{"template": "page.html", "form":
form}`: its keys are the keywords, each holding its own value (pybossa's views build the dict
they hand their page helper so, and the helper reads `data["code"]`, a key no view sets).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterable
from dataclasses import replace

from secreview.analysis.taint.values import CLEAN, ELEMENT, Value, join
from secreview.index.context import UNKNOWN

_TEXT_CONVERSIONS = frozenset({"str", "repr", "format", "bytes", "bytearray"})
_GETATTR = frozenset({"getattr", "builtins.getattr"})
_ZIP = frozenset({"zip", "builtins.zip"})
_ENUMERATE = frozenset({"enumerate", "builtins.enumerate"})
_PAIRING_OPTIONS = frozenset({"strict", "start"})
"""Keywords that change neither's elements: `zip(..., strict=True)`, `enumerate(x, start=1)`."""
_COPIES = frozenset(
    {"list", "builtins.list", "tuple", "builtins.tuple", "sorted", "builtins.sorted"}
)
_COPY_OPTIONS = frozenset({"key", "reverse", "batch_size", "ignore_conflicts"})
"""Keywords of `sorted` and `bulk_create` that keep the elements as they are."""
_DICT = frozenset({"dict", "builtins.dict"})
_SEQUENCES = frozenset({"list", "tuple", "set"})
"""Shapes of the sequences the code built, whose elements are known one by one."""


def as_text(result: Value, name: str, args: list[Value]) -> Value:
    """`str(x)` and its kin keep the text of `x` (its known prefix, and for `str` its value),
    whether or not a model also makes the conversion a sanitiser for some sink kinds."""
    if name not in _TEXT_CONVERSIONS or not args:
        return result
    return replace(result, prefix=args[0].prefix, const=args[0].const if name == "str" else UNKNOWN)


def constant_attribute(
    names: list[str], args: list[Value], read: Callable[[Value, str], Value]
) -> Value | None:
    """`getattr(obj, "name")` or `getattr(obj, "name", default)`: what `read(obj, ".name")`
    gives (the attribute as `obj.name` reads it), or the default; None for any other call,
    or a name that is not a constant (then the attribute may be any of them)."""
    if not names or names[0] not in _GETATTR or len(args) not in (2, 3):
        return None
    name = args[1].const
    if not isinstance(name, str) or not name.isidentifier():
        return None
    found = read(args[0], f".{name}")
    return join(found, args[2]) if len(args) == 3 else found


def _paired_elements(
    names: list[str],
    args: list[Value],
    keywords: Iterable[str],
    element_of: Callable[[Value], Value],
) -> Value | None:
    """`zip(a, b)` or `enumerate(a)`: an iterable whose elements are tuples holding, at each
    position, an element of that argument (`element_of`), or the index; None for any other
    call. The tuples are all alike, so an element read at an unknown index is any of them."""
    if not names or not args or not _PAIRING_OPTIONS.issuperset(keywords):
        return None
    if names[0] in _ZIP:
        positions = [element_of(a) for a in args]
    elif names[0] in _ENUMERATE:
        positions = [CLEAN, element_of(args[0])]
    else:
        return None
    pair = Value(parts=dict(enumerate(positions)), exact=True, shape="tuple")
    return Value(parts={ELEMENT: pair}, shape="list")


def _same_elements(names: list[str], args: list[Value], keywords: Iterable[str]) -> Value | None:
    """`list(xs)`, `sorted(xs)`, `Model.objects.bulk_create(objs)`: a list of the elements of a
    sequence the code built, each kept as built (in another order for `sorted`); None for any
    other call or argument."""
    if not names or len(args) != 1 or args[0].shape not in _SEQUENCES:
        return None
    name = names[0]
    if name not in _COPIES and not name.endswith(".bulk_create"):
        return None
    if not _COPY_OPTIONS.issuperset(keywords):
        return None
    sequence = args[0]
    if name.endswith("sorted") and sequence.parts:
        element = functools.reduce(join, sequence.parts.values())
        return Value(flows=sequence.flows, parts={ELEMENT: element}, shape="list")
    return replace(sequence, shape="tuple" if name.endswith("tuple") else "list")


def sequence_of_elements(
    names: list[str],
    args: list[Value],
    keywords: Iterable[str],
    element_of: Callable[[Value], Value],
) -> Value | None:
    """What `zip`, `enumerate`, `list`, `tuple`, `sorted` or `bulk_create` returns, element by
    element (see the module docstring); None for any other call."""
    paired = _paired_elements(names, args, keywords, element_of)
    return paired if paired is not None else _same_elements(names, args, keywords)


def dict_of_keywords(
    node: ast.Call, names: list[str], args: list[Value], kwargs: dict[str, Value]
) -> Value | None:
    """`dict(a=x, b=y)`, or `dict(built, a=x)` of a dict the code built: a dict whose keyword
    keys hold their own values, like the literal `{"a": x, "b": y}`; None for any other call
    (`dict(request.form)`, `dict(**options)`, whose keys the data chooses)."""
    if not names or names[0] not in _DICT or len(args) > 1:
        return None
    if any(keyword.arg is None for keyword in node.keywords):
        return None
    base = args[0] if args else Value(exact=True, shape="dict")
    if base.shape != "dict":
        return None
    return replace(base, parts={**base.parts, **kwargs}, const=UNKNOWN)


def config_option(method: str, args: list[Value]) -> tuple[object, object] | None:
    """The (section, option) key of `config.set("db", "path", value)` or `config.get("db",
    "path")`: a ConfigParser stores options apart, like a dict of dicts, so setting one from the
    request leaves every other option as it was."""
    arity = {"set": 3, "get": 2}.get(method)
    if arity is None or len(args) != arity or not (args[0].is_constant and args[1].is_constant):
        return None
    return (args[0].const, args[1].const)
