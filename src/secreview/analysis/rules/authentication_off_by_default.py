"""CWE-1188: an environment switch that turns sign-in on, read with "off" as its default.

`REQUIRE_USER_AUTHENTICATION = get_bool(os.getenv("REQUIRE_USER_AUTHENTICATION", "False"))`
(mage-ai, CVE-2025-2129) makes every server started without the variable an open one: the
operator who did not know of the switch, a container image run as documented, a test
deployment left reachable. The safe default is the secure one; a project that wants an open
development server can ask for it by name (`DISABLE_AUTH=1`), and then the open mode is a
decision someone made.

The rule reads environment look-ups (`os.getenv`, `os.environ.get`, python-decouple's `config(key,
default=...)`, django-environ's `env.bool(key, default=...)`) whose key names authentication
(`AUTH`, `AUTHENTICATION`, `LOGIN`, `AUTHN`, `SIGNIN`) together with a word that turns it on
(`REQUIRE`, `REQUIRED`, `ENABLE`, `ENABLED`, `ENFORCE`) and whose default is false (`"False"`,
`"0"`, `"no"`, `"off"`, `""`, `False`, `0`); or a key that turns it off (`DISABLE_AUTH`,
`SKIP_LOGIN`, `NO_AUTH`) with a true default. Keys for tests, debugging or development (`TEST`,
`DEBUG`, `DEV`, `LOCAL`) are left alone, and so are switches of one provider among several
(`OAUTH_ENABLED`, `LDAP_AUTH`, `ENABLE_ACCOUNT_LOGIN`: the words must name sign-in itself), and
login by name counts only when demanded (`LOGIN_REQUIRED`, not `ENABLE_LOGIN`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_ENVIRONMENT_READS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_SETTINGS_READS = frozenset({"decouple.config", "environ.Env.bool"})
"""python-decouple's `config(key, default=..., cast=bool)` and django-environ's `env.bool(key,
default=...)`: the settings libraries Django projects read the environment through."""

_AUTH_WORDS = frozenset({"auth", "authentication", "authn"})
_LOGIN_WORDS = frozenset({"login", "signin"})
"""Sign-in by its action's name: `ENABLE_LOGIN` may switch a way to sign in on (a local account
form beside single sign-on), so only a word that demands it (`LOGIN_REQUIRED`) makes a gate."""
_DEMAND_WORDS = frozenset({"require", "required", "requires", "enforce", "enforced"})
_ON_WORDS = _DEMAND_WORDS | {"enable", "enabled"}
_OFF_WORDS = frozenset({"disable", "disabled", "skip", "no", "bypass", "insecure"})
_PROVIDER_WORDS = frozenset(
    {"oauth", "oidc", "ldap", "saml", "basic", "social", "sso", "kerberos", "remote", "proxy"}
    | {"account", "password", "email", "token", "cert", "header", "jwt", "guest", "anonymous"}
    | {"two", "factor", "mfa", "otp", "totp", "webauthn"}
)
"""Words naming one way to sign in among several, or a second factor: turning it off leaves
the others (or the password) in place."""
_NOT_PRODUCTION = frozenset({"test", "tests", "testing", "debug", "dev", "development", "local"})

_FALSE_TEXT = frozenset({"false", "0", "no", "off", "n", "f", ""})
_TRUE_TEXT = frozenset({"true", "1", "yes", "on", "y", "t"})


def _truth(value: object) -> bool | None:
    """What a default says as a switch: True, False, or None for anything else."""
    if isinstance(value, bool):
        return value
    if type(value) is int:
        return {0: False, 1: True}.get(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _FALSE_TEXT:
            return False
        if text in _TRUE_TEXT:
            return True
    return None


def _switch_sense(key: str) -> bool | None:
    """True for a key that turns sign-in on, False for one that turns it off, else None."""
    words = words_of(key)
    if words & (_PROVIDER_WORDS | _NOT_PRODUCTION):
        return None
    if words & _AUTH_WORDS:
        on_words = _ON_WORDS
    elif words & _LOGIN_WORDS:
        on_words = _DEMAND_WORDS
    else:
        return None
    if words & _OFF_WORDS:
        return False
    if words & on_words:
        return True
    return None


def _default(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The default a settings read falls back to when the variable is unset, else None."""
    name = context.call_name(call)
    if name in _ENVIRONMENT_READS:
        return call.args[1] if len(call.args) > 1 else None
    if name in _SETTINGS_READS or _is_environ_env(call, context):
        return context.keyword(call, "default")
    return None


