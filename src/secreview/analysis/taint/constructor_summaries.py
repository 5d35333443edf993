"""What a constructor leaves on `self`, as a summary can carry it to another module.

Inside its module a class's construction applies its `__init__`'s analysis directly, so the
object holds at each attribute what the constructor put there and nothing else
(`ObjectRules.construct`). Across modules the object was built from a summary that only knew
the parameters stored unchanged (`self.r = req`), and every other argument's data was taken to
be anywhere in the object: a project class built from one request field and read for its `id`
made the id injectable. These summaries say where each parameter's data lands, changed or not,
so both sides of a module boundary build the same object.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.results import FunctionResult
from secreview.analysis.taint.summaries import HANDED, FieldEffect, StoredParameter


def stored_parameters(result: FunctionResult) -> tuple[StoredParameter, ...]:
    """The parameters a method leaves on `self` unchanged (`semantics.substitute`)."""
    if not result.is_method or result.gave_up is not None:
        return ()
    stored = []
    for key, value in result.receiver_after.parts.items():
        for index, initial in enumerate(result.passed[1:], start=1):
            if value is initial and isinstance(key, str):
                stored.append(StoredParameter(key, index))
    return tuple(sorted(stored, key=lambda s: (s.attribute, s.parameter)))


def constructor_fields(result: FunctionResult) -> tuple[FieldEffect, ...] | None:
    """Where a method read to its end leaves each parameter's data on `self`
    (`ExternalSummary.fields`); for a constructor also the attributes it sets from no argument
    and the parameters it hands to a base class's method (`super().__init__(message)`, as
    fields named `HANDED`). None for a function, or when the method gives `self` itself away
    (`setattr(self, name, value)`, `self.__dict__`), or `self` took data as a whole or at a
    key that is no attribute: a summary cannot place those."""
    node = result.node
    if (
        not result.is_method
        or result.gave_up is not None
        or not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ):
        return None
    constructor = node.name == "__init__"
    receiver = result.receiver_after
    if not constructor and not receiver.parts:
        return ()  # stores nothing on `self`: no need to read the body (most methods)
    handed = _handed_to_bases(node, result.parameters)
    if handed is None or any(flow.parameter for flow in receiver.flows):
        return None
    found = {FieldEffect(HANDED, index) for index in handed} if constructor else set()
    for key, value in receiver.parts.items():
        if not isinstance(key, str):
            return None
        if constructor:
            found.add(FieldEffect(key, 0))  # set here: holds only what lands on it below
        for flow in value.all_flows():
            if flow.parameter:  # not `self` (0), nor a source read inside (None)
                within = tuple(k for k in flow.within if isinstance(k, str))
                if len(within) != len(flow.within):
                    within = ()  # a part no summary names: the whole parameter (coarser)
                found.add(FieldEffect(key, flow.parameter, flow.safe_for, within))
    return tuple(sorted(found, key=_field_order))


def _handed_to_bases(
    node: ast.FunctionDef | ast.AsyncFunctionDef, parameters: tuple[str, ...]
) -> set[int] | None:
    """The indices of the parameters the constructor passes to a method of its base classes
    (`super().__init__(message)`, `Base.__init__(self, message)`); None when it passes `self`
    to anything else or reads `self.__dict__`."""
    if not parameters:
        return None
    own = parameters[0]
    handed: set[int] = set()
    nodes = list(ast.walk(node))
    if any(isinstance(n, ast.Attribute) and n.attr == "__dict__" for n in nodes):
        return None
    for call in (n for n in nodes if isinstance(n, ast.Call)):
        func = call.func
        arguments = [*call.args, *(k.value for k in call.keywords)]
        to_base = isinstance(func, ast.Attribute) and (
            _is_super(func.value) or (func.attr == "__init__" and _names(arguments[:1], own))
        )
        if not to_base and _names(arguments, own):
            return None  # `setattr(self, ...)`, `register(self)`: anything may land anywhere
        if to_base:
            spelled = {n.id for a in arguments for n in ast.walk(a) if isinstance(n, ast.Name)}
            handed |= {i for i, name in enumerate(parameters) if i and name in spelled}
    return handed


def _is_super(node: ast.expr) -> bool:
    """Whether `node` is `super()` (or `super(Cls, self)`)."""
    func = node.func if isinstance(node, ast.Call) else None
    return isinstance(func, ast.Name) and func.id == "super"


def _names(arguments: list[ast.expr], name: str) -> bool:
    """Whether one of `arguments` is the bare name `name`."""
    return any(isinstance(a, ast.Name) and a.id == name for a in arguments)


def _field_order(field: FieldEffect) -> tuple[object, ...]:
    """An order of field effects that does not depend on the hash seed (a frozenset's repr
    does), so the summary is the same in every process."""
    return (field.attribute, field.parameter, field.within, sorted(field.safe_for))
