"""Entry points: functions a framework calls with what a client sent, as `[[entry]]` models.

A view decorated with a route is one kind of entry point, but frameworks have others that no
decorator marks: a Tornado handler's `get(self, *url_parts)`, a Falcon responder
`on_get(self, req, resp, **url_fields)`, a CherryPy `@expose` method whose every parameter is a
form field, a WSGI application `(environ, start_response)`, a function handed to an XML-RPC
server's `register_function`, a CherryPy method exposed the attribute way (`index.exposed = True`
after its `def`). Each is described by where it is (base classes, imports, names,
decorators, leading parameter names, a registering call, what the class's `__init__` is handed) and
which of its parameters carry the client's data; the engine binds those parameters as remote input.
`[[hook]]` models name the methods a framework runs on a view before such a method (`prepare`,
`setup`, `dispatch`), whose fields on `self` the method then reads.
"""

from __future__ import annotations

import ast
import functools
import re
from fnmatch import translate
from typing import NamedTuple


class EntryModel(NamedTuple):
    """Functions (or methods) whose parameters, from `skip` up to `until`, are remote input.

    Every condition given must hold: `bases` (the method's class derives from one),
    `imports` (the module imports one), `functions` (the name matches one; `*` patterns allowed),
    `decorators` (decorated by one, qualified), `parameters` (the leading parameters after `self`
    are named so), `init_parameters` (the method's class has an `__init__` whose leading parameters
    after `self` are named so: Django's middleware protocol is a class built with `get_response`
    and called with each request, with no base class to recognise it by). `registered_by`
    instead names the methods of a server that make a function, or the public methods of an
    instance, callable by clients (`register_function(f)`).
    `marked_by` names function attributes that, set to True in the module (`index.exposed = True`),
    expose the function as the matching decorator would (CherryPy's older, equally documented way).
    Positions count from the first parameter after `self`; `until` of 0 means all the rest.
    `filled_by` names keywords of the decorator that name parameters the framework fills itself
    (dbus-python's `sender_keyword="sender"`): those are not the client's data. `page`: what the
    function returns is the response body (CherryPy's exposed handlers), as a routed view's is.
    `published`: the framework publishes only a method with a docstring whose name has no leading
    underscore and that is not declared private (`@security.private`): Zope's object publisher,
    which calls such a method of an `OFS` object by its URL with the request's form fields as
    its arguments.
    """

    note: str
    bases: frozenset[str] = frozenset()
    imports: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    decorators: frozenset[str] = frozenset()
    parameters: tuple[str, ...] = ()
    init_parameters: tuple[str, ...] = ()
    registered_by: frozenset[str] = frozenset()
    marked_by: frozenset[str] = frozenset()
    filled_by: frozenset[str] = frozenset()
    page: bool = False
    published: bool = False
    skip: int = 0
    until: int = 0
    type: str | None = None
    """The type of the parameters it makes remote (a WSGI environ is `web.Request.environ`, the
    same mapping as Flask's `request.environ`), so models of that type apply to them."""
    types: tuple[str, ...] = ()
    """Types by position from `skip`, where the remote parameters differ (ASGI's `scope` is a
    mapping, its `receive` a coroutine function); `type` for any beyond."""

    def names_function(self, name: str) -> bool:
        """Whether `name` is one of the functions this entry describes (any, when none listed)."""
        return not self.functions or bool(any_of(self.functions).match(name))

    def publishes(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Whether the framework calls `function` for a client: always, unless the model is
        `published`, where only a documented, public method not declared private is."""
        if not self.published:
            return True
        private = any(
            isinstance(d, ast.Attribute) and d.attr == "private" for d in function.decorator_list
        )
        return (
            not private and not function.name.startswith("_") and bool(ast.get_docstring(function))
        )

    def is_remote(self, position: int) -> bool:
        """Whether the parameter at `position` (after `self`) carries the client's data."""
        return position >= self.skip and (not self.until or position < self.until)

    def type_at(self, position: int) -> str | None:
        """The type of the remote parameter at `position` (after `self`)."""
        index = position - self.skip
        return self.types[index] if 0 <= index < len(self.types) else self.type

    def may_apply(self, words: set[str], imported: set[str]) -> bool:
        """Whether a module with these words in its text and these imported top-level modules can
        define such an entry point (a cheap test before any analysis)."""
        if self.parameters:
            return words.issuperset(self.parameters + self.init_parameters)
        if self.decorators:
            return any(
                d.split(".")[0] in imported and d.rsplit(".", 1)[-1] in words
                for d in self.decorators
            )
        if self.registered_by:
            return bool(words & self.registered_by)
        if self.marked_by:
            return bool(words & self.marked_by) and any(
                module.split(".")[0] in imported for module in self.imports
            )
        if self.bases:  # a base is only named in a module that imports its package
            return any(
                b.rsplit(".", 1)[-1] in words and b.split(".")[0] in imported for b in self.bases
            )
        return any(module.split(".")[0] in imported for module in self.imports)


def parse_entry(table: dict[str, object]) -> EntryModel:
    """One `[[entry]]` table (already checked by the schema) as a model."""

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    def position(key: str) -> int:
        value = table.get(key, 0)
        return value if isinstance(value, int) else 0

    return EntryModel(
        note=str(table.get("note", "entry point argument")),
        bases=frozenset(strings("bases")),
        imports=strings("imports"),
        functions=strings("functions"),
        decorators=frozenset(strings("decorators")),
        parameters=strings("parameters"),
        init_parameters=strings("init_parameters"),
        registered_by=frozenset(strings("registered_by")),
        marked_by=frozenset(strings("marked_by")),
        filled_by=frozenset(strings("filled_by")),
        page=table.get("page") is True,
        published=table.get("published") is True,
        skip=position("skip"),
        until=position("until"),
        type=str(table["type"]) if "type" in table else None,
        types=strings("types"),
    )


class HookModel(NamedTuple):
    """Lifecycle hooks: methods a framework runs on a handler or class-based view before the
    handler method, in the order it runs them (Tornado's `initialize` then `prepare`, Django's
    `setup` then `dispatch`). What they store on `self` is there when the handler runs, as a
    constructor's fields are in every method, so the engine starts the handler's `self` with it.

    A model applies to the view classes of a module importing one of `imports`; `handlers`
    (`*` patterns allowed) are the methods that run after every hook; `request_first` says the
    hooks are called as `(self, request, *url_arguments)`, as Django's handler methods are;
    `wrappers` are the hooks whose base version calls the handler (`dispatch`), so what an
    override stores after its `super()` call is stored after the handler has run.
    """

    note: str
    imports: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    handlers: tuple[str, ...] = ()
    request_first: bool = False
    wrappers: tuple[str, ...] = ()

    def runs_after(self, name: str) -> bool:
        """Whether the framework calls method `name` after every hook (a handler method)."""
        return name not in self.methods and bool(any_of(self.handlers).match(name))


def parse_hook(table: dict[str, object]) -> HookModel:
    """One `[[hook]]` table (already checked by the schema) as a model."""

    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    return HookModel(
        note=str(table.get("note", "lifecycle hook run before the handler")),
        imports=strings("imports"),
        methods=strings("methods"),
        handlers=strings("handlers"),
        request_first=table.get("request_first") is True,
        wrappers=strings("wrappers"),
    )


@functools.cache
def any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled pattern matching a name that any of the shell-style `patterns` matches, as
    `fnmatchcase` would: the taint engine asks this of every function it analyses, and a loop
    of `fnmatchcase` calls cost a percent of a web tree's scan. No patterns match nothing."""
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{translate(pattern)})" for pattern in patterns))
