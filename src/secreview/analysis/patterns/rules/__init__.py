"""The registry of pattern rules: every module listed here contributes its `Rule` objects.

Adding a rule module means adding it to `_MODULES`; the registry collects every `Rule` the module
defines, so a rule cannot be written and forgotten.
"""

from __future__ import annotations

from types import ModuleType

from secreview.analysis.patterns.base import Rule
from secreview.analysis.patterns.rules import code_injection

_MODULES: tuple[ModuleType, ...] = (code_injection,)


def _collect(modules: tuple[ModuleType, ...]) -> tuple[Rule, ...]:
    found = {
        value.id: value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, Rule)
    }
    return tuple(found[rule_id] for rule_id in sorted(found))


ALL_RULES: tuple[Rule, ...] = _collect(_MODULES)
RULES_BY_ID: dict[str, Rule] = {each.id: each for each in ALL_RULES}
