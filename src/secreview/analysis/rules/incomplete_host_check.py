"""CWE-183: a host allow-list written as a suffix, substring or prefix test that admits other
hosts (`incomplete-host-check`).

The server a URL points to is its host, and a host is allowed by comparing it whole or by its
labels. Text tests on it look right and are not:
- `host.endswith("example.com")` holds for `evilexample.com`, which anyone can register;
- `"example.com" in url` holds for `https://example.com.evil.net/` and for
  `https://evil.net/?example.com`;
- `url.startswith("https://example.com")` holds for `https://example.com.evil.net/` and for
  `https://example.com@evil.net/`, whose host is `evil.net`;
- a constant regular expression has the same gaps (`_support/host_regex.py`): an unescaped `.`
  between labels, no `$` after the host under `match`, no `^` under `search`;
- `netloc.split(":")[0]`, meant to drop the port, keeps the user name of
  `https://allowed.com:x@evil.net/` (`_support/netloc_port.py`), whatever the host is compared
  with afterwards.
Such tests guard redirects, fetches, CORS origins, OAuth callbacks and the download of signing
certificates; each is the door the check was meant to close. The rule reports the test when the
literal is a domain name (dotted, with an alphabetic top-level label), the tested value is a host
or a URL (a parsed URL's `netloc`/`hostname`/`host`, a name for a URL such as `url`, `redirect_uri`,
`next`, `origin`, or a `host` variable assigned such a part), and the test is an allow-list:
its function is named for one, failing it refuses, or passing it redirects to or fetches the
URL (see `_decides`; most such tests only choose how to read a link). The correct forms are
quiet: `.endswith(".example.com")` (a leading dot), a prefix ending with `/`
after the host, equality and membership in a set of hosts.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.function_flow import names_in
from secreview.analysis.rules._support.host_regex import host_pattern, host_regex_gap
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.netloc_port import CUTTING_METHODS, port_cut_hit
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.redirect_guards import REFUSING_CALLS, decision
from secreview.analysis.taint.guard_shapes import HOST_PARTS
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

RULE_ID = "incomplete-host-check"

_DOMAIN = lazy_pattern(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}", re.IGNORECASE)
"""A domain name with at least two labels and an alphabetic top-level one (no IP address, no
`localhost`), matched whole and in any case."""
_URL_PREFIX = lazy_pattern(r"[a-z][a-z0-9+.\-]*://(?P<host>[^/?#@\s]+)", re.IGNORECASE)
"""A scheme and an authority with nothing after it: the prefix that still admits more host."""
_URL_WORDS = frozenset(
    {"url", "uri", "href", "link", "redirect", "next", "referer", "referrer", "origin"}
    | {"location", "callback", "webhook"}
)
"""Words of a name that holds a whole URL (a substring or prefix of one is never its host)."""
_NOT_A_URL_WORDS = frozenset(
    {"name", "names", "pattern", "patterns", "regex", "id", "ids", "key", "keys", "template"}
)
"""Last words of a name that holds something about URLs, not one (`url_names`, `url_pattern`)."""
_FILE_EXTENSIONS = frozenset(
    {"json", "xml", "html", "htm", "txt", "csv", "yaml", "yml", "py", "js", "css", "md", "rst"}
    | {"png", "jpg", "jpeg", "gif", "svg", "pdf", "zip", "gz", "tar", "log", "cfg", "ini", "conf"}
)
"""Last labels that make a dotted literal a file name (`export.json`), not a domain."""
_HOST_WORDS = frozenset({"host", "hostname", "netloc"})
"""Words of a name that holds a host when it was assigned a parsed URL's host part."""
_KEEPING_METHODS = frozenset({"lower", "casefold", "strip", "rstrip"})
"""Methods that leave a host the same host (`host.lower().endswith(...)`)."""
_ALLOW_LIST_WORDS = frozenset(
    {"safe", "allowed", "allow", "trusted", "trust", "valid", "validate", "verify", "verified"}
    | {"whitelisted", "whitelist", "allowlisted", "allowlist", "permitted", "authorized"}
)
"""Words of a function's name that say it decides which hosts are let in."""
_USES = frozenset({"redirect", "urlopen", "get", "post", "put", "request", "fetch", "open"})
"""Words of a call that redirects to, fetches or opens the URL it is handed."""


