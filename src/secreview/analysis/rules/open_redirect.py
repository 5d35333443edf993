"""CWE-601 by data flow: untrusted input chooses where a redirect goes (`open-redirect`).

A redirect to the request's own path (`redirect(request.path)` after a POST, the same page with
another query string) goes where the browser already is, except when the path starts with `//`:
`//evil.example/` is a URL of another host. A view is only reached through a route, and a route
matches the path after its first `/` from a fixed segment or a converter that stops at `/`
(Django strips one `/` before resolving; Werkzeug and Bottle strip every leading `/` and put one
back), so the path a Django, Flask or Bottle view reads starts with one `/`. Middleware and
request hooks run for every path: `//evil.example/` in Django (its CommonMiddleware redirect,
CVE-2018-14574), `/\\evil.example/` everywhere (browsers read `/\\` as `//`). They stay
reported, as do other frameworks (Tornado's catch-all routes match `//`) and raw request
targets (`http.server`'s `self.path`). Django's `get_full_path()` is read the same way: it
escapes a leading `//` (that CVE's fix) but not `/\\`. Joined under a base URL
(`urljoin(settings.SITE_URL, request.get_full_path())`, a canonical-domain middleware), a path
that starts with one `/` keeps the base's host, and `/\\evil.example` is then a path on it:
Django's escaped getters and Werkzeug's and Bottle's paths do, everywhere; Django's raw `path`
(`//evil.example`) does not. A catch-all route
(`re_path(r"^(?P<rest>.*)$")`) would let a view read such a path too, and so would a route whose
first segment is a `str` converter, which takes `\\evil.example`: neither is told apart (a
known gap).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.rules._support.web_handlers import parameter_names
from secreview.analysis.taint.context import AnalysisContext
from secreview.analysis.taint.decorator_names import decorator_name
from secreview.analysis.taint.markers import SERVERS_ANSWER
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity

_REQUEST_PATHS = frozenset(
    {"path", "path_info", "full_path", "fullpath", "path_qs", "get_full_path", "get_full_path_info"}
)
"""Request attributes and getters holding the path the route matched (some with the query)."""
_ROUTED_FRAMEWORKS = ("django", "flask", "werkzeug", "bottle")
"""Frameworks whose views read a path their route matched after one leading `/`."""
_ONE_SLASH_PATHS = {
    "django": frozenset({"get_full_path", "get_full_path_info"}),
    "flask": frozenset({"path", "full_path"}),
    "werkzeug": frozenset({"path", "full_path"}),
    "bottle": frozenset({"path", "fullpath"}),
}
"""Per framework, the request paths that start with exactly one `/`, wherever they are read."""
_HOOKS = frozenset({"before_request", "before_app_request", "url_value_preprocessor", "hook"})
"""Decorators of Flask's and Bottle's functions that run before routing, for every path."""
_MIDDLEWARE_METHODS = frozenset(
    {"process_request", "process_view", "process_response", "process_exception", "__call__"}
)


def _runs_for_every_path(context: AnalysisContext, node: ast.AST) -> bool:
    """Whether the function reading the path runs before routing (Django middleware: a
    `process_request`, a `__call__`, a factory taking `get_response`; a Flask or Bottle request
    hook; a WSGI middleware's `__call__`) or cannot be told apart from it: then the path may
    start with `//` or `/\\`."""
    function = context.enclosing_function(node)
    if function is None:
        return True
    for each in [function, *(a for a in context.ancestors(function) if _is_function(a))]:
        assert isinstance(each, ast.FunctionDef | ast.AsyncFunctionDef)
        if each.name in _MIDDLEWARE_METHODS or "get_response" in parameter_names(each):
            return True
        if any(decorator_name(d) in _HOOKS for d in each.decorator_list):
            return True
    owner = next((a for a in context.ancestors(function) if isinstance(a, ast.ClassDef)), None)
    return owner is not None and any(
        _is_function(item) and item.name in _MIDDLEWARE_METHODS  # type: ignore[attr-defined]
        for item in owner.body
    )


def _is_function(node: ast.AST) -> bool:
    return isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)


def _leaves_the_host(event: SinkEvent, context: AnalysisContext) -> bool:
    """False for a redirect to the request's own path as a routed view reads it: the target is
    on the host the browser is talking to. False too for a target a server the client did not
    choose answered (an identity provider's login URL, a payment provider's checkout page:
    `server_answers.py`): sending the user there is what the code asked that server for."""
    if SERVERS_ANSWER in event.flow.safe_for:
        return False
    source = event.flow.steps[0][0] if event.flow.steps else None
    if isinstance(source, ast.Call):
        source = source.func
    if not isinstance(source, ast.Attribute) or context.parent(source) is None:
        return True  # not read in this module: nothing to tell
    if source.attr not in _REQUEST_PATHS or not _names_the_request(source.value):
        return True
    if _joined_under_a_base(context, source):
        return False
    return not context.imports_any(_ROUTED_FRAMEWORKS) or _runs_for_every_path(context, source)


def _joined_under_a_base(context: AnalysisContext, source: ast.Attribute) -> bool:
    """`urljoin(base, request.get_full_path())`: a path starting with one `/` replaces the
    base's path and keeps its host (a tainted base is a flow of its own)."""
    if not any(
        source.attr in paths and context.imports_module(framework)
        for framework, paths in _ONE_SLASH_PATHS.items()
    ):
        return False
    read = context.parent(source)
    path = read if isinstance(read, ast.Call) and read.func is source else source
    join = context.parent(path)
    return (
        isinstance(join, ast.Call)
        and len(join.args) == 2
        and join.args[1] is path
        and (context.call_name(join) or "").rpartition(".")[2] == "urljoin"
    )


def _names_the_request(receiver: ast.expr) -> bool:
    """`request.path`, `self.request.path`: a framework's request object, not the raw request
    target of an `http.server` or Twisted handler (`self.path`)."""
    if isinstance(receiver, ast.Attribute):
        return receiver.attr == "request"
    return isinstance(receiver, ast.Name) and receiver.id in ("request", "req")


open_redirect = taint_rule(
    TaintSpec(
        "redirect",
        "the requester can send users to a site of their choosing.",
        reports=_leaves_the_host,
    ),
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
    "boolean first or tested a part read again later (`state['next'][0]`). A target the reply "
    "of a server the client did not choose names (an identity provider's login page) is not "
    "reported.",
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
