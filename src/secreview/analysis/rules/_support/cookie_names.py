"""Which cookie names say the cookie guards a session, shared by the pattern and taint cookie rules.

`cookie-without-secure` and `tainted-cookie-insecure` (and their HttpOnly twins) must agree on
which cookies are worth a medium severity, so the words live in one place.
"""

from __future__ import annotations

SENSITIVE_COOKIE_WORDS = frozenset(
    {
        "session", "sess", "sid", "sessionid", "auth", "token", "jwt", "remember", "login",
        "access", "refresh", "credential", "credentials", "sso", "saml", "oauth", "oidc",
        "identity", "api", "key", "secret", "bearer", "logged",
    }
)  # fmt: skip
"""Words of a cookie name (`session_id`, `authToken`) that make it a session or login cookie."""