def _text(node: ast.expr) -> list[str] | None:
    """The literal text of `node`: a string, or each string of a tuple of strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple) and node.elts:
        texts = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(texts) == len(node.elts) and all(isinstance(t, str) for t in texts):
            return [str(t) for t in texts]
    return None


def _is_host_part(node: ast.expr) -> bool:
    """`urlparse(u).netloc`, `parsed.hostname`, `request.host`."""
    return isinstance(node, ast.Attribute) and node.attr in HOST_PARTS


def _names_url(node: ast.expr) -> bool:
    """A value holding a whole URL, by its name (`redirect_uri`, `self.next_url`); not one
    whose last word says it holds names or patterns of URLs (`url_names`)."""
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    if name is None:
        return False
    words = words_of(name)
    return bool(words & _URL_WORDS) and name.lower().rsplit("_", 1)[-1] not in _NOT_A_URL_WORDS


def _is_domain(text: str) -> bool:
    """A domain name: dotted, alphabetic top-level label, not a file name (`export.json`)."""
    return bool(_DOMAIN.fullmatch(text)) and text.rsplit(".", 1)[-1].lower() not in _FILE_EXTENSIONS


def _is_host(node: ast.expr, context: ModuleContext) -> bool:
    """A host: a parsed URL's host part, or a `host`/`netloc` local assigned only such parts."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr not in _KEEPING_METHODS:
            return False
        node = node.func.value  # `host.lower().endswith(...)`
    if _is_host_part(node):
        return True
    if not (isinstance(node, ast.Name) and words_of(node.id) & _HOST_WORDS):
        return False
    values = [value for value, _ in assigned_values(context, node) if value is not node]
    return bool(values) and all(_is_host(value, context) for value in values)


def _decides(node: ast.expr, context: ModuleContext) -> bool:
    """Whether the test decides something a host allow-list decides.

    Most suffix and substring tests of a host choose how to read a URL (`youtu.be` links keep
    the video id in the path), which no attacker gains from. A test is an allow-list when its
    function is named for one (`is_safe_url`, `validate_origin`, `allowed_host`), when failing
    it refuses (an `assert`, or a branch that raises, aborts or returns False), or when passing
    it returns True or hands a variable it tested to a redirect, a fetch or an open."""
    parent, child, negated = decision(node, context)
    function = context.enclosing_function(node)
    named_for_one = function is not None and bool(words_of(function.name) & _ALLOW_LIST_WORDS)
    deciding = (ast.While, ast.IfExp, ast.Assert, ast.Return, ast.Assign, ast.comprehension)
    if named_for_one and isinstance(parent, deciding):
        return True  # an `if` of such a function must still refuse, admit or answer (below)
    if isinstance(parent, ast.Assert):
        return parent.test is child
    if not (isinstance(parent, ast.If) and parent.test is child):
        return False
    passed, failed = (parent.orelse, parent.body) if negated else (parent.body, parent.orelse)
    return (
        _refuses(failed)
        or _admits(passed, names_in(node))
        or (named_for_one and _returns_a_verdict(passed))
    )


def _returns_a_verdict(branch: list[ast.stmt]) -> bool:
    """A branch whose first statement returns something other than False or None: in a
    function named for an allow-list, passing the test answers the question."""
    first = branch[0] if branch else None
    if not isinstance(first, ast.Return) or first.value is None:
        return False
    return not (isinstance(first.value, ast.Constant) and first.value.value in (False, None))


