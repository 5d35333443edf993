"""assert-for-security rates asserts whose message addresses the programmer as low confidence.

`assert ordering is not None, "no ordering attribute was declared on the pagination class"` fails
on a wrong class attribute, the same for every request: a programming contract, not a check that
an attacker's input can slip past. The same condition with a user-facing message, or none,
keeps its confidence. Where the checked value is also bound to the configuration in the function
(`ordering = self.ordering`, later perhaps replaced by what a filter chose from the request), such
an assert is a contract on that configuration and is not reported at all.
"""

from __future__ import annotations

import textwrap

from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source

SOURCE = """
from rest_framework.response import Response
def get_ordering(self, request, queryset, view):
    ordering = self.ordering
    ordering = view.filter.get_ordering(request, queryset, view)
    assert ordering is not None, (
        "Using cursor pagination, but no ordering attribute was declared "
        "on the pagination class."
    )
    assert "__" not in ordering, "Cursor pagination does not support double underscores."
    assert isinstance(ordering, str), "Expected a string, but got {}".format(type(ordering))
    assert "__" not in ordering, "bad ordering"
    assert "__" not in ordering
    assert request.user.is_staff, "staff attribute must be declared"
    assert request.user.is_staff, "only staff may list everything"
    return ordering
def get_limit(self, request):
    limit = int(request.GET["limit"])
    assert limit <= 100, "Pagination does not support more than 100 items per page."
    return limit
"""


def _by_line() -> dict[int, Finding]:
    report = review_source(textwrap.dedent(SOURCE), "views.py")
    assert report.error is None, report.error
    return {f.location.line: f for f in report.findings if f.rule_id == "assert-for-security"}


def test_messages_for_the_programmer_are_low_confidence() -> None:
    found = _by_line()
    assert [found[line].confidence for line in (14, 19)] == [Confidence.LOW] * 2


def test_contracts_on_configured_values_are_not_reported() -> None:
    found = _by_line()
    assert not {6, 10, 11} & found.keys()


def test_other_messages_keep_their_confidence() -> None:
    found = _by_line()
    assert found[12].confidence is Confidence.MEDIUM
    assert found[13].confidence is Confidence.MEDIUM
    assert found[15].confidence is Confidence.HIGH
