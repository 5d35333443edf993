"""Objects: building instances of the project's classes, and calling values that are no function.

A class is a value like any other (`cls = kind or Store`, `self.store_class = store_class or
FileStore`, a parameter whose default is a class): calling it constructs each class it may be
(`Value.classes`). An instance is called through its class's `__call__` with `self` bound to that
instance (`Factory(environ)()`, `factory = Factory(environ); factory()`), so what the constructor
stored is what `__call__` reads. `functools.partial(f, x)` is `f` with `x` bound ahead of the
caller's arguments.

Inside a method `self` is the caller's object, unknown until a call site substitutes it, so
`self.store_class` would be unknown too; what the class's body and constructor put at that
attribute (`held_by`) tells which classes it may be, or the class of the instance it holds. Then
`self.store_class(sid).load()` builds a store and loads it, and `self.factory()` runs
`Factory.__call__`, with the flows still naming the part of `self` they come from.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from functools import reduce

from secreview.analysis.taint.configured_urls import extending_stores
from secreview.analysis.taint.declared_types import declared_field
from secreview.analysis.taint.event_log import restated
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.keyword_parameters import parameter_values
from secreview.analysis.taint.overrides import local_implementations
from secreview.analysis.taint.semantics import fixes_host, read_path
from secreview.analysis.taint.substitution import substitute
from secreview.analysis.taint.summaries import HANDED, ExternalSummary
from secreview.analysis.taint.values import CLEAN, FunctionRef, Value, join, narrowed, tainted
from secreview.index.keyword_fields import EVERY_KEYWORD

PARTIAL = "functools.partial"
MAX_HANDED = 4
"""Callable objects one call hands over (see `ObjectRules.hand_over`), a bound on the work."""


class ObjectRules(FrameState):
    """Classes and instances as callees; partial functions; what an object's attributes hold."""

    def call_value(
        self,
        callee: Value,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value | None:
        """Call `callee` when it is a class or an instance of a class of the project: the object
        built, or what its `__call__` returns; None when it is neither (or has no `__call__`)."""
        if callee.classes:
            built = (
                self.construct_named(name, node, args, kwargs) for name in sorted(callee.classes)
            )
            found = [value for value in built if value is not None]
            return reduce(join, found) if found else None
        type_name = callee.type or ""
        if type_name.startswith("class:"):
            method = self.analysis.find_method(type_name.removeprefix("class:"), "__call__")
            if method is None:
                return None
            # The instance's own variable (`factory()`, `self.factory()`) takes what `__call__`
            # stores on `self`; a temporary (`Factory(environ)()`) has nowhere to keep it.
            owner = node.func if isinstance(node.func, ast.Name | ast.Attribute) else None
            return self.apply_function(FunctionRef(method), node, callee, args, kwargs, owner)
        if type_name and type_name in self.analysis.project.classes:
            external = self.analysis.project_summary(f"{type_name}.__call__")
            if external is None:
                return None
            bound = [callee, *args] if external.is_method else args
            return self.apply_external(external, node, bound, kwargs)
        return None

    def hand_over(self, node: ast.Call, arguments: list[Value]) -> None:
        """Callable objects handed to code the scan cannot read (a library, the wrapped WSGI
        application finding one in the environ) are handed over to be called: that is what
        they are for. Each one's `__call__` runs on it here, with arguments nobody here knows,
        so what it does with the data its constructor stored is checked (the result is lost)."""
        for instance in self._callable_objects(arguments):
            class_name = (instance.type or "").removeprefix("class:")
            method = self.analysis.find_method(class_name, "__call__")
            if method is None:
                continue
            with self.events.rewriting(restated(node, self._inferred_call(node))):
                self.apply_function(FunctionRef(method), node, instance, [], {})

    def _inferred_call(self, node: ast.Call) -> Callable[[str], str]:
        """The evidence says the call was not seen but inferred from the hand-over."""
        note = f"handed to `{self.analysis.shown(node.func)}`, which may call it (`__call__`)"
        return lambda text: note if text == "passed to `__call__()`" else text

    def _callable_objects(self, arguments: list[Value]) -> list[Value]:
        """Instances of this module's classes built here (not a parameter, whose object the
        caller chose: a method's `self`, or the first parameter of a function made a
        `staticmethod` by assignment) among `arguments` and their parts (two levels:
        `environ["app.factory"]`), at most `MAX_HANDED` of them."""
        found: list[Value] = []
        pending = [(value, 0) for value in arguments]
        while pending and len(found) < MAX_HANDED:
            value, depth = pending.pop(0)
            if value.classes or value.function is not None:
                continue
            if (value.type or "").startswith("class:"):
                if not any(flow.parameter is not None for flow in value.flows):
                    found.append(value)
            elif depth < 2:
                pending.extend((part, depth + 1) for part in value.parts.values())
        return found

    def is_project_instance(self, value: Value) -> bool:
        """Whether `value` is an instance (not the class) of a class of another module."""
        return (
            bool(value.type)
            and value.type not in value.classes
            and (value.type in self.analysis.project.classes)
        )

    def construct_named(
        self, name: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value | None:
        """`name(...)` for a class of this module (`Store`) or of the project (`pkg.Store`)."""
        if name in self.analysis.classes:
            return self.construct(name, node, args, kwargs)
        if name in self.analysis.project.classes:
            return self.construct_external(name, node, args, kwargs)
        return None

    def partial(self, node: ast.Call) -> Value:
        """`functools.partial(f, x, k=v)`: `f` of this module with `x` and `k` bound, so a later
        call passes them first; of anything else, a value holding every argument's data."""
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg or "**": self.expr(k.value) for k in node.keywords}
        if not args or args[0].function is None or "**" in kwargs:
            return self.default_result(args, kwargs, node)
        ref = args[0].function
        bound = replace(
            ref,
            bound=(*ref.bound, *args[1:]),
            bound_keywords=(*ref.bound_keywords, *kwargs.items()),
        )
        return Value(function=bound)

    def held_by(self, receiver: Value, attribute: str) -> Value | None:
        """`receiver.attribute` of an instance of a class of this module that does not hold the
        attribute itself (a method's `self`): the classes the class's body and constructor put
        there, or the class of the instance they put there; None when they say nothing."""
        class_name = (receiver.type or "").removeprefix("class:")
        key = (class_name, attribute)
        held = self.analysis.held.get(key)
        if held is None:
            held = self._held(class_name, f".{attribute}")
            if held is None:  # the constructor is being analysed: ask again later
                body = self.analysis.class_attributes.get(class_name, {}).get(attribute, CLEAN)
                early = self._fixed_url(class_name, f".{attribute}", body, CLEAN, None)
                return Value(prefix=early) if early else None  # its body's URL, if only there
            self.analysis.held[key] = held
        if held is CLEAN:
            return None
        return replace(held, flows=narrowed(receiver.flows, f".{attribute}"))

    def _held(self, class_name: str, key: str) -> Value | None:
        """What `class_name`'s body binds at `key` joined with what its `__init__` leaves there,
        as classes and an instance type only (CLEAN: neither); None while `__init__` runs.

        The type is a class of this module or a modelled library type (`self.session =
        requests.Session()` makes `self.session.get(...)` a response in every method), when
        the body and `__init__` agree on it, built from the parameters or not
        (`self.conn = ldap3.Connection(url)`). A library type the value has only through a
        parameter (a `req` taken as a request, a `session: ClientSession` handed in) is the
        caller's to give, per instance."""
        body = self.analysis.class_attributes.get(class_name, {}).get(key[1:], CLEAN)
        stored = CLEAN
        handed: set[str] = set()
        init = self.analysis.find_method(class_name, "__init__")
        if init is not None:
            result = self.analysis.result_of(init)
            if result is None:
                return None
            if not result.gave_up:
                stored = result.receiver_after.part(key)
                handed = {value.type for value in result.passed if value.type}
        classes = body.classes | stored.classes
        handed.update(self.models.typed_sources)  # request data from any parameter, too
        types = {v.type for v in (body, stored) if _own_type(v, handed)}
        kind = types.pop() if len(types) == 1 else None
        if kind is None:  # `service: Service` in the class body
            analysis = self.analysis
            cls = analysis.classes.get(class_name)
            kind = declared_field(
                cls, key[1:], analysis.classes, self.qualified, analysis.project.classes
            )
        prefix = self._fixed_url(class_name, key, body, stored, init)
        if not classes and kind is None and not prefix:
            return CLEAN
        return Value(classes=classes, type=kind, prefix=prefix)

    def _fixed_url(
        self, class_name: str, key: str, body: Value, stored: Value, init: ast.AST | None
    ) -> str:
        """The text a URL at `self.<key>` starts with whose host the class fixes: its body binds
        it (`notify_url = "https://api.example.com/send"`) or its `__init__` builds it from such
        text (`self.webhook_url = f"{self.notify_url}{token}"`), and no other method (nor a
        `setattr`) replaces it, but for extending it; '' otherwise."""
        bound = (
            [body.prefix] if key[1:] in self.analysis.class_attributes.get(class_name, {}) else []
        )
        cls = self.analysis.classes.get(class_name)
        if cls is None or not (fixes_host(body.prefix, True) or fixes_host(stored.prefix, True)):
            return ""  # the cheap test first: most attributes hold no such URL
        for method in cls.body:
            inside_init = method is init
            extending = extending_stores(method)
            for node in ast.walk(method):
                if isinstance(node, ast.Name) and node.id == "setattr":
                    return ""
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.ctx, ast.Store | ast.Del)
                    and f".{node.attr}" == key
                ):
                    if id(node) in extending:
                        continue  # `self.url = f"{self.url}/?refresh=true"`: the host stays
                    if not inside_init:
                        return ""
                    bound.append(stored.prefix)
        if not bound:
            return ""
        prefix = min(bound)
        fixed = all(b.startswith(prefix) for b in bound) and fixes_host(prefix, True)
        return prefix if fixed else ""  # (a configured base only for requests: `fixes_host`)

    def construct(
        self, class_name: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        """`Cls(...)`: an object of the class holding what `__init__` stored on `self`."""
        init = self.analysis.find_method(class_name, "__init__")
        instance = Value(type=f"class:{class_name}")
        if self.analysis.is_enum_class(class_name):
            return instance  # `Color(value)` is one of the members, or raises ValueError
        if init is None:  # built by a library base or decorator: a model, a dataclass
            qualified = f"{self.analysis.module_name}.{class_name}"
            return self.built_from_keywords(instance, qualified, node, args, kwargs)
        result = self.analysis.result_of(init)
        if result is None or result.gave_up:
            # Nothing known of what the constructor stores: the object may hold any argument.
            return replace(instance, flows=self.default_result(args, kwargs, node).flows)
        self.apply_function(FunctionRef(init), node, instance, args, kwargs)
        mapping = self.parameter_values(result.parameters, [instance, *args], kwargs, init)
        built = substitute(
            result.receiver_after, mapping, node, class_name, self.reader(node), result.passed
        )
        return replace(instance, parts=built.parts)

    def construct_external(
        self, class_name: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Value:
        """`Cls(...)` of a class of another module: an object holding at each attribute what its
        `__init__` leaves there (`ExternalSummary.fields`; the argument itself where it stores
        it unchanged), and anywhere the arguments it hands to its base's constructor or, when
        the constructor is not summarised so, all of them; a member of a project enum
        (`ProjectIndex.choices`) holds none."""
        if class_name in self.analysis.project.choices:
            return Value(type=class_name)  # `Kind(value)` is one of the members, or raises
        init = self.analysis.project_summary(f"{class_name}.__init__")
        if init is None:
            return self.built_from_keywords(Value(type=class_name), class_name, node, args, kwargs)
        instance = Value(type=class_name)
        mapping = self.parameter_values(init.parameters, [instance, *args], kwargs)
        note = f"stored by `{init.qualified_name}`"
        unpacked = "**" in kwargs or any(isinstance(a, ast.Starred) for a in node.args)
        parts: dict[object, Value] = {}
        if init.fields is None or unpacked:  # which argument is which parameter is unknown
            whole = self.default_result(args, kwargs, node)
        else:
            handed = [f.parameter for f in init.fields if f.attribute == HANDED]
            whole = self.default_result([mapping.get(index) for index in handed], {}, node)
            for field in init.fields:
                argument = mapping.get(field.parameter)
                if argument is not None and field.parameter and field.attribute != HANDED:
                    flows = read_path(argument, field.within, self.reader(node)).all_flows()
                    landed = tainted(f.then(node, note).through(field.safe_for) for f in flows)
                    parts[field.attribute] = join(parts.get(field.attribute), landed)
                elif not field.parameter:
                    parts.setdefault(field.attribute, CLEAN)  # set, from no argument
        for stored in init.stores:
            if stored.parameter in mapping:
                kept = mapping[stored.parameter].mapped(lambda f: f.then(node, note))
                parts[stored.attribute] = kept
        return replace(whole, type=class_name, parts=parts)

    def keep_fields(
        self,
        summary: ExternalSummary,
        node: ast.Call,
        receiver: Value,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> None:
        """`obj.load(data)` of another module's method that stores its arguments' data on
        `self` (`ExternalSummary.fields`): the caller's object holds it there afterwards, added
        to what it held (the method may store on some paths only). A constructor's fields are
        the object's own (`construct_external`)."""
        fields = summary.fields
        if not fields or not summary.is_method or summary.qualified_name.endswith(".__init__"):
            return
        mapping = self.parameter_values(summary.parameters, [receiver, *args], kwargs)
        note = f"stored by `{summary.qualified_name}`"
        parts = dict(receiver.parts)
        for field in fields:
            argument = mapping.get(field.parameter) if field.parameter else None
            if argument is None or field.attribute == HANDED:
                continue
            flows = read_path(argument, field.within, self.reader(node)).all_flows()
            if flows:
                landed = tainted(f.then(node, note).through(field.safe_for) for f in flows)
                parts[field.attribute] = join(parts.get(field.attribute), landed)
        if parts != receiver.parts and isinstance(node.func, ast.Attribute):
            self.store_back(node.func.value, replace(receiver, parts=parts))

    def built_from_keywords(
        self,
        instance: Value,
        qualified: str,
        node: ast.Call,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> Value:
        """`instance` of a class with no constructor in the project, built by `qualified(...)`:
        for a class built field by field (`ProjectIndex.keyword_fields`: a model, a dataclass),
        each keyword naming one of its fields (a record's: every keyword) is at that attribute
        only (`Timeline(name=n)`: `timeline.id` holds none of `n`); any other argument may be
        anywhere in it."""
        fields = self.analysis.keyword_fields(qualified)
        every = EVERY_KEYWORD in fields  # a record: its constructor refuses any other keyword
        placed = {k: v for k, v in kwargs.items() if k in fields or (every and k != "**")}
        rest = {k: v for k, v in kwargs.items() if k not in placed}
        flows = self.default_result(args, rest, node).flows
        note = f"set as a field of `{qualified.rpartition('.')[2]}`"
        parts = {
            f".{name}": value.mapped(lambda f: f.then(node, note)) for name, value in placed.items()
        }
        return replace(instance, flows=flows, parts=parts)

    def through_stub(
        self,
        ref: FunctionRef,
        node: ast.Call,
        receiver: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
        owner: ast.expr | None,
    ) -> Value:
        """A call of a method that only stands in for a subclass's (`stubs.py`): what the
        module's subclasses' implementations return, joined (`overrides.py`); with none, what
        an unknown method's call returns."""
        assert isinstance(ref.node, ast.FunctionDef | ast.AsyncFunctionDef)
        implementations = local_implementations(self.analysis, ref.node)
        if not implementations:
            return self.default_result([receiver, *args], kwargs, node)
        results = [
            self.apply_function(FunctionRef(function), node, receiver, args, kwargs, owner)
            for function in implementations
        ]
        return reduce(join, results)

    def parameter_values(
        self,
        parameters: tuple[str, ...],
        args: list[Value],
        kwargs: dict[str, Value],
        function: ast.AST | None = None,
    ) -> dict[int, Value]:
        """Parameter index -> the argument the call passes for it (`keyword_parameters`)."""
        return parameter_values(parameters, args, kwargs, function)


def _own_type(value: Value, handed: set[str]) -> bool:
    """Whether `value`'s type is the class's own doing: a class of this module, or a library
    object the class built, from its parameters or not, rather than one a parameter handed it
    (a type of `handed`, the parameters' types and the request types, or an attribute's of
    one: `super().__init__(*args)` hands a request on untyped), whose type each construction
    substitutes."""
    kind = value.type or ""
    if kind.startswith("class:"):
        return True
    if not kind:
        return False
    from_parameter = any(kind == t or kind.startswith(f"{t}.") for t in handed)
    return not from_parameter or all(flow.parameter is None for flow in value.flows)
