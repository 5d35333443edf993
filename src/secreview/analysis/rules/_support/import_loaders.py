"""Modules that implement an import loader, whose business is running module code.

A loader or finder of the import system (PEP 302 and PEP 451: a class with `find_spec`,
`exec_module`, `get_code`, `load_module`, ..., or one built on `importlib.abc`) reads a module's
source or its compiled `.pyc` from where it keeps them (a zip archive, a database, a plugin
bundle), unmarshals or compiles it and executes it in the new module's namespace. A vendored
`zipimport`, a plugin system's importer: the code run there is the code being imported, exactly
as trusted as any `import` statement, and whoever could replace it could replace an imported file
too. Only code whose origin the analysis cannot trace is excused this way; request data reaching
such a module's `exec` is still reported.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_LOADER_METHODS = frozenset(
    {
        "find_spec",
        "find_module",
        "find_loader",
        "create_module",
        "exec_module",
        "load_module",
        "get_code",
        "get_source",
        "source_to_code",
    }
)
"""Methods of the import protocols; a class defining two of them is a loader or a finder."""
_LOADER_BASES = ("importlib.abc.", "importlib.machinery.")


def implements_import_loader(context: ModuleContext) -> bool:
    """Whether a class at the top of the module is an import loader or finder (see module doc),
    judged once per module."""
    return context.derived(_implements_import_loader)


def _implements_import_loader(context: ModuleContext) -> bool:
    for statement in context.tree.body:
        if not isinstance(statement, ast.ClassDef):
            continue
        methods = {
            item.name
            for item in statement.body
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        if len(methods & _LOADER_METHODS) >= 2:
            return True
        if any((context.resolve(base) or "").startswith(_LOADER_BASES) for base in statement.bases):
            return True
    return False
