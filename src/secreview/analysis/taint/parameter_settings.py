"""Settings passed on from a parameter that keeps its constant default.

`def load_svg_file(path, resolve_entities=False): XMLParser(resolve_entities=resolve_entities)`
makes, for every caller that does not pass the setting, the parser its default asks for. The
models say what a call returns under a setting (`when = { resolve_entities = false }`), and a
parameter has no constant of its own, so such a call would be read as if the setting were
unknown. Reading it as the default judges the function as its callers get it by default; a
caller that passes another value chose it (the same reading the pattern rules give the setting,
`caller_arguments.unchanged_parameter_default`, over the same `index.facts` helpers). Separate
from the library calls because it reads the `def` line, not the call's values.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from secreview.analysis.taint.values import Value, constant
from secreview.index.context import UNKNOWN, ModuleContext
from secreview.index.facts import parameter_defaults, rebinds


def settings_with_defaults(
    function: ast.AST | None, call: ast.Call, kwargs: Mapping[str, Value], context: ModuleContext
) -> Mapping[str, Value]:
    """`kwargs`, with each keyword `call` passes on from a parameter of `function` (`x=x`) read
    as that parameter's constant default, when the value is not a constant and the function
    never rebinds the parameter."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return kwargs
    passed = {
        k.arg: k.value.id
        for k in call.keywords
        if k.arg in kwargs and isinstance(k.value, ast.Name) and not kwargs[k.arg].is_constant
    }
    if not passed:
        return kwargs
    defaults = _constant_defaults(function, context)
    settings = dict(kwargs)
    for keyword, name in passed.items():
        if name in defaults and not rebinds(function, name):
            settings[keyword] = constant(defaults[name])
    return settings


def _constant_defaults(
    function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext
) -> dict[str, object]:
    """Parameter name -> its default, for the parameters whose default is a constant."""
    found: dict[str, object] = {}
    for parameter, default in parameter_defaults(function.args):
        value = context.constant_value(default)
        if value is not UNKNOWN:
            found[parameter.arg] = value
    return found
