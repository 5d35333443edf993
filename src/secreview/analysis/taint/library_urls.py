"""Where, in a URL the library requests, the caller's value sits: after a base whose host the
library's object holds, or only in the request's body.

Under `library` a public parameter reaching a URL sink is server-side request forgery when it
can choose the server. Two shapes leave the server where the library put it:

- a path under a configured base: the value comes after a base read off the object or a name
  that says it is a URL or host (`f"{self.base_url}/{action}"`, `self.endpoint + "/" + name`)
  and a literal `/`: text after that slash is the path on the base's server (`../` stays on
  it, `@` after a slash is no user information). A caller's value in the first part, or joined
  with no slash after the base (`self.host + name`), is still reported.
- a request's body: the value reaches the sink only through a request object (`Request(url,
  data=dumps(kwargs))`, `urlopen(request)`) built with a URL that does not hold it: it is sent
  to the server, not used to choose one (sanic's inspector client).
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.library_joins import (
    flow_expressions,
    mentions,
    path_parts,
    tracked_names,
)
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_BASE_WORDS = frozenset({"url", "uri", "host", "base", "endpoint", "server", "origin"})
"""Words of a name that say it holds a URL's server part (`base_url`, `api_host`)."""
_NAME_WORDS = lazy_pattern(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_REQUEST_CLASSES = frozenset({"Request"})
"""The last name of a class that builds a request object from a URL and a body
(`urllib.request.Request`, `requests.Request`, `httpx.Request`)."""


def in_a_path_under_a_base(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether, on the flow, the caller's value is joined after a URL base of the library's
    object and a literal `/` (see the module docstring)."""
    names = tracked_names(event)
    return any(
        _after_base_and_slash(node, names, index)
        for expression in flow_expressions(event, index)
        for node in ast.walk(expression)
    )


def _after_base_and_slash(node: ast.AST, names: frozenset[str], index: ModuleIndex) -> bool:
    parts = _url_parts(node, index)
    if len(parts) < 3 or not _names_a_base(parts[0]) or mentions(parts[0], names):
        return False
    slash = parts[1]
    return (
        isinstance(slash, ast.Constant)
        and isinstance(slash.value, str)
        and slash.value.startswith("/")
        and any(mentions(part, names) for part in parts[2:])
    )


def _url_parts(node: ast.AST, index: ModuleIndex) -> list[ast.AST]:
    """The parts of an f-string or a chain of `+`, in order (a join's otherwise)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*_url_parts(node.left, index), node.right]
    if isinstance(node, ast.JoinedStr):
        return list(path_parts(node, index))
    return [node]


def _names_a_base(node: ast.AST) -> bool:
    """Whether `node` is an attribute or a name that says it holds a URL or a host
    (`self.base_url`, `api_host`)."""
    if isinstance(node, ast.Attribute):
        name = node.attr
    elif isinstance(node, ast.Name):
        name = node.id
    else:
        return False
    return any(word.lower() in _BASE_WORDS for word in _NAME_WORDS.findall(name))


def only_in_a_request_body(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow's value is held in a request object built with a URL that does not
    hold it (`request = Request(url, **params)` with the value in `params["data"]`)."""
    names = tracked_names(event)
    for node, note in event.flow.steps:
        if not (isinstance(node, ast.Name) and note.startswith("assigned to ")):
            continue
        parent = index.context.parent(node)
        value = parent.value if isinstance(parent, ast.Assign) else None
        if isinstance(value, ast.Call) and _builds_a_request(value, index):
            url = value.args[0] if value.args else ModuleContext.keyword(value, "url")
            if url is not None and not mentions(url, names):
                return True
    return False


def _builds_a_request(call: ast.Call, index: ModuleIndex) -> bool:
    """Whether `call` builds a request object (its class, resolved through imports:
    `from urllib.request import Request as URequest`)."""
    name = index.context.call_name(call) or ""
    return name.rpartition(".")[2] in _REQUEST_CLASSES