def _refuses(branch: list[ast.stmt]) -> bool:
    """A branch that raises, aborts or returns False in its first two statements."""
    for statement in branch[:2]:
        if isinstance(statement, ast.Raise):
            return True
        if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Constant):
            return statement.value.value is False
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and (last_name(call.func) or "").lower() in REFUSING_CALLS:
            return True
    return False


def _admits(branch: list[ast.stmt], urls: set[str]) -> bool:
    """A branch that returns True, or hands a tested variable to a redirect or a fetch."""
    for node in (n for statement in branch for n in ast.walk(statement)):
        returned = node.value if isinstance(node, ast.Return) else None
        if isinstance(returned, ast.Constant) and returned.value is True:
            return True
        if isinstance(node, ast.Call) and words_of(last_name(node.func) or "") & _USES:
            handed = [*node.args, *(k.value for k in node.keywords)]
            if any(isinstance(a, ast.Name) and a.id in urls for a in handed):
                return True
    return False


def _suffix_hit(call: ast.Call, context: ModuleContext) -> str | None:
    """`host.endswith("example.com")`: a suffix with no dot before the domain."""
    texts = _text(call.args[0])
    receiver = call.func.value  # type: ignore[attr-defined]
    if texts is None or not _is_host(receiver, context):
        return None
    loose = next((t for t in texts if _is_domain(t)), None)
    if loose is None:
        return None
    return (
        f"`{code(context, call)}` also holds for `evil{loose}` and `evil-{loose}`, hosts anyone "
        f"can register: compare the host with `{loose}` exactly, or test "
        f"`.endswith('.{loose}')` with the leading dot."
    )


def _prefix_hit(call: ast.Call, context: ModuleContext) -> str | None:
    """`url.startswith("https://example.com")`: a scheme and host with no `/` after them."""
    texts = _text(call.args[0])
    receiver = call.func.value  # type: ignore[attr-defined]
    if texts is None or not _names_url(receiver):
        return None
    for text in texts:
        match = _URL_PREFIX.fullmatch(text)
        if match and _is_domain(match["host"].rsplit(":", 1)[0]):
            return (
                f"`{code(context, call)}` also holds for `{text}.evil.net/` and "
                f"`{text}@evil.net/`, whose host is not `{match['host']}`: parse the URL and "
                f"compare its host, or test the prefix `{text}/`."
            )
    return None


def _regex_hit(call: ast.Call, context: ModuleContext) -> str | None:
    """`re.match(r"https://example\\.com", url)`: a constant pattern for a host or URL that
    admits other hosts (`host_regex`)."""
    found = host_pattern(call, context)
    if found is None:
        return None
    whole_url = _names_url(found.subject)
    if not (whole_url or _is_host(found.subject, context)):
        return None
    gap = host_regex_gap(found, whole_url)
    return None if gap is None else f"`{code(context, call)}` allows more than its host: {gap}"


def _substring_hit(test: ast.Compare, context: ModuleContext) -> str | None:
    """`"example.com" in url`: a host looked for anywhere in the text."""
    literal, subject = test.left, test.comparators[0]
    if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str)):
        return None
    domain = literal.value
    if not _is_domain(domain):
        return None
    if not (_names_url(subject) or _is_host(subject, context)):
        return None
    return (
        f"`{code(context, test)}` also holds for `{domain}.evil.net` and for "
        f"`https://evil.net/?{domain}`: parse the URL and compare its host with `{domain}` "
        "(or a set of allowed hosts)."
    )


def _judged(node: ast.expr, context: ModuleContext) -> ast.expr:
    """The expression a test decides through: `bool(PATTERN.match(host))` and
    `PATTERN.match(host) is not None` decide what the match does."""
    parent = context.parent(node)
    if isinstance(parent, ast.Call) and context.call_name(parent) == "bool":
        return parent
    if (
        isinstance(parent, ast.Compare)
        and len(parent.ops) == 1
        and isinstance(parent.ops[0], ast.IsNot)
        and isinstance(parent.comparators[0], ast.Constant)
        and parent.comparators[0].value is None
    ):
        return parent
    return node


