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

BASELINE_VERSION = 1
BASELINED_KEY = "baselined"


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
    path.write_text(json.dumps(baseline_document(result), indent=2) + "\n", encoding="utf-8")
    return len(result.findings)


def read_baseline(path: Path) -> Counter[str]:
    """Fingerprint -> how many findings with it are accepted."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot be read ({error.strerror or error})") from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}: is not JSON ({error}); recreate it") from None
    findings = document.get("findings") if isinstance(document, dict) else None
    if document.get("version") != BASELINE_VERSION or not isinstance(findings, dict):
        raise BaselineError(
            f"{path}: is not a secreview baseline (version {BASELINE_VERSION}); recreate it with "
            "`secreview baseline create`"
        )
    return Counter({str(fp): int(entry.get("count", 1)) for fp, entry in findings.items()})


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
        files.append(dataclasses.replace(report, findings=tuple(kept)))
    found = Counter(f.cwe for r in files for f in r.findings if not f.is_note)
    return dataclasses.replace(
        result,
        files=tuple(files),
        checked=tuple(CheckedWeakness(c.cwe, found.get(c.cwe, 0)) for c in result.checked),
        extra={**result.extra, BASELINED_KEY: hidden},
    )
