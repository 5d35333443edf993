"""Stores and containers: assignment targets, and values kept apart by constant key.

`d["a"] = tainted; use(d["b"])` stays clean because a container's parts with constant keys (and an
object's attributes, as keys `.name`) are tracked apart; a store at an unknown key spills into the
whole. Assignment lives here because every target but a plain name is a store into a container or
an object.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import replace

from secreview.analysis.taint.configured_urls import extends_itself
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.markers import ITEM_READ
from secreview.analysis.taint.semantics import WRITTEN
from secreview.analysis.taint.values import (
    CLEAN,
    ELEMENT,
    KEYS,
    Flow,
    Value,
    join,
    merge_flows,
    narrowed,
)
from secreview.index.context import UNKNOWN

_ADDERS = frozenset({"append", "appendleft", "add", "insert", "extend", "extendleft", "update"})
"""Methods that add elements to a list or set (a set's `update`; a dict's stores by key)."""


def _stored(owner: Value, key: object, value: Value) -> Value:
    """`owner` with `value` stored at constant `key`, or anywhere in it when the key is None."""
    return owner.with_part(key, value) if key is not None else owner.with_flows(value.all_flows())


def _inserted(known: Value, index: object, added: Value) -> Value:
    """A list whose elements are all known after `insert(index, added)`: the elements from
    `index` on move up by one (`argv.insert(0, program)` changes the program run); at an index
    not fixed in the source, where it goes is not known."""
    length = len(known.parts)
    if (
        isinstance(index, bool)
        or not isinstance(index, int)
        or set(known.parts) != set(range(length))
    ):
        return replace(known.with_part(ELEMENT, added), exact=False)
    elements = [known.parts[position] for position in range(length)]
    elements.insert(index, added)
    return replace(known, parts=dict(enumerate(elements)), const=UNKNOWN)


def items_of(receiver: Value, method: str) -> Value:
    """What `values()` or `items()` of `receiver` yields. The pairs of a dict literal whose
    keys are all constants have one of those constants as their key (`for name, text in
    {"query": q, "response": r}.items()` joins only the fixed names), and so do those of a dict
    whose keys the program chose (`ELEMENT`, see `comprehended_dict`); those of a parameter
    pair a key of the caller's argument with any of its values; else the whole dict."""
    keys = receiver.parts
    if (
        method == "items"
        and receiver.shape == "dict"
        and receiver.exact
        and not receiver.flows
        and keys
        and all(isinstance(k, str | int) for k in keys)
    ):
        pair = Value(parts={0: CLEAN, 1: functools.reduce(join, keys.values())}, exact=True)
        return Value(parts={ELEMENT: replace(pair, shape="tuple")}, shape="list")
    flows = receiver.all_flows()
    if method == "items" and any(f.parameter is not None for f in flows):
        # A parameter's pairs: the key is a key of what the caller passes, the value any of
        # its values (a `**kwargs` dict of the caller's keywords), never its element 1.
        key, value = Value(flows=narrowed(receiver.flows, KEYS)), Value(flows=_items_read(flows))
        pair = Value(parts={0: key, 1: value}, exact=True, shape="tuple")
        return Value(parts={ELEMENT: pair}, shape="list")
    return Value(flows=flows)


def comprehended_dict(key: Value, value: Value) -> Value:
    """What `{k: v for k, v in fields.items() if k in ALLOWED}` builds. A key holding no input
    once the filter applied (a member of a constant set, a name the loop fixed) is one the
    program chose, as in a dict literal (`dictionary`): the values are the unknown element and
    the dict's keys stay clean, so SQL or lookups built from `filtered.items()`'s keys splice no
    request text while its values stay tainted. A key with input spills into the whole."""
    if key.all_flows() or not value.all_flows():
        return Value(flows=merge_flows(key.all_flows(), value.all_flows()))
    return Value(exact=True, shape="dict", parts={ELEMENT: value})


