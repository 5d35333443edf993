"""Generated placeholder lists in `formatted-sql-query` (`rules.sql_injection`), judged by the
pattern alone: the data flow that can also clear them is not always at hand (a large project's
flows can stop short), so the shape itself must say the text holds no outside value."""

from __future__ import annotations

import ast

from secreview.analysis.rules.sql_injection import _is_placeholder_list
from secreview.index.context import ModuleContext


def _joined(expression: str) -> bool:
    """Whether the join written as `expression` (inside a function) is a placeholder list."""
    text = f"def f(ids, names):\n    marks = {expression}\n    return marks\n"
    context = ModuleContext(path="m.py", text=text, tree=ast.parse(text))
    value = next(n for n in ast.walk(context.tree) if isinstance(n, ast.Assign)).value
    return _is_placeholder_list(context, value)


def test_named_placeholders_numbered_by_range_or_enumerate_are_placeholders() -> None:
    assert _joined("', '.join([f':rid_{i}' for i in range(len(ids))])")
    assert _joined("', '.join(f':id{i}' for i in range(len(ids)))")
    assert _joined("', '.join(f'%(p{n})s' for n, _ in enumerate(names))")


def test_fixed_placeholders_are_still_placeholders() -> None:
    assert _joined("', '.join(['%s'] * len(ids))")
    assert _joined("','.join('?' for _ in ids)")


def test_values_of_the_loop_are_not_placeholders() -> None:
    assert not _joined("', '.join(f\"'{name}'\" for name in names)")
    assert not _joined("', '.join(f\"'{name}{i}'\" for i, name in enumerate(names))")
    assert not _joined("', '.join(f':{name}' for name in names)")
    assert not _joined("', '.join(f':p{i}' for i in ids)")
