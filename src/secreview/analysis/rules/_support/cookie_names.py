"""Which cookie names say the cookie guards a session, shared by the pattern and taint cookie rules.

`cookie-without-secure` and `tainted-cookie-insecure` (and their HttpOnly twins) must agree on
which cookies are worth a medium severity, so the words live in one place.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import single_value
from secreview.analysis.rules._support.secret_text import name_words
from secreview.index.context import ModuleContext

SENSITIVE_COOKIE_WORDS = frozenset(
    {
        "session", "sess", "sid", "sessionid", "auth", "token", "jwt", "remember", "login",
        "access", "refresh", "credential", "credentials", "sso", "saml", "oauth", "oidc",
        "identity", "api", "key", "secret", "bearer", "logged",
    }
)  # fmt: skip
"""Words of a cookie name (`session_id`, `authToken`) that make it a session or login cookie."""

_CREDENTIAL_STEMS = ("sess", "sid", "auth", "token", "jwt", "login", "remember", "sso", "saml")
_CREDENTIAL_STEMS_MORE = ("oauth", "oidc", "secret", "bearer", "credential", "key", "logged")


def may_name_a_credential(words: set[str]) -> bool:
    """Whether a cookie name's words, run together as a name may run them (`userauthcookie`),
    hold a session or login word: only a name that holds none is known to keep no secret."""
    text = "".join(sorted(words))
    return any(stem in text for stem in (*_CREDENTIAL_STEMS, *_CREDENTIAL_STEMS_MORE))


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

PUBLIC_COOKIE_WORDS = frozenset({"public", "pubkey"})
"""Words of a cookie name (`rsa_public_key`) that say its value is meant to be public: a key the
page's script encrypts with, an identifier shown anyway. Nothing to steal by reading it."""

SECRET_COOKIE_WORDS = frozenset(
    {
        "token", "secret", "password", "passwd", "pwd", "jwt", "sid", "sessionid", "bearer",
        "credential", "credentials", "private", "salt", "key", "signature",
    }
)  # fmt: skip
"""Words that name a secret itself: a `public_token` is still a token, and a setting holding a
`SECRET_KEY` is no value to hand every visitor."""

_SETTINGS_HOLDERS = frozenset({"settings", "config", "conf", "configuration"})
"""Names of the object holding the application's configuration (`settings.X`, `config.X`)."""


def _named_by(node: ast.expr | None, context: ModuleContext) -> str:
    """The identifier an expression is named by, looking through one local binding:
    `settings.LANGUAGE_COOKIE_NAME` and `key` bound to it are both `LANGUAGE_COOKIE_NAME`."""
    if node is None:
        return ""
    node = single_value(context, node)
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def cookie_name_words(node: ast.expr | None, context: ModuleContext) -> set[str]:
    """The words of a cookie's name: of its text when constant, else of the setting or name
    that holds it (`settings.SESSION_COOKIE_NAME`: session, cookie, name)."""
    value = context.constant_value(node)
    if isinstance(value, str):
        return set(name_words(value))
    return set(name_words(_named_by(node, context)))


def says_public(words: set[str]) -> bool:
    """Whether a cookie's name says its value is public (`SESSION_RSA_PUBLIC_KEY_NAME`) without
    also naming a secret token (`public_token`)."""
    return bool(words & PUBLIC_COOKIE_WORDS) and not words & (SECRET_COOKIE_WORDS - {"key"})


def holds_configured_setting(value: ast.expr | None, context: ModuleContext) -> bool:
    """Whether a cookie's value is a setting of the application (`settings.SESSION_COOKIE_NAME_
    PREFIX`, directly or through a local): the same for every visitor, so reading it over the
    network or from a script learns only the configuration. A setting that names a secret
    (`settings.SECRET_KEY`) is not."""
    if value is None:
        return False
    value = single_value(context, value)
    if not (isinstance(value, ast.Attribute) and value.attr.isupper()):
        return False
    holder = value.value
    holder_name = holder.attr if isinstance(holder, ast.Attribute) else getattr(holder, "id", "")
    if holder_name.lower() not in _SETTINGS_HOLDERS:
        return False
    return not set(name_words(value.attr)) & SECRET_COOKIE_WORDS
