"""CWE-601: a redirect guard whose logic lets URLs of other hosts through
(`incomplete-redirect-check`).

A guard that decides a URL is local (on this site) before a redirect is the whole defence
against open redirects, and the well-known ways to write it wrong each let `evil.net` in:
- `url.startswith("/")` alone: `//evil.net/` (protocol-relative) and `/\\evil.net/` (browsers
  read a backslash as a slash) start with `/` and leave the site;
- `not urlparse(url).netloc` without refusing a scheme: `https:evil.net` has a scheme and no
  host, and browsers follow it to `evil.net`; `javascript:alert(1)` has no host either;
- refusing only values that start with `http://`/`https://` (or hold `://`): `//evil.net`,
  `\\\\evil.net` and, unless the value was lower-cased, `HTTP://evil.net` pass.
- keeping only the parsed path (`urlsplit(url).path`, `urlunsplit(("", "") + parts[2:])`) to
  make a URL local: the path of `https:////evil.net` is `//evil.net` (`kept_paths`).
- comparing the host of `urljoin(base, url)` with the site's without replacing `\\`: the
  joined URL has the base's host whenever the value has none of its own, and `/\\evil.net`
  has none for Python (`redirect_parts.joined_host_tests`).
A right check refuses `//` and `/\\` (or replaces `\\` by `/` first) next to the leading `/`,
refuses a scheme without a host, or calls Django's `url_has_allowed_host_and_scheme`. The rule
reads only functions that are redirect guards (`redirect_guards`). A guard that parses the URL
sees the host of `//evil.net`, so there shape 1 asks only for `\\` (a path to `urlsplit`) and
shape 3 is not judged; a guard that calls Django's helper or a regular expression, or a link
filter that admits URLs by their scheme, is left alone. Control characters before the URL are
not asked for: `urlsplit` strips them (and tabs and newlines anywhere)
since Python 3.11.4 and 3.9.5.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import TypeGuard

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.function_flow import shared_own_nodes
from secreview.analysis.rules._support.kept_paths import kept_paths
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.redirect_guards import (
    Function,
    defined_functions,
    holding_admits,
    holding_refuses,
    is_redirect_guard,
    lowered,
    named_for_redirect_guard,
    second_character,
    string_texts,
)
from secreview.analysis.rules._support.redirect_parts import (
    HOST_PARTS,
    empty_test,
    joined_host_tests,
    parsed_parts,
    tests_presence,
    web_schemes_only,
)
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

RULE_ID = "incomplete-redirect-check"

_SCHEME_PREFIX = lazy_pattern(r"(?:https?|ftp|[a-z][a-z0-9+.\-]*:/{0,2})", re.IGNORECASE)
"""A prefix that only names a scheme (`http`, `https://`, `ftp:`): what a check that refuses
absolute URLs by their start looks for."""
_PARSERS = frozenset({"urlparse", "urlsplit", "urljoin", "URL", "furl", "parse_url"})
"""Calls that read a URL's parts: a guard using them is judged by its parts (shape 2)."""
_REGEX_CALLS = frozenset({"match", "fullmatch", "search"})


class _Facts:
    """What a guard function does besides the test judged: parses the URL, delegates to
    a regular expression or a guard the module does not define (Django's; one it defines is
    judged on its own), handles `//` and backslashes."""

    def __init__(self, function: Function, nodes: list[ast.AST], context: ModuleContext) -> None:
        own = defined_functions(context)
        texts = [n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        self.slashes = any(t.startswith("//") or t.startswith("/\\") for t in texts) or any(
            second_character(n) for n in nodes
        )
        self.backslash = any("\\" in t for t in texts)
        self.parses = any(isinstance(n, ast.Attribute) and n.attr in HOST_PARTS for n in nodes)
        self.delegates = False
        for node in nodes:
            if not isinstance(node, ast.Call):
                continue
            name = last_name(node.func) or ""
            if name in _PARSERS:
                self.parses = True
            elif name in _REGEX_CALLS or (name not in own and named_for_redirect_guard(name)):
                self.delegates = True


def _missing(facts: _Facts) -> str | None:
    """What a check that does not parse the URL fails to refuse, or None."""
    if facts.slashes and facts.backslash:
        return None
    if facts.slashes:
        return "`/\\evil.net` and `\\\\evil.net` (browsers read `\\` as `/`)"
    return "`//evil.net` (protocol-relative) and `/\\evil.net` (browsers read `\\` as `/`)"


def _scheme_prefix(argument: ast.expr) -> bool:
    """`"https://"`, `("http:", "mailto:")`, or a value named for schemes (`safe_protocols`)."""
    texts = string_texts(argument)
    if texts:
        return all(_SCHEME_PREFIX.fullmatch(t) for t in texts)
    name = argument.id if isinstance(argument, ast.Name) else getattr(argument, "attr", "")
    return bool(words_of(name) & {"protocol", "protocols", "scheme", "schemes"})


def _admits_by_scheme(nodes: list[ast.AST], context: ModuleContext) -> bool:
    """Whether the function lets a URL through by its scheme alone (`url.startswith(
    safe_protocols)` then `return True`): a link filter against `javascript:`, which lets
    every web site in, not a check that keeps users on this one."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "startswith"
        and n.args
        and _scheme_prefix(n.args[0])
        and holding_admits(n, context)
        for n in nodes
    )


def _colon_slashes(node: ast.Compare) -> bool:
    """`"://" in url`: a test for the separator after a scheme, which `//evil.net` lacks."""
    return (
        len(node.ops) == 1
        and isinstance(node.ops[0], ast.In)
        and string_texts(node.left) == ["://"]
    )


def _starts_with_slash(node: ast.AST) -> TypeGuard[ast.Call]:
    """`url.startswith("/")` (or with `"/"` among a tuple of prefixes)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "startswith"
        and bool(node.args)
        and "/" in string_texts(node.args[0])
    )


