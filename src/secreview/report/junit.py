"""JUnit XML for CI dashboards (Jenkins, GitLab, Azure DevOps and others read it).

One test suite per file and one test case per finding, failed (a defect), skipped (a test-code
note) or in error (a file that could not be reviewed); a clean file is one passing case, so the
dashboard counts reviewed files too. No timestamps or durations: same input, same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from secreview.findings import FileReport, Finding, ScanResult
from secreview.report import no_defects_verdict
from secreview.report.common import files_in_order
from secreview.text import printable

SUITES_NAME = "secreview"


def _case(suite: ET.Element, path: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": path, "name": name})


def _finding_case(suite: ET.Element, finding: Finding) -> None:
    location = finding.location
    case = _case(suite, location.path, f"{finding.rule_id} line {location.line}")
    summary = f"CWE-{finding.cwe} {finding.cwe_name}: {finding.message}"
    if finding.is_note:
        ET.SubElement(case, "skipped", {"message": f"test code, not counted: {summary}"})
        return
    failure = ET.SubElement(case, "failure", {"message": summary, "type": finding.severity.label})
    steps = [f"{s.location.path}:{s.location.line} {s.note}" for s in finding.evidence]
    failure.text = "\n".join(
        [
            f"{location.path}:{location.line}:{location.column + 1}",
            summary,
            *steps,
            f"Fix: {finding.fix}",
        ]
    )


def _suite(report: FileReport, defects: list[Finding], notes: list[Finding]) -> ET.Element:
    suite = ET.Element("testsuite", {"name": report.path})
    if report.error is not None:
        case = _case(suite, report.path, "review")
        ET.SubElement(case, "error", {"message": report.error.message, "type": report.error.kind})
    for finding in [*defects, *notes]:
        _finding_case(suite, finding)
    if report.error is None and not defects and not notes:
        _case(suite, report.path, no_defects_verdict(report))
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    return suite


def render_junit(result: ScanResult) -> str:
    """The XML document, indented, newline-terminated."""
    root = ET.Element("testsuites", {"name": SUITES_NAME})
    for report, defects, notes in files_in_order(result):
        root.append(_suite(report, defects, notes))
    for total in ("tests", "failures", "errors", "skipped"):
        root.set(total, str(sum(int(suite.get(total, "0")) for suite in root)))
    for element in root.iter():  # names and code from the repository: nothing XML cannot hold
        element.attrib = {key: printable(value) for key, value in element.attrib.items()}
        if element.text:
            element.text = "\n".join(printable(line) for line in element.text.split("\n"))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