class ContainerRules(FrameState):
    """Assignments and container literals: where a value is stored, by constant key."""

    def assign(self, target: ast.expr, value: Value, origin: ast.AST) -> None:
        """Store `value` into an assignment target (names, unpacking, attributes, subscripts)."""
        match target:
            case ast.Name(id=name):
                noted = value.mapped(lambda f: f.then(target, f"assigned to `{name}`"))
                noted = self.labelled(noted, name, target)
                self.bind(name, noted)
                if name in self.global_names:
                    self.analysis.write_global(name, noted)
            case ast.Tuple(elts=elements) | ast.List(elts=elements):
                starred = next(
                    (i for i, e in enumerate(elements) if isinstance(e, ast.Starred)), None
                )
                for index, element in enumerate(elements):
                    if isinstance(element, ast.Starred):
                        self.assign(element.value, value.any_part(), origin)
                    elif starred is not None and index > starred:
                        self.assign(element, self._element(value, index - len(elements)), origin)
                    else:
                        self.assign(element, self._element(value, index), origin)
            case ast.Starred(value=inner):
                self.assign(inner, value, origin)
            case ast.Attribute(value=base, attr=attr):
                if isinstance(base, ast.Name) and (kind := self.lookup(base).type):
                    self.analysis.write_field(kind, attr, value)
                if self._extends_held(target, value, origin):
                    return
                self._store_into(base, f".{attr}", self.labelled(value, attr, target), target)
            case ast.Subscript(value=base, slice=index):
                key = self.expr(index)
                container = self.expr(base)
                if isinstance(key.const, str):
                    value = self.labelled(value, key.const, target)
                if container.type:
                    self.sink_call(f"{container.type}.__setitem__", target, None, [key, value], {})
                if key.is_constant and not isinstance(index, ast.Slice):
                    self._store_into(base, key.const, value, target)
                else:
                    self._store_into(base, None, value, target)

    def _extends_held(self, target: ast.Attribute, value: Value, origin: ast.AST) -> bool:
        """Whether a store only extends a URL whose host the object's class fixes
        (`self.url = f"{self.url}/?refresh=true"` under an `if`, where `self` holds no `.url`
        of its own yet): left out, a later read still gets the class's knowledge of the
        attribute (`held_by`) on every path, where a stored part would meet the path that
        skipped the store as an unknown part, losing the fixed host. Only when the new text
        adds no flow and keeps that host."""
        base = target.value
        if not (isinstance(base, ast.Name) and extends_itself(target, origin)):
            return False
        owner = self.lookup(base)
        if f".{target.attr}" in owner.parts or not (owner.type or "").startswith("class:"):
            return False
        held = self.read_member(owner, f".{target.attr}", target)
        old = {(f.origin, f.within) for f in held.all_flows()}
        return (
            bool(held.prefix)
            and value.prefix == held.prefix
            and all((f.origin, f.within) in old for f in value.all_flows())
        )

    def _element(self, value: Value, index: int) -> Value:
        """An element unpacked from `value`, with the type the models give the elements of a
        typed result (`conn, address = server.accept()`: `conn` is a socket), as `value[i]`
        has."""
        element = value.part(index)
        return self.typed_result(element, f"{value.type}.__item__", {}) if value.type else element

    def _store_into(self, base: ast.expr, key: object, value: Value, target: ast.AST) -> None:
        """Update the container or object named by `base` (a name or attribute chain); a store
        into `a.b[k]` updates `a.b`, then `a`, each holding the changed part."""
        if isinstance(base, ast.Name):
            self.bind(base.id, _stored(self.lookup(base), key, value))
        elif isinstance(base, ast.Attribute):
            if not value.all_flows() and self._is_modelled_object(base.value):
                return
            updated = _stored(self.expr(base), key, value)
            self._store_into(base.value, f".{base.attr}", updated, target)
        elif isinstance(base, ast.Subscript):
            owner = self.expr(base)
            index = self.expr(base.slice)
            outer_key = index.const if index.is_constant else None
            self._store_into(base.value, outer_key, _stored(owner, key, value), target)

    def _is_modelled_object(self, node: ast.expr) -> bool:
        """Whether `node` names an object whose attributes a model defines (a request): storing
        a clean value into one of those (`request.stream.limit = n`) changes nothing a later read
        sees, since the model answers it again, so the store must not fold the attribute's own
        taint into the whole request."""
        return isinstance(node, ast.Name) and self.lookup(node).type in self.models.typed_sources

    def store_back(self, base: ast.expr, value: Value) -> None:
        """Store a changed receiver back where it was read from (`items.append(x)` changes
        `items`, `self.parts.append(x)` changes `self`)."""
        if isinstance(base, ast.Name):
            self.bind(base.id, value)
        elif isinstance(base, ast.Attribute):
            self._store_into(base.value, f".{base.attr}", value, base)

    def stored_by(
        self,
        node: ast.Call,
        receiver: Value,
        method: str,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        """The receiver once a method stored its arguments in it (`items.append(x)`). A list
        whose elements are all known grows by one known element; any other list or set keeps
        what is added as its unknown elements (`ELEMENT`), so an appended tuple stays a tuple."""
        if method in _ADDERS and args and receiver.shape in ("list", "set"):
            added = args[-1] if method == "insert" else args[0]
            if method == "append" and receiver.exact:
                return receiver.with_part(len(receiver.parts), added)
            if method == "insert" and receiver.exact and len(args) == 2:
                return _inserted(receiver, args[0].const, added)
            if method.startswith("extend") or method == "update":
                added = self.element_of(added)
            known = receiver.parts.get(ELEMENT)
            element = join(known, added) if known is not None else added
            return replace(receiver.with_part(ELEMENT, element), exact=False)
        if method == "update" and args and args[0].parts:
            updated = receiver
            for key, part in args[0].parts.items():
                updated = updated.with_part(key, part)
            return updated.with_flows(args[0].flows) if args[0].flows else updated
        flows = self.default_result(args, kwargs, node).flows
        if not flows:
            return receiver
        if method in ("write", "writelines"):
            # What is written into a file or buffer comes back from reading it, but does not
            # choose the file's `name`: it is kept as a part no attribute reads.
            return receiver.with_part(WRITTEN, receiver.part(WRITTEN).with_flows(flows))
        return receiver.with_flows(flows)

    def remove_key(self, base: ast.Name, receiver: Value, key: object) -> None:
        """Remove `key` from a container; a list's later elements move down by one. A negative
        index (`stack.pop(-1)`) counts from the end of a list whose elements are all known;
        of any other list, which element goes is not known, so all are kept."""
        if isinstance(key, int) and key < 0:
            if not (receiver.exact and receiver.shape == "list"):
                return
            key += len(receiver.parts)
        parts = dict(receiver.parts)
        parts.pop(key, None)
        if receiver.shape == "list" and isinstance(key, int):
            parts = {(k - 1 if isinstance(k, int) and k > key else k): v for k, v in parts.items()}
        self.bind(base.id, replace(receiver, parts=parts))

    def sequence(self, node: ast.expr, elements: list[ast.expr]) -> Value:
        """A list, tuple or set literal: elements kept apart by index (sets lose their order).
        The elements before a `*rest` keep their index (`[program, *options, path]` still runs
        `program`); from the star on, which index holds what is not known."""
        values = [self.expr(e) for e in elements]
        shape = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}[type(node)]
        star = next((i for i, e in enumerate(elements) if isinstance(e, ast.Starred)), None)
        if isinstance(node, ast.Set) or star is not None:
            known = 0 if isinstance(node, ast.Set) or star is None else star
            flows = merge_flows(*(v.all_flows() for v in values[known:]))
            return Value(flows=flows, parts=dict(enumerate(values[:known])), shape=shape)
        if all(v.is_constant for v in values) and isinstance(node, ast.Tuple):
            return Value(
                const=tuple(v.const for v in values),
                parts=dict(enumerate(values)),
                exact=True,
                shape=shape,
            )
        return Value(parts=dict(enumerate(values)), exact=True, shape=shape)

    def dictionary(self, keys: list[ast.expr | None], values: list[ast.expr]) -> Value:
        """A dict literal: constant keys kept apart; keys with input and `**` spill into the
        whole, values at other keys are an unknown element."""
        result = Value(exact=True, shape="dict")
        for key_node, value_node in zip(keys, values, strict=False):
            value = self.expr(value_node)
            if key_node is None:
                for key, part in value.parts.items():
                    result = result.with_part(key, part)
                if value.flows:
                    result = result.with_flows(value.flows)
                continue
            key = self.expr(key_node)
            if key.is_constant:
                if isinstance(key.const, str):
                    value = self.labelled(value, key.const, key_node)
                result = result.with_part(key.const, value)
            elif not key.all_flows():
                # A key the program chose (`field = "IssueDate" if a else "ReleaseDate"`): the
                # value is at some key, as an unknown element is, and the keys hold no input.
                result = result.with_part(ELEMENT, join(result.parts.get(ELEMENT), value))
            else:
                result = result.with_flows(merge_flows(key.all_flows(), value.all_flows()))
        return replace(result, const=UNKNOWN)

    def element_of(self, iterable: Value) -> Value:
        """What iterating over a value yields (a dict's constant keys are not its values). The
        known elements of a list, tuple or set the code built are joined element by element, so
        `for key, value in [("name", request_arg), ("mode", "fast")]` keeps `key` constant."""
        if iterable.shape == "dict":
            return Value(flows=_items_read(iterable.flows))
        if iterable.is_constant and isinstance(iterable.const, str | tuple | list):
            return CLEAN
        keys = iterable.parts
        if iterable.shape and keys and all(isinstance(k, int) or k == ELEMENT for k in keys):
            known = functools.reduce(join, iterable.parts.values())
            if not iterable.flows:
                return known
            return join(known, Value(flows=_items_read(iterable.flows)))
        return Value(flows=_items_read(iterable.all_flows()))


def _items_read(flows: frozenset[Flow]) -> frozenset[Flow]:
    """`flows` of an iterated value, a whole parameter's marked `ITEM_READ` (what is written
    from it is an item of the caller's argument, not the argument as text)."""
    if not any(f.parameter is not None and not f.within for f in flows):
        return flows
    return merge_flows(
        f.sanitised({ITEM_READ}) if f.parameter is not None and not f.within else f for f in flows
    )
