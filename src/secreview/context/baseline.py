"""Baselines: accept today's findings so that only new ones are reported from now on.

A baseline records fingerprints with how often each occurs (two identical calls in one function
share a fingerprint); fingerprints hold no line number, so unrelated edits above a finding keep
it baselined, while a second copy of the same defect is still reported.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

from secreview import __version__
from secreview.findings import CheckedWeakness, Finding, ScanResult
from secreview.sources.sidefiles import (
    MIB,
    SideFileError,
    parse_json,
    read_side_text,
    shown,
    write_side_file,
)

BASELINE_VERSION = 1
BASELINED_KEY = "baselined"
BASELINE_MAX_BYTES = 16 * MIB
"""A baseline of 100,000 findings is about 15 MB; anything larger is refused unread."""


class BaselineError(Exception):
    """The baseline file cannot be read; the message names it and says why."""


def baseline_document(result: ScanResult) -> dict[str, object]:
    """The baseline of a scan: each fingerprint with its count, rule and path (for people)."""
    counts: Counter[str] = Counter()
    described: dict[str, dict[str, object]] = {}
    for finding in result.findings:
        counts[finding.fingerprint] += 1
        described.setdefault(
            finding.fingerprint, {"rule_id": finding.rule_id, "path": finding.location.path}
        )
    return {
        "version": BASELINE_VERSION,
        "tool": {"name": "secreview", "version": __version__},
        "findings": {
            fingerprint: {**described[fingerprint], "count": counts[fingerprint]}
            for fingerprint in sorted(counts)
        },
    }


def write_baseline(result: ScanResult, path: Path) -> int:
    """Write the baseline of `result` to `path`; the number of findings it records."""
    text = json.dumps(baseline_document(result), indent=2) + "\n"
    try:
        write_side_file(path, text, what="baseline")
    except SideFileError as error:
        raise BaselineError(str(error)) from None
    return len(result.findings)


def _count(entry: object, where: str) -> int:
    """How many findings of one recorded fingerprint are accepted (`count`, 1 when absent)."""
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} must be an object, not {_json_type(entry)}")
    for key in ("rule_id", "path"):
        if key in entry and not isinstance(entry[key], str):
            raise BaselineError(f"{where}.{key} must be a string, not {_json_type(entry[key])}")
    count = entry.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise BaselineError(f"{where}.count must be a positive integer, not {count!r:.40}")
    return count


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "null")


def read_baseline(path: Path) -> Counter[str]:
    """Fingerprint -> how many findings with it are accepted.

    Every way the file can be unusable (unreadable, not JSON, another shape than
    `baseline_document` writes) is a BaselineError naming the file and, for a wrong shape, the
    first wrong key.
    """
    recreate = "; recreate it with `secreview baseline create`"
    try:
        text = read_side_text(path, what="baseline", max_bytes=BASELINE_MAX_BYTES)
    except SideFileError as error:
        raise BaselineError(str(error)) from None
    try:
        document = parse_json(text, path=path, what="baseline")
    except SideFileError as error:
        raise BaselineError(f"{error}{recreate}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"{shown(path)}: is not a secreview baseline (an object with version "
            f"{BASELINE_VERSION}){recreate}"
        )
    findings = document.get("findings")
    if not isinstance(findings, dict):
        raise BaselineError(
            f"{shown(path)}: is not a secreview baseline (`findings` must be an object of "
            f"fingerprints, not {_json_type(findings)}){recreate}"
        )
    accepted: Counter[str] = Counter()
    for fingerprint, entry in findings.items():
        accepted[fingerprint] = _count(entry, f"{shown(path)}: findings[{fingerprint!r:.60}]")
    return accepted


def apply_baseline(result: ScanResult, accepted: Counter[str]) -> ScanResult:
    """`result` without the baselined findings, counting them in `extra['baselined']`.

    When a fingerprint occurs more often than the baseline accepts, the last occurrences in the
    file are the ones reported (new code is more often added below old code than above it).
    """
    remaining = Counter(accepted)
    hidden = 0
    files = []
    for report in result.files:
        kept: list[Finding] = []
        ordered = sorted(report.findings, key=Finding.sort_key)
        for finding in ordered:
            if remaining[finding.fingerprint] > 0:
                remaining[finding.fingerprint] -= 1
                hidden += 1
            else:
                kept.append(finding)
        files.append(report._replace(findings=tuple(kept)))
    found = Counter(f.cwe for r in files for f in r.findings if not f.is_note)
    return dataclasses.replace(
        result,
        files=tuple(files),
        checked=tuple(
            CheckedWeakness(c.cwe, found.get(c.cwe, 0), c.hidden) for c in result.checked
        ),
        extra={**result.extra, BASELINED_KEY: hidden},
    )
