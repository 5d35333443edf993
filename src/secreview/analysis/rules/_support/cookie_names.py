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

PREFERENCE_COOKIE_WORDS = frozenset(
    {
        "lang", "language", "locale", "theme", "timezone", "tz", "filter", "filters", "sort",
        "layout", "view", "tab", "dark", "mode", "currency", "pref", "prefs", "preference",
        "preferences", "preferred", "font", "sidebar", "columns", "density",
    }
)  # fmt: skip
"""Words of a cookie name (`preferred_lang`, `ui_theme`, `cve_filter`) that say it keeps a display
choice the user made: its value is the user's own pick, sent back so the next page looks the same,
so no one gains anything by reading it over HTTP or from a script (Django's own language cookie is
script-readable by default). A name that also has a sensitive word stays a session cookie."""
