"""Redirect guards that make a URL local by keeping only its path (`urlsplit(url).path`).

Dropping the scheme and the host of a parsed URL looks like it must leave a local path, but the
path Python parses can itself start with `//`: `urlsplit("https:////evil.net").path` is
`//evil.net` (the host is empty, the path keeps the extra slashes), and so is the path of
`////evil.net`. Sent back as a `Location` or a link, `//evil.net` is a protocol-relative URL and
the browser leaves the site (CVE-2024-27291 in docassemble's `make_safe_url`, the same shape as
Flask-User's default). The guard is right once it collapses or refuses the leading slashes
(`re.sub(r"^//+", "/", path)`, `"/" + path.lstrip("/")`, `path.startswith("//")`), or puts the
site's own base in front of the path.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rules._support.built_strings import string_pieces
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.redirect_guards import second_character
from secreview.index.context import ModuleContext

_PARSERS = frozenset({"urlsplit", "urlparse"})
_UNPARSERS = frozenset({"urlunsplit", "urlunparse"})
_PATH_INDEX = 2
"""The path's place in the tuple `urlsplit` and `urlparse` return (scheme, netloc, path, ...)."""


def _parse_call(node: ast.expr, parsed_names: frozenset[str]) -> bool:
    """`urlsplit(u)`, or a name the function bound to one."""
    if isinstance(node, ast.Name):
        return node.id in parsed_names
    return isinstance(node, ast.Call) and last_name(node.func) in _PARSERS


def _parsed_names(nodes: list[ast.AST]) -> frozenset[str]:
    """Names the function binds to a parsed URL (`parts = urlsplit(url)`)."""
    return frozenset(
        n.targets[0].id
        for n in nodes
        if isinstance(n, ast.Assign)
        and len(n.targets) == 1
        and isinstance(n.targets[0], ast.Name)
        and isinstance(n.value, ast.Call)
        and last_name(n.value.func) in _PARSERS
    )


def _emptied_prefix(node: ast.expr) -> bool:
    """`("", "", path, ...)` or `("", "") + parts[2:]`: a URL tuple whose scheme and host are
    emptied."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _emptied_prefix(node.left)
    if not isinstance(node, ast.Tuple) or len(node.elts) < 2:
        return False
    return all(isinstance(e, ast.Constant) and e.value == "" for e in node.elts[:2])


def _keeps_path_only(node: ast.expr, parsed_names: frozenset[str]) -> bool:
    """Whether `node` is the path of a parsed URL: `parts.path`, `parts[2]`, or the URL put
    back together without its scheme and host (`urlunsplit(("", "", parts.path, ...))`,
    `parts._replace(scheme="", netloc="").geturl()`)."""
    if isinstance(node, ast.Attribute) and node.attr == "path":
        return _parse_call(node.value, parsed_names)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value == _PATH_INDEX and _parse_call(node.value, parsed_names)
    if isinstance(node, ast.Call) and last_name(node.func) in _UNPARSERS and node.args:
        return _emptied_prefix(node.args[0]) or _host_replaced(node.args[0])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "geturl" and _host_replaced(node.func.value)
    return False


def _host_replaced(node: ast.expr) -> bool:
    """`parts._replace(scheme="", netloc="")`: the parsed URL with its host emptied."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "_replace"
    ):
        return False
    emptied = {
        k.arg for k in node.keywords if isinstance(k.value, ast.Constant) and k.value.value == ""
    }
    return "netloc" in emptied


def _handles_leading_slashes(nodes: list[ast.AST]) -> bool:
    """Whether the function looks at a doubled slash at all: a text holding `//` other than a
    scheme's `://`, `lstrip("/")`, or a test of the character after the first (`path[1]`)."""
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if "//" in node.value.replace("://", ""):
                return True
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "lstrip" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and "/" in str(first.value):
                    return True
        elif second_character(node):
            return True
    return False


def kept_paths(nodes: list[ast.AST], context: ModuleContext) -> Iterator[ast.expr]:
    """The path reads of a redirect guard whose returned URL starts with a parsed URL's path,
    its leading slashes neither collapsed nor refused (see the module docstring)."""
    if _handles_leading_slashes(nodes):
        return
    parsed = _parsed_names(nodes)
    seen: set[int] = set()
    for node in nodes:
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        pieces = string_pieces(context, node.value)
        first = pieces[0] if pieces else None
        if first is None or first.node is None or id(first.node) in seen:
            continue
        if _keeps_path_only(first.node, parsed):
            seen.add(id(first.node))
            yield first.node
