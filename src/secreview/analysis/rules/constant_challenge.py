"""CWE-323: a function that makes a nonce or a challenge gives the same bytes on every call
(`constant-challenge`).

A challenge-response exchange (a TPM quote, a signed login challenge, a WebAuthn or OAuth
nonce) is only fresh when the verifier's challenge is: with a constant, a response recorded
once answers every later challenge, so an old quote or signature is replayed. keylime's
`generate_challenge` set `self.challenge = bytes.fromhex("49be...")` with the random
`Nonce.generate(bit_length)` call commented out above it (CVE-2026-6420). The rule reports, in a
function named for making a value (`generate_`, `new_`, `make_`, `create_`, `issue_`), a value
written in the source (a literal, `bytes.fromhex("...")`, `"...".encode()`, `bytes(16)`, a
module constant) that it returns when its name ends in `nonce` or `challenge`, or stores under
such a name (`self.challenge = ...`). A value drawn at run time (`os.urandom`,
`secrets.token_bytes`) or received as a parameter is quiet, and so is test code, where fixed
nonces make results repeatable.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import target_names
from secreview.analysis.rules._support.fixed_bytes import fixed_bytes
from secreview.analysis.taint.name_words import last_word, words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_MAKING = frozenset({"generate", "gen", "new", "make", "create", "issue", "fresh", "random"})
"""Words of a function name that say it makes a value (not one that reads or checks one)."""
_FRESH_VALUES = frozenset({"nonce", "challenge"})
"""Words naming a value that must differ on every exchange."""


def _names_fresh_value(name: str) -> bool:
    """`challenge`, `self._nonce`, `generate_nonce`: the name's last word is the fresh value (not
    `nonce_header` or `generate_challenge_form`, which name something else)."""
    return last_word(name) in _FRESH_VALUES


def _stored_value(node: ast.AST) -> tuple[ast.expr | None, list[str]]:
    """The value an assignment or `return` gives, and the names it is stored under."""
    if isinstance(node, ast.Assign):
        return node.value, [name for target in node.targets for name in target_names(target)]
    if isinstance(node, ast.AnnAssign):
        return node.value, target_names(node.target)
    if isinstance(node, ast.Return):
        return node.value, []
    return None, []


@rule(
    id="constant-challenge",
    name="Constant nonce or challenge",
    cwe=323,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A function that makes a nonce or challenge returns or stores the same bytes on "
    "every call.",
    fix="Draw the nonce or challenge at run time (`secrets.token_bytes(n)`, `os.urandom(n)`) on "
    "every call, and keep the fixed value for tests only.",
    what_it_does="Reports, in a function named for making a nonce or challenge "
    "(`generate_challenge`, `new_nonce`, `make_challenge`), a value written in the source (a "
    "literal, a module constant, `bytes.fromhex('...')`, `'...'.encode()`, `bytes(16)`, a local "
    "assigned one) that the function returns or stores under a name that says nonce or "
    "challenge (`self.challenge = ...`). Values drawn at run time or received as parameters, "
    "and test code, are quiet.",
    why_bad="A challenge is how a verifier knows a response was made for this exchange: when it "
    "never changes, a quote, signature or token recorded once answers every later challenge "
    "and can be replayed by anyone who saw it (CWE-323, CWE-294).",
    example="def generate_challenge(self, bit_length):\n"
    '    self.challenge = bytes.fromhex("49beed365aac777dae23564f5ad0ec")',
    use_instead="def generate_challenge(self, bit_length):\n"
    "    self.challenge = secrets.token_bytes(bit_length // 8)",
    references=(
        "https://cwe.mitre.org/data/definitions/323.html",
        "https://cwe.mitre.org/data/definitions/294.html",
        "https://docs.python.org/3/library/secrets.html",
    ),
    visits=(ast.Assign, ast.AnnAssign, ast.Return),
    text_words=("nonce", "challenge", "Nonce", "Challenge"),
)
def constant_challenge(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report fixed values a nonce- or challenge-making function returns or stores."""
    value, stored_as = _stored_value(node)
    function = context.enclosing_function(node)
    if value is None or function is None or not words_of(function.name) & _MAKING:
        return
    named = [name for name in stored_as if _names_fresh_value(name)]
    if isinstance(node, ast.Return):
        if not _names_fresh_value(function.name):
            return
    elif not named:
        return
    fixed = fixed_bytes(value, context)
    if fixed is None:
        return
    what = f"`{named[0]}`" if named else "the value it returns"
    yield Hit(
        node=node,
        message=f"`{function.name}` sets {what} to `{fixed.shown}`, the same on every call: a "
        "response recorded once answers every later challenge.",
    )
