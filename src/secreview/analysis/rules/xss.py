"""CWE-79 by data flow: untrusted input written into HTML output (`xss`)."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

xss = taint_rule(
    TaintSpec("html", "markup in the input runs as script in other users' browsers."),
    id="xss",
    name="Cross-site scripting: untrusted input in HTML output",
    cwe=79,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input is written into an HTML response or template without escaping.",
    fix="Render through an autoescaping template (`render_template('page.html', name=name)`) "
    "or escape with `markupsafe.escape`/`html.escape`; never build templates or `Markup` from "
    "input.",
    what_it_does="Follows untrusted data to `render_template_string`, `Markup`, `mark_safe`, "
    "`make_response`/`Response`/`HttpResponse` bodies, `HTMLResponse` and strings returned by "
    "Flask views. A project's own escaper counts when its code shows it: it keeps only an "
    'allow-list of characters (`c.isalnum()`, `c in " .,-"`) and writes every other one as '
    "fixed text such as a character reference (`&#%d;`), or `translate`s with a table of them.",
    why_bad="`<script>` in the input runs in the victim's session: it can steal cookies and act "
    "as the user (CWE-79). A template built from input is also template injection.",
    example="return f\"<p>Hello {request.args['name']}</p>\"",
    use_instead="return f\"<p>Hello {escape(request.args['name'])}</p>\"",
    references=(
        "https://flask.palletsprojects.com/en/latest/security/#cross-site-scripting-xss",
        "https://docs.djangoproject.com/en/stable/topics/security/#cross-site-scripting-xss-protection",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
)
