"""What a regular expression's match hands back: its groups, each holding only what it can match.

`re.match(r"^([ \\t]*)", line).group(1)` is the line's left margin, spaces and tabs whatever the
line held; `re.match(r"\\"\\"\\"|'''", text).group(0)` is one of two quotes. A match object is
kept as a value whose parts are its groups (0 the whole match), each made safe for the sink kinds
none of whose dangerous characters its group can capture (`matched_alphabets.group_alphabets`);
a group that can capture any other character keeps the text's taint as it was (Mako's
`adjust_whitespace` compiling the margin and the quote it found into its next patterns).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.analysis.taint.alphabets import kinds_safe_for
from secreview.analysis.taint.matched_alphabets import finite_groups, group_alphabets
from secreview.analysis.taint.values import CLEAN, Value
from secreview.index.context import ModuleContext

MATCHERS = frozenset(
    {"re.match", "re.search", "re.fullmatch", "regex.match", "regex.search", "regex.fullmatch"}
)
"""Functions that match a pattern (their first argument) against text (their second)."""
MATCH_METHODS = frozenset({"match", "search", "fullmatch"})
"""Methods of a compiled pattern that match it against their first argument."""


_COMPILERS = ("re.compile", "regex.compile")


def compiled_pattern(
    expression: ast.expr,
    context: ModuleContext,
    qualified: Callable[[ast.AST], str | None],
    owner: ast.ClassDef | None,
) -> object:
    """The pattern text of a constant compiled once: a module's (`SAFE = re.compile(r"...")`),
    or one a class body binds once, read through `self`, `cls` or the class's name inside its
    methods (`self.REC_CYCLE_QUERY_OP.match(cycle)`, `owner` the method's class)."""
    bound: ast.expr | None = None
    if isinstance(expression, ast.Name):
        bound = context.module_constants.get(expression.id)
    elif (
        isinstance(expression, ast.Attribute)
        and isinstance(expression.value, ast.Name)
        and owner is not None
        and expression.value.id in ("self", "cls", owner.name)
    ):
        bound = _class_constant(owner, expression.attr)
    if isinstance(bound, ast.Call) and qualified(bound.func) in _COMPILERS and bound.args:
        return context.constant_value(bound.args[0])
    return None


def _class_constant(owner: ast.ClassDef, name: str) -> ast.expr | None:
    """The value the class body binds `name` to, when it binds it exactly once."""
    values = [
        statement.value
        for statement in owner.body
        if isinstance(statement, ast.Assign | ast.AnnAssign)
        and statement.value is not None
        and _bound_names(statement) == [name]
    ]
    return values[0] if len(values) == 1 else None


def _bound_names(statement: ast.Assign | ast.AnnAssign) -> list[str]:
    """The plain names an assignment binds (`A = B = ...` binds two)."""
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return [target.id for target in targets if isinstance(target, ast.Name)]


def is_match_call(call: ast.Call) -> bool:
    """`re.fullmatch(...)`, `PATTERN.match(...)`: a call whose result is a match object or None."""
    return isinstance(call.func, ast.Attribute) and call.func.attr in MATCH_METHODS


_NOTE = "a group of a fixed pattern: only the characters it can match"


def match_object(node: ast.expr, pattern: object, text: Value) -> Value:
    """The value of a match of the constant `pattern` against `text`: the text's taint, with
    each group that can capture only some characters as a part safe for what they allow."""
    flows = text.all_flows()
    if not flows:
        return CLEAN
    count, enumerated = finite_groups(pattern)
    value = Value(flows=flows, parts={group: Value(flows=flows) for group in range(count + 1)})
    for group, alphabet in sorted(group_alphabets(pattern).items()):
        kinds = kinds_safe_for(alphabet, ())
        if kinds is None:
            value = value.with_part(group, CLEAN)
        elif kinds:
            part = Value(flows=flows).mapped(lambda f, k=kinds: f.then(node, _NOTE).sanitised(k))
            value = value.with_part(group, part)
    for group, strings in sorted(enumerated.items()):
        value = value.with_part(group, Value(choices=strings))  # one of the pattern's strings
    return value


def group_of(receiver: Value, method: str, args: list[Value]) -> Value | None:
    """`m.group(n)` (or `m.group()`) of a match object `match_object` built, and `m.groups()`,
    the tuple of groups 1 to n; None for any other call."""
    if method == "groups" and not args and receiver.parts:
        groups = [receiver.parts[g] for g in sorted(receiver.parts) if isinstance(g, int) and g]
        return Value(parts=dict(enumerate(groups)), exact=True, shape="tuple")
    if method != "group" or len(args) > 1 or not receiver.parts:
        return None
    key = args[0].const if args else 0
    if not isinstance(key, int) or isinstance(key, bool) or key not in receiver.parts:
        return None
    return receiver.parts[key]
