"""Methods that only stand in for a subclass's: what calling one through an object returns.

A base class often declares a hook its subclasses implement (`def _listen(self): raise
NotImplementedError`, or a body of `pass`, `...` or a docstring), and calls it on `self`: a
message queue's reader, a transport's `read`, a plugin's `load`. The method the call runs at
run time is a subclass's, often in another module or another project, so the stub's own summary
(it returns nothing, or never returns) says nothing about the result. Reading it as a clean
value made `pickle.loads(message)` over `for message in self._listen():` look proven harmless
under the `library` threat model, which analyses every function; the result is instead what an
unknown method's is (`default_result`): it may carry the object's and the arguments' data.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.values import Value

_NOT_IMPLEMENTED = frozenset({"NotImplementedError", "NotImplemented"})


def overridable_stub(function: ast.AST, receiver: Value | None) -> bool:
    """Whether `function`, called on `receiver` (None for a plain function call, which runs
    exactly this body), is a method body that only stands in for a subclass's: docstring,
    `pass`, `...` and `raise NotImplementedError(...)` statements only."""
    return receiver is not None and stub_body(function)


def stub_body(function: ast.AST) -> bool:
    """Whether `function` is a `def` whose body is docstring, `pass`, `...` and `raise
    NotImplementedError(...)` statements only: called as a method, the code that runs is a
    subclass's."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    return all(_stands_in(statement) for statement in function.body)


def _stands_in(statement: ast.stmt) -> bool:
    """Whether `statement` is one a stub body is made of."""
    if isinstance(statement, ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return isinstance(statement.value.value, str) or statement.value.value is Ellipsis
    if isinstance(statement, ast.Raise) and statement.exc is not None:
        raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
        return isinstance(raised, ast.Name) and raised.id in _NOT_IMPLEMENTED
    return False


def classes_with_stubs(tree: ast.Module) -> tuple[str, ...]:
    """The module-level classes declaring at least one stub method (`stub_body`): the classes
    whose subclasses' implementations a call through them runs (`index.facts.implementing_modules`
    adds the modules defining those subclasses to the cross-module pass)."""
    return tuple(
        statement.name
        for statement in tree.body
        if isinstance(statement, ast.ClassDef)
        and any(stub_body(member) for member in statement.body)
    )