def _backslash_hits(
    function: Function, nodes: list[ast.AST], facts: _Facts, context: ModuleContext
) -> Iterator[Hit]:
    """Shape 1 in a guard that parses the URL: `//evil.net` shows its host to `urlsplit`, but
    `/\\evil.net` has none (a path to Python) and is `//evil.net` to a browser, unless the
    guard replaces or refuses `\\` first."""
    if facts.backslash:
        return
    for node in nodes:
        if _starts_with_slash(node) and holding_admits(node, context):
            yield Hit(
                node=node,
                message=f"`{code(context, node)}` lets through `/\\evil.net`, which has no host "
                "for `urlsplit` and which browsers read as `//evil.net`: replace `\\` by `/` "
                f"before `{function.name}` parses the URL (as Django's "
                "`url_has_allowed_host_and_scheme` does), or refuse it.",
            )


def _prefix_hits(
    function: Function, nodes: list[ast.AST], facts: _Facts, context: ModuleContext
) -> Iterator[Hit]:
    """Shapes 1 and 3: `startswith("/")` let through, or scheme prefixes (or `://`) refused, in
    a guard that neither parses the URL nor refuses `//` and `\\`."""
    if facts.delegates or _admits_by_scheme(nodes, context):
        return
    if facts.parses:
        yield from _backslash_hits(function, nodes, facts, context)
        return
    missing = _missing(facts)
    if missing is None:
        return
    for node in nodes:
        if (
            isinstance(node, ast.Compare)
            and _colon_slashes(node)
            and holding_refuses(node, context)
        ):
            yield Hit(
                node=node,
                message=f"`{code(context, node)}` refuses only URLs that name a scheme: "
                f"{missing} still pass `{function.name}` and leave the site; parse the URL "
                "and refuse any host but yours, or use `url_has_allowed_host_and_scheme`.",
            )
            continue
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
            continue
        if node.func.attr != "startswith":
            continue
        texts = string_texts(node.args[0])
        if "/" in texts and holding_admits(node, context):
            yield Hit(
                node=node,
                message=f"`{code(context, node)}` lets through {missing}, which leave the site: "
                f"`{function.name}` decides where users are sent, so refuse `//` and `/\\` "
                "after the leading `/`, or use `url_has_allowed_host_and_scheme`.",
            )
        elif texts and all(_SCHEME_PREFIX.fullmatch(t) for t in texts):
            if not holding_refuses(node, context):
                continue
            upper = "" if lowered(node.func.value) else ", `HTTP://evil.net`"
            yield Hit(
                node=node,
                message=f"`{code(context, node)}` refuses only URLs that start with a scheme: "
                f"{missing}{upper} still pass `{function.name}` and leave the site; parse the "
                "URL and refuse any host but yours, or use `url_has_allowed_host_and_scheme`.",
            )


def _parse_hits(
    function: Function, nodes: list[ast.AST], facts: _Facts, context: ModuleContext
) -> Iterator[Hit]:
    """Shape 2: a URL without a host let through, its scheme never refused."""
    if facts.delegates:
        return
    hosts: dict[int, ast.expr] = {}
    schemes: list[ast.expr] = []
    for call in nodes:
        if isinstance(call, ast.Call) and last_name(call.func) in ("urlparse", "urlsplit"):
            read_hosts, read_schemes = parsed_parts(call, context, nodes)
            hosts.update((id(h), h) for h in read_hosts)
            schemes.extend(read_schemes)
    if any(tests_presence(s, context) for s in schemes):
        return  # one test of the scheme's presence anywhere: the guard thought of it
    web_only = any(web_schemes_only(s, context) for s in schemes)
    for host in hosts.values():
        test = empty_test(host, context)
        if test is None or not holding_admits(test, context):
            continue
        if web_only:
            yield Hit(
                node=test,
                message=f"`{code(context, test)}` lets through `https:evil.net` (a scheme "
                f"without a host) in `{function.name}`: a browser on a page of the other scheme "
                "(`http://`) follows it to `evil.net`; refuse a scheme without a host "
                "(`if parts.scheme and not parts.netloc`).",
                confidence=Confidence.LOW,
            )
            continue
        yield Hit(
            node=test,
            message=f"`{code(context, test)}` lets through a URL without a host whatever its "
            "scheme: `https:evil.net` (which browsers follow to `evil.net`) and "
            f"`javascript:...` pass `{function.name}`; refuse a scheme without a host "
            "(`if parts.scheme and not parts.netloc`), or use "
            "`url_has_allowed_host_and_scheme`.",
        )


