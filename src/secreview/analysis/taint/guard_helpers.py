"""A module's own check helpers, read as the condition they return.

Projects wrap a containment check in a small function of their own (`is_safe_path(base, name)`,
`is_within_directory(directory, target)`: `return base == os.path.commonpath((base, path))` after
normalising both) and call it as a guard. What such a helper proves is what its return expression
proves with the caller's arguments in place of its parameters, so the guard rules read that
expression instead of an opaque call. Only helpers whose body is straight-line assignments to
local names and one `return` are read this way: anything else (branches, loops, calls that change
state) could return True on a path the expression does not describe.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Mapping

from secreview.analysis.taint.results import FunctionNode
from secreview.analysis.taint.values import Value

MAX_HELPER_STATEMENTS = 8
"""More statements than this is not a small check helper: leave it to the call rules."""


def inlined_check(call: ast.Call, helper: FunctionNode, method: bool = False) -> ast.expr | None:
    """The return expression of `helper` with the arguments of `call` in place of its parameters
    (and its local assignments in place of their names), or None when the helper is not a plain
    check: it has branches other than early refusals (`if not v: return False`, which join the
    result as conditions that held), loops, star parameters, or the call does not bind every
    parameter. A local assignment inside a `try` whose handlers only `pass` counts as made.
    For a `method` called on `self`, its first parameter is the caller's `self`."""
    bound = _bound_call(call, helper, method)
    body = _body(helper)
    if bound is None or not body or not isinstance(body[-1], ast.Return):
        return None
    names = dict(bound)
    holds: list[ast.expr] = []  # `if not v: return False`: past it, `v` held
    for statement in body[:-1]:
        if _refuses(statement):
            assert isinstance(statement, ast.If)
            holds.append(ast.UnaryOp(op=ast.Not(), operand=_substituted(statement.test, names)))
        elif not _local_assignment(_tried(statement, names), names):
            return None
    returned = body[-1].value
    if returned is None:
        return None
    test = _substituted(returned, names)
    return _at_call(ast.BoolOp(op=ast.And(), values=[*holds, test]) if holds else test, call)


def _refuses(statement: ast.stmt) -> bool:
    """`if cond: return False` (or `None`, no `else`): the check fails where `cond` holds."""
    if not isinstance(statement, ast.If) or statement.orelse or len(statement.body) != 1:
        return False
    answer = statement.body[0]
    return (
        isinstance(answer, ast.Return)
        and isinstance(answer.value, ast.Constant)
        and answer.value.value in (False, None)
    )


def _tried(statement: ast.stmt, names: dict[str, ast.expr]) -> ast.stmt:
    """The one assignment of `try: valid = check(v)` whose handlers only `pass`, when the name
    held nothing true before (`valid = False`, or no value: then the answer fails where the
    check raised, as it does where the check is false). Any other statement as it is."""
    if not (
        isinstance(statement, ast.Try)
        and len(statement.body) == 1
        and not statement.orelse
        and not statement.finalbody
        and all(all(isinstance(s, ast.Pass) for s in h.body) for h in statement.handlers)
    ):
        return statement
    tried = statement.body[0]
    if not (isinstance(tried, ast.Assign) and isinstance(tried.targets[0], ast.Name)):
        return statement
    before = names.get(tried.targets[0].id)
    if before is None or (isinstance(before, ast.Constant) and not before.value):
        return tried
    return statement


def raising_check(call: ast.Call, helper: FunctionNode, method: bool = False) -> ast.expr | None:
    """When `helper` is a validator called for its exception, the condition under which it
    raises (`c1 or c2` for `if c1: raise ...` then `if c2: raise ...`), with the arguments of
    `call` in place of its parameters and its local assignments in place of their names: the
    caller goes on past the call only where that condition is false. None when the helper is
    anything else: other statements than local assignments, `if` tests whose whole body is a
    `raise` (no `else`) and a last `return`, or no such test at all."""
    body = _body(helper)
    if body and isinstance(body[-1], ast.Return):
        body = body[:-1]  # what it returns: the caller's business, not the check
    if not any(isinstance(s, ast.If) for s in body) or not all(map(_validator_statement, body)):
        return None  # the shape first: binding and copying cost more, and most helpers fail
    bound = _bound_call(call, helper, method)
    if bound is None:
        return None
    names = dict(bound)
    raises: list[ast.expr] = []
    for statement in body:
        if isinstance(statement, ast.If) and not statement.orelse and _only_raises(statement):
            raises.append(_substituted(statement.test, names))
        elif not _local_assignment(statement, names):
            return None
    if not raises:
        return None
    test = raises[0] if len(raises) == 1 else ast.BoolOp(op=ast.Or(), values=raises)
    return _at_call(test, call)


