"""An object spec resolved: `package.module:expression`, the module imported, the expression
evaluated in it.

Entry-point resolvers (bottle's `load(target)`, Paste's `eval_import(s)`) split the caller's
spec at `:`, import the module its first part names and evaluate its second part against that
module. The spec is code by contract (`pack.mod:func()` calls the function: an expression
evaluated in the module), as a template engine's template is: whoever writes one already
writes code, and what such a resolver is handed is the configuration of whoever deploys the
program (a deployment's `use = egg:app#main`, a server's `module:app`, a plugin list), not a
request's text. Importing the module the caller names is likewise already that API's job
(`library_scope`: an import sink is reported only where the caller's data also goes on
`sys.path`).

Only this shape is read: the evaluated text and the imported name are both parts of one
unpacking of the same value (`module, expr = spec.split(":", 1)`), in the function of the
sink, the module part handed to an import call or to a function of the module that imports
its first parameter (Paste's own `import_module(s)`). Text the caller hands over that is
evaluated without such an import, or next to an import of a fixed module, is still reported.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.library_joins import tracked_names
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent

_EVALUATORS = frozenset({"eval", "builtins.eval"})
"""Sinks that evaluate an expression (an object spec's second part)."""
_IMPORTERS = frozenset({"__import__", "importlib.import_module", "importlib.__import__"})
"""Calls that import a module by its name."""


def resolves_object_spec(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the sink evaluates one part of an object spec whose other part the same function
    imports as a module (see the module docstring)."""
    if event.sink not in _EVALUATORS:
        return False
    function = index.context.enclosing_function(event.node)
    if function is None:
        return False
    names = tracked_names(event)
    imported = {
        argument.id
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and node.args
        and isinstance(argument := node.args[0], ast.Name)
        and _imports_its_argument(node, index)
    }
    return any(
        _unpacked_together(node, names, imported)
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
    )


def _imports_its_argument(call: ast.Call, index: ModuleIndex) -> bool:
    """Whether `call` imports the module its first argument names: an import call, or a
    function of the same module handing its first parameter to one (Paste's own
    `import_module(s)` calling `__import__(s)`)."""
    if index.context.call_name(call) in _IMPORTERS:
        return True
    if not isinstance(call.func, ast.Name):
        return False
    for statement in index.context.tree.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == call.func.id:
            return _hands_first_parameter_to_import(statement, index)
    return False


def _hands_first_parameter_to_import(function: ast.FunctionDef, index: ModuleIndex) -> bool:
    positional = [*function.args.posonlyargs, *function.args.args]
    if not positional:
        return False
    first = positional[0].arg
    return any(
        isinstance(node, ast.Call)
        and index.context.call_name(node) in _IMPORTERS
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == first
        for node in ast.walk(function)
    )


def _unpacked_together(assign: ast.Assign, names: frozenset[str], imported: set[str]) -> bool:
    """Whether `assign` unpacks one value into a name the flow holds and a different name an
    import call is handed (`module, target = target.split(":", 1)`)."""
    for target in assign.targets:
        if not isinstance(target, ast.Tuple):
            continue
        bound = [element.id for element in target.elts if isinstance(element, ast.Name)]
        if any(
            first in names and second in imported and first != second
            for first in bound
            for second in bound
        ):
            return True
    return False
