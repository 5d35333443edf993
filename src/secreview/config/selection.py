"""Rule selection as Ruff does it: `select` and `ignore` lists of selectors, most specific wins.

A selector names rules in one of the ways a reviewer thinks of them:

- a rule id (`shell-command-injection`);
- a prefix of rule ids (`tainted-`, `weak-`); a full rule id is never also a prefix
  (`weak-hash` does not select `weak-hash-of-password`);
- a weakness, `CWE-78`: the rules reporting it or any weakness below it in CWE-1000, so a
  pillar (`CWE-707`) or a class (`CWE-74`, injection) selects a whole family;
- `ALL`.

When a `select` and an `ignore` selector both name a rule, the more specific one decides (a rule
id beats a prefix beats a weakness beats a weakness family beats ALL); on a tie, ignore wins. So
`select = ["CWE-707"]`, `ignore = ["tainted-sql"]` runs every injection rule but one, and
`ignore = ["CWE-693"]`, `select = ["weak-hash"]` keeps that one rule of the pillar.

Selection is applied in layers, configuration file first, then command line: a layer's `select`
starts again from its own selectors, a layer without one only takes its `ignore` away from what
the layer before enabled, and a layer's `extend-select` adds its rules to what the layer keeps.
Before the first layer, the rules on by default are enabled: a rule shipped off
(`Rule.default_enabled`) runs only when a `select` or `extend-select` names it, `ALL` included,
as Ruff's `ALL` selects rules outside its default set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import NamedTuple

from secreview.analysis.rules import ALL_RULES
from secreview.config.llm import LLM_REVIEW_RULE_ID
from secreview.cwe import UnknownCWEError, ancestors, lookup
from secreview.patterns import lazy_pattern

ALL = "ALL"
_CWE = lazy_pattern(r"(?i)cwe-?(\d+)")

_FAMILY, _WEAKNESS, _PREFIX, _RULE = 1, 2, 3, 4
"""Specificity of a selector's match (ALL is 0): the larger number decides."""


class SelectorError(ValueError):
    """A selector that names no rule; the message says which and suggests the nearest."""


class SelectionLayer(NamedTuple):
    """One source of selection (the configuration file, or the command line)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()


def specificity(selector: str, rule_id: str, rule_cwe: int) -> int | None:
    """How specifically `selector` names the rule (higher: more), or None when it does not."""
    if selector.upper() == ALL:
        return 0
    if selector == rule_id:
        return _RULE
    if match := _CWE.fullmatch(selector):
        cwe = int(match[1])
        if cwe == rule_cwe:
            return _WEAKNESS
        return _FAMILY if cwe in ancestors(rule_cwe) else None
    if selector in _rule_ids():
        return None  # a rule id names that rule only, never the rules whose ids it begins
    return _PREFIX if rule_id.startswith(selector) else None


@cache
def _rule_ids() -> frozenset[str]:
    return frozenset(r.id for r in ALL_RULES)


def check_selector(
    selector: str, rule_ids: Iterable[str] | None = None, *, any_weakness: bool = False
) -> str:
    """`selector` when it names at least one rule, else SelectorError with a suggestion.

    With `any_weakness` (an `--llm` run, whose findings may have any CWE), a CWE id names
    something when the catalog knows it, whether or not a rule reports it."""
    if selector == LLM_REVIEW_RULE_ID:  # the LLM stage's findings, selected as a rule's are
        return selector
    rules = [(r.id, r.cwe) for r in ALL_RULES if rule_ids is None or r.id in rule_ids]
    if any(specificity(selector, rule_id, cwe) is not None for rule_id, cwe in rules):
        return selector
    if match := _CWE.fullmatch(selector):
        try:
            name = lookup(int(match[1])).name
        except UnknownCWEError:
            raise SelectorError(f"{selector!r} is not a CWE id in the catalog") from None
        if any_weakness:
            return selector
        raise SelectorError(
            f"{selector!r} ({name}) is a weakness no secreview rule reports; "
            "`secreview rules` lists what each rule reports"
        )
    import difflib  # on this error path only: difflib is not worth loading at start-up

    close = difflib.get_close_matches(selector, [rule_id for rule_id, _ in rules], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; `secreview rules` lists them"
    raise SelectorError(f"{selector!r} is not a rule id, a prefix of one, or a CWE id{hint}")


def matches_any(selectors: Sequence[str], rule_id: str, rule_cwe: int) -> int | None:
    """The highest specificity with which any of `selectors` names the rule, or None."""
    found = [specificity(s, rule_id, rule_cwe) for s in selectors]
    named = [level for level in found if level is not None]
    return max(named) if named else None


def _resolved(layer: SelectionLayer, rule_id: str, rule_cwe: int, enabled: bool) -> bool:
    ignored = matches_any(layer.ignore, rule_id, rule_cwe)
    extended = matches_any(layer.extend_select, rule_id, rule_cwe)
    if extended is not None and (ignored is None or extended > ignored):
        return True
    if not layer.select:
        return enabled and ignored is None
    selected = matches_any(layer.select, rule_id, rule_cwe)
    return selected is not None and (ignored is None or selected > ignored)


def is_selected_by(
    layers: Sequence[SelectionLayer], rule_id: str, cwe: int, *, default_enabled: bool = True
) -> bool:
    """Whether the layers, applied in order, leave a finding of `rule_id` and `cwe` enabled,
    starting from `default_enabled` (False for a rule off by default).

    The LLM stage's findings are selected so, one by one: each has the CWE the model named, so
    `ignore = ["CWE-693"]` or `select = ["CWE-707"]` applies to them as to a rule's."""
    enabled = default_enabled
    for layer in layers:
        enabled = _resolved(layer, rule_id, cwe, enabled)
    return enabled


def selected_rules(layers: Sequence[SelectionLayer]) -> frozenset[str]:
    """The ids of the rules the layers, applied in order, leave enabled."""
    return frozenset(
        r.id
        for r in ALL_RULES
        if is_selected_by(layers, r.id, r.cwe, default_enabled=r.default_enabled)
    )


def rules_named(selectors: Sequence[str]) -> frozenset[str]:
    """Every rule id one of `selectors` names (for per-file ignores)."""
    return frozenset(r.id for r in ALL_RULES if matches_any(selectors, r.id, r.cwe) is not None)