def _validator_statement(statement: ast.stmt) -> bool:
    """Whether `statement` may be part of a validator: an `if` that only raises, or a local
    assignment (checked again, with substitution, by `_local_assignment`)."""
    if isinstance(statement, ast.If):
        return not statement.orelse and _only_raises(statement)
    return isinstance(statement, ast.Assign)


def _only_raises(statement: ast.If) -> bool:
    """Whether the body of an `if` is one `raise` of an exception."""
    return (
        len(statement.body) == 1
        and isinstance(statement.body[0], ast.Raise)
        and statement.body[0].exc is not None
    )


def _bound_call(call: ast.Call, helper: FunctionNode, method: bool) -> dict[str, ast.expr] | None:
    """Parameter name -> the argument expression `call` passes to `helper` (a `method` called
    on `self` binds its first parameter to the caller's `self`), or None."""
    arguments = helper.args
    if method:
        if arguments.posonlyargs or not arguments.args or arguments.args[0].arg != "self":
            return None
        arguments = ast.arguments(
            posonlyargs=[],
            args=arguments.args[1:],
            vararg=arguments.vararg,
            kwonlyargs=arguments.kwonlyargs,
            kw_defaults=arguments.kw_defaults,
            kwarg=arguments.kwarg,
            defaults=arguments.defaults[-len(arguments.args) + 1 :] if arguments.args[1:] else [],
        )
    return _bind(call, arguments)


def bound_arguments(call: ast.Call, helper: FunctionNode) -> dict[str, ast.expr] | None:
    """Parameter name -> the argument expression `call` passes to the module function `helper`,
    or the parameter's default node itself (so a reader can tell the two apart), or None."""
    return _bound_call(call, helper, False)


