"""Branches of a configuration that only some deployments take: a site served over plain HTTP
(`if DISABLE_HTTPS:`, `if DOMAIN == "localhost":`, a branch that sets `PROTOCOL = "http"`) and
Django's development server or test runner (`if "runserver" in sys.argv:`).

A cookie's Secure attribute turned off there is what such a deployment needs: over plain HTTP a
Secure cookie would never come back, and a development server is no deployment. Read by the
cookie rules (`insecure_cookies`), which judge the settings that branch sets.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.secret_text import name_words
from secreview.index.context import ModuleContext

_TRANSPORT_WORDS = frozenset({"https", "ssl", "tls"})
_TURNED_OFF_WORDS = frozenset({"disable", "disabled", "no", "without", "off", "insecure"})


def _says_https_off(test: ast.expr) -> bool | None:
    """Whether an `if` test says the site is served over plain HTTP (`DISABLE_HTTPS`, `not
    USE_SSL`), over HTTPS (`USE_HTTPS`), or None when it says nothing of the transport."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    subject = test.operand if isinstance(test, ast.UnaryOp) and negated else test
    if not isinstance(subject, ast.Name | ast.Attribute):
        return None
    words = set(name_words(subject.id if isinstance(subject, ast.Name) else subject.attr))
    if not words & _TRANSPORT_WORDS:
        return None
    return bool(words & _TURNED_OFF_WORDS) != negated


_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Hosts of a development server on the developer's own machine, served over plain HTTP."""
_SCHEME_WORDS = frozenset({"protocol", "scheme"})


def _says_local_host(test: ast.expr) -> bool | None:
    """Whether an `if` test says the site runs on the developer's machine (`DOMAIN ==
    "localhost"`, `HOST in ("localhost", "127.0.0.1")`), is elsewhere (`!=`, `not in`), or
    None when it names no local host."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    other = test.comparators[0]
    constants = other.elts if isinstance(other, ast.Tuple | ast.List | ast.Set) else [other]
    if not any(isinstance(c, ast.Constant) and c.value in _LOCAL_HOSTS for c in constants):
        return None
    return isinstance(test.ops[0], ast.Eq | ast.In)


def _sets_plain_scheme(branch: list[ast.stmt]) -> bool:
    """Whether the branch says its site is plain HTTP: `PROTOCOL = "http"` beside the setting."""
    return any(
        isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Constant)
        and statement.value.value == "http"
        and any(
            isinstance(t, ast.Name) and set(name_words(t.id)) & _SCHEME_WORDS
            for t in statement.targets
        )
        for statement in branch
    )


def for_plain_http(node: ast.AST, context: ModuleContext) -> bool:
    """Whether the setting is made only for a deployment the configuration says is served over
    plain HTTP (`if DISABLE_HTTPS: CSRF_COOKIE_SECURE = False`, `if DOMAIN == "localhost":`, a
    branch that also sets `PROTOCOL = "http"`), where a Secure cookie would never come back;
    `SECURE_*` turned off for an HTTPS site is still reported."""
    child = node
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.If):
            in_body = child in ancestor.body
            for off in (_says_https_off(ancestor.test), _says_local_host(ancestor.test)):
                if off is not None and in_body == off:
                    return True
            if _sets_plain_scheme(ancestor.body if in_body else ancestor.orelse):
                return True
        child = ancestor
    return False


_DEVELOPMENT_COMMANDS = frozenset({"runserver", "test"})
"""Django's development server and test runner, as a settings module tests `sys.argv` for."""


def for_development_server(node: ast.AST, context: ModuleContext) -> bool:
    """Whether the setting is made only when the settings load for Django's development server
    or test runner (`if "runserver" in sys.argv:`, `if len(sys.argv) > 1 and sys.argv[1] ==
    "test":`): a deployment never runs those commands."""
    child = node
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.If) and child in ancestor.body:
            names = {
                c.value
                for c in ast.walk(ancestor.test)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            }
            reads_argv = any(
                isinstance(a, ast.Attribute) and a.attr == "argv" for a in ast.walk(ancestor.test)
            )
            if reads_argv and names & _DEVELOPMENT_COMMANDS:
                return True
        child = ancestor
    return False
