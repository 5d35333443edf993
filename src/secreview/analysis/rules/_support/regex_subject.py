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


def _origin_of(context: ModuleContext, call: ast.Call, text: ast.expr) -> DataOrigin:
    """Where the text one call matches comes from; a configuration value nothing else traces is
    the operator's setting (`SETTING`)."""
    origin = data_origin(context, call, text)
    if origin.trust is Trust.UNTRACED and configuration_value(text):
        return SETTING
    return origin


def _danger_rank(origin: DataOrigin) -> int:
    if origin is SETTING or origin.trust is Trust.PROGRAM_MADE:
        return 3
    if origin.trust is Trust.UNTRUSTED:
        return 0 if origin.remote else 1
    return 2
