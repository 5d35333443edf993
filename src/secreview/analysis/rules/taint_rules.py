"""Taint rules: untrusted input reaching a dangerous call, one rule per kind of sink (CWE).

All of them read one shared analysis of the module (`secreview.analysis.taint.taint_events`),
computed the first time any of them runs, and report each sink reached with the whole path,
source first, as evidence. What counts as a source, sink or sanitiser is data, in
`secreview/analysis/models/*.toml`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from secreview.analysis.models import name_words
from secreview.analysis.rule import Hit, Rule, rule
from secreview.analysis.rules.insecure_cookies import _SENSITIVE_COOKIE_WORDS
from secreview.analysis.taint import AnalysisContext, taint_events
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity

_ORIGIN_WORDS = {
    "remote": "remote input",
    "local": "local input",
    "env": "environment input",
    "secret": "a password",
    "weak-token": "a predictable random value used as a token",
}
"""How messages describe the data of each origin."""


@dataclass(frozen=True, slots=True)
class _Spec:
    """What differs between taint rules besides metadata: the sink kind and its wording.

    `origins` are the dedicated origins the rule reports (a password, a predictable token): who
    typed such data does not change the weakness, so it is never downgraded as local input.
    `severity_of` may set the severity of one hit from the sink call (a session cookie).
    `names_the_label`: the message quotes the code that made the data what it is (the read of
    `request.form["password"]`) rather than where the path began (`request.form`).
    """

    kind: str
    danger: str
    origins: tuple[str, ...] = ()
    severity_of: Callable[[SinkEvent, AnalysisContext], Severity | None] | None = None
    names_the_label: bool = False


def _taint_rule(spec: _Spec, **metadata: object) -> Rule:
    """A rule reporting every flow of untrusted data into sinks of `spec.kind`."""
    severity = metadata["severity"]
    assert isinstance(severity, Severity)

    def check(node: ast.AST, context: AnalysisContext) -> Iterator[Hit]:
        for event in taint_events(context).events:
            if event.kind == spec.kind:
                yield _hit(event, spec, severity, context)

    check.__doc__ = f"Report untrusted data reaching a {spec.kind} sink."
    return rule(visits=(ast.Module,), follows_data_flow=True, **metadata)(check)  # type: ignore[arg-type]


def _hit(event: SinkEvent, spec: _Spec, severity: Severity, context: AnalysisContext) -> Hit:
    """A hit at the sink naming the source, the sink and the path in between."""
    flow = event.flow
    source_node, source_note = flow.steps[0]
    if spec.names_the_label:
        # The step that gave the flow its origin: a source's or a label's note ends "(origin)".
        marker = f"({flow.origin})"
        source_node, source_note = next(
            (step for step in flow.steps if step[1].endswith(marker)), flow.steps[0]
        )
    source = context.segment(source_node) or source_note
    line = getattr(source_node, "lineno", "?")
    described = _ORIGIN_WORDS.get(flow.origin, f"{flow.origin} input")
    message = (
        f"`{source}` (line {line}, {described}) reaches `{event.sink}` as "
        f"{event.note or 'its argument'}; {spec.danger}"
    )
    evidence = (*flow.steps, (event.node, f"reaches `{event.sink}` ({event.note})"))
    chosen = spec.severity_of(event, context) if spec.severity_of else None
    if flow.origin != "remote" and flow.origin not in spec.origins:  # the user's own input
        return Hit(
            node=event.node,
            message=message,
            evidence=evidence,
            confidence=Confidence.LOW,
            severity=min(chosen or severity, Severity.MEDIUM),
        )
    return Hit(node=event.node, message=message, evidence=evidence, severity=chosen)


def _cookie_severity(event: SinkEvent, context: AnalysisContext) -> Severity | None:
    """Medium for a cookie whose name says session, login or token (as `cookie-without-secure`
    judges it), else the rule's low."""
    call = event.node
    if not isinstance(call, ast.Call):
        return None
    name = context.constant_value(context.argument(call, 0, "key"))
    if isinstance(name, str) and set(name_words(name).split("_")) & _SENSITIVE_COOKIE_WORDS:
        return Severity.MEDIUM
    return None


