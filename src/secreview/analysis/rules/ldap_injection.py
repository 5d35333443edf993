"""CWE-90 by data flow: untrusted input in an LDAP filter or DN (`ldap-injection`)."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

ldap_injection = taint_rule(
    TaintSpec("ldap", "filter metacharacters (`*`, `)(`) widen or rewrite the directory query."),
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