def _is_environ_env(call: ast.Call, context: ModuleContext) -> bool:
    """`env.bool(...)` on a name bound to django-environ's `environ.Env(...)` in the module."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return False
    return any(
        isinstance(statement, ast.Assign)
        and isinstance(statement.value, ast.Call)
        and context.call_name(statement.value) == "environ.Env"
        and any(isinstance(t, ast.Name) and t.id == func.value.id for t in statement.targets)
        for statement in context.tree.body
    )


@rule(
    id="authentication-off-by-default",
    name="Sign-in switch read from the environment with 'off' as its default",
    cwe=1188,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="An environment variable that turns authentication on defaults to off (or one "
    "that turns it off defaults to on), so a server started without it lets anyone in.",
    fix="Default to the secure setting (`os.getenv('REQUIRE_AUTH', 'True')`) and let an "
    "operator who wants an open development server say so explicitly.",
    what_it_does="Reports `os.getenv`, `os.environ.get`, `os.environ.setdefault`, python-"
    "decouple's `config(key, default=...)` and django-environ's `env.bool(key, default=...)` "
    "whose key "
    "names authentication (`AUTH`, `AUTHENTICATION`, `LOGIN`) with a word turning it on "
    "(`REQUIRE`, `ENABLED`, `ENFORCE`) and whose default is false (`'False'`, `'0'`, `'no'`, "
    "`''`, `False`), or whose key turns it off (`DISABLE_AUTH`, `SKIP_LOGIN`) and whose "
    "default is true. Keys for tests or development (`TEST`, `DEBUG`, `DEV`) and switches of "
    "one provider among several or a second factor (`OAUTH_ENABLED`, `ENABLE_ACCOUNT_LOGIN`, "
    "`TWO_FACTOR_AUTH_ENABLED`) are left alone, and a login switch counts only when it demands "
    "sign-in (`LOGIN_REQUIRED`, not `ENABLE_LOGIN`).",
    why_bad="Whoever deploys the server without knowing the variable (a container run as "
    "documented, an upgrade that added the switch) runs it open to anyone who reaches it; a "
    "secure default makes the open mode a decision rather than an accident (CWE-1188, "
    "mage-ai CVE-2025-2129).",
    example="REQUIRE_USER_AUTHENTICATION = os.getenv('REQUIRE_USER_AUTHENTICATION', 'False')",
    use_instead="REQUIRE_USER_AUTHENTICATION = os.getenv('REQUIRE_USER_AUTHENTICATION', 'True')",
    references=(
        "https://cwe.mitre.org/data/definitions/1188.html",
        "https://nvd.nist.gov/vuln/detail/CVE-2025-2129",
        "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
    ),
    calls=_ENVIRONMENT_READS | _SETTINGS_READS,
    methods=frozenset({"bool"}),
)
def authentication_off_by_default(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a sign-in switch whose default, when the variable is unset, leaves sign-in off."""
    assert isinstance(node, ast.Call)
    default_value = _default(node, context)
    key = context.constant_value(node.args[0]) if node.args else None
    if default_value is None or not isinstance(key, str):
        return
    sense = _switch_sense(key)
    default = _truth(context.constant_value(default_value))
    if sense is None or default is None or default == sense:
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}`: unless `{key}` is set, authentication is off, "
        "so a server started without the variable lets anyone in.",
    )
