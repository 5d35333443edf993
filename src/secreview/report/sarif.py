"""SARIF 2.1.0, the format GitHub code scanning and other SARIF viewers read.

GitHub reads more than the schema requires: `security-severity` and `precision` on each rule rank
and filter alerts, `external/cwe/cwe-N` tags group them by weakness, `partialFingerprints` keep an
alert's identity when the code around it moves, and `codeFlows` draw the path from source to sink.
GitHub takes the rule's score for every alert of the rule, so a rule's score is the highest
effective severity among this run's results of it, and each result carries its own score and a
matching `level`: a test-code note or a severity lowered in the configuration is never ranked
as the rule's default.
The output is checked against the OASIS schema shipped in tests/data/sarif-schema-2.1.0.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from urllib.parse import quote

from secreview import __version__
from secreview.analysis.rule import Rule
from secreview.cwe import lookup
from secreview.findings import Confidence, FileError, Finding, Location, ScanResult, Severity
from secreview.report.llm_marks import llm_properties

SARIF_VERSION = "2.1.0"
# The `id` of the OASIS-published schema (2.1.0 errata 01) that the tests validate against.
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "secreview"
INFORMATION_URI = "https://pypi.org/project/secreview/"
FINGERPRINT_KEY = "secreview/v1"
# GitHub resolves %SRCROOT% to the checkout, so relative paths land on the right file.
SOURCE_ROOT = "%SRCROOT%"
CWE_TAXONOMY = "CWE"
CWE_VERSION = "4.14"  # the MITRE release src/secreview/cwe/catalog.json was generated from

_LEVELS: Mapping[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
# One score inside each of GitHub's buckets (critical >= 9.0, high >= 7.0, medium >= 4.0, low).
_SECURITY_SEVERITY: Mapping[Severity, str] = {
    Severity.CRITICAL: "9.0",
    Severity.HIGH: "7.5",
    Severity.MEDIUM: "5.0",
    Severity.LOW: "3.0",
}

# Test-code notes are reported but never count: the bottom of GitHub's "low" bucket.
_NOTE_SECURITY_SEVERITY = "1.0"
_NOTE_LEVEL = "note"

JSONObject = dict[str, object]


def render_sarif(result: ScanResult, rules: Sequence[Rule]) -> str:
    """The scan as one SARIF log with one run, listing every rule that ran, in id order.

    A finding whose rule is not in `rules` still gets a (shorter) rule entry built from the
    finding itself, because every result must point at a rule by index.
    """
    findings = result.findings
    ran = {rule.id: rule for rule in rules}
    unlisted: dict[str, Finding] = {}
    for finding in findings:
        if finding.rule_id not in ran:
            unlisted.setdefault(finding.rule_id, finding)
    rule_ids = sorted(ran.keys() | unlisted.keys())
    rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
    cwes = sorted({rule.cwe for rule in ran.values()} | {finding.cwe for finding in findings})
    taxon_index = {cwe: index for index, cwe in enumerate(cwes)}
    effective = _effective_rule_severities(findings)
    descriptors = [
        _rule_descriptor(ran[rule_id], taxon_index, effective.get(rule_id))
        if rule_id in ran
        else _unlisted_rule_descriptor(unlisted[rule_id], taxon_index, effective[rule_id])
        for rule_id in rule_ids
    ]
    version = result.tool_version or __version__
    run: JSONObject = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": version,
                "semanticVersion": version,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
                "supportedTaxonomies": [{"name": CWE_TAXONOMY, "index": 0}],
            }
        },
        "taxonomies": [_cwe_taxonomy(cwes)],
        # Unreadable files are reported, not fatal: the scan itself still succeeded.
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(e) for e in result.errors],
            }
        ],
        "results": [_result(finding, rule_index[finding.rule_id]) for finding in findings],
    }
    log: JSONObject = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _pascal_case(rule_id: str) -> str:
    """'sql-injection' -> 'SqlInjection': SARIF rule names are identifiers, not sentences."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule_id))


def _effective_severity(finding: Finding) -> Severity:
    """What the finding counts as: its own (possibly configured) severity, or low for a note."""
    return Severity.LOW if finding.is_note else finding.severity


def _effective_rule_severities(findings: Sequence[Finding]) -> dict[str, Severity]:
    """Per rule, the highest effective severity among this run's results of it."""
    highest: dict[str, Severity] = {}
    for finding in findings:
        severity = _effective_severity(finding)
        highest[finding.rule_id] = max(severity, highest.get(finding.rule_id, severity))
    return highest


def _rule_descriptor(
    rule: Rule, taxon_index: Mapping[int, int], effective: Severity | None
) -> JSONObject:
    """A rule with its documentation, so GitHub can show the help beside every alert; rated
    by its results in this run when it has any, else by its default severity."""
    severity = rule.severity if effective is None else effective
    return {
        "id": rule.id,
        "name": _pascal_case(rule.id),
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": rule.summary},
        "help": _help(rule),
        "helpUri": _cwe_uri(rule.cwe),
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": _rule_properties(rule.cwe, severity, rule.confidence),
        "relationships": [_cwe_relationship(rule.cwe, taxon_index)],
    }


