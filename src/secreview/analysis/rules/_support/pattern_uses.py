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

from secreview.index.children import walk
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


_MAX_HANDS = 2
"""How many helpers deep a pattern handed on as an argument is followed."""


def _uses_in(
    context: ModuleContext,
    scope: ast.AST,
    is_pattern: Callable[[ast.AST], bool],
    hands: int = _MAX_HANDS,
) -> list[PatternUse] | None:
    """Method calls on the pattern inside `scope`, and inside the helpers of this module it is
    handed to (`self.match_reg(self._coding_re)`: the uses of that parameter); None if the
    pattern is used in another way (stored, returned, handed to code this module does not
    define), since those uses cannot be followed here."""
    uses: list[PatternUse] = []
    for node in walk(scope):
        if not is_pattern(node):
            continue
        holder = context.parent(node)
        if isinstance(holder, ast.Call) and node in holder.args and hands > 0:
            handed = _handed_to(context, holder, holder.args.index(node))
            if handed is None:
                return None
            helper, parameter = handed
            inner = _uses_in(context, helper, _named(parameter), hands - 1)
            if inner is None:
                return None
            uses.extend(inner)
            continue
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


def _named(name: str) -> Callable[[ast.AST], bool]:
    return lambda node: isinstance(node, ast.Name) and node.id == name


def _handed_to(
    context: ModuleContext, call: ast.Call, position: int
) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef, str] | None:
    """The helper of this module a call hands its `position`-th argument to, and that
    parameter's name: a module function (`match_at(PATTERN)`) or a method of the enclosing
    class called on `self`; None for anything else or a `*args` parameter."""
    function = call.func
    if isinstance(function, ast.Name):
        body, skipped = context.tree.body, 0
    elif (
        isinstance(function, ast.Attribute)
        and isinstance(function.value, ast.Name)
        and function.value.id == "self"
    ):
        method = context.enclosing_function(call)
        owner = context.parent(method) if method is not None else None
        if not isinstance(owner, ast.ClassDef):
            return None
        body, skipped = owner.body, 1
    else:
        return None
    name = function.id if isinstance(function, ast.Name) else function.attr
    helpers = [
        node
        for node in body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name
    ]
    if len(helpers) != 1:
        return None  # not defined here, or defined twice: which one runs is not plain
    parameters = [*helpers[0].args.posonlyargs, *helpers[0].args.args][skipped:]
    if any(isinstance(argument, ast.Starred) for argument in call.args[: position + 1]):
        return None
    if position >= len(parameters):
        return None
    return helpers[0], parameters[position].arg


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
