"""What a secret looks like, judged on text alone: provider formats, secret names, random values.

The hard-coded secret rules judge string constants with these, and the masking of everything a
report prints judges code tokens with the very same tests, so a value the rules call a secret is
never printed, whichever rule quotes the line it sits on. The words these tests go by are in
vocabulary.py, the shapes of provider tokens and key blocks in formats.py.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from typing import NamedTuple

from secreview.credentials.formats import (
    ANY_FORMAT_LITERAL,
    CONNECTION_URL_PASSWORD,
    CREDENTIAL,
    CRYPTO_KEY,
    FORMATS,
    KEY_VALUE_PASSWORD,
    PASSWORD,
    PRIVATE_KEY_BLOCK,
)
from secreview.credentials.vocabulary import (
    CREDENTIAL_KEY_QUALIFIERS,
    CREDENTIAL_KEY_WORDS,
    CRYPTO_KEY_QUALIFIERS,
    CRYPTO_KEY_WORDS,
    CRYPTO_SECRET_QUALIFIERS,
    FILLER_WORDS,
    NAME_OF_A_SECRET_QUALIFIERS,
    NON_SECRET_TOKEN_QUALIFIERS,
    PASSWORD_ENDINGS,
    PASSWORD_WORDS,
    PUBLIC_KEY_QUALIFIERS,
    TRANSPARENT_SUFFIXES,
)
from secreview.findings import Confidence, Severity
from secreview.patterns import lazy_pattern

_CAMEL_BOUNDARY = lazy_pattern(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALPHANUMERIC = lazy_pattern(r"[^A-Za-z0-9]+")
_WORD_LIKE_PART = lazy_pattern(r"\d*(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)?\d*")
_PART_SEPARATOR = lazy_pattern(r"[-_.]+")

_MIN_LENGTH = 6


# ----- values -----------------------------------------------------------------------------------
TEMPLATE_MARKER = lazy_pattern(
    r"\{[^{}\s]*\}|%\(\w+\)[sdr]|%[sdr]\b|\$\{\w+\}|^\$[A-Z_][A-Z0-9_]*$|<[^<>]+>|^\[[A-Z_ ]+\]$"
)
_PLACEHOLDER_FRAGMENT = lazy_pattern(r"example|xxxx|\*\*\*|\.\.\.|•", re.IGNORECASE)
_ENVIRONMENT_VARIABLE_NAME = lazy_pattern(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_URL = lazy_pattern(r"[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_PATH = lazy_pattern(
    r"(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]+)+/?|[\w.\-/]+\.(?:pem|key|crt|cer|der|p12|pfx|json|txt"
    r"|ya?ml|env|cfg|ini|conf|toml|gpg|asc|pub)"
)
DOTTED_NAME = lazy_pattern(r"[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_PASSWORD_HASH = lazy_pattern(
    r"(?:pbkdf2_\w+|argon2\w*|bcrypt\w*|scrypt|sha1|md5|crypt)\$"  # Django, passlib
    r"|\$(?:2[aby]?|argon2(?:id|i|d)|[156])\$"  # modular crypt format
)
VARIABLE_LIKE = lazy_pattern(r"[a-z_]+")  # 'password=db_password' in code or a template
# Names of things rather than secrets: 'next_token', 'AWSSecretKey', 'accessKeyId' (no digits).
_IDENTIFIER = lazy_pattern(
    r"[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]*)+|[A-Z]+[a-z]+(?:[A-Z][a-z]*)+"
)
_REGULAR_EXPRESSION = lazy_pattern(r"\(\?|\\[bdswBDSW]|\[\^?[^\]]+\][*+?]|\.[*+]")
# A rate limit as the throttling libraries spell it (django-allauth's `"1/m/ip,1/m/key"`,
# django-ratelimit's `"5/10m"`, DRF's `"100/day"`): a dict of them keyed by action names
# (`"reset_password": "1/m/ip"`) names actions on passwords, it holds none.
_RATE = r"\d+/\d*(?:s|m|h|d|sec|second|min|minute|hour|day|week)s?(?:/[a-z_]+)?"
_RATE_LIMIT = lazy_pattern(rf"{_RATE}(?:,{_RATE})*")
# Keys their provider documents as public, made to ship in browsers and apps: a PostHog project
# API key (`phc_`, write-only event ingestion) and a Stripe publishable key (`pk_live_`/`pk_test_`).
_PUBLIC_CLIENT_KEY = lazy_pattern(r"phc_[A-Za-z0-9]{20,}|pk_(?:live|test)_[0-9A-Za-z]{20,}")
# A name a secret can be bound to: identifiers and header names, not 'AWS::IAM::AccessKey'.
_BINDABLE_NAME = lazy_pattern(r"[A-Za-z_][A-Za-z0-9_\-]*")
PLAIN_WORDS = lazy_pattern(r"[A-Za-z_\-]+")
AUTH_SCHEME = lazy_pattern(r"(?:Bearer|Basic|Token|Bot|Digest|ApiKey)\s+", re.IGNORECASE)


# ----- calls whose arguments are secrets whatever they are named --------------------------------
KEY_ARGUMENT_OF = {
    "hmac.new": (0, "key"),
    "hmac.digest": (0, "key"),
    "jwt.encode": (1, "key"),
    "jwt.decode": (1, "key"),
    "cryptography.fernet.Fernet": (0, "key"),
    "cryptography.hazmat.primitives.ciphers.algorithms.AES": (0, "key"),
    "cryptography.hazmat.primitives.ciphers.algorithms.ChaCha20": (0, "key"),
    "cryptography.hazmat.primitives.ciphers.aead.AESGCM": (0, "key"),
    "cryptography.hazmat.primitives.ciphers.aead.ChaCha20Poly1305": (0, "key"),
    "itsdangerous.Signer": (0, "secret_key"),
    "itsdangerous.TimestampSigner": (0, "secret_key"),
    "itsdangerous.Serializer": (0, "secret_key"),
    "itsdangerous.URLSafeSerializer": (0, "secret_key"),
    "itsdangerous.URLSafeTimedSerializer": (0, "secret_key"),
    **{
        f"{package}.{module}.new": (0, "key")
        for package in ("Crypto", "Cryptodome")
        for module in (
            "Cipher.AES",
            "Cipher.DES",
            "Cipher.DES3",
            "Cipher.ARC4",
            "Cipher.Blowfish",
            "Cipher.ChaCha20",
            "Cipher.Salsa20",
            "Hash.HMAC",
        )
    },
}
# A literal default of an environment look-up is used whenever the variable is missing.
ENVIRONMENT_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
PASSWORD_ARGUMENT_OF = {
    "requests.auth.HTTPBasicAuth": (1, "password"),
    "requests.auth.HTTPDigestAuth": (1, "password"),
    "requests.auth.HTTPProxyAuth": (1, "password"),
    "aiohttp.BasicAuth": (1, "password"),
    "httpx.BasicAuth": (1, "password"),
    "httpx.DigestAuth": (1, "password"),
}


class NameVerdict(NamedTuple):
    """What a name says: which kind of secret, and whether the name alone is enough evidence."""

    cwe: int
    decisive: bool


class FormatMatch(NamedTuple):
    """A secret found by its shape: what it is, the secret text itself, and how bad it is."""

    label: str
    secret: str
    cwe: int
    severity: Severity
    confidence: Confidence


# ----- words and randomness --------------------------------------------------------------------
def name_words(name: str) -> list[str]:
    """Lower-case words of an identifier or key: 'dbPassword' and 'DB_PASSWORD' -> ['db', ...]."""
    spaced = _CAMEL_BOUNDARY.sub("_", name)
    return [word.lower() for word in _NON_ALPHANUMERIC.split(spaced) if word]


def shannon_entropy(text: str) -> float:
    """Bits of information per character, estimated from the character frequencies of `text`."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def looks_random(text: str) -> bool:
    """Whether `text` looks like generated key material rather than words a person typed.

    Hex needs less entropy per character than mixed-case text to look random, because it draws
    from 16 symbols only. Other text needs a digit and a second character class (joining words
    with '-' or '_' does not count), which keeps names of things such as 'correct_horse_battery'
    out: generated keys almost never lack digits at this length. Text made only of words joined
    by separators ('oauth2-authorization-code') is a name, however varied its letters.
    """
    if len(text) < 16 or any(c.isspace() for c in text):
        return False
    if all(_WORD_LIKE_PART.fullmatch(part) for part in _PART_SEPARATOR.split(text)):
        return False
    entropy = shannon_entropy(text)
    if re.fullmatch(r"[0-9a-fA-F]+", text):
        return len(text) >= 20 and entropy >= 3.0
    classes = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() and c not in "-_" for c in text),
        )
    )
    return classes >= 2 and any(c.isdigit() for c in text) and entropy >= 3.0


