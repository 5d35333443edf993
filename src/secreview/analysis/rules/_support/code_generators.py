"""Code a program runs that its own code generator made: compiled code objects and translations.

Template engines and code generators work in two steps: a translator of the program's own
(a parser or compiler class it defines) turns a template into Python text, assembled piece by
piece into a buffer, and a later step compiles that text and executes the code object. Neither
step chooses the code: the template does. Whether an outsider can write templates is a
template-injection question, judged where untrusted text becomes a template, not at the
compiler's `compile`/`exec`. So rules evaluating code ask two things here:

* `is_compiled_code`: the value is a code object that `compile` made (directly, through a local,
  a property or attribute of the class, or a parameter that every caller in the module fills
  with one, or one annotated `CodeType`). That `compile` is where the code was chosen.
* `is_generator_output`: the value is the text a generator of this module returns: a function
  or method defined here (reached through locals, `self.attribute` assignments and properties
  of the class, `Parser(...).translate()` on a class of this module) whose every return is text
  it assembled itself: `"".join(buffer)`, `stream.getvalue()`, or fixed code fragments around
  values (`generated_code`). A function that returns a transformation of its own parameter is
  a pass-through, not a generator, and does not count.

Everything is looked up inside one module; what cannot be found counts as not generated, so
these only ever quiet code whose making is visible.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.generated_code import generated_code
from secreview.analysis.rules._support.local_bindings import (
    bindings_before,
    every_binding_assigns,
    origin_calls,
)
from secreview.index.context import ModuleContext

_COMPILERS = frozenset({"compile", "builtins.compile"})
_CODE_TYPES = frozenset({"CodeType", "types.CodeType"})
_READ_OUTS = frozenset({"getvalue", "read"})
"""Methods returning what a stream (`io.StringIO`) was written: the generator's buffer."""
_MAX_DEPTH = 6

_Function = ast.FunctionDef | ast.AsyncFunctionDef


def is_compiled_code(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is a code object `compile` made (see the module docstring)."""
    return _is_compiled(context, expr, 0)


def _is_compiled(context: ModuleContext, expr: ast.expr, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    if any(context.call_name(c) in _COMPILERS for c in origin_calls(context, expr)):
        return True
    values = _attribute_values(context, expr)
    if values:
        return all(_is_compiled(context, value, depth + 1) for value in values)
    if isinstance(expr, ast.Call):
        function = called_function(context, expr)
        returns = returned_values(function) if function is not None else []
        return bool(returns) and all(_is_compiled(context, r, depth + 1) for r in returns)
    parameter = _parameter_of(context, expr)
    if parameter is None:
        return False
    function, argument, position = parameter
    if argument.annotation is not None and context.resolve(argument.annotation) in _CODE_TYPES:
        return True
    passed = _passed_by_callers(context, function, argument.arg, position)
    return bool(passed) and all(_is_compiled(context, value, depth + 1) for value in passed)


def is_generator_output(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is the text a code generator of this module returns (module docstring)."""
    return _is_output(context, expr, 0)


def _is_output(context: ModuleContext, expr: ast.expr, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Name):
        return every_binding_assigns(
            context, expr, lambda value: _is_output(context, value, depth + 1)
        )
    values = _attribute_values(context, expr)
    if values:
        return all(_is_output(context, value, depth + 1) for value in values)
    if not isinstance(expr, ast.Call):
        return False
    function = called_function(context, expr)
    if function is None:
        return False
    returns = returned_values(function)
    return bool(returns) and all(
        _assembled(context, function, value) or _is_output(context, value, depth + 1)
        for value in returns
    )


def _assembled(context: ModuleContext, function: _Function, value: ast.expr) -> bool:
    """Whether `function` returns `value` as text it assembled itself, not its parameter's."""
    match value:
        case ast.Call(func=ast.Attribute(attr="join", value=separator), args=[buffer]) if (
            context.is_constant(separator)
        ):
            return not _reads_parameter(context, function, buffer)
        case ast.Call(func=ast.Attribute(attr=attribute, value=stream), args=[]) if (
            attribute in _READ_OUTS
        ):
            return not _reads_parameter(context, function, stream)
        case ast.Name():
            bindings = bindings_before(context, value)
            return bool(bindings) and all(
                b.value is not None and _assembled(context, function, b.value)
                for b in bindings or ()
            )
    return generated_code(context, value) is not None


def _reads_parameter(
    context: ModuleContext, function: _Function, expr: ast.expr, depth: int = 0
) -> bool:
    """Whether `expr` mentions a parameter of `function` other than `self`/`cls`, directly or
    through the values its locals were bound to (`parts = [text]`)."""
    names = {a.arg for a in _arguments(function)} - {"self", "cls"}
    for node in ast.walk(expr):
        if not isinstance(node, ast.Name):
            continue
        if node.id in names:
            return True
        bindings = bindings_before(context, node) or []
        if depth < _MAX_DEPTH and any(
            b.value is not None and _reads_parameter(context, function, b.value, depth + 1)
            for b in bindings
        ):
            return True
    return False


def _arguments(function: _Function) -> list[ast.arg]:
    spec = function.args
    return [*spec.posonlyargs, *spec.args, *spec.kwonlyargs]


def returned_values(function: _Function) -> list[ast.expr]:
    """The values `function` itself returns (not its nested functions'); empty if any is bare."""
    values: list[ast.expr] = []
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            if node.value is None:
                return []
            values.append(node.value)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))
    return values


