"""Replies of servers the web client did not choose: what such a server says is its own word.

An application that asks a service (a URL fixed in the code, a configured endpoint, a repository
host stored in its database) and follows what the reply names (the `next` link of an API's
page, an identity provider's discovery document, a download link of a release feed) trusts that
service, which it chose; no web client chose where those links go. So the data read from such a
reply carries the `SERVERS_ANSWER` marker, and the rules whose attacker is the web client
choosing a destination (`ssrf`, `open-redirect`) leave it out. Every other rule still reads it
as the server's data (a file name a reply names can still climb out of a folder).

A reply of a URL the client's data chose the host of (a link preview of a URL it sent, a
webhook it registered, a redirect followed after a check of the first URL only) is the client's
page: the response object still carries the request data that chose its URL, and what is read
from it is not marked. A URL fixed up to its host that only carries the client's data in its
path or query (`ONLY_CHOSE`) leaves the server the code's choice.

The cost, measured: a crawler or link preview handed a URL it stored or was passed (not traced
to the request in the scan) follows the links of a page anyone may have written, and those
fetches are no longer reported (archivy's bookmark images, a web crawler's next pages, a URL
grabber's redirects): on the 19 web applications and four fresh samples, 4 of the 43 findings
this removed outside tests were of that kind, the rest an API's own pagination, discovery and
upload links, a checked redirect, and second findings beside a request's own on one line.
Log injection keeps its own narrower rule (only the reply of a fixed host, or of a configured
base followed by a fixed path, is left out: a crawled page's text stays reported).
"""

from __future__ import annotations

from secreview.analysis.taint.markers import ONLY_CHOSE, SERVERS_ANSWER
from secreview.analysis.taint.values import Value

RESPONSE_TYPES = frozenset({"http.ClientResponse", "http.ServiceResponse", "tornado.HTTPResponse"})
"""Types of an HTTP client's response (network.toml): what is read from one is the server's."""
CLIENT_ORIGIN = "remote"
"""The origin of what the web client sends (a request's data)."""


def answered(source: Value, response: Value) -> Value:
    """`source`, read from `response`, marked as a server's answer unless the web client's data
    chose the server `response` came from (see the module)."""
    if response.type not in RESPONSE_TYPES or not source.flows or _client_chose(response):
        return source
    return source.mapped(lambda flow: flow.sanitised((SERVERS_ANSWER,)))


def _client_chose(response: Value) -> bool:
    return any(
        flow.origin == CLIENT_ORIGIN and ONLY_CHOSE not in flow.safe_for
        for flow in response.all_flows()
    )
