"""CWE-79 by data flow: untrusted input written into HTML output (`xss`)."""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.markup_edits import decorates_tags_of
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext


def _not_decorated_markup(event: SinkEvent, context: AnalysisContext) -> bool:
    """False when the sink wraps the markup a parameter holds, with attributes added to its tags
    (`markup_edits`), and the flow starts at that parameter: the function is written for markup
    (a template filter given a rendered widget), not for text."""
    source = event.flow.steps[0][0]
    if not (isinstance(source, ast.arg) and isinstance(event.node, ast.Call)):
        return True
    wrapped = ModuleContext.argument(event.node, 0, "s")
    return wrapped is None or not decorates_tags_of(context, wrapped, source.arg)


xss = taint_rule(
    TaintSpec(
        "html",
        "markup in the input runs as script in other users' browsers.",
        reports=_not_decorated_markup,
    ),
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
    "`make_response`/`Response`/`HttpResponse` bodies (a dict or list given to Flask's "
    "`make_response` is JSON), `HTMLResponse`, strings returned by "
    "Flask, Bottle and CherryPy views (and FastAPI routes with an HTML response class) and "
    "what a Tornado handler writes (a dict is JSON; not after its own "
    "`set_header('Content-Type', ...)` of a type other than HTML). A Jinja2 template's "
    "rendered text counts unless its environment (or the template) autoescapes "
    "(`autoescape=True`, `select_autoescape(...)`) and its source marks no value `|safe` nor "
    "turns autoescaping off. A body returned by the formatter a table keyed by media type "
    "gives for the type the response declares (`formatters[ct](...)` served with "
    "`content_type=ct`) counts only when a formatter the module's tables file under a page's "
    "type returns its input unescaped. A project's own escaper counts when its code "
    "shows it: it keeps only an "
    'allow-list of characters (`c.isalnum()`, `c in " .,-"`) and writes every other one as '
    "fixed text such as a character reference (`&#%d;`), or `translate`s with a table of them. "
    "A function that adds an attribute to the tags of the markup its parameter holds, and marks "
    "the result safe, is written for markup (a template filter given a rendered widget, "
    "`mark_safe(html.replace('>', ' class=\"%s\">' % css, 1))`, or a regex substitution inside "
    '`class="..."`): its parameter is not reported there. Turning text into markup '
    "(`text.replace('\\n', '<br>')`), removing tags or escaping a few characters still is.",
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
