"""Helpers of a module that show a value only under a debug flag.

`debug_error_message(msg)` returning `msg` only `if getattr(config, "DEBUG", False):` (and None
otherwise), or a `_handle_500(self, request, exception)` whose response quotes the exception
only in its `if settings.DEBUG:` branch, answers a deployed application's clients without the
text: `abort(400, description=debug_error_message(str(e)))` shows `e` while developing only, as
code in such a branch does (`context/devonly.py`). A parameter counts when the helper turns it
into text (`str(...)`, a format, its `.args`) or returns it only inside such branches, and does
so at least once there; outside them it may only be handed whole to another call (a lookup of
the response class for its type) or tested.

A helper of another module of the project counts too (eve's handlers import
`eve.utils.debug_error_message`): before the review the scanner collects, with
`project_debug_parameters`, `module.function index name` for each parameter a module-level
function shows only under a debug flag, and hands them to every review
(`AnalysisContext.project_debug_helpers`).
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext
from secreview.index.debug_flags import debug_branch
from secreview.index.node_types import nodes_of

Function = ast.FunctionDef | ast.AsyncFunctionDef
_TEXT_CALLS = frozenset({"str", "repr", "format", "ascii", "text_type"})
_REVEALING = frozenset({"args", "message", "msg", "strerror", "__traceback__"})


def shown_only_in_development(
    leak: ast.AST, statement: ast.AST, context: ModuleContext
) -> tuple[ast.Call, str] | None:
    """The call of a helper of this module through which `leak` reaches `statement`, and where
    the helper shows it (`under if settings.DEBUG:` in `_handle_500`), when the argument holding
    `leak` fills a parameter the helper shows only under a debug flag; else None."""
    child = leak
    for ancestor in context.ancestors(leak):
        if isinstance(ancestor, ast.Call) and child is not ancestor.func:
            where = _debug_parameter(ancestor, child, context)
            if where is not None:
                return ancestor, where
        if ancestor is statement:
            break
        child = ancestor
    return None


def project_debug_parameters(context: ModuleContext, module: str) -> tuple[str, ...]:
    """`module.function index name` for each parameter a module-level function of `module`
    shows only under a debug flag (for the reviews of the project's other modules)."""
    shown = context.derived(_debug_only_parameters)
    return tuple(
        f"{module}.{statement.name} {index} {parameter.arg}"
        for statement in context.tree.body
        if isinstance(statement, Function) and id(statement) in shown
        for index, parameter in enumerate([*statement.args.posonlyargs, *statement.args.args])
        if parameter.arg in shown[id(statement)]
    )


def _debug_parameter(call: ast.Call, argument: ast.AST, context: ModuleContext) -> str | None:
    """Where the helper `call` calls shows the parameter `argument` fills, when only there."""
    if any(isinstance(a, ast.Starred) for a in call.args):
        return None
    if argument not in call.args and not isinstance(argument, ast.keyword):
        return None
    helper, offset = called_helper(call, context)
    if helper is None:
        return _imported_debug_parameter(call, argument, context)
    parameters = [*helper.args.posonlyargs, *helper.args.args]
    name: str | None = None
    if isinstance(argument, ast.keyword):
        name = argument.arg
    else:
        position = call.args.index(argument) + offset
        name = parameters[position].arg if position < len(parameters) else None
    if name is None:
        return None
    where = context.derived(_debug_only_parameters).get(id(helper), {}).get(name)
    return f"{where} in `{helper.name}`" if where else None


def _imported_debug_parameter(
    call: ast.Call, argument: ast.AST, context: ModuleContext
) -> str | None:
    """Where a helper of another module of the project shows the parameter `argument` fills,
    when only under a debug flag (`AnalysisContext.project_debug_helpers`)."""
    known: tuple[str, ...] = getattr(context, "project_debug_helpers", ())
    called = context.call_name(call) if known else None
    if not called:
        return None
    keyword = argument.arg if isinstance(argument, ast.keyword) else None
    position = None if keyword else str(call.args.index(argument))
    for entry in known:
        function, index, parameter = entry.split(" ")
        if function == called and (parameter == keyword or index == position):
            return f"under a debug flag in `{called}`"
    return None


def called_helper(call: ast.Call, context: ModuleContext) -> tuple[Function | None, int]:
    """The module-level function (`f(...)`) or method of the enclosing class (`self.f(...)`)
    `call` calls, and how many of its parameters the call does not pass (`self`)."""
    func = call.func
    if isinstance(func, ast.Name):
        for statement in context.tree.body:
            if isinstance(statement, Function) and statement.name == func.id:
                return statement, 0
        return None, 0
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    ):
        return None, 0
    owner = next((a for a in context.ancestors(call) if isinstance(a, ast.ClassDef)), None)
    for statement in owner.body if owner is not None else ():
        if isinstance(statement, Function) and statement.name == func.attr:
            static = any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in statement.decorator_list
            )
            return statement, 0 if static else 1
    return None, 0


def _debug_only_parameters(context: ModuleContext) -> dict[int, dict[str, str]]:
    """For each function of the module whose text names a debug flag: parameter -> where it
    is shown, for the parameters it shows only under a debug flag."""
    found: dict[int, dict[str, str]] = {}
    if "debug" not in context.text.lower():
        return found
    for kind in (ast.FunctionDef, ast.AsyncFunctionDef):
        for function in nodes_of(context, kind):
            shown = _parameters_shown_in_debug(function, context)
            if shown:
                found[id(function)] = shown
    return found


def _parameters_shown_in_debug(function: Function, context: ModuleContext) -> dict[str, str]:
    """Parameter -> where `function` shows it, for those shown only in debug branches."""
    branches: list[tuple[list[ast.stmt], str]] = []
    for node in ast.walk(function):
        if isinstance(node, ast.If) and (branch := debug_branch(node)) is not None:
            branches.append(branch)
    if not branches:
        return {}
    inside = {id(n): where for body, where in branches for s in body for n in ast.walk(s)}
    names = {a.arg for a in (*function.args.posonlyargs, *function.args.args)}
    shown: dict[str, str] = {}
    hidden: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
            if not _shows(node, context):
                continue
            if id(node) in inside:
                shown.setdefault(node.id, inside[id(node)])
            else:
                hidden.add(node.id)
    return {name: where for name, where in shown.items() if name not in hidden}


def _shows(name: ast.Name, context: ModuleContext) -> bool:
    """Whether this read turns the value into text or hands it on as it is: converted
    (`str(x)`), formatted, its message read (`x.args`), returned, put in a container or
    assignment, or handed to a call whose result is returned (`return self.error_response(
    request, x)`); handed whole to a call whose result is kept (`cls = self.class_for(x)`), or
    tested, it shows nothing by itself."""
    parent = context.parent(name)
    if isinstance(parent, ast.keyword):
        parent = context.parent(parent)
    if isinstance(parent, ast.Call):
        called = parent.func
        text = called.id if isinstance(called, ast.Name) else getattr(called, "attr", "")
        if name is called:
            return False
        return text in _TEXT_CALLS or _returned(parent, context)
    if isinstance(parent, ast.Attribute):
        return parent.attr in _REVEALING
    return not isinstance(parent, ast.Compare)


def _returned(call: ast.Call, context: ModuleContext) -> bool:
    """Whether `call`'s result is returned, as it is or inside other calls and containers."""
    for ancestor in context.ancestors(call):
        if isinstance(ancestor, ast.Return):
            return True
        if not isinstance(ancestor, ast.Call | ast.keyword | ast.Tuple | ast.List | ast.Dict):
            return False
    return False
