"""A `shell=True` handed to a function of the project that only tests it: a flag of its own.

`shell-command-injection` reads any call given `shell=True` with a command line built in the
call as a shell wrapper's (oslo's `processutils.execute`, a project's `utils.execute`). wdb's
debugger calls its own `self.interaction(sys._getframe(), exception_description="Shell",
shell=True)`, whose `shell` only chooses the debugger's shell mode: a method of the calling
class or a function of the module that takes `shell` as a parameter and only tests it starts no
shell with it.
"""

from __future__ import annotations

import ast
from collections.abc import Container

from secreview.index.context import ModuleContext


def shell_is_own_flag(
    helper: ast.FunctionDef | ast.AsyncFunctionDef | None,
    context: ModuleContext,
    shell_calls: Container[str],
) -> bool:
    """Whether `helper`, a function of this module or a method of the calling class, takes
    `shell` as a flag of its own: a parameter it only tests (`if shell:`, `not shell`), while
    none of its calls always runs a shell (`shell_calls`: `os.system`) or is given `shell=`."""
    names = {a.arg for a in (*helper.args.args, *helper.args.kwonlyargs)} if helper else set()
    if helper is None or "shell" not in names:
        return False
    for node in ast.walk(helper):
        if isinstance(node, ast.Call) and (
            any(k.arg == "shell" for k in node.keywords) or context.call_name(node) in shell_calls
        ):
            return False
        if isinstance(node, ast.Name) and node.id == "shell" and not _tested(node, context):
            return False
    return True


def _tested(name: ast.Name, context: ModuleContext) -> bool:
    """Whether this read of a flag only tests it (an `if`, `while` or conditional's test, a
    `not`, `and`/`or` in such a test)."""
    parent = context.parent(name)
    if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
        return True
    if isinstance(parent, ast.BoolOp):
        return _tested(parent, context)  # type: ignore[arg-type]
    return isinstance(parent, ast.If | ast.While | ast.IfExp) and parent.test is name
