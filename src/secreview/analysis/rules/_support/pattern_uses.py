"""Where a compiled regular expression is used, and the text each use matches.

A backtracking pattern costs time on the text it is matched against, and `re.compile` does not
see that text. The pattern object is usually kept in a module constant (`WORDS = re.compile(...)`),
a local variable, a class attribute (`_words = re.compile(...)` in the class body, used as
`self._words`), or an attribute of the instance (`self._words = re.compile(...)` in `__init__`)
and used elsewhere as `WORDS.match(text)`; these are found here, syntactically, so the rule can ask
where each `text` comes from. A pattern stored anywhere else (a dict, another object, returned to
a caller) has uses this cannot see: None.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import NamedTuple

from secreview.index.context import ModuleContext

TEXT_POSITIONS = {
    "match": 0,
    "search": 0,
    "fullmatch": 0,
    "findall": 0,
    "finditer": 0,
    "split": 0,
    "scanner": 0,
    "sub": 1,
    "subn": 1,
}
"""`re.Pattern` method -> position of the text it matches."""


class PatternUse(NamedTuple):
    """One `pattern.method(text)` call on a compiled pattern, and its text argument."""

    call: ast.Call
    text: ast.expr


def _text_of(call: ast.Call, method: str) -> ast.expr | None:
    return ModuleContext.argument(call, TEXT_POSITIONS[method], "string")


def _uses_in(
    context: ModuleContext, scope: ast.AST, is_pattern: Callable[[ast.AST], bool]
) -> list[PatternUse] | None:
    """Method calls on the pattern inside `scope`; None if the pattern is used in another way
    (passed on, stored, returned), since those uses cannot be followed here."""
    uses: list[PatternUse] = []
    for node in ast.walk(scope):
        if not is_pattern(node):
            continue
        holder = context.parent(node)
        if isinstance(holder, ast.Attribute) and holder.attr in TEXT_POSITIONS:
            call = context.parent(holder)
            if isinstance(call, ast.Call) and call.func is holder:
                text = _text_of(call, holder.attr)
                if text is not None:
                    uses.append(PatternUse(call, text))
                continue
        if isinstance(holder, ast.Attribute) and holder.attr in ("pattern", "flags", "groups"):
            continue  # reads the pattern's own properties
        if _is_store(node):
            continue
        return None
    return uses


def _is_store(node: ast.AST) -> bool:
    return isinstance(getattr(node, "ctx", None), ast.Store)


def _class_attribute_uses(
    context: ModuleContext, owner: ast.ClassDef, name: str
) -> list[PatternUse] | None:
    """Uses of a pattern kept in a class attribute (`_coding_re = re.compile(...)` in the class
    body): `self.<name>`, `cls.<name>` or `<Class>.<name>` inside the class; a bare `<name>`
    there is another use this cannot follow."""

    def is_pattern(node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id == name
        return (
            isinstance(node, ast.Attribute)
            and node.attr == name
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls", owner.name)
        )

    return _uses_in(context, owner, is_pattern)


def pattern_uses(context: ModuleContext, compiled: ast.Call) -> list[PatternUse] | None:
    """The uses of the pattern `compiled` makes, when it is bound to a name of the module or
    function, to an attribute in a class body, or to `self.<name>` in a method; None when its
    uses cannot all be seen."""
    statement = context.parent(compiled)
    if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is not compiled:
        return None
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    if len(targets) != 1:
        return None
    target = targets[0]
    function = context.enclosing_function(compiled)
    owner = context.parent(statement)
    if isinstance(target, ast.Name) and isinstance(owner, ast.ClassDef):
        return _class_attribute_uses(context, owner, target.id)
    if isinstance(target, ast.Name):
        scope: ast.AST = function if function is not None else context.tree
        name = target.id
        return _uses_in(context, scope, lambda n: isinstance(n, ast.Name) and n.id == name)
    if (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == "self"
        and function is not None
    ):
        owner = context.parent(function)
        if not isinstance(owner, ast.ClassDef):
            return None
        attribute = target.attr
        return _uses_in(
            context,
            owner,
            lambda n: (
                isinstance(n, ast.Attribute)
                and n.attr == attribute
                and isinstance(n.value, ast.Name)
                and n.value.id == "self"
            ),
        )
    return None