def _unlisted_rule_descriptor(
    finding: Finding, taxon_index: Mapping[int, int], severity: Severity
) -> JSONObject:
    """A rule entry for a finding whose rule was not passed in, described by its CWE (GitHub
    requires a full description and help text for every rule)."""
    weakness = lookup(finding.cwe)
    help_text = f"{weakness.label}: see {_cwe_uri(finding.cwe)}"
    return {
        "id": finding.rule_id,
        "name": _pascal_case(finding.rule_id),
        "shortDescription": {"text": weakness.label},
        "fullDescription": {"text": weakness.label},
        "help": {"text": help_text, "markdown": help_text},
        "helpUri": _cwe_uri(finding.cwe),
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": _rule_properties(finding.cwe, severity, finding.confidence),
        "relationships": [_cwe_relationship(finding.cwe, taxon_index)],
    }


def _rule_properties(cwe: int, severity: Severity, confidence: Confidence) -> JSONObject:
    """The property bag GitHub reads to tag, rank and filter alerts."""
    return {
        "tags": ["security", f"external/cwe/cwe-{cwe}"],
        "precision": confidence.label,
        "security-severity": _SECURITY_SEVERITY[severity],
    }


def _help(rule: Rule) -> dict[str, str]:
    """The rule's five documentation sections and its fix, as plain text and as Markdown."""
    doc = rule.doc
    sections = [  # (title, body, whether the body is Python code)
        ("What it does", doc.what_it_does, False),
        ("Why is this bad?", doc.why_bad, False),
        ("Example", doc.example, True),
        ("Use instead", doc.use_instead, True),
        ("Fix", rule.fix, False),
        ("References", "\n".join(f"- {reference}" for reference in doc.references), False),
    ]
    return {
        "text": "\n\n".join(
            f"{title}\n{_indented(body) if code else body}"
            for title, body, code in sections
            if body
        ),
        "markdown": "\n\n".join(
            f"## {title}\n\n{_code_block(body) if code else body}"
            for title, body, code in sections
            if body
        ),
    }


def _indented(code: str) -> str:
    """Code set off by four spaces, so plain-text help keeps it apart from prose."""
    return "\n".join(f"    {line}" if line else line for line in code.splitlines())


def _code_block(code: str) -> str:
    """A fenced Python block whose fence is longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}python\n{code}\n{fence}"


def _cwe_uri(cwe: int) -> str:
    """MITRE's page for the weakness."""
    return f"https://cwe.mitre.org/data/definitions/{cwe}.html"


def _cwe_relationship(cwe: int, taxon_index: Mapping[int, int]) -> JSONObject:
    """Link a rule to its CWE taxon; 'superset' as in the SARIF specification's CWE example."""
    return {
        "target": {
            "id": str(cwe),
            "index": taxon_index[cwe],
            "toolComponent": {"name": CWE_TAXONOMY, "index": 0},
        },
        "kinds": ["superset"],
    }


def _cwe_taxonomy(cwes: Sequence[int]) -> JSONObject:
    """The CWE entries this run refers to, with MITRE's official names."""
    return {
        "name": CWE_TAXONOMY,
        "version": CWE_VERSION,
        "organization": "MITRE",
        "informationUri": "https://cwe.mitre.org/",
        "taxa": [
            {"id": str(cwe), "name": lookup(cwe).name, "helpUri": _cwe_uri(cwe)} for cwe in cwes
        ],
    }


def _result(finding: Finding, rule_index: int) -> JSONObject:
    """One finding; its evidence becomes related locations and, when present, a code flow."""
    result: JSONObject = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        # Test-code findings are shown but must not fail a pull request's check.
        "level": _NOTE_LEVEL if finding.is_note else _LEVELS[finding.severity],
        "message": {"text": f"{finding.message} Fix: {finding.fix}"},
        "locations": [{"physicalLocation": _physical_location(finding.location)}],
    }
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if finding.evidence:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": _physical_location(step.location),
                "message": {"text": step.note},
            }
            for number, step in enumerate(finding.evidence, start=1)
        ]
        steps = [(step.location, step.note) for step in finding.evidence]
        steps.append((finding.location, finding.message))
        result["codeFlows"] = [
            {
                "threadFlows": [
                    {
                        "locations": [
                            {
                                "location": {
                                    "physicalLocation": _physical_location(location),
                                    "message": {"text": note},
                                }
                            }
                            for location, note in steps
                        ]
                    }
                ]
            }
        ]
    result["properties"] = {
        "tags": list(finding.tags),
        "security-severity": _NOTE_SECURITY_SEVERITY
        if finding.is_note
        else _SECURITY_SEVERITY[finding.severity],
        **llm_properties(finding),
    }
    return result


def _physical_location(location: Location) -> JSONObject:
    """File and region; SARIF columns are 1-based where ours (from `ast`) are 0-based."""
    region: JSONObject = {"startLine": location.line, "startColumn": location.column + 1}
    if location.end_line is not None:
        region["endLine"] = location.end_line
    if location.end_column is not None:
        region["endColumn"] = location.end_column + 1
    return {"artifactLocation": _artifact_location(location.path), "region": region}


def _artifact_location(path: str) -> JSONObject:
    """A URI for the file: relative to the source root, or a file URI for an absolute path.

    Paths are reported with forward slashes on every system, so a backslash is part of a name
    (`bad\\xff.py`, an escaped undecodable byte) and is percent-encoded, never made a folder.
    """
    posix = PurePosixPath(path)
    if posix.is_absolute():
        return {"uri": posix.as_uri()}
    return {"uri": quote(posix.as_posix(), safe="/"), "uriBaseId": SOURCE_ROOT}


def _notification(error: FileError) -> JSONObject:
    """A file that could not be reviewed, as an error notification pointing at the file."""
    return {
        "level": "error",
        "message": {"text": error.message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(error.path)}}],
    }