def looks_like_key(text: str) -> bool:
    """Random-looking text that is not a URL, a path, a dotted name or a regular expression.

    Values alone, with no name to go by, are judged this way when code is masked for a report.
    """
    return looks_random(text) and not (
        _URL.match(text)
        or _PATH.fullmatch(text)
        or DOTTED_NAME.fullmatch(text)
        or _REGULAR_EXPRESSION.search(text)
    )


# ----- judging names ----------------------------------------------------------------------------
def _singular(word: str) -> str:
    """'passwords' -> 'password', 'password2' -> 'password'; other words unchanged."""
    word = word.rstrip("0123456789") or word
    return word[:-1] if word.endswith("s") and len(word) > 3 and word[-2] != "s" else word


@functools.lru_cache(maxsize=4096)
def name_verdict(name: str) -> NameVerdict | None:
    """Whether `name` names a secret, judged by its last word (the thing it is).

    `password_field_name`, `token_url` and `TOKEN_HEADER` end in a word that is not a secret, so
    they name other things; `password_value` and `API_KEY_PROD` end in words that only qualify.
    Memoised: a module binds a few names to thousands of strings (dict keys, keywords), and
    the verdict is immutable.
    """
    if not _BINDABLE_NAME.fullmatch(name):
        return None
    words = name_words(name)
    while len(words) > 1 and (words[-1] in TRANSPARENT_SUFFIXES or words[-1].isdigit()):
        words.pop()
    if not words:
        return None
    head = _singular(words[-1])
    qualifier = _singular(words[-2]) if len(words) > 1 else None
    if (
        head in PASSWORD_WORDS
        or head.endswith(PASSWORD_ENDINGS)
        or (head == "pass" and qualifier is not None)  # 'db_pass'; a lone 'pass' is a filter's
    ):
        if qualifier == "hashed":
            return None  # a hash is what should be stored instead of the password
        return NameVerdict(PASSWORD, decisive=True)
    if head in CRYPTO_KEY_WORDS:
        return NameVerdict(CRYPTO_KEY, decisive=True)
    if head in CREDENTIAL_KEY_WORDS:
        return NameVerdict(CREDENTIAL, decisive=True)
    if head == "key":
        if qualifier in CRYPTO_KEY_QUALIFIERS:
            return NameVerdict(CRYPTO_KEY, decisive=True)
        if qualifier in CREDENTIAL_KEY_QUALIFIERS:
            return NameVerdict(CREDENTIAL, decisive=True)
        if qualifier in PUBLIC_KEY_QUALIFIERS:
            return None
        return NameVerdict(CREDENTIAL, decisive=False)
    if head.endswith("secret"):
        if qualifier in NAME_OF_A_SECRET_QUALIFIERS:
            return None
        cwe = CRYPTO_KEY if qualifier in CRYPTO_SECRET_QUALIFIERS else CREDENTIAL
        return NameVerdict(cwe, decisive=True)
    if head.endswith("token"):
        if qualifier in NON_SECRET_TOKEN_QUALIFIERS:
            return None
        return NameVerdict(CREDENTIAL, decisive=True)
    if head in {"credential", "cred", "creds"}:
        return NameVerdict(CREDENTIAL, decisive=True)
    if head in {"auth", "authorization", "bearer"}:
        return NameVerdict(CREDENTIAL, decisive=False)
    return None


