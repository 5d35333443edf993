"""CWE-352: CSRF protection turned off for a whole application (`csrf-protection-disabled`).

A site that keeps its users logged in with a cookie must refuse state-changing requests another
site makes the browser send; the frameworks do it for every form and view unless told not to.
Two switches turn that off everywhere: Flask-WTF's `WTF_CSRF_ENABLED = False` (in a config class,
`app.config[...]` or `app.config.update(...)`), and a Django settings module whose `MIDDLEWARE`
keeps sessions or authentication but leaves out `CsrfViewMiddleware`. Test and development
configurations (`TestingConfig`, `settings/dev.py`) turn it off on purpose and are left alone, as
is a view exempted one by one (`@csrf_exempt`), which is usually a webhook or token API.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.django_settings import (
    CONFIG_UPDATES,
    in_development_configuration,
    is_django_settings,
    setting_assignments,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import UNKNOWN, ModuleContext
from secreview.patterns import lazy_pattern

_SWITCHES = frozenset({"WTF_CSRF_ENABLED"})
_CSRF_MIDDLEWARE = "django.middleware.csrf.CsrfViewMiddleware"
_MIDDLEWARE_NAME = lazy_pattern(r"\bMIDDLEWARE\b")
_COOKIE_LOGINS = frozenset(
    {
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    }
)


def _switched_off(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` sets `WTF_CSRF_ENABLED` to a constant false value."""
    for name, value in setting_assignments(node):
        if name in _SWITCHES:
            folded = context.constant_value(value)
            if folded is not UNKNOWN and not folded:
                return True
    return False


def _middleware_without_csrf(node: ast.AST, context: ModuleContext) -> bool:
    """`MIDDLEWARE = [...]` of a settings module: cookie logins kept, the CSRF check left out."""
    if not (
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "MIDDLEWARE" for t in node.targets)
        and context.parent(node) is context.tree
    ):
        return False
    listed = context.constant_value(node.value)
    if not isinstance(listed, tuple) or not all(isinstance(m, str) for m in listed):
        return False
    if len(_MIDDLEWARE_NAME.findall(context.text)) > 1:
        return False  # added to elsewhere in the module (`MIDDLEWARE += [...]`, `.insert`)
    return bool(_COOKIE_LOGINS & set(listed)) and _CSRF_MIDDLEWARE not in listed


@rule(
    id="csrf-protection-disabled",
    name="CSRF protection turned off for the whole application",
    cwe=352,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Flask-WTF's CSRF check is disabled (`WTF_CSRF_ENABLED = False`), or a Django "
    "settings module keeps cookie sessions but leaves `CsrfViewMiddleware` out of `MIDDLEWARE`.",
    fix="Keep the framework's CSRF protection on (`WTF_CSRF_ENABLED = True`, the default; "
    "`django.middleware.csrf.CsrfViewMiddleware` in `MIDDLEWARE`) and exempt only the views "
    "that authenticate without cookies (webhooks with signatures, token APIs).",
    what_it_does="Reports `WTF_CSRF_ENABLED` set to a constant false value in settings, config "
    "classes, `app.config[...]` or `app.config.update(...)`, and a Django settings module's "
    "`MIDDLEWARE` list that holds the session or authentication middleware but not "
    "`CsrfViewMiddleware` (and is not added to elsewhere in the module). Test code and "
    "development or test configurations (`TestingConfig`, `settings/dev.py`) are left out.",
    why_bad="With the check off, any web site a logged-in user visits can make the browser "
    "post forms to the application with the user's session cookie: change the e-mail address, "
    "the password, move money (CWE-352).",
    example='app.config["WTF_CSRF_ENABLED"] = False',
    use_instead="# leave WTF_CSRF_ENABLED at its default (True); exempt single views instead:\n"
    "csrf.exempt(webhook_view)",
    references=(
        "https://cwe.mitre.org/data/definitions/352.html",
        "https://flask-wtf.readthedocs.io/en/stable/config/",
        "https://docs.djangoproject.com/en/stable/ref/csrf/",
        "https://owasp.org/www-community/attacks/csrf",
    ),
    visits=(ast.Assign, ast.AnnAssign, ast.Call),
    methods=CONFIG_UPDATES,
    text_words=(*_SWITCHES, "MIDDLEWARE"),  # the settings it reads, by name
)
def csrf_protection_disabled(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report application-wide CSRF switches turned off (cheap tests first: most assignments
    and calls are neither)."""
    if context.is_test:
        return
    if _switched_off(node, context):
        if in_development_configuration(node, context):
            return
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` turns Flask-WTF's CSRF check off for every "
            "form: any site a logged-in user visits can post them with the user's cookie.",
        )
    elif (
        _middleware_without_csrf(node, context)
        and is_django_settings(context)
        and not in_development_configuration(node, context)
    ):
        yield Hit(
            node=node,
            message="`MIDDLEWARE` keeps cookie sessions but not "
            "`django.middleware.csrf.CsrfViewMiddleware`: no view checks a CSRF token, so any "
            "site a logged-in user visits can send state-changing requests as the user.",
        )
