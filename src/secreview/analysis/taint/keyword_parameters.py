"""Which argument of a call each parameter of the callee receives, `**kwargs` kept as a dict.

A function taking `**kwargs` receives the keyword arguments it does not name as a dict keyed
by their names: `template(tpl, e=res, template_settings=dict(...))` gives `kwargs` the two keys,
and `kwargs.pop("template_settings", {})` is the second alone. Joined into one value, the
error `res` seemed to reach whatever the settings reach (bottle's error page read as template
injection). So the keywords are bound as the parts of a dict built at the call, as a dict
display is (`{"e": res, ...}`), and a mapping spread into the call (`f(**opts)`) adds its
parts, or its flows when its keys are unknown. A function whose `**kwargs` cannot be seen
(another module's summary) still receives them joined.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.values import Value, join

_SPREAD = "**"
"""The key under which the call's `**mapping` arguments are passed (`ExpressionRules.call`)."""


def parameter_values(
    parameters: tuple[str, ...],
    args: list[Value],
    kwargs: dict[str, Value],
    function: ast.AST | None = None,
) -> dict[int, Value]:
    """Parameter index -> the argument the call passes for it; with the callee's `function`
    node, the positional arguments past its own are its `*args` and the keywords it does not
    name a dict at its `**kwargs` parameter."""
    seen = isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
    arguments = function.args if seen else None  # type: ignore[union-attr]
    last = len(parameters) - 1
    collected = arguments is not None and arguments.kwarg is not None and last >= 0
    vararg = arguments.vararg.arg if arguments is not None and arguments.vararg else None
    extra = parameters.index(vararg) if vararg in parameters else last  # `*args`, if seen
    mapping: dict[int, Value] = {}
    for index, value in enumerate(args):
        if index < len(parameters) and (vararg is None or index < extra):
            mapping[index] = value
        elif parameters:
            mapping[extra] = join(mapping.get(extra), value)
    for name, value in kwargs.items():
        # `*args` is never filled by keyword, nor `**kwargs` itself: `f(kwargs=1)` is a key.
        own = collected and name == parameters[last]
        named = name in parameters and name != vararg and not own
        if named:
            mapping[parameters.index(name)] = value
        elif collected:
            mapping[last] = _collected(mapping.get(last), name, value)
        elif parameters:
            mapping[last] = join(mapping.get(last), value)
    return mapping


def _collected(held: Value | None, name: str, value: Value) -> Value:
    """The `**kwargs` dict with the keyword `name` (or a spread mapping's keys) added."""
    result = held if held is not None else Value(exact=True, shape="dict")
    if name != _SPREAD:
        return result.with_part(name, value)
    for key, part in value.parts.items():
        result = result.with_part(key, part)
    return result.with_flows(value.flows) if value.flows else result