_AUTHENTICATION_CONTEXT = lazy_pattern(
    r"auth|bearer|oauth|jwt|login|logon|credential|passw|api[_-]?key|csrf|xsrf|session|"
    r"refresh|access[_-]?token|id[_-]?token",
    re.IGNORECASE,
)


def mentions_authentication(text: str) -> bool:
    """Whether code speaks of authentication, so a bare `token` in it is likely a credential.

    `token` alone is also the everyday word of lexers, tokenizers, header parsers and paginated
    APIs; a function that says nothing of auth, bearers, sessions or credentials means that.
    """
    return bool(_AUTHENTICATION_CONTEXT.search(text))


# ----- judging values ---------------------------------------------------------------------------
_COUNTING_ORDER = "0123456789abcdefghijklmnopqrstuvwxyz"
_COUNTING_RUN = 8
"""Fewest characters a counting run of a placeholder has on average (`0123456789abcdef`)."""
_COUNTING_LENGTH = 16
"""Shortest counting placeholder: a key's length. `12345678` is a weak password people use."""


def _counts_up(value: str) -> bool:
    """Whether `value` counts through the digits and letters in runs (`0123456789abcdef`
    twice, `1234567890abcdef`): a placeholder of a key's length, typed, never generated.

    A generated key has almost no character followed by its successor; a password with a
    count in it (`winter123456`) has runs too short on average, and a bare count shorter than
    a key (`12345678`) is a weak password someone may really use.
    """
    text = value.lower()
    if len(text) < _COUNTING_LENGTH or any(c not in _COUNTING_ORDER for c in text):
        return False
    breaks = sum(
        1
        for before, after in itertools.pairwise(text)
        if not (
            _COUNTING_ORDER.index(after) == _COUNTING_ORDER.index(before) + 1
            or (before, after) == ("9", "0")
        )
    )
    return len(text) >= _COUNTING_RUN * (breaks + 1)


