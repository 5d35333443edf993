"""Size and speed of the HTML report on a large review: 5,000 files, 1,000 findings.

The result is synthesised (a real scan of that many files would measure the scanner, not the
report): 200 files of 300 lines each carry 5 findings with 3 evidence steps each, the other
4,800 files are clean. Printed: the page's bytes, the seconds to cut and mask the code view
and to render, and with --browser, how long chromium takes to load the page.

Usage: python benchmarks/html_size.py [--files N] [--findings N] [--browser] [-o report.html]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from secreview.analysis.rules import RULES_BY_ID
from secreview.findings import (
    CheckedWeakness,
    Confidence,
    EvidenceStep,
    FileReport,
    Finding,
    Location,
    ScanResult,
    Severity,
)
from secreview.report.html import render_html
from secreview.report.html.code import with_code

LINES_PER_FILE = 300
FINDINGS_PER_FILE = 5
RULES = ("tainted-command", "tainted-sql", "xss", "eval-injection", "hardcoded-password")


def source(index: int) -> str:
    """A file of plain assignments and calls, one per line, about 60 characters each."""
    return "".join(
        f"value_{index}_{line} = helper(request.args['field_{line}'], {line})  # step\n"
        for line in range(1, LINES_PER_FILE + 1)
    )


def synthetic_result(files: int, findings: int) -> tuple[ScanResult, dict[str, str]]:
    """`files` file reports, `findings` of them spread over the first files, and the sources."""
    with_findings = max(1, findings // FINDINGS_PER_FILE)
    reports, sources = [], {}
    severities, confidences = list(Severity), list(Confidence)
    for index in range(files):
        path = f"pkg{index % 50}/module_{index}.py"
        found: list[Finding] = []
        if index < with_findings:
            sources[path] = source(index)
            for number in range(FINDINGS_PER_FILE):
                sink = 40 + number * 50
                rule = RULES_BY_ID[RULES[number % len(RULES)]]
                found.append(
                    Finding(
                        rule_id=rule.id,
                        cwe=rule.cwe,
                        severity=severities[number % len(severities)],
                        confidence=confidences[number % len(confidences)],
                        location=Location(path, sink, 4, sink),
                        message=f"`request.args` (line {sink - 20}) reaches a sink.",
                        fix=rule.fix,
                        evidence=tuple(
                            EvidenceStep(Location(path, line), f"step at line {line}")
                            for line in (sink - 20, sink - 10, sink)
                        ),
                    )
                )
        reports.append(FileReport(path, tuple(found)))
    checked = tuple(CheckedWeakness(RULES_BY_ID[r].cwe, 0) for r in RULES)
    return ScanResult(tuple(reports), checked, rule_ids=RULES), sources


def browser_load_seconds(page: Path) -> float | None:
    """Seconds from navigation start to the load event in headless chromium (None: none here)."""
    driver_path = shutil.which("chromedriver")
    if driver_path is None:
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get(page.as_uri())
        milliseconds = driver.execute_script(
            "var t = performance.getEntriesByType('navigation')[0]; return t.loadEventEnd;"
        )
        return float(milliseconds) / 1000
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--findings", type=int, default=1000)
    parser.add_argument("--browser", action="store_true", help="also time chromium's load")
    parser.add_argument("-o", "--output", type=Path, help="keep the page here")
    options = parser.parse_args()
    result, sources = synthetic_result(options.files, options.findings)
    started = time.perf_counter()
    attached = with_code(result, sources.get)
    cut = time.perf_counter() - started
    started = time.perf_counter()
    page = render_html(attached, list(RULES_BY_ID.values()))
    rendered = time.perf_counter() - started
    size = len(page.encode("utf-8"))
    print(f"{options.files} files, {len(result.findings)} findings")
    print(f"page: {size:,} bytes ({size / len(result.findings):,.0f} per finding)")
    print(f"code view: {cut:.2f} s, render: {rendered:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        target = options.output or Path(folder) / "report.html"
        target.write_text(page, encoding="utf-8")
        if options.browser:
            seconds = browser_load_seconds(target)
            print("chromium load: " + ("not installed" if seconds is None else f"{seconds:.2f} s"))


if __name__ == "__main__":
    main()
