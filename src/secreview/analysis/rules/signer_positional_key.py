"""CWE-347: Django's `Signer` given a positional first argument that is not a secret
(`signer-positional-key`).

`django.core.signing.Signer(key=None, sep=":", salt=None, ...)` (and `TimestampSigner`) takes the
signing key first: a value passed positionally replaces `SECRET_KEY` for that signer. Code that
means a salt and writes `Signer(self._salt)` signs with the salt as the whole secret, and when the
salt is public or computed from the signed data itself, anyone can sign any value (the
verification links of django-rest-registration, CVE-2019-13177). Django 4.2 deprecated positional
arguments and 5.1 made them keyword-only for this reason. The rule reports a positional first
argument unless its names say key or secret (`settings.SECRET_KEY`, `signing_key`) or it is a
constant (a key written in the source is `hardcoded-crypto-key`'s).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_SIGNERS = frozenset({"django.core.signing.Signer", "django.core.signing.TimestampSigner"})
_SECRET_WORDS = frozenset({"key", "secret", "keys", "secrets"})
"""Words of a name that say the value is meant as the key."""


def _names_a_key(value: ast.expr) -> bool:
    """Whether a name or attribute in `value` says key or secret (`settings.SECRET_KEY`,
    `self.signing_key`, `get_secret()`)."""
    for node in ast.walk(value):
        name = (
            node.id
            if isinstance(node, ast.Name)
            else node.attr
            if isinstance(node, ast.Attribute)
            else None
        )
        if name and words_of(name) & _SECRET_WORDS:
            return True
    return False


@rule(
    id="signer-positional-key",
    name="Django Signer keyed with a value that is not a secret",
    cwe=347,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A value passed positionally to Django's `Signer`/`TimestampSigner` becomes its "
    "signing key in place of `SECRET_KEY`.",
    fix="Pass the salt by keyword (`Signer(salt=...)`) and let the key default to "
    "`SECRET_KEY`, or pass a real secret as `key=`.",
    what_it_does="Reports `django.core.signing.Signer(x)` and `TimestampSigner(x)` with a "
    "positional first argument whose names do not say key or secret (`self._salt`, `user.pk`); "
    "`settings.SECRET_KEY`, `signing_key` and constants are quiet.",
    why_bad="The first parameter of Django's signers is `key`: a salt or other public value "
    "given there is the only secret of every signature, so anyone who knows or computes it "
    "forges signed links and tokens (CWE-347). Django 5.1 made the arguments keyword-only.",
    example="signer = Signer(self._salt)",
    use_instead="signer = Signer(salt=self._salt)",
    references=(
        "https://docs.djangoproject.com/en/stable/topics/signing/",
        "https://cwe.mitre.org/data/definitions/347.html",
        "https://github.com/apragacz/django-rest-registration/commit/26d094f",
    ),
    calls=_SIGNERS,
    text_words=("Signer",),
)
def signer_positional_key(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a Django signer keyed positionally with a value that is not a secret."""
    if not isinstance(node, ast.Call) or not node.args:
        return
    if context.call_name(node) not in _SIGNERS:
        return
    key = node.args[0]
    if isinstance(key, ast.Starred) or context.is_constant(key) or _names_a_key(key):
        return
    shown = context.one_line(key, 40)
    yield Hit(
        node=node,
        message=f"`{shown}` is passed as the signer's first argument, its `key`: it replaces "
        "`SECRET_KEY`, so whoever knows it can sign any value; pass a salt as `salt=`.",
    )
