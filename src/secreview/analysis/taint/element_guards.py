"""Guards written over the elements of a collection with `any(...)` or `all(...)`.

`all(uid.isdigit() for uid in user_ids)` holds only when every element passes the check, which
is what a check of the collection's elements proves: the list of ids joined into
`"IN (%s)" % ",".join(user_ids)` holds digits and commas. The element check is read as the
guards read any test, with the collection's name in place of the loop name, and only what it
proves of that collection is kept: an empty collection makes `all` true without the test
running, so nothing it says of another variable holds. `any(ROOT in p.parents for ROOT in
BASES)` (one of several fixed folders) keeps only containment, which is proved of whichever
base held.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from secreview.analysis.taint import guard_helpers as helpers
from secreview.analysis.taint.guard_shapes import UNDER_BASE
from secreview.analysis.taint.host_guards import Guard, HostGuards
from secreview.analysis.taint.semantics import NORMALISED_PATH

_CONTAINMENT = frozenset({UNDER_BASE, NORMALISED_PATH})


class ElementGuards(HostGuards):
    """Guards from `any`/`all` over a generator (see the module docstring)."""

    if TYPE_CHECKING:  # defined by `GuardRules`, which the frame mixes in with this class

        def _guards(self, test: ast.expr, outcome: bool, depth: int) -> Iterator[Guard]: ...

    def _element_guards(self, test: ast.Call, which: str, depth: int) -> Iterator[Guard]:
        """What `any(...)`/`all(...)` holding proves (see the module docstring)."""
        if id(test) not in self.analysis.base_checks:
            read = helpers.check_over_bases if which == "any" else helpers.every_element_check
            self.analysis.base_checks[id(test)] = read(test)
        check = self.analysis.base_checks[id(test)]
        if check is None:
            return
        if which == "any":
            for name, kinds, value in self._guards(check, True, depth + 1):
                if value is None and UNDER_BASE in kinds and set(kinds) <= _CONTAINMENT:
                    yield name, kinds, None
            return
        iterated = helpers.iterated_name(test)
        for name, kinds, value in self._guards(check, True, depth + 1):
            if value is None and name == iterated:
                yield name, kinds, None
