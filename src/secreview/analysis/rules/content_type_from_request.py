"""CWE-79 by data flow: the requester chooses the content type of a response."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

content_type_from_request = taint_rule(
    TaintSpec(
        "content-type",
        "a body served as `text/html` or `image/svg+xml` runs the requester's script in the "
        "application's origin.",
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
    "fixed collection).",
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