def is_placeholder(value: str, name: str | None = None) -> bool:
    """Values meant to be replaced, templates, and labels: 'changeme', '${TOKEN}', '<password>',
    a count through the digits and letters ('0123456789abcdef')."""
    stripped = value.strip()
    if len(stripped) < _MIN_LENGTH or len(set(stripped) - set("-_ ")) <= 1:
        return True
    if _counts_up(stripped):
        return True
    if TEMPLATE_MARKER.search(stripped) or _PLACEHOLDER_FRAGMENT.search(stripped):
        return True
    if _ENVIRONMENT_VARIABLE_NAME.fullmatch(stripped):
        return True  # the name of the variable to read the secret from, not the secret
    if name is not None and name_words(stripped) == name_words(name):
        return True
    words = name_words(stripped)
    return not any(c.isdigit() for c in stripped) and all(w in FILLER_WORDS for w in words)


def is_not_a_secret(value: str, name: str) -> bool:
    """Values that cannot be the secret a name promises: placeholders, prose, URLs, paths, and
    keys their provider publishes on purpose."""
    return (
        is_placeholder(value, name)
        or any(c.isspace() for c in value)
        or bool(_URL.match(value))
        or bool(_PATH.fullmatch(value))
        or bool(DOTTED_NAME.fullmatch(value))
        or bool(_PASSWORD_HASH.match(value))
        or bool(_IDENTIFIER.fullmatch(value))
        or bool(_REGULAR_EXPRESSION.search(value))
        or bool(_RATE_LIMIT.fullmatch(value))
        or bool(_PUBLIC_CLIENT_KEY.fullmatch(value))
    )


def token_is_fake(token: str) -> bool:
    """Provider-shaped tokens from documentation: 'AKIAIOSFODNN7EXAMPLE', 'ghp_xxxx…'."""
    return bool(_PLACEHOLDER_FRAGMENT.search(token)) or shannon_entropy(token) < 3.0


def format_secret(text: str, prose: bool = False) -> FormatMatch | None:
    """The secret in `text` recognised by its shape: a provider token, a key block, a password.

    In `prose` (docstrings and other bare strings) only provider tokens and key blocks count:
    `password=` and `user:pw@host` there are usage examples far more often than secrets.
    """
    for known in FORMATS if ANY_FORMAT_LITERAL.search(text) else ():
        if not known.may_match(text):
            continue
        for match in known.pattern.finditer(text):
            if not token_is_fake(match[0]):
                return FormatMatch(
                    known.label, match[0], known.cwe, known.severity, known.confidence
                )
    block = PRIVATE_KEY_BLOCK.search(text)
    if block:
        body = re.sub(r"[^A-Za-z0-9+/=]", "", block["body"])
        if len(body) >= 40 and not token_is_fake(body):
            return FormatMatch(
                "a private key", block[0], CRYPTO_KEY, Severity.CRITICAL, Confidence.HIGH
            )
    if prose:
        return None
    for pattern, what, marker in (
        (CONNECTION_URL_PASSWORD, "a password in a connection URL", "://"),
        (KEY_VALUE_PASSWORD, "a password in a connection string", "="),
    ):
        if marker not in text:
            continue  # keeps the scan linear on long strings that cannot match
        for match in pattern.finditer(text):
            secret = match["secret"]
            # `password=os.environ["PGPASSWORD"]` in generated code: a subscript, no password
            name = secret.removesuffix("[")
            if not (
                is_placeholder(secret)
                or VARIABLE_LIKE.fullmatch(name)
                or DOTTED_NAME.fullmatch(name)
            ):
                return FormatMatch(what, secret, PASSWORD, Severity.HIGH, Confidence.MEDIUM)
    return None
