"""Attribute names built with the author's own text: `getattr(self, "do_" + command)` and
`setattr(self, f"opt_{key}", value)` reach only attributes named for that use, whatever the
sender's part says (`unsafe-reflection`, `mass-assignment`). And under the `library` threat
model, a name a caller passes is the API's contract, but a key parsed out of a document the
caller hands over (`json.loads(state)`) is that document's data."""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.function_flow import expression_key
from secreview.analysis.taint.context import LIBRARY_ORIGIN
from secreview.analysis.taint.values import Flow
from secreview.index.context import ModuleContext

_DOCUMENT_PARSERS = frozenset(
    {"json.loads", "json.load", "simplejson.loads", "ujson.loads", "orjson.loads"}
    | {"yaml.safe_load", "yaml.load", "tomllib.loads", "tomllib.load", "toml.loads"}
)


def chosen_by_sender(flow: Flow, context: ModuleContext) -> bool:
    """Whether the sender of the data, not the code calling the library, chose the name: any
    flow but a public function's argument (the caller's contract: a column, a field), and
    an argument parsed as a document on the way (Mesop's state JSON, walked key by key)."""
    if flow.origin != LIBRARY_ORIGIN:
        return True
    return any(
        isinstance(node, ast.Call) and context.call_name(node) in _DOCUMENT_PARSERS
        for node, _ in flow.steps
    )


def spelled_with_fixed_text(name: ast.expr, context: ModuleContext, depth: int = 0) -> bool:
    """Whether the attribute name holds fixed text of the author's besides the input
    (`f"{command}_file"`, `"%s_%s" % (method, kind)`, a name every assignment in the function
    builds so): it reaches only attributes named for that use, as a fixed prefix does."""
    match name:
        case ast.JoinedStr(values=values):
            return any(isinstance(v, ast.Constant) and v.value for v in values)
        case ast.BinOp(op=ast.Add() | ast.Mod(), left=left, right=right):
            return _has_text(left) or (isinstance(name.op, ast.Add) and _has_text(right))
        case ast.Call(func=ast.Attribute(value=template, attr="format")):
            return _has_text(template)
        case ast.Name(id=variable) if depth == 0:
            scope = context.enclosing_function(name)
            values = [
                node.value
                for node in (ast.walk(scope) if scope is not None else ())
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
            ]
            return bool(values) and all(
                spelled_with_fixed_text(value, context, depth + 1) for value in values
            )
    return False


def _has_text(node: ast.expr) -> bool:
    """Whether `node` is a string literal holding more than a placeholder (`"%s_%s"`)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return bool(node.value.replace("%s", "").replace("{}", ""))


def checked_for_membership(name: ast.expr, call: ast.AST, context: ModuleContext) -> bool:
    """Whether `call` runs only where an enclosing `if` found the name in a container
    (`if request.method.lower() in self.http_method_names: getattr(self,
    request.method.lower())`): the same expression, spelled again, that the engine does not
    follow as a variable."""
    shown = expression_key(name)
    child: ast.AST = call
    for ancestor in context.ancestors(call):
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False  # the check of the function's own body, not of where it is defined
        if isinstance(ancestor, ast.If) and child in ancestor.body:
            for test in _conjuncts(ancestor.test):
                if (
                    isinstance(test, ast.Compare)
                    and isinstance(test.ops[0], ast.In)
                    and expression_key(test.left) == shown
                ):
                    return True
        child = ancestor
    return False


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    """The conditions that all hold where `test` does (`a and b`: both; `a or b`: neither)."""
    if isinstance(test, ast.BoolOp):
        return list(test.values) if isinstance(test.op, ast.And) else []
    return [test]
