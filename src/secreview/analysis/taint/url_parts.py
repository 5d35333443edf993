"""URLs put back together from their parts: what goes in the query string or fragment.

`urlunparse((scheme, netloc, path, params, query, fragment))`, `urlunsplit(...)`, a
`ParseResult(...)` or `SplitResult(...)` built from parts (then `.geturl()`), and
`parsed._replace(query=...)` write the query after `?` and the fragment after `#`, whatever
they hold: neither can choose the scheme or the host of the URL, so what they carry is no
open redirect nor server-side request forgery by itself (`formats.QUERY_KINDS`), as text after
a `?` of a format string is not. Kitsune's `urlparams(reverse(...), product=product)` builds
its redirect so. The scheme, the host and the path keep their flows: a path `//evil.example`
under an empty host is another site's URL.
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
    if isinstance(node.func, ast.Attribute) and node.func.attr == "_replace":
        if receiver is None or not _QUERY_KEYWORDS & set(kwargs):
            return None
        kept = [receiver, *(v for k, v in kwargs.items() if k not in _QUERY_KEYWORDS)]
        past = [v for k, v in kwargs.items() if k in _QUERY_KEYWORDS]
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