_TEXT_TESTS = {"endswith": _suffix_hit, "startswith": _prefix_hit}


@rule(
    id=RULE_ID,
    name="Host allowed by a suffix, substring, prefix or regex test that admits other hosts",
    cwe=183,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A host or URL is allowed by `host.endswith('example.com')`, `'example.com' in url` "
    "or `url.startswith('https://example.com')` (or a regex like them), each of which also "
    "admits hosts an attacker registers (`evilexample.com`, `example.com.evil.net`).",
    fix="Parse the URL (`urllib.parse.urlsplit`) and compare its `hostname` with the allowed "
    "hosts exactly (`hostname in ALLOWED_HOSTS`), or allow subdomains with the leading dot "
    "(`hostname == 'example.com' or hostname.endswith('.example.com')`); a URL prefix must "
    "end with the `/` after the host, and a pattern must escape its dots and be anchored at "
    "both ends.",
    what_it_does="Reports `endswith` of a domain name without its leading dot on a host (a "
    "parsed URL's `netloc`/`hostname`/`host`, or a `host` local assigned one), a domain name "
    "looked for with `in` in a URL or host, and `startswith` of a scheme and domain with no "
    "`/` after it on a URL (by its name: `url`, `redirect_uri`, `next`, `origin`...), when "
    "the test is an allow-list; also constant regexes matched against such values "
    "(`re.match`/`search`/`fullmatch`, a compiled pattern's methods) whose domain has an "
    "unescaped `.` between labels, that `match` with nothing after the host (no `$` or `/`), "
    "or that `search` with no `^`; and a host taken as `netloc.split(':')[0]` (the user "
    "name when the URL carries credentials) that such a test then compares. The test is an "
    "allow-list when its function is named for one (`is_safe_url`, `validate_origin`), "
    "failing it raises, aborts or returns False (or it is an `assert`), or passing it "
    "returns True or hands the tested URL to a redirect or a fetch. Tests that only choose "
    "how to read a link (`youtu.be` keeps the id in the path) are not reported.",
    why_bad="Such checks guard redirects, server-side fetches, CORS origins, OAuth callbacks "
    "and the download of signing certificates. Anyone can register `evilexample.com` or "
    "create `example.com.evil.net`, and `https://example.com@evil.net/` points to "
    "`evil.net`: the check passes and the request goes where the attacker wants.",
    example="host = urlparse(url).hostname\nif host.endswith('example.com'):\n"
    "    return redirect(url)",
    use_instead="host = urlparse(url).hostname\n"
    "if host == 'example.com' or host.endswith('.example.com'):\n    return redirect(url)",
    references=(
        "https://cwe.mitre.org/data/definitions/183.html",
        "https://codeql.github.com/codeql-query-help/python/py-incomplete-url-substring-sanitization/",
        "https://codeql.github.com/codeql-query-help/python/py-incomplete-hostname-regexp/",
        "https://nvd.nist.gov/vuln/detail/CVE-2023-33185",
    ),
    visits=(ast.Call, ast.Compare),
    methods=frozenset({"endswith", "startswith", "match", "search", "fullmatch"} | CUTTING_METHODS),
)
def incomplete_host_check(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report suffix, substring and prefix tests of a host or URL against a domain name
    (not in tests: their asserts check what the code under test made, they admit nothing)."""
    if context.is_test:
        return
    if isinstance(node, ast.Compare):
        if not (len(node.ops) == 1 and isinstance(node.ops[0], ast.In)):
            return  # cheap first: most comparisons are no `in`
        message = _substring_hit(node, context)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        if node.func.attr in CUTTING_METHODS:  # `netloc.split(":")[0]` tested as the host
            message = port_cut_hit(node, context, _decides)
            if message is not None:
                yield Hit(node=node, message=message)
            return
        hit = _TEXT_TESTS.get(node.func.attr, _regex_hit)
        message = hit(node, context)
    else:
        return
    if message is not None and _decides(_judged(node, context), context):
        yield Hit(node=node, message=message)