def _body(helper: FunctionNode) -> list[ast.stmt]:
    """The helper's statements without its docstring; none when it is too long to be a small
    check helper."""
    body = list(helper.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return body if len(body) <= MAX_HELPER_STATEMENTS else []


def _local_assignment(statement: ast.stmt, names: dict[str, ast.expr]) -> bool:
    """Whether `statement` assigns one local name (recorded in `names`, substituted)."""
    if not (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        return False
    names[statement.targets[0].id] = _substituted(statement.value, names)
    return True


def _at_call(result: ast.expr, call: ast.Call) -> ast.expr:
    """`result` with every node placed at `call`: evidence points at the caller's check."""
    for node in ast.walk(result):
        ast.copy_location(node, call)
        node.end_lineno, node.end_col_offset = call.end_lineno, call.end_col_offset
    return result


def check_over_bases(call: ast.Call) -> ast.expr | None:
    """`any(ROOT in p.parents for ROOT in (MEDIA_ROOT, STATIC_ROOT))` read as the check its
    element makes, with the iterable in place of the loop name (`(MEDIA_ROOT, STATIC_ROOT) in
    p.parents`), or None for any other call. Only what holds of every element at once may be
    taken from the result (a path under some fixed folder is under a fixed folder); the caller
    keeps containment alone, since `any` proves the element's check for one base, not all."""
    generator = _one_loop_over(call, "any")
    if generator is None:
        return None
    loop = generator.generators[0]
    assert isinstance(loop.target, ast.Name)
    return _at_call(_substituted(generator.elt, {loop.target.id: loop.iter}), call)


def every_element_check(call: ast.Call) -> ast.expr | None:
    """`all(uid.isdigit() for uid in user_ids)` read as the check its element makes, with the
    collection's name in place of the loop name (`user_ids.isdigit()`), or None for any other
    call. Only what the result proves of that name may be kept (`element_guards.py`)."""
    iterated = iterated_name(call)
    if iterated is None or not isinstance(call.args[0], ast.GeneratorExp):
        return None
    generator = call.args[0]
    loop = generator.generators[0]
    assert isinstance(loop.target, ast.Name)
    return _at_call(_substituted(generator.elt, {loop.target.id: loop.iter}), call)


def iterated_name(call: ast.Call) -> str | None:
    """The variable `all(check(x) for x in name)` runs over, or None for any other call (a
    filter, several loops, a loop over an expression or unpacking its elements)."""
    generator = _one_loop_over(call, "all")
    if generator is None:
        return None
    iterable = generator.generators[0].iter
    return iterable.id if isinstance(iterable, ast.Name) else None


def _one_loop_over(call: ast.Call, function: str) -> ast.GeneratorExp | None:
    """The generator of `function(check(x) for x in xs)` (`any` or `all`) with one unfiltered
    loop binding one name, else None."""
    if not (isinstance(call.func, ast.Name) and call.func.id == function and len(call.args) == 1):
        return None
    generator = call.args[0]
    if call.keywords or not isinstance(generator, ast.GeneratorExp):
        return None
    if len(generator.generators) != 1:
        return None
    loop = generator.generators[0]
    if loop.ifs or loop.is_async or not isinstance(loop.target, ast.Name):
        return None
    return generator


def free_names(helper: FunctionNode, method: bool = False) -> set[str]:
    """The names `helper` reads that it does not bind (module names: `os`, a constant): read in
    the caller's frame, they are right only where the caller holds no local of the same name.
    A method's `self` is bound: the caller's `self` is the same object."""
    bound = {a.arg for a in (*helper.args.posonlyargs, *helper.args.args)}
    read: set[str] = set()
    for node in ast.walk(helper):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
    return read - bound


def _bind(call: ast.Call, arguments: ast.arguments) -> dict[str, ast.expr] | None:
    """Parameter name -> the argument expression the call passes (or the default)."""
    if arguments.vararg or arguments.kwarg or arguments.kwonlyargs:
        return None
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None
    parameters = [*arguments.posonlyargs, *arguments.args]
    if len(call.args) > len(parameters):
        return None
    bound: dict[str, ast.expr] = {p.arg: a for p, a in zip(parameters, call.args, strict=False)}
    for keyword in call.keywords:
        if keyword.arg in bound or keyword.arg not in {p.arg for p in parameters}:
            return None
        bound[keyword.arg] = keyword.value  # type: ignore[index]
    defaults = dict(zip([p.arg for p in parameters][::-1], arguments.defaults[::-1], strict=False))
    for parameter in parameters:
        if parameter.arg not in bound:
            if parameter.arg not in defaults:
                return None
            bound[parameter.arg] = defaults[parameter.arg]
    return bound


class _Substitute(ast.NodeTransformer):
    """Replace loaded names by the expressions they stand for."""

    def __init__(self, names: Mapping[str, ast.expr]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if isinstance(node.ctx, ast.Load) and node.id in self.names:
            return copy.deepcopy(self.names[node.id])
        return node


def _substituted(expression: ast.expr, names: Mapping[str, ast.expr]) -> ast.expr:
    """A copy of `expression` with `names` substituted (the helper's tree is left unchanged)."""
    return _Substitute(names).visit(copy.deepcopy(expression))


_RECEIVERS = frozenset({"self", "cls"})


def fixed_container(node: ast.expr, value: Value) -> bool:
    """Whether a container a value is checked to be in (`name in ALLOWED`) is fixed for whoever
    chose the value: it holds no data at all, or it is an attribute of the receiver itself
    (`name in self._themes`, one hop: not `self.request.args`) holding nothing but what the
    receiver held when the method was called. The object's registry was filled by its own
    code (its constructor, its registration methods), so a name found in it is one the object
    knows, whatever chose the name; a container read off anything else, or one holding a
    request's data, proves nothing about the value."""
    return not value.all_flows() or receiver_held(node, value)


def receiver_held(node: ast.expr, value: Value) -> bool:
    """Whether `node` is an attribute read straight off the receiver (`self._themes`,
    `self.filename`; one hop) whose `value` holds nothing but what the receiver held when the
    method was called: the object's own state, set by its own code, so a value found in it
    (`fixed_container`) or equal to it (`if name == self.filename:`) is one the object already
    knows, whoever chose it."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in _RECEIVERS
        and all(flow.parameter == 0 for flow in value.all_flows())
    )


def affixed_name(node: ast.expr) -> str | None:
    """The one variable of a string built from it and fixed text (`f"{name}.bin"`,
    `name + ".bin"`, `"v" + name`). When that string is a member of a list the program made
    itself (`if f"{name}.bin" not in await installed_models(): raise`), the variable is that
    member without the fixed text, as safe as the member: the check guards the variable too."""
    if isinstance(node, ast.JoinedStr):
        parts = [v for v in node.values if isinstance(v, ast.FormattedValue)]
        if len(parts) != 1 or parts[0].conversion != -1 or parts[0].format_spec is not None:
            return None
        return parts[0].value.id if isinstance(parts[0].value, ast.Name) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        pieces = (node.left, node.right)
        names = [p.id for p in pieces if isinstance(p, ast.Name)]
        texts = [p for p in pieces if isinstance(p, ast.Constant) and isinstance(p.value, str)]
        return names[0] if len(names) == 1 and len(texts) == 1 else None
    return None
