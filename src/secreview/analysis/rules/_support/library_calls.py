"""The name of a call, asked only in modules that import the library a rule is about.

Most rules judge the calls of a few libraries (`subprocess`, `pickle`, `lxml`, `hashlib`). In a
module that imports none of them there is nothing to judge, and resolving every call's name there
would be wasted work; a call whose target is unknown is not one of them either.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secreview.index.context import ModuleContext


def library_call_name(
    call: ast.Call, libraries: Iterable[str], context: ModuleContext
) -> str | None:
    """The qualified name `call` calls, when the module imports one of `libraries`; else None."""
    if not context.imports_any(libraries):
        return None
    return context.call_name(call)
