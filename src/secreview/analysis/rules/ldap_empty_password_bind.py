"""CWE-287 by data flow: a login that binds to LDAP with the user's password, empty allowed.

An LDAP simple bind with a name and an empty password is an *unauthenticated* bind (RFC 4513
5.1.2): many directory servers accept it as anonymous and report success. A login view that
treats "the bind worked" as "the password is right" then lets anyone in as anyone by sending an
empty password, unless it refuses one first. python-ldap passes the empty string on as it is
(ldap3 refuses it itself, so only python-ldap binds are sinks). A test of the password's
truth (`if not password: ...` that leaves, `if password:` around the bind) or a comparison with
`""` cleans it (`taint/guards.py`).
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

ldap_empty_password_bind = taint_rule(
    TaintSpec(
        "bind-password",
        "an empty password makes an unauthenticated bind that many directory servers accept, "
        "so the login succeeds for any user.",
    ),
    id="ldap-empty-password-bind",
    name="LDAP login accepts an empty password (unauthenticated bind)",
    cwe=287,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A password from the client is checked by an LDAP simple bind without refusing an "
    "empty one, which the server takes as an unauthenticated bind and accepts.",
    fix="Refuse an empty password before binding (`if not password: raise ...`); an "
    "unauthenticated bind proves nothing about the user.",
    what_it_does="Follows untrusted data into the password (`cred`) of python-ldap's "
    "`simple_bind_s`/`simple_bind`/`bind_s`/`bind`, unless the password's truth is tested first "
    'on the way (`if not password: return`, `if password:`, `password != ""`).',
    why_bad="RFC 4513 (5.1.2) makes a simple bind with a name and no password an "
    "unauthenticated bind, which Active Directory and OpenLDAP servers configured for anonymous "
    "access accept: the login believes a password it never checked (CWE-287).",
    example="conn.simple_bind_s(user_dn, request.json['password'])",
    use_instead="password = request.json['password']\n"
    "if not password:\n"
    "    raise Unauthorized()\n"
    "conn.simple_bind_s(user_dn, password)",
    references=(
        "https://datatracker.ietf.org/doc/html/rfc4513#section-5.1.2",
        "https://cwe.mitre.org/data/definitions/287.html",
        "https://www.python-ldap.org/en/latest/reference/ldap.html#ldap.LDAPObject.simple_bind_s",
    ),
)
