"""The review as one self-contained HTML page: open it from disk, offline, and send it on.

Styles, script and charts are inline and the page loads nothing: its Content-Security-Policy
allows no network and runs only the report's own script (by its hash), so even a string of the
reviewed code that escaped escaping could not run. Everything from the reviewed code is escaped
by the template (Jinja2 autoescaping); the data the script reads is JSON in a
`<script type="application/json">` element with `<`, `>`, `&` and the line separators escaped,
so no string can close that element. The script builds no HTML from strings: it only hides,
shows and highlights what the page already holds.

The code around findings comes from the `CodeView` the command attached (`code.with_code`).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources

import jinja2
from markupsafe import Markup

from secreview import __version__
from secreview.analysis.rule import Rule
from secreview.cwe import lookup
from secreview.findings import ScanResult
from secreview.report import NO_DEFECTS
from secreview.report.common import summary_sentence
from secreview.report.html import view
from secreview.report.html.chart import bar_chart
from secreview.review.model import review_info
from secreview.text import printable

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: object) -> str:
    """`value` as JSON that is safe inside a `<script>` element: no `</script>`, no `<!--`, and
    no raw line separators (which older JavaScript engines read as line ends)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "".join(_JSON_ESCAPES.get(char, char) for char in text)


@cache
def _asset(name: str) -> str:
    return resources.files("secreview.report.html").joinpath("assets", name).read_text("utf-8")


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _asset(name)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def script_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_html(result: ScanResult, rules: Sequence[Rule]) -> str:
    """The whole report; `rules` are those that ran (their documentation is appended for each
    rule that reported something)."""
    files, clean = view.file_views(result)
    resolved = view.resolved_cards(result)
    cards = [c for f in files for c in (*f.defects, *f.test_notes)] + resolved
    counts = view.counts_by(result.findings)
    per_file = Counter(f.location.path for f in result.findings if not f.is_note)
    anchors = {file.path: file.anchor for file in files}
    top_files = [
        (anchors[printable(path)], printable(path), count)
        for path, count in sorted(per_file.items(), key=lambda item: (-item[1], item[0]))[
            : view.TOP_FILES
        ]
    ]
    reported = {c.rule_id for c in cards}
    by_id = {rule.id: rule for rule in rules}
    script = _asset("report.js")
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            version=__version__,
            css=Markup(_asset("report.css")),
            script=Markup(script),
            script_hash=script_hash(script),
            data=Markup(script_json({"findings": [c.index_entry() for c in cards]})),
            review=_review_facts(result),
            verdict=view.verdict(result),
            summary=summary_sentence(result),
            severities=view.SEVERITY_LABELS,
            confidences=view.CONFIDENCE_LABELS,
            cwe_options=[
                (cwe, f"CWE-{cwe} {lookup(cwe).name}") for cwe in sorted({c.cwe for c in cards})
            ],
            rule_options=sorted(reported),
            total=len(cards),
            counts=counts,
            charts={
                key: bar_chart(rows, title, "sev-" if key == "severity" else "")
                for key, title, rows in (
                    ("severity", "Defects by severity", counts["severity"]),
                    ("pillar", "Defects by CWE-1000 pillar", counts["pillar"]),
                    ("cwe", "Defects by CWE", counts["cwe"]),
                )
            },
            top_files=top_files,
            checked=[(c.cwe, lookup(c.cwe).name, c.found, c.verdict()) for c in result.checked],
            files=files,
            resolved=resolved,
            clean=clean,
            no_defects=NO_DEFECTS,
            rules=view.rule_views([by_id[r] for r in sorted(reported) if r in by_id]),
            configuration=printable(result.configuration),
        )
    )


def _review_facts(result: ScanResult) -> dict[str, object] | None:
    """What the page header says about a review (None for a scan), printable."""
    review = review_info(result)
    if review is None:
        return None
    return {
        "base": printable(review.base),
        "head": printable(review.head),
        "configuration": printable(review.configuration),
        "context": review.context,
        "commit_message": "\n".join(map(printable, review.commit_message.split("\n")))
        if review.commit_message
        else None,
        "skipped": [(printable(s.path), printable(s.reason)) for s in review.skipped],
        "unreviewed": [(printable(s.path), printable(s.reason)) for s in review.project_unreviewed],
    }
