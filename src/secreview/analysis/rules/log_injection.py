"""CWE-117 by data flow: untrusted input written to logs (`log-injection`).

Secrets written to logs are `secret-in-log`, a pattern rule.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.markers import FIXED_SERVER
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity


def _from_the_attacker(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the logged data may come from the web client and forge an entry: not the reply
    of a service API at a host the code fixes or the operator configured (the attacker is the
    client, not the service the code or its operator chose to call; that reply is still the
    server's data for every other rule), and not in a project whose logging renders JSON by
    default (`secreview.project_log_format`: the formatter escapes every line break) unless
    the call is a loguru logger's, which the standard library's configuration never formats."""
    if FIXED_SERVER in event.flow.safe_for:
        return False
    return not context.project_logs_json or _loguru_call(event, context)


def _loguru_call(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the sink is a method of loguru's logger called here (`logger.info(...)` after
    `from loguru import logger`): loguru writes through its own sinks, not `logging`'s."""
    node = event.node
    if event.inside or not isinstance(node, ast.Call):
        return False
    return (context.call_name(node) or "").startswith("loguru.")


log_injection = taint_rule(
    TaintSpec("log", "line breaks in the input forge log entries.", reports=_from_the_attacker),
    id="log-injection",
    name="Log injection: untrusted input written to logs",
    cwe=117,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input is logged without neutralising line breaks.",
    fix="Remove or escape CR/LF before logging (`value.replace('\\n', '\\\\n')`), log with `%r`, "
    "or use a structured (JSON) log formatter.",
    what_it_does="Follows untrusted data into `logging` calls and logger methods. Values that "
    "cannot hold a line break are left out: request header values as the server parsed them "
    "(`request.headers[...]`, a WSGI environ's `HTTP_*` keys), URLs the framework rebuilt "
    "percent-encoded, an `http.server` handler's request line (`self.path`), what a Tornado "
    "handler's `self.request` took from the request line (`uri`, `path`, `query`, `method`) "
    "and header values, a request's raw body and an HTTP client response's `content` (bytes, "
    "written as their `repr`), and values formatted with `%r` or with line breaks replaced. "
    "Decoded (`unquote`, `parse_qs`, `b64decode`, `json.loads`), here or inside a function of the "
    "project it is handed to, any of them is reported again: `%0A` is a line break then. The "
    "reply of a service API whose host the code fixes (or a configured base followed by a fixed "
    "path: `settings.API_URL + '/search'`) is left out however it is decoded: the attacker is the "
    "web client, not the service the code or its operator chose to call. An identifier (`id`, "
    "`pk`, `episode_id`, a UUID, a slug) logged once a look-up by it found a stored record (past "
    "`if not row: raise`, or `get_object_or_404(Model, pk=key)`) is left out too: it equals a key "
    "the program made; a look-up by a name or a fuzzy filter proves nothing.",
    why_bad="A value with `\\n` adds fake entries (a forged login, a cleared alert) that mislead "
    "whoever reads the log (CWE-117).",
    example="logger.info('login failed for ' + request.form['user'])",
    use_instead="logger.info('login failed for %r', request.form['user'])",
    references=(
        "https://owasp.org/www-community/attacks/Log_Injection",
        "https://cwe.mitre.org/data/definitions/117.html",
    ),
)
