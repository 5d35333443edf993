"""Where in a URL a piece of fixed text leaves whatever is appended to it: past the host or not.

Server-side request forgery and open redirects are about the host a URL reaches. Text appended
after a `?` or `#` of fixed text is in the query string or fragment; text appended after a path
segment of fixed text (`tfiles/` in `settings.STATIC_URL + "tfiles/" + name`) is in the path,
since the host ends at the first `/` that follows it. Neither can choose the host. A lone `/`, the
`//` and `:/` of `scheme://`, and a `/` after a format field (`%s/`, `{}/`, which may be empty and
leave `//evil.net`) do not count.
"""

from __future__ import annotations

import ast

from secreview.patterns import lazy_pattern

_FORMAT_FIELD = lazy_pattern(r"%[^a-zA-Z%]*[a-zA-Z%]|\{[^{}]*\}")
_SEGMENT_END = lazy_pattern(r"[^/:\\]/")


def has_query_mark(text: str) -> bool:
    """Whether URL text has passed its host: reached its query string or fragment, or ended a
    path segment of its own (`api/`), so that nothing appended to it can choose the host."""
    if "?" in text or "#" in text:
        return True
    return _SEGMENT_END.search(_FORMAT_FIELD.sub("/", text)) is not None


def continues_a_query(test: ast.expr, positive: bool) -> bool:
    """Whether `test` holding (`positive`) or failing says the URL text it tests already has a
    `?`: `sep = "&" if "?" in url else "?"` then `url + sep + params`, where the `&` that
    branch chooses continues the query string, as the other branch's `?` starts it. The tested
    text is taken to be the URL the separator follows (the idiom's only use); an `&` after a
    different, bare `scheme://host` could still start `&@evil.net` in its authority."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.left, ast.Constant)
        and test.left.value == "?"
    ):
        return False
    return isinstance(test.ops[0], ast.In) if positive else isinstance(test.ops[0], ast.NotIn)


CONFIGURED_BASE = "\x1e"
"""The `Value.prefix` of a URL base the operator configured (`settings.ES_URL`,
`os.environ["API_URL"]`, `app.config["BASE"]`): its text is unknown, but it is the whole of a
URL's scheme and server, so fixed text after it that starts a path, a query or a fragment (`/`,
`?`, `#`) leaves the host where the operator put it (`configured_urls.py`). The marker is no
character a URL or program text holds."""
PATH_START = "\x1d"
"""The `Value.prefix` of request text that starts a path: the request's own path as the web
framework parsed it (`request.path`, `request.full_path`, aiohttp's `raw_path`) always starts
with `/`, whatever follows (`//evil.net` too). Not the text `/` itself: a `/` prefix would say the
value is a fixed absolute path or program (`"/" + name`), and this one is the client's. Appended
to a base that holds a host, it ends the host (`base_url + request.path`): see
`starts_a_path`. Like `CONFIGURED_BASE`, it is no character a URL or program text holds (and
`str.strip` removes it, so it never reads as program text)."""
SLASH_FIRST = frozenset({"path", "full_path", "fullpath", "raw_path", "path_qs"})
"""Request attributes holding the path of the request line, which starts with `/` in the
origin form every routed request has (a route pattern starts with `/`): Werkzeug's, Django's,
aiohttp's, Falcon's and Bottle's `path`, Werkzeug's `full_path`, Bottle's `fullpath`, aiohttp's
`raw_path`, WebOb's `path_qs`. `path_info` is left out (WSGI's `PATH_INFO` may be empty)."""
PAST_HOST = "\x1c"
"""The `Value.prefix` of a URL made of a base not fixed in the source and then text starting
with `/` (`self.base_url + request.path`, `f"{base}/users/"`): what is appended to it is past
the base's host for a server's request (`configured_urls.after_a_base`). Unlike
`CONFIGURED_BASE`, it fixes no host: the base's own flows are still reported."""
UNKNOWN_TEXT = "\x1f"
"""Text after a configured base that is not known (`base + name`): the host may go on in it."""


def as_url_text(prefix: str) -> str:
    """`prefix` with a leading `PATH_START` spelled as the `/` it stands for, for text that
    goes on after a known start (`"http://host" + request.path` starts `http://host/`)."""
    return "/" + prefix[1:] if prefix[:1] == PATH_START else prefix


def starts_a_path(prefix: str) -> bool:
    """Whether text starting with `prefix` starts with `/` (the request's own path, or a
    literal `/` not doubled): after a base that holds a scheme and a host it is a path on that
    host, whatever the rest is."""
    if prefix[:1] == PATH_START:
        return True
    return prefix[:1] == "/" and prefix[1:2] != "/"  # `scheme + "//" + host` starts an authority


def fixes_configured_host(prefix: str) -> bool:
    """Whether `prefix` is a configured base followed by fixed text that ends its server part."""
    return prefix[:1] == CONFIGURED_BASE and prefix[1:2] in ("/", "?", "#")


def common_url_prefix(common: str, left: str, right: str) -> str:
    """`common`, the text `left` and `right` both start with, unless it is a whole configured
    base only one of them is: then what follows it in the other is unknown."""
    if common == CONFIGURED_BASE and left != right:
        return CONFIGURED_BASE + UNKNOWN_TEXT
    return common
