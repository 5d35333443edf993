"""CWE-532: an oslo.config option that holds a secret, declared without `secret=True`.

oslo.config logs every option's value at start-up (`CONF.log_opt_values`, which OpenStack
services call at debug level) and prints them in `oslo-config-generator` samples and
Guru Meditation reports; only options declared `secret=True` are masked as `****`. A password,
token or API key option declared without it ends up, in clear, in the service's log files.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import name_words, phrase_at_end
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_OPTION_TYPES = frozenset(
    f"oslo_config.cfg.{kind}"
    for kind in ("Opt", "StrOpt", "ListOpt", "DictOpt", "MultiStrOpt", "MultiOpt", "URIOpt")
)
_SECRET_PHRASES = (
    ("password",),
    ("passwd",),
    ("passphrase",),
    ("secret",),
    ("secret", "key"),
    ("token",),
    ("api", "key"),
    ("apikey",),
    ("auth", "key"),
    ("access", "key"),
    ("private", "key"),
    ("credential",),
    ("credentials",),
    ("connection",),
)
"""Head nouns that make an option a secret. `connection` is a database URL, which carries its
password (`mysql+pymysql://nova:PASSWORD@host/nova`)."""


def _option_name(call: ast.Call, context: ModuleContext) -> str | None:
    """The option's name: the first positional argument or `name=`."""
    value = context.constant_value(context.argument(call, 0, "name"))
    return value if isinstance(value, str) else None


def _secret_phrase(name: str) -> tuple[str, ...] | None:
    """The secret noun `name` ends with (`admin_password`), None for `password_length`."""
    return phrase_at_end(name_words(name.replace("-", "_")), _SECRET_PHRASES)


@rule(
    id="config-secret-option",
    name="Secret configuration option not marked secret",
    cwe=532,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="An oslo.config option named like a password, token or key lacks `secret=True`, so "
    "its value is written to logs in clear.",
    fix="Declare the option with `secret=True`.",
    what_it_does="Reports `cfg.StrOpt`, `cfg.Opt`, `cfg.ListOpt`, `cfg.DictOpt`, "
    "`cfg.MultiStrOpt` and `cfg.URIOpt` declarations whose name ends in a secret noun "
    "(`password`, `passwd`, `passphrase`, `secret`, `token`, `api_key`, `auth_key`, "
    "`access_key`, `private_key`, `credential`, or a database `connection` URL) and that do not "
    "pass `secret=True`. Names where the noun is followed by another noun "
    "(`password_length`, `token_ttl`, `secret_file`) are not secrets and are left alone.",
    why_bad="OpenStack services call `CONF.log_opt_values(LOG, logging.DEBUG)` at start-up, "
    "and Guru Meditation reports and sample-config generators print every option; oslo.config "
    "masks only the options declared `secret=True`. Anyone who can read the logs, a support "
    "bundle or a bug report attachment gets the password.",
    example="from oslo_config import cfg\n"
    "opts = [cfg.StrOpt('admin_password', help='Password of the admin user.')]",
    use_instead="from oslo_config import cfg\n"
    "opts = [cfg.StrOpt('admin_password', secret=True, help='Password of the admin user.')]",
    references=(
        "https://docs.openstack.org/oslo.config/latest/reference/defining.html",
        "https://docs.openstack.org/oslo.config/latest/reference/api/oslo_config.html",
        "https://cwe.mitre.org/data/definitions/532.html",
    ),
    call_imports=("oslo_config",),
)
def config_secret_option(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report secret-named oslo.config options that are not declared `secret=True`."""
    assert isinstance(node, ast.Call)
    if library_call_name(node, ("oslo_config",), context) not in _OPTION_TYPES:
        return
    name = _option_name(node, context)
    if name is None or context.has_star_arguments(node):
        return
    phrase = _secret_phrase(name)
    if phrase is None:
        return
    secret = context.keyword(node, "secret")
    if secret is not None and context.constant_value(secret) is not False:
        return
    noun = " ".join(phrase)
    yield Hit(
        node=node,
        message=f"Option `{name}` holds a {noun} but is declared without `secret=True`: "
        "oslo.config logs every other option's value at start-up "
        "(`CONF.log_opt_values`), so the secret is written to the service's logs in clear.",
        fix=f"Add `secret=True` to the declaration of `{name}`.",
    )
