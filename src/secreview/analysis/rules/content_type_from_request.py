"""CWE-79 by data flow: the requester chooses the content type of a response."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.media_types import renders_active
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity
from secreview.patterns import lazy_pattern

_FIXED_TYPE = lazy_pattern(r"\s*([\w.+-]+/[\w.+-]+)\s*;")
"""Fixed text that ends the media type before the data: `text/csv; charset={encoding}`."""


def _type_chosen_by_data(event: SinkEvent, _context: AnalysisContext) -> bool:
    """Whether the data may choose the media type itself: not when fixed text names the type
    and the data only fills its parameters (`f"text/csv; charset={imprt.encoding}"`), unless
    that type is a rendered document, whose charset the data could turn (`text/html`)."""
    fixed = _FIXED_TYPE.match(event.prefix)
    if fixed is None:
        return True
    return renders_active(fixed.group(1))


content_type_from_request = taint_rule(
    TaintSpec(
        "content-type",
        "a body served as `text/html` or `image/svg+xml` runs script the requester wrote "
        "in the application's origin.",
        reports=_type_chosen_by_data,
    ),
    id="content-type-from-request",
    name="Response content type chosen by untrusted input",
    cwe=79,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A response's content type (`send_file(..., mimetype=...)`, `Response(..., "
    "content_type=...)`) is taken from untrusted input.",
    fix="Pick the content type on the server: from a fixed mapping of allowed types, or guess it "
    "from the file (`mimetypes.guess_type`) and serve anything active as "
    "`application/octet-stream` with `Content-Disposition: attachment`.",
    what_it_does="Follows untrusted data to the `mimetype` of Flask/Werkzeug `send_file` and to "
    "the `mimetype`/`content_type`/`media_type` of a Flask, Werkzeug, Django, FastAPI, Starlette "
    "or aiohttp response, unless a check on the way held it to known values (membership in a "
    "fixed collection), the file is sent as a download (`as_attachment=True`), or fixed text "
    "names an inert media type and the data only fills its parameters (`text/csv; charset=...`).",
    why_bad="With `type=text/html` in the link, any body the response carries (a fetched page, "
    "an upload, echoed text) is rendered as a page of the application: its scripts read the "
    "user's session and act as the user (cross-site scripting, CWE-79).",
    example="data = fetch(request.args['url'])\n"
    "return send_file(io.BytesIO(data), mimetype=request.args.get('type'))",
    use_instead="kind = request.args.get('type')\nif kind not in {'image/png', 'image/jpeg'}:\n"
    "    abort(400)\nreturn send_file(io.BytesIO(data), mimetype=kind)",
    references=(
        "https://cwe.mitre.org/data/definitions/79.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",
        "https://nvd.nist.gov/vuln/detail/CVE-2024-22417",
    ),
)
