"""The name a decorator registers a function under, as the entry models spell it.

Most are qualified names (`cherrypy.expose`). Frameworks also register callbacks through
instances bound at module level (`register = template.Library()`, then `@register.filter`;
`bot = commands.Bot(...)`, then `@bot.command()`), named after the instance's class
(`django.template.Library.filter`). And chat-bot frameworks build command trees: a function
decorated as a group (`@commands.group()`) is itself a decorator for its subcommands
(`@settings.command()`, `@settings.group()` for a nested group), written in the same class body
or module, so a subcommand is named as the framework's own `command`
(`redbot.core.commands.command`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

Qualify = Callable[[ast.AST], str | None]
_GROUP_DECORATORS = frozenset({"group", "hybrid_group"})
_SUBCOMMAND_DECORATORS = frozenset({"command", "hybrid_command", "group", "hybrid_group"})
_MAX_NESTING = 8
_TEST_DOUBLE_MODULES = frozenset(
    {"mock", "unittest", "pytest", "pytest_mock", "asynctest", "responses", "respx"}
    | {"requests_mock", "aioresponses", "freezegun"}
)


_GETTER_DECORATORS = frozenset({"reify", "getter"})
"""Property decorators not named `*property`: Pyramid's `reify`, a property's own `.getter`."""


def decorator_name(node: ast.expr) -> str:
    """The last name of a decorator (`staticmethod`, `route` of `@app.route(...)`), or ''."""
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def is_property_getter(function: ast.AST) -> bool:
    """Whether `function` is read as an attribute (`properties.py`): decorated `@property`,
    `@cached_property`, `@lazyproperty`, `@hybrid_property` (any name ending in `property`),
    `@reify` or `@name.getter`; a `.setter` or `.deleter` is not."""
    for decorator in getattr(function, "decorator_list", ()):
        name = decorator_name(decorator).lower()
        if name.endswith("property") or name in _GETTER_DECORATORS:
            return True
    return False


def is_class_method(function: ast.AST) -> bool:
    """Whether `function` is decorated `@classmethod` (its first parameter is the class)."""
    decorators = getattr(function, "decorator_list", ())
    return any(isinstance(d, ast.Name) and d.id == "classmethod" for d in decorators)


def patches_for_tests(qualified: str | None) -> bool:
    """Whether a decorator is a test double's (`@mock.patch("pkg.task.delay")`): named like a
    route (`patch`, `get`), it wraps a test, whose parameters are mocks and test data."""
    return qualified is not None and qualified.split(".")[0] in _TEST_DOUBLE_MODULES


def registered_name(
    decorator: ast.expr,
    qualified: Qualify,
    module_qualified: Qualify,
    constants: dict[str, ast.expr],
    scope: list[ast.stmt],
) -> str | None:
    """The qualified name of `decorator` (see the module docstring); `qualified` resolves names
    in the decorated function's frame, `module_qualified` at module level, `constants` are the
    module's constant bindings and `scope` the statements the function is defined among."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    named = _named(target, qualified, module_qualified, constants)
    if named is not None:
        return named
    seen: set[str] = set()
    subcommand = target.attr if isinstance(target, ast.Attribute) else ""
    while (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.attr in _SUBCOMMAND_DECORATORS
        and target.value.id not in seen
        and len(seen) < _MAX_NESTING
    ):
        seen.add(target.value.id)
        group = _function(scope, target.value.id)
        if group is None:
            return None
        target = _group_decorator(group, qualified, module_qualified, constants)
        named = _named(target, qualified, module_qualified, constants) if target else None
        if named is not None:
            return f"{named.rpartition('.')[0]}.{subcommand}"
    return None


def _named(
    target: ast.expr, qualified: Qualify, module_qualified: Qualify, constants: dict[str, ast.expr]
) -> str | None:
    """A qualified name, or a method of a module-level instance named after its class."""
    name = qualified(target)
    if name is not None or not (
        isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
    ):
        return name
    bound = constants.get(target.value.id)
    if not isinstance(bound, ast.Call):
        return None
    owner = module_qualified(bound.func)
    return f"{owner}.{target.attr}" if owner else None


def _function(scope: list[ast.stmt], name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for statement in scope:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef) and statement.name == name:
            return statement
    return None


def _group_decorator(
    group: ast.FunctionDef | ast.AsyncFunctionDef,
    qualified: Qualify,
    module_qualified: Qualify,
    constants: dict[str, ast.expr],
) -> ast.expr | None:
    """The decorator that makes `group` a command group (`@commands.group()`, `@parent.group()`)."""
    for decorator in group.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in _GROUP_DECORATORS:
            return target
        named = _named(target, qualified, module_qualified, constants)
        if named is not None and named.rpartition(".")[2] in _GROUP_DECORATORS:
            return target
    return None


def filled_parameters(decorators: list[ast.expr], keywords: frozenset[str]) -> frozenset[str]:
    """Parameters the decorators name in `keywords` as filled by the framework itself
    (`@dbus.service.method(..., sender_keyword="sender", async_callbacks=("ok", "err"))`)."""
    named: set[str] = set()
    for decorator in decorators:
        for keyword in decorator.keywords if isinstance(decorator, ast.Call) else ():
            if keyword.arg in keywords:
                values = (
                    keyword.value.elts if isinstance(keyword.value, ast.Tuple) else [keyword.value]
                )
                named.update(
                    v.value
                    for v in values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                )
    return frozenset(named)
