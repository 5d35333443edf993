"""Module imports a public parameter names: where the imported module is looked for.

`importlib.import_module(name)` imports the module its caller names, the API's job; a function
on the flow that also puts the caller's data on `sys.path` (`sys.path.insert(0,
os.path.dirname(path))`) makes any module or stale `.pyc` planted in that folder run
(python-dbusmock, CVE-2015-1326), and that is the library's defect (`library_scope`).
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.library_joins import mentions, tracked_names
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent

_SYS_PATH_CHANGES = frozenset({"insert", "append", "extend"})


def on_sys_path(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether a function on the flow puts the caller's data on `sys.path` (`insert`,
    `append`, `extend`, or assigning to it or a slice of it)."""
    names = tracked_names(event)
    functions = {
        id(function): function
        for node in (event.node, *(step for step, _ in event.flow.steps))
        if (function := index.context.enclosing_function(node)) is not None
    }
    return any(
        _changes_sys_path(node, names, index)
        for function in functions.values()
        for node in ast.walk(function)
    )


def _changes_sys_path(node: ast.AST, names: frozenset[str], index: ModuleIndex) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return (
            node.func.attr in _SYS_PATH_CHANGES
            and index.context.resolve(node.func.value) == "sys.path"
            and any(mentions(argument, names) for argument in node.args)
        )
    if isinstance(node, ast.Assign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return any(
            index.context.resolve(t.value if isinstance(t, ast.Subscript) else t) == "sys.path"
            for t in targets
        ) and mentions(node.value, names)
    return False


def in_own_package(qualified: str, module: str | None) -> bool:
    """Whether `qualified` is a name held by a package of `module` (`docutils.nodes` imported in
    `docutils.parsers.rst.roles`): the project's own module, whose functions are code the
    project wrote, not a library object's methods to match by name (`*.raw`, `*.find`)."""
    package = qualified.rpartition(".")[0]
    return bool(module and package) and (module == package or module.startswith(package + "."))
