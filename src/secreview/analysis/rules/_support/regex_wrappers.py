"""Patterns handed to a project's own regex helper (a lexer's `self.match(pattern, flags)`).

Lexers and parsers wrap the regex module in a small helper that compiles and tries whatever
pattern it is given at the current position:

    def match(self, regexp, flags=None):
        reg = re.compile(regexp, flags) if flags else re.compile(regexp)
        return reg.match(self.text, self.match_position)

    def match_tag_start(self):
        match = self.match(r'''\\<%(\\w+)((?:\\s+\\w+|".*?")*)\\s*(/)?>''', re.S)

The `re.compile` call sees only the parameter; the patterns are the constant arguments of the
helper's calls in this module (`self.match(...)` in the same class for a method, `match(...)`
for a module function). Each is returned with its call, where a finding belongs since that is the
text to change, and with the flags that call gives (its argument for the parameter the helper
passes as flags, else that parameter's default), so a VERBOSE pattern is read as one.

The helper hides where the text it matches comes from (a template, a document, a buffer the
lexer fills), so only exponential shapes are reported on its patterns: they hurt on a few dozen
characters of any text, while a polynomial one needs long text and is left to the direct calls,
where the text can be traced.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import NamedTuple

from secreview.index.context import ModuleContext
from secreview.index.facts import parameter_defaults, rebinds

_Function = ast.FunctionDef | ast.AsyncFunctionDef


class WrappedPattern(NamedTuple):
    """A constant pattern given to a helper: the helper's call, the text, the flags argument
    (None: no flags)."""

    site: ast.Call
    text: str | bytes
    flags: ast.expr | None


def _parameter_names(function: _Function) -> list[str]:
    arguments = function.args
    return [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]


def _default(function: _Function, name: str) -> ast.expr | None:
    """The default of a parameter, None when it has none or it is `None`."""
    for argument, default in parameter_defaults(function.args):
        if argument.arg == name:
            is_none = isinstance(default, ast.Constant) and default.value is None
            return None if is_none else default
    return None


def _sites(context: ModuleContext, function: _Function, is_method: bool) -> list[ast.Call]:
    """The calls of the helper this module shows: `self.name(...)`/`cls.name(...)` inside its
    class for a method, `name(...)` for a module-level function."""
    scope = context.parent(function)
    if is_method and not isinstance(scope, ast.ClassDef):
        return []
    if not is_method and not isinstance(scope, ast.Module):
        return []
    found: list[ast.Call] = []
    for node in ast.walk(scope):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        if is_method:
            if (
                isinstance(callee, ast.Attribute)
                and callee.attr == function.name
                and isinstance(callee.value, ast.Name)
                and callee.value.id in ("self", "cls")
            ):
                found.append(node)
        elif isinstance(callee, ast.Name) and callee.id == function.name:
            found.append(node)
    return found


def wrapped_patterns(
    context: ModuleContext,
    call: ast.Call,
    pattern: ast.expr | None,
    flags_of: Callable[[ast.Call], ast.expr | None],
    regex_calls: Callable[[ast.Call], bool],
) -> list[WrappedPattern] | None:
    """The constant patterns callers give the helper around `call`, None when `pattern` is not
    a parameter of the function around it. `flags_of` reads a regex call's flags argument and
    `regex_calls` tells the regex calls apart. When the helper has several regex calls on the
    parameter, only the one that passes a flags parameter (else the first) answers, so each
    pattern is judged once and with its flags."""
    function = context.enclosing_function(call)
    if function is None or not isinstance(pattern, ast.Name):
        return None
    names = _parameter_names(function)
    is_method = bool(names) and names[0] in ("self", "cls")
    offset = 1 if is_method else 0
    if pattern.id not in names[offset:] or rebinds(function, pattern.id):
        return None
    own = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and regex_calls(node)
        and isinstance(first := ModuleContext.argument(node, 0, "pattern"), ast.Name)
        and first.id == pattern.id
    ]
    with_flags = [n for n in own if isinstance(flags_of(n), ast.Name)]
    if (with_flags or own)[0] is not call:
        return []
    flags_node = flags_of(call)
    flags_parameter = (
        flags_node.id
        if isinstance(flags_node, ast.Name) and flags_node.id in names[offset:]
        else None
    )
    found: list[WrappedPattern] = []
    for site in _sites(context, function, is_method):
        if ModuleContext.has_star_arguments(site):
            continue
        given = ModuleContext.argument(site, names.index(pattern.id) - offset, pattern.id)
        text = context.constant_value(given)
        if not isinstance(text, str | bytes):
            continue
        flags = flags_node
        if flags_parameter is not None:
            position = names.index(flags_parameter) - offset
            flags = ModuleContext.argument(site, position, flags_parameter)
            flags = _default(function, flags_parameter) if flags is None else flags
        found.append(WrappedPattern(site, text, flags))
    return found
