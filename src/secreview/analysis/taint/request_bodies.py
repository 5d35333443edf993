"""A request object's body and headers choose no server: only its URL does.

`urllib.request.Request(url, data=..., headers=...)` builds the request `urlopen` later sends:
the server is the one `url` names (the `Request` call is itself a sink for it, `data_stores.toml`),
and `data` and `headers` are what is sent there. So the object carries what its other arguments
hold marked harmless for `ssrf`: an OAuth code posted to the provider's token endpoint
(`urlopen(Request(token_endpoint, data=urlencode({"code": code})))`) forges no request, while a
`Request` built on the client's URL still reaches `urlopen` as the URL it is. Every other rule
still reads the body as the client's data. (The `library` threat model's `only_in_a_request_body`
judges the same shape for a public parameter, from the flow's steps.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from secreview.analysis.taint.values import Value

REQUEST_BUILDERS = frozenset({"urllib.request.Request"})
"""Request classes whose URL is the first argument (or `url=`) and whose body is the rest."""
_URL_KINDS = ("ssrf",)


def url_chooses_server(
    result: Value, names: Sequence[str], args: Sequence[Value], kwargs: Mapping[str, Value]
) -> Value:
    """`result`, the object a request class built, with the flows that only its body and
    headers hold marked harmless for `ssrf` (see the module docstring)."""
    if not names or names[0] not in REQUEST_BUILDERS:
        return result
    url = args[0] if args else kwargs.get("url")
    if url is None:  # the URL comes in a `**mapping`: which flows it holds is not known
        return result
    chosen = url.all_flows()
    return result.mapped(lambda flow: flow if flow in chosen else flow.sanitised(_URL_KINDS))
