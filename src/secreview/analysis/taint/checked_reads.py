"""Checks on a value read again instead of kept: the frame's side of `environments.py`.

A guard on a read (`is_safe_url(request.args.get("next"))`) names it by `checked_read`, which
remembers the read's node under its key; `apply_guard` cleans what `read_value` says the read
holds; `expr` answers a later read of the same spelling with `read_memo`, the value the guard
left on this path, and a method call that may change the read's object forgets its reads.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.environments import changed_root, forget_reads, read_key
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.values import Value


class CheckedReadRules(FrameState):
    """Reads a guard checked, remembered per path under their spelling."""

    def checked_read(self, node: ast.expr) -> str | None:
        """The key of a read a check tests (`request.args.get("next")`), which the same
        spelling reads again after the check; None for other expressions."""
        key = read_key(node)
        if key is not None:
            self.read_nodes.setdefault(key, node)
        return key

    def read_memo(self, node: ast.expr) -> Value | None:
        """The value a guard left for this read on this path, if any; a call that may change
        an object (`data.update(other)`) forgets the checked reads of it."""
        if self.env is None or not isinstance(node, ast.Call | ast.Subscript):
            return None
        key = read_key(node)
        if key is not None:
            return self.env.get(key)
        changed = changed_root(node)
        if changed is not None:
            forget_reads(self.env, changed)
        return None

    def read_value(self, key: str) -> Value:
        """What a checked read holds now: what a guard left for it, else the read itself."""
        if self.env is not None and key in self.env:
            return self.env[key]
        return self.expr(self.read_nodes[key])
