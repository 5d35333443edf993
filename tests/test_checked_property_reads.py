"""A condition checking two reads of `self` whose attributes are properties.

Reading a property runs a method of `self`, which may change what `self` holds, so the read of
the first property the condition checked is forgotten when the second is read. The guard then
had a checked read in hand that the environment no longer held, and summarising the module
raised (spiderfoot's `Target.getNames`: `self.targetType in [...] and self.targetValue...`).
"""

from __future__ import annotations

import ast
import textwrap

from secreview.analysis.taint.project import build_project_index

TARGET = textwrap.dedent(
    """
    class Target:
        def __init__(self, value, kind):
            self.targetValue = value
            self.targetType = kind

        @property
        def targetType(self):
            return self._targetType

        @targetType.setter
        def targetType(self, kind):
            self._targetType = kind

        @property
        def targetValue(self):
            return self._targetValue

        @targetValue.setter
        def targetValue(self, value):
            self._targetValue = value

        def names(self):
            found = []
            if self.targetType in ["A", "B"] and self.targetValue.lower() not in found:
                found.append(self.targetValue.lower())
            return found
    """
)


def test_a_check_of_two_property_reads_is_summarised() -> None:
    index = build_project_index({"pkg.target": ast.parse(TARGET)})
    names = index.summaries["pkg.target.Target.names"]
    assert [effect.parameter for effect in names.returns] == [0]  # `self`'s value, read back
