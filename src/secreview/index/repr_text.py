"""Text methods that write only `repr`s: `return f"<Link {self.href!r}>"`.

A class whose `__repr__` (and `__str__`, if it has one) builds its text from fixed text, the
`repr` of its values (`!r`, `%r`, `repr(x)`), numbers (`%d`, `id(self)`, `len(x)`) and the names
of classes (`type(self).__name__`) writes a line break held in a value as the two characters
`\\n`: formatted whole into a log line, an instance of it forges no entry, as a pydantic model
does (`model_text`). Anything else the method returns (a `%s` of a field, a call, a variable)
may be the value's own text.
"""

from __future__ import annotations

import ast
import string

from secreview.patterns import lazy_pattern

_REPR_CONVERSIONS = frozenset({ord("r"), ord("a")})
"""f-string conversions that write a value's `repr` (`!r`) or its ASCII `repr` (`!a`)."""

_PERCENT_FIELD = lazy_pattern(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(.)")
"""A `%` format field, its conversion character captured."""

_SAFE_PERCENT = frozenset("radiouxXeEfFgGc%")
"""`%` conversions that write a `repr`, a number or (`%c`) one character of a number."""

_NUMBER_CALLS = frozenset({"id", "len", "hex", "int", "hash"})
"""Builtins whose result, written as text, is a number."""

_NAME_ATTRIBUTES = frozenset({"__name__", "__qualname__", "__module__"})
"""Attributes naming code: a class's or a module's name holds no line break."""


def writes_only_reprs(cls: ast.ClassDef) -> bool:
    """Whether the class defines `__repr__`, and its `__repr__` and `__str__` return only text
    built of reprs, numbers and names (see the module docstring); `__str__ = __repr__` counts."""
    methods = {
        item.name: item
        for item in cls.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
        and item.name in ("__repr__", "__str__", "__format__")
    }
    if "__repr__" not in methods or "__format__" in methods:
        return False
    return all(_returns_only_reprs(method) for method in methods.values())


def _returns_only_reprs(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether every `return` of `function` (outside nested functions) returns such text."""
    returns = [n for n in _own_nodes(function) if isinstance(n, ast.Return)]
    return bool(returns) and all(r.value is not None and _reprs_only(r.value) for r in returns)


def _own_nodes(function: ast.AST) -> list[ast.AST]:
    """The nodes of `function`'s body, without those of functions and classes nested in it."""
    found: list[ast.AST] = []
    pending = list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        found.append(node)
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))
    return found


def _reprs_only(node: ast.expr) -> bool:
    """Whether `node` is text made only of fixed text, reprs, numbers and names of code."""
    match node:
        case ast.Constant(value=str()):
            return True
        case ast.JoinedStr(values=values):
            return all(_safe_field(v) for v in values if isinstance(v, ast.FormattedValue))
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            return _reprs_only(left) and _reprs_only(right)
        case ast.BinOp(op=ast.Mod(), left=ast.Constant(value=str() as template), right=right):
            return _percent_reprs_only(template, right)
        case ast.Call(func=ast.Name(id="repr")):
            return True
        case ast.Call(func=ast.Attribute(value=ast.Constant(value=str() as text), attr="format")):
            return _brace_reprs_only(text)
    return _names_or_numbers(node)


def _safe_field(field: ast.FormattedValue) -> bool:
    """Whether an f-string field writes a repr, a number or a name of code."""
    return field.conversion in _REPR_CONVERSIONS or _names_or_numbers(field.value)


def _percent_reprs_only(template: str, right: ast.expr) -> bool:
    """Whether `template % right` writes only reprs and numbers, a `%s` field only a name of
    code or a number (fields and a literal tuple's items paired in order)."""
    conversions = [c for c in _PERCENT_FIELD.findall(template) if c != "%"]
    items = right.elts if isinstance(right, ast.Tuple) else [right]
    if len(items) != len(conversions):
        return all(c in _SAFE_PERCENT for c in conversions)
    pairs = zip(conversions, items, strict=True)
    return all(c in _SAFE_PERCENT or _names_or_numbers(i) for c, i in pairs)


def _brace_reprs_only(template: str) -> bool:
    """Whether `template.format(...)` writes only reprs: every field converted with `!r`."""
    try:
        fields = [f for f in string.Formatter().parse(template) if f[1] is not None]
    except ValueError:
        return False
    return all(conversion in ("r", "a") for _, _, _, conversion in fields)


def _names_or_numbers(node: ast.expr) -> bool:
    """A name of code (`type(self).__name__`, `self.__class__.__name__`) or a number (`id(self)`,
    `len(self.items)`, a numeric constant)."""
    match node:
        case ast.Attribute(attr=attribute):
            return attribute in _NAME_ATTRIBUTES
        case ast.Call(func=ast.Name(id=name)):
            return name in _NUMBER_CALLS
        case ast.Constant(value=value):
            return isinstance(value, int | float) and not isinstance(value, bool)
    return False
