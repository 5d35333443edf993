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
for a module function, `Name(...)` for a class whose `__init__` compiles its argument, as
Markdown's inline patterns do: `MacroPattern(MACRO_RE, md)`). The helper may splice its parameter
into fixed text (`re.compile(r"^(.*?)%s(.*)$" % pattern)`, `"(?:" + pattern + ")"`, an f-string):
the pattern judged is then that text with the constant in place. Each is returned with its
call, where a finding belongs since that is the text to change, and with the flags that call
gives (its argument for the parameter the helper passes as flags, else that parameter's
default), so a VERBOSE pattern is read as one.

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
    class for a method, `Class(...)` anywhere in the module for a class's `__init__`,
    `name(...)` for a module-level function."""
    scope = context.parent(function)
    if is_method and not isinstance(scope, ast.ClassDef):
        return []
    if not is_method and not isinstance(scope, ast.Module):
        return []
    constructor = scope.name if is_method and function.name == "__init__" else None
    found: list[ast.Call] = []
    for node in ast.walk(context.tree if constructor else scope):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func
        if constructor:
            if isinstance(callee, ast.Name) and callee.id == constructor:
                found.append(node)
        elif is_method:
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


def _spliced_parameter(context: ModuleContext, pattern: ast.expr) -> tuple[str, ast.expr] | None:
    """The parameter name a helper's pattern argument is made of, with the expression: the
    parameter itself, or fixed text with it spliced in once (`"^(.*?)%s(.*)$" % pattern`,
    `"(?:" + pattern + ")"`, `f"^{pattern}$"`)."""
    if isinstance(pattern, ast.Name):
        return pattern.id, pattern
    names = [n for n in ast.walk(pattern) if isinstance(n, ast.Name)]
    if len(names) != 1 or _filled(context, pattern, names[0].id, "x") is None:
        return None
    return names[0].id, pattern


def _filled(context: ModuleContext, node: ast.expr, name: str, text: str) -> str | None:
    """The text of `node` when the parameter `name` holds `text`: fixed text and that one
    parameter joined by `%`, `+` or an f-string; None for any other shape."""
    match node:
        case ast.Name(id=found):
            return text if found == name else None
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            before = _filled(context, left, name, text)
            after = _filled(context, right, name, text)
            return None if before is None or after is None else before + after
        case ast.BinOp(op=ast.Mod(), left=left, right=ast.Name(id=found)) if found == name:
            template = context.constant_value(left)
            if not isinstance(template, str):
                return None
            rest = template.replace("%%", "")
            if rest.count("%") != 1 or "%s" not in rest:
                return None
            return template.replace("%%", "\x00").replace("%s", text).replace("\x00", "%")
        case ast.JoinedStr(values=values):
            parts = []
            for value in values:
                if isinstance(value, ast.FormattedValue):
                    if value.conversion != -1 or value.format_spec is not None:
                        return None
                    value = value.value
                part = _filled(context, value, name, text)
                if part is None:
                    return None
                parts.append(part)
            return "".join(parts)
    constant = context.constant_value(node)
    return constant if isinstance(constant, str) else None


def wrapped_patterns(
    context: ModuleContext,
    call: ast.Call,
    pattern: ast.expr | None,
    flags_of: Callable[[ast.Call], ast.expr | None],
    regex_calls: Callable[[ast.Call], bool],
) -> list[WrappedPattern] | None:
    """The constant patterns callers give the helper around `call`, None when `pattern` is not
    a parameter of the function around it (alone or spliced into fixed text). `flags_of` reads
    a regex call's flags argument and `regex_calls` tells the regex calls apart. When the
    helper has several regex calls on the parameter, only the one that passes a flags parameter
    (else the first) answers, so each pattern is judged once and with its flags."""
    function = context.enclosing_function(call)
    spliced = None if pattern is None else _spliced_parameter(context, pattern)
    if function is None or spliced is None:
        return None
    parameter, template = spliced
    names = _parameter_names(function)
    is_method = bool(names) and names[0] in ("self", "cls")
    offset = 1 if is_method else 0
    if parameter not in names[offset:] or rebinds(function, parameter):
        return None
    own = [
        node
        for node in ast.walk(function)
        if isinstance(node, ast.Call)
        and regex_calls(node)
        and (first := ModuleContext.argument(node, 0, "pattern")) is not None
        and (_spliced_parameter(context, first) or ("",))[0] == parameter
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
        given = ModuleContext.argument(site, names.index(parameter) - offset, parameter)
        text = context.constant_value(given)
        if not isinstance(template, ast.Name):  # spliced into fixed text: judge the whole
            text = _filled(context, template, parameter, text) if isinstance(text, str) else None
        if not isinstance(text, str | bytes):
            continue
        flags = flags_node
        if flags_parameter is not None:
            position = names.index(flags_parameter) - offset
            flags = ModuleContext.argument(site, position, flags_parameter)
            flags = _default(function, flags_parameter) if flags is None else flags
        found.append(WrappedPattern(site, text, flags))
    return found