def _enclosing_class(context: ModuleContext, node: ast.AST) -> ast.ClassDef | None:
    function = context.enclosing_function(node)
    owner = context.parent(function) if function is not None else None
    return owner if isinstance(owner, ast.ClassDef) else None


def _method(owner: ast.ClassDef, name: str) -> _Function | None:
    for member in owner.body:
        if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef) and member.name == name:
            return member
    return None


def _attribute_values(context: ModuleContext, expr: ast.expr) -> list[ast.expr]:
    """For `self.name`: what the class's property `name` returns, or every value the class
    assigns to `self.name`; empty when it is something else or nothing is found."""
    if not (
        isinstance(expr, ast.Attribute)
        and isinstance(expr.value, ast.Name)
        and expr.value.id == "self"
    ):
        return []
    owner = _enclosing_class(context, expr)
    if owner is None:
        return []
    member = _method(owner, expr.attr)
    if member is not None:
        return returned_values(member)
    known = context.derived(_assigned_by_class)
    assigned = known.get(id(owner))
    if assigned is None:  # once per class: asked per attribute, it walked the whole class
        assigned = known[id(owner)] = _self_assignments(owner)
    return list(assigned.get(expr.attr, ()))


def _assigned_by_class(context: ModuleContext) -> dict[int, dict[str, list[ast.expr]]]:
    """A module's memo for `_attribute_values`: by class, `_self_assignments`."""
    return {}


def _self_assignments(owner: ast.ClassDef) -> dict[str, list[ast.expr]]:
    """Every value `owner` assigns to `self.<name>`, by name, in the order of `ast.walk`."""
    assigned: dict[str, list[ast.expr]] = {}
    for node in ast.walk(owner):
        if not isinstance(node, ast.Assign):
            continue
        names = dict.fromkeys(
            t.attr
            for t in node.targets
            if isinstance(t, ast.Attribute)
            and isinstance(t.value, ast.Name)
            and t.value.id == "self"
        )
        for name in names:
            assigned.setdefault(name, []).append(node.value)
    return assigned


def called_function(context: ModuleContext, call: ast.Call) -> _Function | None:
    """The function of this module `call` runs: `helper(...)`, `self.method(...)`, or
    `obj.method(...)` where `obj` is an instance of a class this module defines."""
    func = call.func
    if isinstance(func, ast.Name):
        return _module_definition(context, func.id, ast.FunctionDef)
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    if isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
        owner = _enclosing_class(context, call)
        return _method(owner, func.attr) if owner is not None else None
    for made in origin_calls(context, receiver):
        if isinstance(made.func, ast.Name):
            owner = _module_definition(context, made.func.id, ast.ClassDef)
            if isinstance(owner, ast.ClassDef):
                return _method(owner, func.attr)
    return None


def _module_definition(context: ModuleContext, name: str, kind: type) -> _Function | None:
    tree = context.tree
    for node in tree.body:
        if isinstance(node, kind) and getattr(node, "name", None) == name:
            return node  # type: ignore[return-value]
    return None


def _parameter_of(context: ModuleContext, expr: ast.expr) -> tuple[_Function, ast.arg, int] | None:
    """(function, parameter, position among the arguments callers pass) when `expr` is only
    ever the parameter of its function."""
    if not isinstance(expr, ast.Name):
        return None
    bindings = bindings_before(context, expr)
    if not bindings or any(
        b.value is not None or not isinstance(b.node, ast.arg) for b in bindings
    ):
        return None
    function = context.enclosing_function(expr)
    if function is None:
        return None
    positional = [*function.args.posonlyargs, *function.args.args]
    skip = 1 if positional and positional[0].arg in ("self", "cls") else 0
    for index, argument in enumerate(_arguments(function)):
        if argument.arg == expr.id:
            return function, argument, index - skip
    return None


def _passed_by_callers(
    context: ModuleContext, function: _Function, name: str, position: int
) -> list[ast.expr]:
    """What every call in this module to a function named like `function` passes for its
    parameter `name`; empty when a call passes it some way we cannot match."""
    passed: list[ast.expr] = []
    for node in ast.walk(context.tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if called != function.name:
            continue
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            return []
        value = context.keyword(node, name)
        if value is None and 0 <= position < len(node.args):
            value = node.args[position]
        if value is None:
            return []
        passed.append(value)
    return passed