path_traversal = _taint_rule(
    _Spec(
        "path",
        "`../` or an absolute path lets the requester read or write any file the application can.",
    ),
    id="path-traversal",
    name="Path traversal: untrusted input in a file path",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A file path built from untrusted input is opened, served, written or deleted.",
    fix="Reduce the input to a file name with `werkzeug.utils.secure_filename` or "
    "`os.path.basename`, join it to a fixed directory, and check the resolved path stays inside "
    "it (or serve with `send_from_directory`).",
    what_it_does="Follows request data, command-line arguments and input() to file operations "
    "(`open`, `os.remove`, `shutil`, `pathlib`, `send_file`, upload `save`).",
    why_bad="A path like `../../etc/passwd` or `/etc/shadow` escapes the intended directory, "
    "disclosing or overwriting files (CWE-22).",
    example="name = request.args['file']\nreturn open(os.path.join(BASE, name)).read()",
    use_instead="name = secure_filename(request.args['file'])\n"
    "return open(os.path.join(BASE, name)).read()",
    references=(
        "https://owasp.org/www-community/attacks/Path_Traversal",
        "https://werkzeug.palletsprojects.com/en/latest/utils/#werkzeug.utils.secure_filename",
        "https://cwe.mitre.org/data/definitions/22.html",
    ),
)

tainted_command = _taint_rule(
    _Spec("command", "shell metacharacters (`;`, `|`, `$(...)`) run the requester's commands."),
    id="tainted-command",
    name="OS command injection: untrusted input in a command",
    cwe=78,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted input reaches a shell command or the program name of a process.",
    fix="Pass an argument list without `shell=True` (`subprocess.run(['ls', path])`) and never "
    "let input choose the program; if a shell is unavoidable, quote each value with "
    "`shlex.quote`.",
    what_it_does="Follows untrusted data to `os.system`, `os.popen`, `subprocess.*` with "
    "`shell=True` or a tainted program name, `os.exec*` and `os.spawn*`.",
    why_bad="The shell interprets the input: `x; rm -rf /` runs a second command with the "
    "application's privileges (CWE-78).",
    example="os.system('ping -c 1 ' + request.args['host'])",
    use_instead="subprocess.run(['ping', '-c', '1', request.args['host']], check=True)",
    references=(
        "https://docs.python.org/3/library/subprocess.html#security-considerations",
        "https://docs.python.org/3/library/shlex.html#shlex.quote",
        "https://cwe.mitre.org/data/definitions/78.html",
    ),
)

tainted_code = _taint_rule(
    _Spec("code", "the requester chooses the Python code the server runs."),
    id="tainted-code",
    name="Code injection: untrusted input evaluated or imported",
    cwe=94,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted input reaches eval, exec, compile, __import__ or importlib.",
    fix="Parse data with `json.loads` or `ast.literal_eval`; map allowed names to functions or "
    "modules with a dict instead of importing or evaluating what the input names.",
    what_it_does="Follows untrusted data to `eval`, `exec`, `compile`, `__import__`, "
    "`importlib.import_module` and `runpy`.",
    why_bad="`__import__('os').system(...)` in the input runs arbitrary commands (CWE-94/95).",
    example="result = eval(request.form['expression'])",
    use_instead="result = ast.literal_eval(request.form['expression'])",
    references=(
        "https://docs.python.org/3/library/ast.html#ast.literal_eval",
        "https://cwe.mitre.org/data/definitions/94.html",
        "https://cwe.mitre.org/data/definitions/95.html",
    ),
)

