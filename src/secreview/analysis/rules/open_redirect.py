"""CWE-601 by data flow: untrusted input chooses where a redirect goes (`open-redirect`)."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

open_redirect = taint_rule(
    TaintSpec("redirect", "the requester can send users to a site of their choosing."),
    id="open-redirect",
    name="Open redirect: untrusted input chooses the redirect target",
    cwe=601,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A redirect goes to a URL taken from untrusted input.",
    fix="Redirect to a route name (`url_for`), to a fixed path prefix, or check the target with "
    "`url_has_allowed_host_and_scheme` before redirecting.",
    what_it_does="Follows untrusted data to `redirect`, `HttpResponseRedirect`, "
    "`RedirectResponse`, the redirect exceptions of aiohttp, Pyramid, WebOb, Falcon and "
    "CherryPy (also when a view takes the class as a default parameter, "
    "`redirect_class=HTTPSeeOther`), a Tornado handler's `self.redirect` and a `Location` "
    "response header: set on a response, `set_header`, `send_header`, or among headers handed "
    'over whole (WSGI\'s `start_response(status, [("Location", url)])`, a list of pairs built '
    "with `append`, a response's `headers={...}`, a view's `(body, 302, {...})`), unless the URL "
    "starts with a fixed path or host or the data only comes after a `?` or `#` of its fixed text "
    "(the query string), or a check decided the host first: on the branch where it holds, "
    "`url_has_allowed_host_and_scheme`, a project helper whose name says so (`is_safe_url`, "
    "`is_safe_redirect_url`, `is_local_url`; not `is_valid_url`, a format check), or the parsed "
    "host compared with a fixed set or with the request's own host (`urlparse(u).netloc != "
    "request.host` then an early return or an `else:`), also when the check was stored in a "
    "boolean first or tested a part read again later (`state['next'][0]`).",
    why_bad="Links on the trusted domain that bounce to a phishing page are convincing; tokens "
    "in the URL can leak to the other site (CWE-601).",
    example="return redirect(request.args['next'])",
    use_instead="target = request.args.get('next', '')\n"
    "if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.host}):\n"
    "    target = '/'\nreturn redirect(target)",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/601.html",
    ),
)
