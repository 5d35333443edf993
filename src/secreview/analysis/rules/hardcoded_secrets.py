"""CWE-798, CWE-259, CWE-321: credentials, passwords and cryptographic keys written into the source.

Which constants are secrets, and of which kind, is judged once per module in
`_support/secret_constants.py`; each of the three rules here reports the secrets of its own CWE.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.secret_constants import secret_at
from secreview.credentials import CREDENTIAL, CRYPTO_KEY, KEY_ARGUMENT_OF, PASSWORD
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext


def _hits(cwe: int, node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """The hit for `node` when it holds a secret of kind `cwe`. A plain function, not a
    generator: the three rules ask it for every string of every module, nearly always for
    nothing."""
    secret = secret_at(node, context)
    if secret is None or secret.cwe != cwe:
        return iter(())
    hit = Hit(
        node=secret.anchor,
        message=secret.message,
        severity=secret.severity,
        confidence=secret.confidence,
    )
    return iter((hit,))


# The only calls `secret_at` judges (a crypto call keyed with a module constant); every
# other secret is a string constant.
_KEYED_CALLS = frozenset(KEY_ARGUMENT_OF)

_REFERENCES_COMMON = (
    "https://docs.python.org/3/library/os.html#os.environ",
    "https://docs.python.org/3/library/secrets.html",
    "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
)


@rule(
    id="hardcoded-credential",
    name="Hard-coded credential (API key, token, secret)",
    cwe=CREDENTIAL,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="An API key, access token or other credential is written into the source.",
    fix="Read the credential at run time (`os.environ['SERVICE_TOKEN']`, a secrets manager or a "
    "file outside the repository), then revoke this one at the provider and issue a new one: it "
    "stays in the repository history.",
    what_it_does="Reports string constants that have the shape of a provider credential (AWS "
    "access key ids, GitHub, Slack, Stripe live, Google API, PyPI and npm tokens, JSON Web "
    "Tokens) anywhere, and non-placeholder values bound to names such as `api_key`, `token`, "
    "`client_secret` or `credentials` (by assignment, attribute, dict key, keyword argument, "
    "parameter default or comparison). Names such as `token_url` or `TOKEN_HEADER`, whose last "
    "word is not a secret, are not reported, nor are tokens of parsers, tokenizers and "
    "paginated APIs (`next_page_token`, `eos_token`); `key` or `auth` alone need a "
    "random-looking value, and values without a digit (`'optional'`, `'NextToken'`) are taken "
    "for names of things. Placeholders (`changeme`, `<token>`, `${TOKEN}`, "
    "`your-api-key-here`, AWS's `…EXAMPLE` keys), environment variable names, identifiers, "
    "regular expressions and values shorter than 6 characters are ignored. The literal "
    "fallback of `os.getenv('API_KEY', '…')` is reported at medium severity. In test code "
    "only provider-shaped or random-looking values are reported: a real token leaks from a "
    "test too.",
    why_bad="Source code is copied to laptops, CI logs, forks, packages and backups; every copy "
    "carries the credential, and it stays in the version history after the line is deleted. "
    "Whoever finds it acts as the application against the provider until it is revoked.",
    example='GITHUB_TOKEN = "ghp_…"\nclient = Github(GITHUB_TOKEN)',
    use_instead='import os\n\nGITHUB_TOKEN = os.environ["GITHUB_TOKEN"]\n'
    "client = Github(GITHUB_TOKEN)",
    references=(
        *_REFERENCES_COMMON,
        "https://docs.github.com/en/code-security/secret-scanning/introduction/supported-secret-scanning-patterns",
        "https://cwe.mitre.org/data/definitions/798.html",
    ),
    visits=(ast.Constant, ast.Call),
    constants=(str, bytes),
    calls=_KEYED_CALLS,
    applies_in_tests=True,
)
def hardcoded_credential(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report credentials recognised by their shape or by the name they are bound to."""
    return _hits(CREDENTIAL, node, context)


