"""CWE-918 by data flow: untrusted input chooses the URL the server requests (`ssrf`).

A URL a server the web client did not choose answered (the `next` link of an API's page, an
identity provider's discovery document, a download link of a release feed it was configured
with) is that server's choice: following it is trusting the service the code asked, which is no
request the client forged (`server_answers.py`). A reply of a server the client's data chose
(a link preview of a URL it sent) stays the client's, and the URLs it names are reported.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.markers import SERVERS_ANSWER
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity


def _chosen_by_the_client(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the URL is not only what a server the client did not choose answered."""
    return SERVERS_ANSWER not in event.flow.safe_for


ssrf = taint_rule(
    TaintSpec(
        "ssrf",
        "the server can be made to call internal services or cloud metadata.",
        reports=_chosen_by_the_client,
    ),
    id="ssrf",
    name="Server-side request forgery: untrusted input chooses the URL",
    cwe=918,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="The server makes an HTTP (or socket) request to a URL taken from untrusted input.",
    fix="Build the URL from a fixed scheme and host (`f'https://api.example.com/{quote(id)}'`) "
    "or check the host against an allow-list before the request.",
    what_it_does="Follows untrusted data to requests/httpx/urllib/urllib3/aiohttp calls and "
    "socket connections, unless the URL starts with a fixed `scheme://host/` or the data only "
    "comes after a `?` or `#` of the URL's fixed text (its query string or fragment, as in "
    "`base + '?' + urlencode(params)`), or the parsed host was checked (`in ALLOWED_HOSTS`, or "
    "a predicate such as `validators.domain(parsed.netloc)` holding). A method named for an "
    "HTTP request (`get`, `send`, `get_json`, ...) on an object nothing describes, given a URL "
    "as `url=`/`base_url=`, or first on a receiver named for a client (`api_client.get_json(u)`; "
    "`get`/`send` only with the text of a URL, since caches have them too), is taken for a "
    "request at low confidence, a guess its evidence names. A URL read from the reply of a "
    "server the client did not choose (an API's `next` link, a discovery document's endpoints) "
    "is that server's choice and is not reported; the links of a page the client's URL chose "
    "are.",
    why_bad="`http://169.254.169.254/` or `http://localhost:6379/` reaches services the attacker "
    "cannot reach directly (CWE-918).",
    example="requests.get(request.args['url'])",
    use_instead="if urlparse(url).hostname not in ALLOWED_HOSTS:\n    abort(400)\n"
    "requests.get(url)",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/918.html",
    ),
)
