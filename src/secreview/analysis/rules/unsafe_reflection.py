"""CWE-470 by data flow: an attribute or method chosen by untrusted input (`unsafe-reflection`)."""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.context import LIBRARY_ORIGIN
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity

_GETATTR = frozenset({"getattr", "builtins.getattr"})
_ALWAYS_REACHING = frozenset({"operator.attrgetter", "operator.methodcaller"})
"""Look-ups that reach far by themselves: `attrgetter("a.b")` walks a dotted path and
`methodcaller(name)` calls what it finds."""


def _reported(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the name reaches something that matters.

    A name with a fixed start (`getattr(self, "do_" + command)`) reaches only the methods the
    author named for that use (`http.server`'s own dispatch). Reading one attribute whose value
    is then only compared or stored (`getattr(Permissions, name)` filtered by type) lets the
    sender pick among values, not run code, so a `getattr` is reported where what it finds is
    called (`getattr(self, action)()`, or a name bound to it and called) or fed back to the
    next `getattr` (`obj = getattr(obj, name)` over a dotted path, which step by step reaches
    `__init__.__globals__`), unless its type is tested before use. Under the `library` threat
    model a caller's name is the API's contract (a column, a hook to look up), so only such a
    walk is reported. A look-up inside a function the call reaches is not judged: its shape is
    not in this module's tree.
    """
    call = event.node
    if event.prefix or not isinstance(call, ast.Call):
        return False
    name = context.call_name(call)
    if len(call.args) > (name in _GETATTR) and _spelled_with_fixed_text(
        call.args[name in _GETATTR], context
    ):
        return False
    if name in _ALWAYS_REACHING:
        return event.flow.origin != LIBRARY_ORIGIN
    if name not in _GETATTR or not call.args:
        return False
    if _type_checked(call, context):
        return False
    walks = _walks_attributes(call, context)
    return walks or (event.flow.origin != LIBRARY_ORIGIN and _result_called(call, context))


def _type_checked(call: ast.Call, context: AnalysisContext) -> bool:
    """Whether what `call` finds is bound to a name the function tests the type of
    (`issubclass(cls, BaseException)`, `isinstance(handler, Command)`) before using it: the
    look-up then reaches only objects of that kind (Celery's fix for rebuilding a stored
    exception from its dotted type name)."""
    parent = context.parent(call)
    scope = context.enclosing_function(call)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1) or scope is None:
        return False
    bound = parent.targets[0]
    return isinstance(bound, ast.Name) and any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("issubclass", "isinstance")
        and node.args
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == bound.id
        for node in ast.walk(scope)
    )


def _spelled_with_fixed_text(name: ast.expr, context: AnalysisContext, depth: int = 0) -> bool:
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
                _spelled_with_fixed_text(value, context, depth + 1) for value in values
            )
    return False


def _has_text(node: ast.expr) -> bool:
    """Whether `node` is a string literal holding more than a placeholder (`"%s_%s"`)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return bool(node.value.replace("%s", "").replace("{}", ""))


def _walks_attributes(call: ast.Call, context: AnalysisContext) -> bool:
    """Whether `call` is `obj = getattr(obj, name)`: its result replaces the object it read."""
    assignment = context.parent(call)
    target = call.args[0]
    return (
        isinstance(assignment, ast.Assign)
        and isinstance(target, ast.Name)
        and any(isinstance(t, ast.Name) and t.id == target.id for t in assignment.targets)
    )


def _result_called(call: ast.Call, context: AnalysisContext) -> bool:
    """Whether what `call` finds is called: at once (`getattr(self, action)()`), or through the
    one name it is bound to, anywhere in the same function (`handler = getattr(...)`, then
    `handler(request)`)."""
    parent = context.parent(call)
    if isinstance(parent, ast.Call) and parent.func is call:
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1):
        return False
    bound = parent.targets[0]
    scope = context.enclosing_function(call)
    if not isinstance(bound, ast.Name) or scope is None:
        return False
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == bound.id
        for node in ast.walk(scope)
    )


unsafe_reflection = taint_rule(
    TaintSpec(
        "reflection",
        "the requester picks which attribute or method the code reaches.",
        reports=_reported,
    ),
    id="unsafe-reflection",
    name="Attribute or method chosen by untrusted input",
    cwe=470,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input names the attribute `getattr` reads or the method it calls.",
    fix="Map the allowed names to their attributes with a dict, or check the name against a "
    "fixed set before `getattr`; never let it start with `_`.",
    what_it_does="Follows untrusted data to the name argument of `getattr`, "
    "`operator.attrgetter` and `operator.methodcaller`.",
    why_bad="`getattr(obj, name)()` calls any public or private method of the object, and "
    "`__class__`/`__init__.__globals__` lead from there to the module's globals (CWE-470).",
    example="getattr(self, request.args['action'])()",
    use_instead="ACTIONS[request.args['action']]()  # ACTIONS = {'list': self.list, ...}",
    references=(
        "https://cwe.mitre.org/data/definitions/470.html",
        "https://docs.python.org/3/library/functions.html#getattr",
    ),
)
