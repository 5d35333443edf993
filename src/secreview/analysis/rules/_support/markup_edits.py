"""Functions that add attributes to the tags of the markup they are handed.

A template filter such as `{{ field.label_tag|add_class:"control-label" }}` is written for
markup: it finds the tag in its value and writes an attribute into it, with
`html.replace(">", ' class="%s">' % css_class, 1)` or a regular expression substitution inside
`class="..."`. Its value is a rendered widget or tag by contract, so wrapping the edited markup in
`mark_safe` keeps markup markup: it is not where text becomes HTML. What decides it is what the
edit does, never the function's name:

* `text.replace(OLD, NEW)` where `OLD` is a piece of tag syntax (`>`, `/>`, `<input`) and the
  fixed text of `NEW` still holds `OLD` and adds an attribute (`name=`): the tag is kept and
  decorated;
* `pattern.sub(REPLACEMENT, text)` (or `re.sub`) whose pattern finds an attribute of a tag
  (`class=["']`), so it only matches inside markup.

Turning text into markup (`text.replace("\\n", "<br>")`), removing tags (`re.sub("<script.*?>",
"", text)`) or escaping some characters (`text.replace("<", "&lt;")`) is no such edit: the text
those functions are handed may be anyone's, and `mark_safe` of the result is still reported.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import string_pieces
from secreview.analysis.rules._support.local_bindings import (
    MAX_DEPTH,
    bindings_before,
    single_value,
)
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_TAG_SYNTAX = lazy_pattern(r"^\s*(?:/?>|<[A-Za-z][\w-]*)\s*$")
"""A `replace` search text that is a piece of a tag: its end (`>`, `/>`) or its start."""
_ATTRIBUTE = lazy_pattern(r"[A-Za-z][\w-]*\s*=")
"""An attribute written into a tag (`class=`)."""
_ATTRIBUTE_PATTERN = lazy_pattern(r"[A-Za-z][\w-]*\s*=\s*(?:\[\\?[\"']|\\?[\"'(])")
"""Regular expression text that finds a tag attribute and its opening quote (`class=["\\']`)."""
_TEXT_CALLS = frozenset(
    {"str", "django.utils.encoding.force_str", "django.utils.encoding.force_text"}
)
"""Calls that hand their argument on as text, unchanged for this purpose."""


def decorates_tags_of(context: ModuleContext, expr: ast.expr, parameter: str) -> bool:
    """Whether `expr` is the markup held by `parameter` (a parameter of the enclosing function)
    with attributes added to its tags, as the module docstring describes."""
    edit = single_value(context, expr)
    if not (isinstance(edit, ast.Call) and isinstance(edit.func, ast.Attribute)):
        return False
    method, receiver = edit.func.attr, edit.func.value
    if method == "replace" and len(edit.args) >= 2:
        return _holds(context, receiver, parameter) and _decorates(context, *edit.args[:2])
    if method == "sub" and len(edit.args) >= 2:
        if context.resolve(receiver) == "re":  # re.sub(pattern, replacement, text)
            if len(edit.args) < 3:
                return False
            pattern, subject = edit.args[0], edit.args[2]
        else:  # compiled.sub(replacement, text)
            pattern, subject = _compiled_pattern(context, receiver), edit.args[1]
        text = context.constant_value(pattern) if pattern is not None else None
        return (
            isinstance(text, str)
            and _ATTRIBUTE_PATTERN.search(text) is not None
            and _holds(context, subject, parameter)
        )
    return False


def _decorates(context: ModuleContext, old: ast.expr, new: ast.expr) -> bool:
    """`OLD` is tag syntax and `NEW` keeps it, adding an attribute."""
    searched = context.constant_value(old)
    if not (isinstance(searched, str) and _TAG_SYNTAX.match(searched)):
        return False
    written = "".join(p.text or "" for p in string_pieces(context, new))
    return searched.strip() in written and _ATTRIBUTE.search(written) is not None


def _compiled_pattern(context: ModuleContext, receiver: ast.expr) -> ast.expr | None:
    """The pattern argument of the `re.compile` call a module or local name is bound to."""
    compiled = single_value(context, receiver)
    if isinstance(compiled, ast.Name):
        compiled = context.module_constants.get(compiled.id, compiled)
    if isinstance(compiled, ast.Call) and context.call_name(compiled) == "re.compile":
        return ModuleContext.argument(compiled, 0, "pattern")
    return None


def _holds(context: ModuleContext, expr: ast.expr, parameter: str, depth: int = 0) -> bool:
    """Whether `expr` is `parameter` itself or its text (`html = str(value)`), through locals."""
    if depth > MAX_DEPTH:
        return False
    value = single_value(context, expr)
    if isinstance(value, ast.Name):
        bindings = bindings_before(context, value) or []
        return (
            value.id == parameter
            and bool(bindings)
            and all(isinstance(b.node, ast.arg) for b in bindings)
        )
    if isinstance(value, ast.Call) and context.call_name(value) in _TEXT_CALLS and value.args:
        return _holds(context, value.args[0], parameter, depth + 1)
    return False
