"""CWE-470 by data flow: an attribute or method chosen by untrusted input (`unsafe-reflection`)."""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.attribute_names import (
    checked_for_membership,
    chosen_by_sender,
    spelled_with_fixed_text,
)
from secreview.analysis.rules._support.built_strings import is_fixed
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
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
    called (`getattr(self, action)()`, or a name bound to it and called), a method of it is
    called with a value (`getattr(client, name).get(key)`: the sender picks whose `get` runs on
    it), or fed back to the
    next `getattr` (`obj = getattr(obj, name)` over a dotted path, which step by step reaches
    `__init__.__globals__`), unless its type is tested before use or the name was found in a
    container first. Under the `library` threat model a caller's name is the API's contract (a
    column, a hook, the dotted name a resolver imports: Pyramid's `DottedNameResolver`), so only
    a name parsed out of a document the library is handed counts (`chosen_by_sender`). A
    look-up inside a function the call reaches is not judged: its shape is not in this
    module's tree.
    """
    call = event.node
    if event.prefix or not isinstance(call, ast.Call):
        return False
    name = context.call_name(call)
    position = 1 if name in _GETATTR else 0  # of the attribute name
    if len(call.args) > position and spelled_with_fixed_text(call.args[position], context):
        return False
    if name in _ALWAYS_REACHING:
        return chosen_by_sender(event.flow, context)
    if name not in _GETATTR or len(call.args) < 2:
        return False
    if _type_checked(call, context) or checked_for_membership(call.args[1], call, context):
        return False
    if not chosen_by_sender(event.flow, context):
        return False
    return (
        _walks_attributes(call, context)
        or _result_called(call, context)
        or _method_of_result_called(call, context)
    )


def _bound_uses(call: ast.Call, context: AnalysisContext) -> tuple[str, list[ast.Call]]:
    """The one name `call`'s result is bound to (`handler = getattr(...)`) and the calls in the
    function naming it, as what they call or as their first argument (`handler(request)`,
    `issubclass(handler, Command)`); no name and no calls when it is not bound to one name."""
    parent = context.parent(call)
    scope = context.enclosing_function(call)
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1) or scope is None:
        return "", []
    bound = parent.targets[0]
    if not isinstance(bound, ast.Name):
        return "", []
    uses = [
        node
        for node in ast.walk(scope)
        if isinstance(node, ast.Call)
        and any(isinstance(n, ast.Name) and n.id == bound.id for n in (node.func, *node.args[:1]))
    ]
    return bound.id, uses


def _type_checked(call: ast.Call, context: AnalysisContext) -> bool:
    """Whether what `call` finds is tested for its type (`issubclass(cls, BaseException)`,
    `isinstance(handler, Command)`) before use: the look-up then reaches only objects of that
    kind (Celery's fix for rebuilding a stored exception from its dotted type name)."""
    bound, uses = _bound_uses(call, context)
    return any(
        isinstance(use.func, ast.Name)
        and use.func.id in ("issubclass", "isinstance")
        and isinstance(use.args[0], ast.Name)
        and use.args[0].id == bound
        for use in uses
    )


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
    bound, uses = _bound_uses(call, context)
    return any(isinstance(use.func, ast.Name) and use.func.id == bound for use in uses)


def _method_of_result_called(call: ast.Call, context: AnalysisContext) -> bool:
    """Whether a method of what `call` finds is called with a value not written in the source:
    at once (`getattr(client, name).get(key)`) or through the one name it is bound to
    (`record_type = getattr(...)`, then `record_type.get(key)`). The sender then picks whose
    method runs on the value: naming `headers` instead of a record type makes `get(key)` read the
    client's own headers, its bearer token among them. A method called with nothing or with
    constants only (`obj.getName()`, `upload.open()`) reads what the object offers, as an
    attribute read does, and is not counted."""
    parent = context.parent(call)
    if isinstance(parent, ast.Attribute):
        method_call = context.parent(parent)
        return (
            isinstance(method_call, ast.Call)
            and method_call.func is parent
            and _hands_a_value(method_call, context)
        )
    bound, _ = _bound_uses(call, context)
    scope = context.enclosing_function(call)
    return bool(bound) and any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == bound
        and _hands_a_value(node, context)
        for node in ast.walk(scope or context.tree)
    )


def _hands_a_value(method_call: ast.Call, context: AnalysisContext) -> bool:
    """Whether `method_call` passes an argument that is not written in the source."""
    arguments = [*method_call.args, *(k.value for k in method_call.keywords)]
    return any(not is_fixed(context, argument) for argument in arguments)


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
    "`operator.attrgetter` and `operator.methodcaller`; a `getattr` is reported where what it "
    "finds is called, a method of it is called with a value not written in the source "
    "(`getattr(client, name).get(key)`), or it is fed "
    "to the next `getattr`.",
    why_bad="`getattr(obj, name)()` calls any public or private method of the object, and "
    "`__class__`/`__init__.__globals__` lead from there to the module's globals (CWE-470).",
    example="getattr(self, request.args['action'])()",
    use_instead="ACTIONS[request.args['action']]()  # ACTIONS = {'list': self.list, ...}",
    references=(
        "https://cwe.mitre.org/data/definitions/470.html",
        "https://docs.python.org/3/library/functions.html#getattr",
    ),
)