def _joined_hits(
    function: Function, nodes: list[ast.AST], facts: _Facts, context: ModuleContext
) -> Iterator[Hit]:
    """Shape 4: the host of `urljoin(base, url)` compared with the site's, `\\` never replaced
    or refused (Flask's well-known `is_safe_url` snippet, as the guard reads it)."""
    if facts.delegates or facts.backslash:
        return
    for test in joined_host_tests(nodes, context):
        if holding_admits(test, context) or holding_refuses(test, context):
            yield Hit(
                node=test,
                message=f"`{code(context, test)}` compares the host of the URL joined to this "
                "site's, which every value without a host of its own gets: `/\\evil.net` keeps "
                "this site's host in Python and is `//evil.net` to browsers, so it passes "
                f"`{function.name}`; replace `\\` by `/` before parsing (as Django's "
                "`url_has_allowed_host_and_scheme` does), or refuse it.",
            )


_WORTH_READING = ("startswith", "urlparse", "urlsplit")
"""A module's text holds one of these when it holds a test any shape needs (most hold none)."""


@rule(
    id=RULE_ID,
    name="Redirect guard whose logic lets other hosts through",
    cwe=601,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A function that decides whether a URL is safe to redirect to accepts "
    "`url.startswith('/')` without refusing `//` and `/\\`, a parsed URL without a host "
    "whatever its scheme (`https:evil.net`), or refuses only URLs starting with `http://`; or "
    "makes a URL local by keeping only its parsed path, which can start with `//`.",
    fix="Use Django's `url_has_allowed_host_and_scheme(url, allowed_hosts={request.host})`, or "
    "replace `\\` by `/`, refuse `//`, a scheme without a host and any host but yours.",
    what_it_does="Reads the functions that guard redirects (named for it: `is_safe_url`, "
    "`is_local_url`, `isURLInPortal`, `prevent_open_redirect`, `validate_next`; whose "
    "result decides a redirect in the module; or a Django view's `get_redirect_url` and "
    "`get_success_url`, or a Django class's getter of the URL a user is sent on to "
    "(`get_return_url`, `get_next_url`), with a branch that replaces the URL read as refusing "
    "it) and reports "
    "the test that lets a URL through "
    "when the guard admits `url.startswith('/')` and never tests `//` and `\\`, admits a parsed "
    "URL without a host (`not urlparse(u).netloc`) and never refuses a scheme without a host, "
    "or refuses only values starting with a scheme (`http://`, `https://`) or holding `://` "
    "and never tests `//` and `\\`; in a guard that parses the URL, `url.startswith('/')` "
    "admitted while `\\` is never replaced or refused (`/\\evil.net` has no host for "
    "`urlsplit`); and a guard that returns a parsed URL's path (`urlsplit(u).path`, or "
    "`urlunsplit` with the scheme and host emptied) first in its result without collapsing or "
    "refusing a leading `//` (`https:////evil.net` parses to the path `//evil.net`); and, when "
    "nothing else is reported there, a comparison of the host of `urljoin(base, url)` with "
    "the site's while `\\` is never replaced or refused (`/\\evil.net` gets the base's host "
    "in Python). A guard "
    "that calls another guard or a regular expression is left alone.",
    why_bad="Browsers follow `//evil.net`, `/\\evil.net` and `https:evil.net` to `evil.net`: "
    "the guard says the URL stays on the site, and the login form or logout link sends the "
    "user, and sometimes a token in the URL, to the attacker's page.",
    example="def is_safe_url(url):\n    return url.startswith('/')",
    use_instead="def is_safe_url(url):\n"
    "    return url_has_allowed_host_and_scheme(url, allowed_hosts=None)",
    references=(
        "https://cwe.mitre.org/data/definitions/601.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",
        "https://nvd.nist.gov/vuln/detail/CVE-2021-32806",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef),
    text_words=_WORTH_READING,
)
def incomplete_redirect_check(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report the test of a redirect guard that admits URLs of other hosts."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return
    if not is_redirect_guard(node, context):
        return
    nodes = shared_own_nodes(node, context)
    facts = _Facts(node, nodes, context)
    hits = [*_prefix_hits(node, nodes, facts, context), *_parse_hits(node, nodes, facts, context)]
    yield from hits
    if not hits:
        yield from _joined_hits(node, nodes, facts, context)
    if not facts.delegates:
        for path in kept_paths(nodes, context):
            yield Hit(
                node=path,
                message=f"`{node.name}` makes the URL local by keeping only "
                f"`{code(context, path)}`, but the path of `https:////evil.net` is "
                "`//evil.net`, which browsers follow to `evil.net` (protocol-relative); "
                "collapse the leading slashes (`re.sub(r'^//+', '/', path)`) or refuse `//`.",
            )