@rule(
    id="hardcoded-password",
    name="Hard-coded password",
    cwe=PASSWORD,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A password is written into the source.",
    fix="Read the password at run time (`os.environ['DB_PASSWORD']`, a secrets manager or a "
    "configuration file kept out of the repository), then change the password that was "
    "committed: it stays in the repository history.",
    what_it_does="Reports non-placeholder string constants bound to a name such as `password`, "
    "`passwd`, `pwd` or `db_pass` (not a lone `pass`) by assignment, attribute, dict key, "
    "keyword argument, parameter "
    "default, or a comparison such as `if password == 'hunter2'`; passed as the password of "
    "`HTTPBasicAuth`, `auth=(user, password)` or `.login(user, password)`, and passwords "
    "embedded in connection URLs (`postgres://user:pw@host/db`) or connection strings "
    "(`password=…`), except in docstrings, where those are usage examples. Names of other "
    "things (`password_field_name`, `PASSWORD_RESET_TEMPLATE`, "
    "`password_hash`) and placeholders (`changeme`, `<password>`, `${DB_PASSWORD}`) are not "
    "reported, nor are values read from the environment. In test code only random-looking "
    "values are reported: `password='s3cret!'` there is test data.",
    why_bad="Everyone who can read the code, its history, a fork or a built package knows the "
    "password, and changing it needs a code change and a release, so in practice it is never "
    "changed. A password compared in code is a back door that works on every installation.",
    example='conn = psycopg2.connect(host="db", user="app", password="hunter2!")',
    use_instead='import os\n\nconn = psycopg2.connect(host="db", user="app", '
    'password=os.environ["DB_PASSWORD"])',
    references=(*_REFERENCES_COMMON, "https://cwe.mitre.org/data/definitions/259.html"),
    visits=(ast.Constant, ast.Call),
    constants=(str, bytes),
    calls=_KEYED_CALLS,
    applies_in_tests=True,
)
def hardcoded_password(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report passwords bound to password-like names or embedded in connection strings."""
    return _hits(PASSWORD, node, context)


@rule(
    id="hardcoded-crypto-key",
    name="Hard-coded cryptographic key",
    cwe=CRYPTO_KEY,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A private key, signing key or encryption key is written into the source.",
    fix="Load the key at run time from a key file outside the repository, the environment or a "
    "key management service, and generate a new key: everything signed or encrypted with this "
    "one must be considered forgeable or readable.",
    what_it_does="Reports PEM private key blocks (`-----BEGIN … PRIVATE KEY-----` with a key "
    "body) anywhere, non-placeholder values bound to names such as `SECRET_KEY`, "
    "`private_key`, `signing_key`, `jwt_secret` or `encryption_key`, and constant keys passed "
    "to `hmac.new`, `jwt.encode`/`jwt.decode`, `Fernet`, PyCryptodome ciphers, `cryptography` "
    "ciphers and `itsdangerous` signers (`jwt.encode(payload, 'secret')` is reported even "
    "though 'secret' looks like a placeholder: it is the key in use). Not reported: sets and "
    "lists of plain lower-case words (`{'accountkey', 'password'}`: the names of secrets to "
    "redact), and a key whose HMAC is only measured (`len(hmac.new(b'x', b'x', sha1).digest())`, "
    "`.digest_size`). In test code only private key blocks and random-looking keys are "
    "reported.",
    why_bad="A key in the source is known to everyone who can read it: they can sign session "
    "cookies and tokens the application accepts (Django and Flask `SECRET_KEY`), decrypt its "
    "data, or impersonate its server or users with the private key.",
    example='app.config["SECRET_KEY"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"',
    use_instead='import os\n\napp.config["SECRET_KEY"] = os.environ["SECRET_KEY"]\n'
    "# generate one with: python -c 'import secrets; print(secrets.token_hex(32))'",
    references=(
        *_REFERENCES_COMMON,
        "https://docs.djangoproject.com/en/stable/ref/settings/#secret-key",
        "https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY",
        "https://cwe.mitre.org/data/definitions/321.html",
    ),
    visits=(ast.Constant, ast.Call),
    constants=(str, bytes),
    calls=_KEYED_CALLS,
    applies_in_tests=True,
)
def hardcoded_crypto_key(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report private key blocks, key-named constants and constant keys of crypto calls."""
    return _hits(CRYPTO_KEY, node, context)
