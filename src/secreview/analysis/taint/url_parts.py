"""URLs put back together from their parts: what goes in the query string or fragment.

`urlunparse((scheme, netloc, path, params, query, fragment))`, `urlunsplit(...)`, a
`ParseResult(...)` or `SplitResult(...)` built from parts (then `.geturl()`), and
`parsed._replace(query=...)` write the query after `?` and the fragment after `#`, whatever
they hold: neither can choose the scheme or the host of the URL, so what they carry is no
open redirect nor server-side request forgery by itself (`formats.QUERY_KINDS`), as text after
a `?` of a format string is not. Kitsune's `urlparams(reverse(...), product=product)` builds
its redirect so. The scheme, the host and the path keep their flows: a path `//evil.example`
under an empty host is another site's URL.

URL objects set their query the same way: httpx's `url.copy_with(params=...)` and
`copy_set_param`/`copy_add_param`/`copy_merge_params`, Starlette's `include_query_params` and
`replace_query_params` (and `replace(query=...)`), yarl's `with_query`/`update_query`/
`extend_query`/`with_fragment`. The receiver keeps its flows (a URL the request chose is still
its URL); what the call adds is query text (tiled's OIDC redirect to the configured
`authorization_endpoint.copy_with(params=params)`, the request's `state` among them). The
methods are known by name, which no other common type uses.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from secreview.analysis.taint.formats import QUERY_KINDS, formatted
from secreview.analysis.taint.values import Value

_QUERY_POSITIONS: Mapping[str, tuple[int, ...]] = {
    "urllib.parse.urlunparse": (4, 5),
    "urllib.parse.ParseResult": (4, 5),
    "urllib.parse.urlunsplit": (3, 4),
    "urllib.parse.SplitResult": (3, 4),
}
"""Where each builder takes the query and the fragment: the tuple the `urlun*` functions are
given, the constructor's own arguments for the result classes."""
_TUPLE_TAKERS = frozenset({"urllib.parse.urlunparse", "urllib.parse.urlunsplit"})
_QUERY_KEYWORDS = frozenset({"query", "fragment"})
_QUERY_METHODS = frozenset(
    {
        *("copy_set_param", "copy_add_param", "copy_merge_params"),
        *("include_query_params", "replace_query_params"),
        *("with_query", "update_query", "extend_query", "with_fragment"),
    }
)
"""URL objects' methods whose every argument goes in the query string or fragment."""
_KEYWORD_METHODS: Mapping[str, frozenset[str]] = {
    "_replace": _QUERY_KEYWORDS,
    "replace": _QUERY_KEYWORDS,
    "copy_with": _QUERY_KEYWORDS | {"params"},
}
"""URL objects' methods taking parts by keyword -> the keywords that are query or fragment."""


def rebuilt_url(
    node: ast.Call,
    names: list[str],
    receiver: Value | None,
    args: list[Value],
    kwargs: Mapping[str, Value],
) -> Value | None:
    """The URL `node` builds from parts, its query and fragment's flows made safe for
    redirects and server requests (see the module docstring); None for any other call, or
    parts the engine does not know one by one."""
    method = node.func.attr if isinstance(node.func, ast.Attribute) else None
    if method in _QUERY_METHODS and receiver is not None:
        return _joined([receiver], [*args, *kwargs.values()], node)
    if method in _KEYWORD_METHODS:
        query = _KEYWORD_METHODS[method]
        if receiver is None or args or not query & set(kwargs):
            return None  # `text.replace(old, new)` is no URL's
        kept = [receiver, *(v for k, v in kwargs.items() if k not in query)]
        past = [v for k, v in kwargs.items() if k in query]
        return _joined(kept, past, node)
    name = next((n for n in names if n in _QUERY_POSITIONS), None)
    if name is None:
        return None
    positions = _QUERY_POSITIONS[name]
    if name in _TUPLE_TAKERS:
        if len(args) != 1 or kwargs or args[0].shape not in ("tuple", "list"):
            return None
        whole = args[0]
        if whole.flows or not whole.exact:
            return None  # some part sits at a position the engine does not know
        parts = [whole.part(i) for i in range(len(whole.parts))]
    else:
        parts = list(args)
    kept = [v for i, v in enumerate(parts) if i not in positions]
    past = [v for i, v in enumerate(parts) if i in positions]
    if name not in _TUPLE_TAKERS:
        kept += [v for k, v in kwargs.items() if k not in _QUERY_KEYWORDS]
        past += [v for k, v in kwargs.items() if k in _QUERY_KEYWORDS]
    return _joined(kept, past, node)


def _joined(kept: list[Value], past: list[Value], node: ast.AST) -> Value:
    """One value holding the flows of `kept` as they are and those of `past` made safe for
    the sinks only a URL's scheme and host are the danger of."""
    flows = [flow for value in kept for flow in value.all_flows()]
    for value in past:
        flows.extend(formatted(value, QUERY_KINDS, node).all_flows())
    return Value(flows=frozenset(flows))
