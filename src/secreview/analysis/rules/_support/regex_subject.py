"""Where the text a regular expression is matched against comes from, and whether the pattern is
tried at the start of that text only (`regex-catastrophic-backtracking` rates its findings by
both: the cost of backtracking is paid on that text, by whoever chose it).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.configuration import configuration_value
from secreview.analysis.rules._support.data_origin import DataOrigin, Trust, data_origin
from secreview.analysis.rules._support.pattern_uses import pattern_uses
from secreview.index.context import ModuleContext

_FROM_START = frozenset({"match", "fullmatch"})
"""`re` functions and `re.Pattern` methods that try the pattern at the start of the text only."""


def matched_from_start(context: ModuleContext, call: ast.Call, function: str) -> bool:
    """Whether the pattern is only ever tried at the start of its text: a `re.match` or
    `re.fullmatch` call, or a compiled pattern whose every use this module shows is one."""
    if function != "compile":
        return function in _FROM_START
    uses = pattern_uses(context, call)
    return bool(uses) and all(
        isinstance(use.call.func, ast.Attribute) and use.call.func.attr in _FROM_START
        for use in uses or ()
    )


_UNSEEN_USES = DataOrigin(
    Trust.UNTRACED, "the compiled pattern is used where this module does not show"
)
SETTING = DataOrigin(Trust.UNTRUSTED, "a value of the program's configuration", operator=True)
"""Text read from the configuration (`self.cfg.statsd_prefix`): its operator writes it."""


def text_origin(context: ModuleContext, call: ast.Call, function: str) -> DataOrigin:
    """Where the text matched comes from: the call's own text argument, or the texts of every
    use of a compiled pattern, the most dangerous one deciding (untrusted input from the network,
    then the operator's, then untraced text); program-made only when every use is."""
    if function != "compile":
        subject = context.argument(call, 2 if function in ("sub", "subn") else 1, "string")
        if subject is None:
            return _UNSEEN_USES
        return _origin_of(context, call, subject)
    uses = pattern_uses(context, call)
    if not uses:
        return _UNSEEN_USES
    origins = [_origin_of(context, use.call, use.text) for use in uses]
    return min(origins, key=_danger_rank)


CAPPED = DataOrigin(Trust.UNTRACED, "text whose length is capped before the match")
"""Text the function refuses past a length first (`if len(value) > 100: return`): a polynomial
backtracking on it may stay short, as the rule's own advice says (`capped_length`, and the rule
weighs the cap against the pattern's loops); an exponential one does not."""
MAX_CAPPED_LENGTH = 1000
"""The longest cap read at all."""


def _origin_of(context: ModuleContext, call: ast.Call, text: ast.expr) -> DataOrigin:
    """Where the text one call matches comes from; a configuration value nothing else traces is
    the operator's setting (`SETTING`); text capped to a short length first is `CAPPED`."""
    if isinstance(text, ast.Name) and _cap_before(context, call, text.id):
        return CAPPED
    origin = data_origin(context, call, text)
    if origin.trust is Trust.UNTRACED and configuration_value(text):
        return SETTING
    return origin


def capped_length(context: ModuleContext, call: ast.Call, function: str) -> int:
    """The longest text any use of the pattern matches after a length cap (`_cap_before`), 0
    when none is capped; meaningful when `text_origin` says `CAPPED`."""
    if function != "compile":
        text = context.argument(call, 2 if function in ("sub", "subn") else 1, "string")
        uses = [(call, text)]
    else:
        uses = [(use.call, use.text) for use in pattern_uses(context, call) or ()]
    return max(
        (_cap_before(context, c, t.id) for c, t in uses if isinstance(t, ast.Name)), default=0
    )


def _cap_before(context: ModuleContext, call: ast.Call, name: str) -> int:
    """N, when an `if len(name) > N:` (or `>=`, or `N < len(name)`) with N at most
    `MAX_CAPPED_LENGTH`, whose body ends in `return`, `raise` or `continue`, comes before `call`
    in a block around it, with `name` not bound again on the way: in a statement between them,
    or later in a loop around the call that the check is outside of. An assignment in a branch
    the call is not in (`if a: name = ... elif PATTERN.search(name):`) does not reach it."""
    function = context.enclosing_function(call)
    child: ast.AST = call
    for parent in context.ancestors(call):
        block = _block_holding(parent, child)
        if block is not None:
            index = next(i for i, statement in enumerate(block) if statement is child)
            for statement in reversed(block[:index]):
                limit = _refused_past(context, statement, name)
                if limit:
                    return limit
                if _binds(statement, name):
                    return 0
            if _rebound_in_loop(parent, block, index, name):
                return 0
        if parent is function or function is None:
            return 0
        child = parent
    return 0


def _rebound_in_loop(parent: ast.AST, block: list[ast.stmt], index: int, name: str) -> bool:
    """Whether `parent` is a loop whose body `block` binds `name` after its statement `index`,
    or whose target is `name`: the next pass then matches a value the check did not see."""
    if not isinstance(parent, ast.For | ast.AsyncFor | ast.While) or block is not parent.body:
        return False
    if not isinstance(parent, ast.While) and _binds(parent.target, name):
        return True
    return any(_binds(statement, name) for statement in block[index + 1 :])


def _block_holding(parent: ast.AST, child: ast.AST) -> list[ast.stmt] | None:
    """The statement list of `parent` that holds `child`, if `child` is a statement of it."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(statement is child for statement in block):
            return block
    for handler in getattr(parent, "handlers", ()):
        if any(statement is child for statement in handler.body):
            return handler.body
    return None


def _refused_past(context: ModuleContext, test: ast.AST, name: str) -> int:
    """N of `if len(name) > N: ... return` (the branch that holds leaves), else 0."""
    if not isinstance(test, ast.If) or not test.body:
        return 0
    if not isinstance(test.body[-1], ast.Return | ast.Raise | ast.Continue):
        return 0
    match test.test:
        case ast.Compare(left=left, ops=[ast.Gt() | ast.GtE()], comparators=[right]):
            measured, bound = left, right
        case ast.Compare(left=left, ops=[ast.Lt() | ast.LtE()], comparators=[right]):
            measured, bound = right, left
        case _:
            return 0
    measures_name = (
        isinstance(measured, ast.Call)
        and isinstance(measured.func, ast.Name)
        and measured.func.id == "len"
        and len(measured.args) == 1
        and isinstance(measured.args[0], ast.Name)
        and measured.args[0].id == name
    )
    limit = context.constant_value(bound)
    if not measures_name or isinstance(limit, bool) or not isinstance(limit, int):
        return 0
    return limit if 0 < limit <= MAX_CAPPED_LENGTH else 0


def _binds(node: ast.AST, name: str) -> bool:
    """Whether `name` is assigned anywhere in `node`."""
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
        for n in ast.walk(node)
    )


def _danger_rank(origin: DataOrigin) -> int:
    if origin is SETTING or origin is CAPPED or origin.trust is Trust.PROGRAM_MADE:
        return 3
    if origin.trust is Trust.UNTRUSTED:
        return 0 if origin.remote else 1
    return 2