tainted_deserialization = _taint_rule(
    _Spec("deserialization", "unpickling (or full YAML loading) attacker data runs their code."),
    id="tainted-deserialization",
    name="Deserialisation of untrusted data",
    cwe=502,
    severity=Severity.CRITICAL,
    confidence=Confidence.HIGH,
    summary="Untrusted bytes reach pickle, marshal, jsonpickle or a full YAML loader.",
    fix="Exchange data as JSON (`json.loads`) or load YAML with `yaml.safe_load`; never unpickle "
    "data that crossed a trust boundary.",
    what_it_does="Follows untrusted data to `pickle.loads`, `marshal.loads`, `jsonpickle.decode`, "
    "`yaml.load` without a safe loader, `yaml.unsafe_load` and similar.",
    why_bad="A pickle can name any callable to run while loading (`__reduce__`), so loading it is "
    "running the sender's code (CWE-502).",
    example="obj = pickle.loads(request.data)",
    use_instead="obj = json.loads(request.data)",
    references=(
        "https://docs.python.org/3/library/pickle.html",
        "https://pyyaml.org/wiki/PyYAMLDocumentation",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
)

tainted_sql = _taint_rule(
    _Spec("sql", "quotes in the input rewrite the query (read, change or delete any row)."),
    id="tainted-sql",
    name="SQL injection: untrusted input in query text",
    cwe=89,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Query text built from untrusted input is executed.",
    fix="Keep the SQL constant and pass values as parameters: "
    "`cursor.execute('SELECT * FROM t WHERE id = ?', (value,))`; for identifiers use an "
    "allow-list or `psycopg.sql.Identifier`.",
    what_it_does="Follows untrusted data into the statement text of DB-API `execute*`, "
    "SQLAlchemy `text`/`exec_driver_sql`, Django `raw`/`extra`/`RawSQL` and `pandas.read_sql`.",
    why_bad="`' OR '1'='1` or `'; DROP TABLE users; --` in the input becomes SQL (CWE-89).",
    example="cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
    use_instead="cursor.execute('SELECT * FROM users WHERE name = %s', (name,))",
    references=(
        "https://peps.python.org/pep-0249/#paramstyle",
        "https://docs.djangoproject.com/en/stable/topics/security/#sql-injection-protection",
        "https://cwe.mitre.org/data/definitions/89.html",
    ),
)

ldap_injection = _taint_rule(
    _Spec("ldap", "filter metacharacters (`*`, `)(`) widen or rewrite the directory query."),
    id="ldap-injection",
    name="LDAP injection: untrusted input in a filter or DN",
    cwe=90,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="An LDAP search filter or DN is built from untrusted input.",
    fix="Escape values with `ldap.filter.escape_filter_chars` (or ldap3's "
    "`escape_filter_chars`) and DN parts with `ldap.dn.escape_dn_chars`.",
    what_it_does="Follows untrusted data into python-ldap `search*`/`modify_s`/`delete_s` and "
    "ldap3 `Connection.search` arguments.",
    why_bad="`*)(uid=*` in a user name turns a lookup of one user into a dump of all of them, "
    "or bypasses an authentication filter (CWE-90).",
    example="conn.search_s(BASE, ldap.SCOPE_SUBTREE, f'(uid={user})')",
    use_instead="conn.search_s(BASE, ldap.SCOPE_SUBTREE, "
    "f'(uid={ldap.filter.escape_filter_chars(user)})')",
    references=(
        "https://www.python-ldap.org/en/latest/reference/ldap-filter.html",
        "https://cwe.mitre.org/data/definitions/90.html",
    ),
)

xpath_injection = _taint_rule(
    _Spec("xpath", "quotes in the input rewrite the XPath query."),
    id="xpath-injection",
    name="XPath injection: untrusted input in an XPath expression",
    cwe=643,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="An XPath expression is built from untrusted input.",
    fix="Keep the expression constant and pass values as XPath variables: "
    "`tree.xpath('//user[@name=$name]', name=value)`.",
    what_it_does="Follows untrusted data into lxml `xpath`/`XPath` and ElementTree "
    "`find`/`findall`/`findtext`/`iterfind` paths.",
    why_bad="`' or '1'='1` selects every node, disclosing data the query was meant to filter "
    "(CWE-643).",
    example='root.xpath("//user[@name=\'" + name + "\']")',
    use_instead="root.xpath('//user[@name=$name]', name=name)",
    references=(
        "https://lxml.de/xpathxslt.html#the-xpath-method",
        "https://cwe.mitre.org/data/definitions/643.html",
    ),
)

xss = _taint_rule(
    _Spec("html", "markup in the input runs as script in other users' browsers."),
    id="xss",
    name="Cross-site scripting: untrusted input in HTML output",
    cwe=79,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input is written into an HTML response or template without escaping.",
    fix="Render through an autoescaping template (`render_template('page.html', name=name)`) "
    "or escape with `markupsafe.escape`/`html.escape`; never build templates or `Markup` from "
    "input.",
    what_it_does="Follows untrusted data to `render_template_string`, `Markup`, `mark_safe`, "
    "`make_response`/`Response`/`HttpResponse` bodies, `HTMLResponse` and strings returned by "
    "Flask views.",
    why_bad="`<script>` in the input runs in the victim's session: it can steal cookies and act "
    "as the user (CWE-79). A template built from input is also template injection.",
    example="return f\"<p>Hello {request.args['name']}</p>\"",
    use_instead="return f\"<p>Hello {escape(request.args['name'])}</p>\"",
    references=(
        "https://flask.palletsprojects.com/en/latest/security/#cross-site-scripting-xss",
        "https://docs.djangoproject.com/en/stable/topics/security/#cross-site-scripting-xss-protection",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
)

open_redirect = _taint_rule(
    _Spec("redirect", "the requester can send users to a site of their choosing."),
    id="open-redirect",
    name="Open redirect: untrusted input chooses the redirect target",
    cwe=601,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A redirect goes to a URL taken from untrusted input.",
    fix="Redirect to a route name (`url_for`), to a fixed path prefix, or check the target with "
    "`url_has_allowed_host_and_scheme` before redirecting.",
    what_it_does="Follows untrusted data to `redirect`, `HttpResponseRedirect`, "
    "`RedirectResponse` and aiohttp redirects, unless the URL starts with a fixed path or host.",
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

tainted_xxe = _taint_rule(
    _Spec("xxe", "external entities in the document read local files or reach internal hosts."),
    id="tainted-xxe",
    name="XML external entities: untrusted XML parsed with entity resolution",
    cwe=611,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted XML is parsed by a parser that resolves external entities.",
    fix="Parse with `defusedxml`, or with `lxml.etree.XMLParser(resolve_entities=False, "
    "no_network=True)`.",
    what_it_does="Follows untrusted data to lxml `fromstring`/`XML`/`parse` without a parser "
    "that disables entity resolution, and to SAX/pulldom parsing with external entities on.",
    why_bad="`<!ENTITY x SYSTEM 'file:///etc/passwd'>` makes the parser read the file into the "
    "document (CWE-611).",
    example="doc = etree.fromstring(request.data)",
    use_instead="doc = defusedxml.lxml.fromstring(request.data)",
    references=(
        "https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint",
        "https://github.com/tiran/defusedxml",
        "https://cwe.mitre.org/data/definitions/611.html",
    ),
)

ssrf = _taint_rule(
    _Spec("ssrf", "the server can be made to call internal services or cloud metadata."),
    id="ssrf",
    name="Server-side request forgery: untrusted input chooses the URL",
    cwe=918,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="The server makes an HTTP (or socket) request to a URL taken from untrusted input.",
    fix="Build the URL from a fixed scheme and host (`f'https://api.example.com/{quote(id)}'`) "
    "or check the host against an allow-list before the request.",
    what_it_does="Follows untrusted data to requests/httpx/urllib/urllib3/aiohttp calls and "
    "socket connections, unless the URL starts with a fixed `scheme://host/`.",
    why_bad="`http://169.254.169.254/` or `http://localhost:6379/` reaches services the attacker "
    "cannot reach directly (CWE-918).",
    example="requests.get(request.args['url'])",
    use_instead="if urlparse(url).hostname not in ALLOWED_HOSTS:\n    abort(400)\n"
    "requests.get(url)",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/918.html",
    ),
)

trust_boundary = _taint_rule(
    _Spec("trust-boundary", "later code will trust it as if the server had set it."),
    id="trust-boundary",
    name="Trust boundary violation: untrusted input stored in the session",
    cwe=501,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Request data is stored in the session unvalidated.",
    fix="Validate the value (type, allow-list) before storing it in the session, or keep it "
    "apart from data the server vouches for.",
    what_it_does="Follows untrusted data into Flask `session[...]` and Django "
    "`request.session[...]` writes.",
    why_bad="Session data is usually treated as trusted; mixing raw input into it lets an "
    "attacker plant values later checks rely on (CWE-501).",
    example="session['role'] = request.args['role']",
    use_instead="role = request.args['role']\n"
    "if role in ALLOWED_ROLES:\n    session['role'] = role",
    references=("https://cwe.mitre.org/data/definitions/501.html",),
)

log_injection = _taint_rule(
    _Spec("log", "line breaks in the input forge log entries."),
    id="log-injection",
    name="Log injection: untrusted input written to logs",
    cwe=117,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input is logged without neutralising line breaks.",
    fix="Remove or escape CR/LF before logging (`value.replace('\\n', '\\\\n')`), log with `%r`, "
    "or use a structured (JSON) log formatter.",
    what_it_does="Follows untrusted data into `logging` calls and logger methods.",
    why_bad="A value with `\\n` adds fake entries (a forged login, a cleared alert) that mislead "
    "whoever reads the log (CWE-117).",
    example="logger.info('login failed for ' + request.form['user'])",
    use_instead="logger.info('login failed for %r', request.form['user'])",
    references=(
        "https://owasp.org/www-community/attacks/Log_Injection",
        "https://cwe.mitre.org/data/definitions/117.html",
    ),
)

header_injection = _taint_rule(
    _Spec("header", "CR/LF in the input splits the response or adds headers."),
    id="header-injection",
    name="HTTP header injection: untrusted input in a response header",
    cwe=113,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A response header is set from untrusted input.",
    fix="Validate header values against an allow-list or strip CR/LF; set cookies only from "
    "values the server chose.",
    what_it_does="Follows untrusted data into `response.headers[...]`, `headers.add/set` and "
    "Django `response[...]` writes.",
    why_bad="`\\r\\n` in a header value lets an attacker add headers or a body (response "
    "splitting), poisoning caches or setting cookies (CWE-113).",
    example="resp.headers['X-Name'] = request.args['name']",
    use_instead="resp.headers['X-Name'] = re.sub(r'[\\r\\n]', '', request.args['name'])",
    references=(
        "https://owasp.org/www-community/attacks/HTTP_Response_Splitting",
        "https://cwe.mitre.org/data/definitions/113.html",
    ),
)

tainted_regex = _taint_rule(
    _Spec("regex", "a crafted pattern can take exponential time (ReDoS) or match anything."),
    id="tainted-regex",
    name="Regular expression built from untrusted input",
    cwe=1333,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input is compiled or used as a regular expression pattern.",
    fix="Escape the input with `re.escape` to match it literally, or match with `in`/`str` "
    "methods instead of a pattern.",
    what_it_does="Follows untrusted data into the pattern argument of `re` functions.",
    why_bad="`(a+)+$` makes the backtracking engine run for minutes on a short string, tying up "
    "a worker per request (CWE-1333).",
    example="re.search(request.args['q'], text)",
    use_instead="re.search(re.escape(request.args['q']), text)",
    references=(
        "https://docs.python.org/3/library/re.html#re.escape",
        "https://cwe.mitre.org/data/definitions/1333.html",
    ),
)


tainted_cookie_insecure = _taint_rule(
    _Spec(
        "cookie-insecure",
        "the browser also sends the cookie over plain HTTP, where anyone on the network path can "
        "read it.",
        severity_of=_cookie_severity,
    ),
    id="tainted-cookie-insecure",
    name="Cookie carrying untrusted data set without the Secure attribute",
    cwe=614,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="Request data is stored in a cookie set without secure=True.",
    fix="Pass `secure=True` to `set_cookie` (with `httponly=True` and `samesite='Lax'`) and serve "
    "the site over HTTPS only; keep tokens the client sends you in the server-side session "
    "rather than copying them into cookies of your own.",
    what_it_does="Follows request data (and command-line input, at low confidence) into the "
    "value of `set_cookie`/`set_signed_cookie` on a Flask/Werkzeug, Django, Starlette/FastAPI "
    "or aiohttp response when `secure` is missing or a constant false value (positionally, the "
    "seventh argument). A non-constant flag (`secure=request.is_secure`) is a decision made "
    "elsewhere and is not reported. Cookies whose name suggests a session, login or token are "
    "medium severity. On the same line it replaces `cookie-without-secure`, adding the path the "
    "value took.",
    why_bad="Without Secure the browser sends the cookie over plain HTTP too: one request to an "
    "http:// URL (a mistyped link, a downgraded connection on public Wi-Fi) hands the value, "
    "often a token the user just presented, to anyone on the network path (CWE-614).",
    example="token = request.args['token']\nresp.set_cookie('auth_token', token, httponly=True)",
    use_instead="token = request.args['token']\n"
    "resp.set_cookie('auth_token', token, secure=True, httponly=True, samesite='Lax')",
    references=(
        "https://flask.palletsprojects.com/en/stable/security/#set-cookie-options",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies",
        "https://cwe.mitre.org/data/definitions/614.html",
    ),
)

tainted_cookie_script_readable = _taint_rule(
    _Spec(
        "cookie-script-readable",
        "any script running in the page, an injected one included, can read it.",
        severity_of=_cookie_severity,
    ),
    id="tainted-cookie-script-readable",
    name="Cookie carrying untrusted data set without the HttpOnly attribute",
    cwe=1004,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    summary="Request data is stored in a cookie set without httponly=True.",
    fix="Pass `httponly=True` to `set_cookie` (with `secure=True` and `samesite='Lax'`) unless "
    "page scripts must read the cookie.",
    what_it_does="Follows request data (and command-line input, at low confidence) into the "
    "value of `set_cookie`/`set_signed_cookie` on a Flask/Werkzeug, Django, Starlette/FastAPI "
    "or aiohttp response when `httponly` is missing or a constant false value (positionally, the "
    "eighth argument), except CSRF cookies (`csrftoken`, `XSRF-TOKEN`), which scripts must read. "
    "Cookies whose name suggests a session, login or token are medium severity. On the same "
    "line it replaces `cookie-without-httponly`, adding the path the value took.",
    why_bad="A cookie without HttpOnly can be read by any script on the page: one cross-site "
    "scripting bug anywhere on the site is then enough to send the value to an attacker "
    "(CWE-1004).",
    example="token = request.args['token']\nresp.set_cookie('auth_token', token, secure=True)",
    use_instead="token = request.args['token']\n"
    "resp.set_cookie('auth_token', token, secure=True, httponly=True, samesite='Lax')",
    references=(
        "https://owasp.org/www-community/HttpOnly",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies",
        "https://cwe.mitre.org/data/definitions/1004.html",
    ),
)

weak_hash_of_password = _taint_rule(
    _Spec(
        "weak-hash",
        "MD5 and SHA-1 are fast and unsalted digests of common passwords are in lookup tables, "
        "so whoever reads the digests recovers most passwords within hours.",
        origins=("secret",),
        names_the_label=True,
    ),
    id="weak-hash-of-password",
    name="Password from untrusted input hashed with MD5 or SHA-1",
    cwe=328,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A password the user sent is hashed with MD5, SHA-1 (or MD4/MD2).",
    fix="Hash passwords with a password hash: argon2-cffi's `PasswordHasher().hash(password)`, "
    "bcrypt, or `hashlib.scrypt(password.encode(), salt=os.urandom(16), n=2**14, r=8, p=1)`; "
    "verify with the library's constant-time check.",
    what_it_does="Follows passwords from untrusted input into `hashlib.md5`, `hashlib.sha1`, "
    '`hashlib.new("md5"/"sha1")`, `.update()` of such a hash object and pycryptodome\'s '
    "`MD5/SHA1.new`. A value is a password when it is read, stored or passed under a name whose "
    "head noun is one (`request.form['password']`, a JSON key `newPassword`, a FastAPI "
    "parameter `password`, `body.password`, `pwd = input()`; not `password_reset_url`). "
    "`usedforsecurity=False` does not silence it: a digest of a password is a security "
    "control whatever the flag says. API keys and random tokens are not passwords: their "
    "preimages are out of reach even through MD5. On the same line it replaces the pattern "
    "rules `weak-hash` and `fast-password-hash`, adding the path the password took.",
    why_bad="Passwords are short and human-chosen: a GPU tests billions of MD5 or SHA-1 guesses a "
    "second, and unsalted digests of common passwords are simply looked up. Once the digests "
    "leak (a backup, an SQL injection), so do the passwords, which people reuse elsewhere "
    "(CWE-328, CWE-916).",
    example="password = request.form['password']\n"
    "user.password_hash = hashlib.md5(password.encode()).hexdigest()",
    use_instead="password = request.form['password']\n"
    "user.password_hash = PasswordHasher().hash(password)  # argon2-cffi",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
        "https://docs.python.org/3/library/hashlib.html#hashlib.scrypt",
        "https://argon2-cffi.readthedocs.io/en/stable/api.html",
        "https://cwe.mitre.org/data/definitions/328.html",
    ),
)

predictable_token = _taint_rule(
    _Spec(
        "token",
        "the `random` module's Mersenne Twister is predictable (624 outputs reveal its state), "
        "so an attacker can compute the tokens it hands to other users.",
        origins=("weak-token",),
    ),
    id="predictable-token",
    name="Token from the predictable random module sent in a response, cookie or session",
    cwe=330,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A security token made with `random` reaches a response body, header, cookie or "
    "the session.",
    fix="Make tokens with the `secrets` module: `secrets.token_urlsafe(32)`, "
    "`secrets.token_hex(16)`, `secrets.choice(alphabet)` per character or "
    "`secrets.randbelow(10**6)` for a numeric code.",
    what_it_does="Follows values of `random.random/randint/randrange/getrandbits/uniform/"
    "randbytes/choice/choices/sample` (and the same methods of `random.Random()`) that the code "
    "names as a security token (a variable, attribute, dict key, keyword argument or function "
    "whose head noun is token, secret, nonce, CSRF, session id, API key, password, PIN, OTP or "
    "reset/verification code) to a cookie value, a response header, the session, a response "
    "body (`make_response`, `HttpResponse`, `jsonify`, `JsonResponse`, `JSONResponse`, "
    "templates) or a view's return value; a cookie, header or session key named so also makes "
    "the value a token. Casts and digests keep it predictable (`sha256(str(random.random()))`). "
    "`secrets` and `random.SystemRandom()` are not sources, and unnamed values (a dice roll, an "
    "A/B bucket) are not tokens.",
    why_bad="Session ids, CSRF tokens, reset codes and API keys protect accounts only if nobody "
    "can guess them. `random` is seeded from the clock when the OS has no entropy and its "
    "internal state follows from a few hundred outputs, so an attacker who collects their own "
    "tokens can compute other users' (CWE-330, CWE-338).",
    example="token = ''.join(random.choice(ALPHABET) for _ in range(32))\n"
    "resp.set_cookie('session_id', token, secure=True, httponly=True)",
    use_instead="token = secrets.token_urlsafe(32)\n"
    "resp.set_cookie('session_id', token, secure=True, httponly=True)",
    references=(
        "https://docs.python.org/3/library/secrets.html",
        "https://docs.python.org/3/library/random.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-id-entropy",
        "https://cwe.mitre.org/data/definitions/330.html",
    ),
)
