"""An object spec resolved: `package.module:expression`, the module imported, the expression
evaluated in it.

Entry-point resolvers (bottle's `load(target)`, Paste's `eval_import(s)`) split the caller's
spec at `:`, import the module its first part names and evaluate its second part against that
module. Importing a module its caller names is already that API's job (`library_scope`: an
import sink is reported only where the caller's data also goes on `sys.path`), and a module's
import runs whatever code the module holds; evaluating an expression against it adds nothing
the caller did not already choose by naming the module. Such a spec is what the caller writes
to name code (a deployment's `use = egg:app#main`, a server's `module:app`), not data.

Only this shape is read: the evaluated text and the imported name are both parts of one
unpacking of the same value (`module, expr = spec.split(":", 1)`), in the function of the
sink. Text the caller hands over that is evaluated without such an import, or next to an
import of a fixed module, is still reported.
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
        and index.context.call_name(node) in _IMPORTERS
        and node.args
        and isinstance(argument := node.args[0], ast.Name)
    }
    return any(
        _unpacked_together(node, names, imported)
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
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
