"""Asserts that narrow a type or restate a refusal, where no access decision rides on them.

Two shapes the fresh samples read false again and again (`assert-for-security`):

- `user = UserSensitive.get(request.user_id)`, then `assert isinstance(user.api_keys, dict)` or
  `assert user.api_keys is not None`: a type check of a *field* of an object a class of the
  project looked up or built. The request may choose which record is read, never what type the
  program stored in its fields, so the assert tells the type checker what the model holds. A
  check of the request's own parsed body (`assert isinstance(payload["names"], list)`) or of an
  object a library or a plain function made of it (`data = self.parse(request.body)`) is still
  validation of what the client sent.
- `def _check_code(self, code): assert self.is_authenticated(); return False, ''`: a precondition
  of a function that refuses whatever happens after it (every statement left returns a refusal,
  `False`, `None` or a tuple led by one, or raises). Removed under -O, the function still
  refuses: nothing is let through.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.web_handlers import Function, local_bindings
from secreview.index.context import ModuleContext

TYPE_CHECKS = frozenset({"isinstance", "issubclass", "callable", "hasattr"})
"""Calls that narrow a type for the type checker rather than decide anything."""


def is_type_narrowing(test: ast.expr, context: ModuleContext) -> bool:
    """`isinstance(x, T)`, `x is not None` and the like: invariants, not decisions."""
    if isinstance(test, ast.Call):
        return context.call_name(test) in TYPE_CHECKS
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is | ast.IsNot)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
    )


def narrows_model_field(test: ast.expr, function: Function, context: ModuleContext) -> bool:
    """Whether `test` narrows the type of a field of a local that only a class of the project
    looked up or built (`user = User.find(...)`, then `assert user.keys is not None`)."""
    if not is_type_narrowing(test, context):
        return False
    subject = test.left if isinstance(test, ast.Compare) else None
    if isinstance(test, ast.Call):
        subject = context.argument(test, 0)
    if not isinstance(subject, ast.Attribute):
        return False
    root = subject.value
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id in ("self", "cls"):
        return False
    values = [
        value
        for target, value in local_bindings(function)
        if isinstance(target, ast.Name) and target.id == root.id
    ]
    return bool(values) and all(
        (isinstance(v, ast.Constant) and v.value is None) or _project_class_call(v, context)
        for v in values
    )


def _project_class_call(value: ast.AST, context: ModuleContext) -> bool:
    """`Model.get(...)`, `Model.objects.get(...)`, `Model(...)` of a class of the module or the
    project (a capitalised name): its answer is an instance whose fields the class declares."""
    if not isinstance(value, ast.Call):
        return False
    head = value.func
    while isinstance(head, ast.Attribute):
        head = head.value
    if not (isinstance(head, ast.Name) and head.id[:1].isupper()):
        return False
    if head.id in context.module_bindings:
        return True
    name = context.call_name(value)
    top = (context.package or "").partition(".")[0]
    return bool(top) and name is not None and name.partition(".")[0] == top


def refuses_anyway(node: ast.Assert, function: Function | None) -> bool:
    """Whether every statement after the assert in the function's body refuses: returns
    `False`, `None` or a tuple led by either (with constants after it), or raises."""
    if function is None or node not in function.body:
        return False
    rest = function.body[function.body.index(node) + 1 :]
    return bool(rest) and all(_refuses(statement) for statement in rest)


def _refuses(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Raise | ast.Pass):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return True  # a comment written as a string
    if not isinstance(statement, ast.Return):
        return False
    value = statement.value
    if isinstance(value, ast.Tuple) and value.elts:
        first, others = value.elts[0], value.elts[1:]
        return _refusal(first) and all(isinstance(e, ast.Constant) for e in others)
    return value is None or _refusal(value)


def _refusal(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and (value.value is False or value.value is None)
