"""The registry of rules: every module of this package contributes its `Rule` objects.

Modules are discovered, not listed, so a rule module cannot be written and forgotten. A module is
named after its rule or its topic (`tainted_sql.py`, `weak_ciphers.py`); what several rules share
lives in the `_support` package, which is skipped like every name starting with an underscore.
Only this package's own modules are imported; code under review is never imported.
"""

from __future__ import annotations

import importlib
import pkgutil

from secreview.analysis.rule import Rule


def _collect() -> tuple[Rule, ...]:
    found: dict[str, Rule] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, Rule):
                if value.id in found and found[value.id] is not value:
                    raise ValueError(f"two rules share the id {value.id!r}")
                found[value.id] = value
    return tuple(found[rule_id] for rule_id in sorted(found))


ALL_RULES: tuple[Rule, ...] = _collect()
RULES_BY_ID: dict[str, Rule] = {each.id: each for each in ALL_RULES}
