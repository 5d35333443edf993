"""What a secret looks like, judged on text alone: provider formats, secret names, random values.

The hard-coded secret rules judge string constants with these, and the masking of everything a
report prints judges code tokens with the very same tests, so a value the rules call a secret is
never printed, whichever rule quotes the line it sits on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from secreview.findings import Confidence, Severity

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]+")
_WORD_LIKE_PART = re.compile(r"\d*(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)?\d*")
_PART_SEPARATOR = re.compile(r"[-_.]+")

PASSWORD, CREDENTIAL, CRYPTO_KEY = 259, 798, 321
_MIN_LENGTH = 6


# ----- names ------------------------------------------------------------------------------------
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pw", "passphrase", "passcode"})
_PASSWORD_ENDINGS = ("password", "passwd", "passphrase")  # one-word compounds: 'dbpassword'
_CRYPTO_KEY_WORDS = frozenset(
    {"secretkey", "privatekey", "privkey", "signingkey", "encryptionkey", "masterkey", "hmackey"}
)
_CREDENTIAL_KEY_WORDS = frozenset({"apikey", "accesskey", "authkey", "appkey", "consumerkey"})
# `<qualifier>_key`: which qualifiers make a key secret, and of which kind.
_CRYPTO_KEY_QUALIFIERS = frozenset(
    {
        "secret", "private", "priv", "signing", "sign", "encryption", "encrypt", "enc",
        "decryption", "crypto", "crypt", "cipher", "aes", "des", "hmac", "jwt", "fernet",
        "master", "symmetric", "ssh", "rsa", "ecdsa", "ed25519", "gpg", "pgp", "ca",
    }
)  # fmt: skip
_CREDENTIAL_KEY_QUALIFIERS = frozenset(
    {
        "api", "access", "auth", "client", "app", "application", "consumer", "license",
        "licence", "subscription", "service", "account", "developer", "integration", "admin",
    }
)  # fmt: skip
# Keys that name a place in a data structure or a public half: never secrets.
_PUBLIC_KEY_QUALIFIERS = frozenset(
    {
        "public", "pub", "host", "primary", "foreign", "cache", "sort", "partition", "object",
        "s3", "idempotency", "dict", "lookup", "index", "unique", "composite", "row", "column",
        "field", "group", "routing", "shard", "redis", "map", "hash", "translation", "message",
        "event", "storage", "config", "setting", "settings", "env", "attr", "attribute", "json",
        "query", "param", "registry", "cursor", "dedup", "record", "entry", "item", "node",
        "search", "hot", "short", "session", "context", "state", "metadata", "label", "header",
    }
)  # fmt: skip
# Secrets whose job is signing or encryption are keys (CWE-321), not login credentials.
_CRYPTO_SECRET_QUALIFIERS = frozenset(
    {"jwt", "signing", "sign", "hmac", "encryption", "cookie", "session", "csrf"}
)
_NAME_OF_A_SECRET_QUALIFIERS = frozenset({"k8s", "kubernetes", "kube", "docker", "swarm"})
# Tokens of parsers, tokenizers and paginated APIs are not credentials.
_NON_SECRET_TOKEN_QUALIFIERS = frozenset(
    {
        "page", "next", "prev", "previous", "pagination", "continuation", "sync", "cancel",
        "cancellation", "resume", "eos", "bos", "pad", "unk", "sep", "cls", "mask", "start", "end",
        "stop", "special", "begin", "eot", "sos", "image", "audio", "video", "placeholder",
        "split", "lexer", "parser", "string", "text", "word", "sentence", "bpe", "vocab",
        "delimiter", "separator", "newline", "default", "unknown", "padding",
    }
)  # fmt: skip
# Trailing words that keep the meaning of what precedes them: `password_value`, `API_KEY_PROD`.
_TRANSPARENT_SUFFIXES = frozenset(
    {
        "value", "val", "str", "string", "bytes", "b64", "base64", "hex", "raw", "plain",
        "plaintext", "cleartext", "literal", "default", "fallback", "fallbacks", "override",
        "encoded", "orig", "original", "prod", "production", "staging", "stage", "dev",
        "development", "live", "sandbox", "local", "test", "old", "new", "current",
    }
)  # fmt: skip

# ----- values -----------------------------------------------------------------------------------
# Words that, with no digit anywhere, make a value a placeholder or a label, not a secret.
_FILLER_WORDS = frozenset(
    {
        "change", "changeme", "me", "your", "yours", "my", "our", "the", "a", "an", "here", "goes",
        "enter", "put", "insert", "replace", "with", "real", "example", "sample", "dummy", "fake",
        "mock", "test", "testing", "placeholder", "todo", "fixme", "tbd", "none", "null", "nil",
        "undefined", "default", "secret", "secrets", "password", "passwd", "pass", "pwd",
        "token", "key", "api", "apikey", "access", "auth", "client", "value", "redacted",
        "hidden", "masked", "not", "set", "notset", "unset", "empty", "foo", "bar", "baz", "qux",
        "user", "username", "guest", "demo", "x", "xxx", "xxxx", "this", "is", "for", "of",
        "bearer", "basic", "authorization", "header", "required", "missing", "invalid",
        "forgot", "reset", "confirm", "new", "old", "id", "private", "public", "credentials",
        "no", "optional",
    }
)  # fmt: skip
TEMPLATE_MARKER = re.compile(
    r"\{[^{}\s]*\}|%\(\w+\)[sdr]|%[sdr]\b|\$\{\w+\}|^\$[A-Z_][A-Z0-9_]*$|<[^<>]+>|^\[[A-Z_ ]+\]$"
)
_PLACEHOLDER_FRAGMENT = re.compile(r"example|xxxx|\*\*\*|\.\.\.|•", re.IGNORECASE)
_ENVIRONMENT_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_URL = re.compile(r"[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_PATH = re.compile(
    r"(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]+)+/?|[\w.\-/]+\.(?:pem|key|crt|cer|der|p12|pfx|json|txt"
    r"|ya?ml|env|cfg|ini|conf|toml|gpg|asc|pub)"
)
DOTTED_NAME = re.compile(r"[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_PASSWORD_HASH = re.compile(
    r"(?:pbkdf2_\w+|argon2\w*|bcrypt\w*|scrypt|sha1|md5|crypt)\$"  # Django, passlib
    r"|\$(?:2[aby]?|argon2(?:id|i|d)|[156])\$"  # modular crypt format
)
VARIABLE_LIKE = re.compile(r"[a-z_]+")  # 'password=db_password' in code or a template
# Names of things rather than secrets: 'next_token', 'AWSSecretKey', 'accessKeyId' (no digits).
_IDENTIFIER = re.compile(r"[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]*)+|[A-Z]+[a-z]+(?:[A-Z][a-z]*)+")
_REGULAR_EXPRESSION = re.compile(r"\(\?|\\[bdswBDSW]|\[\^?[^\]]+\][*+?]|\.[*+]")
# A name a secret can be bound to: identifiers and header names, not 'AWS::IAM::AccessKey'.
_BINDABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
PLAIN_WORDS = re.compile(r"[A-Za-z_\-]+")
AUTH_SCHEME = re.compile(r"(?:Bearer|Basic|Token|Bot|Digest|ApiKey)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Format:
    """A secret recognised by its shape alone, wherever it appears."""

    label: str
    pattern: re.Pattern[str]
    cwe: int
    severity: Severity = Severity.CRITICAL
    confidence: Confidence = Confidence.HIGH


FORMATS = (
    _Format("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), CREDENTIAL),
    _Format(
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b"),
        CREDENTIAL,
    ),
    _Format("a Slack token", re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"), CREDENTIAL),
    _Format(
        "a Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
        CREDENTIAL,
        Severity.HIGH,
    ),
    _Format("a Stripe live key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}"), CREDENTIAL),
    _Format("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), CREDENTIAL, Severity.HIGH),
    _Format("a PyPI upload token", re.compile(r"\bpypi-AgE[A-Za-z0-9_\-]{50,}"), CREDENTIAL),
    _Format("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), CREDENTIAL),
    _Format(
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}"),
        CREDENTIAL,
        Severity.MEDIUM,
        Confidence.MEDIUM,
    ),
)
PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?P<body>[\s\S]*?)(?:-----END|$)"
)
CONNECTION_URL_PASSWORD = re.compile(
    r"\b[a-z][a-z0-9+.\-]*://(?P<user>[^\s:/@]*):(?P<secret>[^\s@/:]+)@", re.IGNORECASE
)
KEY_VALUE_PASSWORD = re.compile(
    r"\b(?:password|passwd|pwd)\s*=\s*['\"]?(?P<secret>[^\s;'\"&,()]+)", re.IGNORECASE
)

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


@dataclass(frozen=True, slots=True)
class NameVerdict:
    """What a name says: which kind of secret, and whether the name alone is enough evidence."""

    cwe: int
    decisive: bool


@dataclass(frozen=True, slots=True)
class FormatMatch:
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


def name_verdict(name: str) -> NameVerdict | None:
    """Whether `name` names a secret, judged by its last word (the thing it is).

    `password_field_name`, `token_url` and `TOKEN_HEADER` end in a word that is not a secret, so
    they name other things; `password_value` and `API_KEY_PROD` end in words that only qualify.
    """
    if not _BINDABLE_NAME.fullmatch(name):
        return None
    words = name_words(name)
    while len(words) > 1 and (words[-1] in _TRANSPARENT_SUFFIXES or words[-1].isdigit()):
        words.pop()
    if not words:
        return None
    head = _singular(words[-1])
    qualifier = _singular(words[-2]) if len(words) > 1 else None
    if (
        head in _PASSWORD_WORDS
        or head.endswith(_PASSWORD_ENDINGS)
        or (head == "pass" and qualifier is not None)  # 'db_pass'; a lone 'pass' is a filter's
    ):
        if qualifier == "hashed":
            return None  # a hash is what should be stored instead of the password
        return NameVerdict(PASSWORD, decisive=True)
    if head in _CRYPTO_KEY_WORDS:
        return NameVerdict(CRYPTO_KEY, decisive=True)
    if head in _CREDENTIAL_KEY_WORDS:
        return NameVerdict(CREDENTIAL, decisive=True)
    if head == "key":
        if qualifier in _CRYPTO_KEY_QUALIFIERS:
            return NameVerdict(CRYPTO_KEY, decisive=True)
        if qualifier in _CREDENTIAL_KEY_QUALIFIERS:
            return NameVerdict(CREDENTIAL, decisive=True)
        if qualifier in _PUBLIC_KEY_QUALIFIERS:
            return None
        return NameVerdict(CREDENTIAL, decisive=False)
    if head.endswith("secret"):
        if qualifier in _NAME_OF_A_SECRET_QUALIFIERS:
            return None
        cwe = CRYPTO_KEY if qualifier in _CRYPTO_SECRET_QUALIFIERS else CREDENTIAL
        return NameVerdict(cwe, decisive=True)
    if head.endswith("token"):
        if qualifier in _NON_SECRET_TOKEN_QUALIFIERS:
            return None
        return NameVerdict(CREDENTIAL, decisive=True)
    if head in {"credential", "cred", "creds"}:
        return NameVerdict(CREDENTIAL, decisive=True)
    if head in {"auth", "authorization", "bearer"}:
        return NameVerdict(CREDENTIAL, decisive=False)
    return None


# ----- judging values ---------------------------------------------------------------------------
def is_placeholder(value: str, name: str | None = None) -> bool:
    """Values meant to be replaced, templates, and labels: 'changeme', '${TOKEN}', '<password>'."""
    stripped = value.strip()
    if len(stripped) < _MIN_LENGTH or len(set(stripped) - set("-_ ")) <= 1:
        return True
    if TEMPLATE_MARKER.search(stripped) or _PLACEHOLDER_FRAGMENT.search(stripped):
        return True
    if _ENVIRONMENT_VARIABLE_NAME.fullmatch(stripped):
        return True  # the name of the variable to read the secret from, not the secret
    if name is not None and name_words(stripped) == name_words(name):
        return True
    words = name_words(stripped)
    return not any(c.isdigit() for c in stripped) and all(w in _FILLER_WORDS for w in words)


def is_not_a_secret(value: str, name: str) -> bool:
    """Values that cannot be the secret a name promises: placeholders, prose, URLs, paths."""
    return (
        is_placeholder(value, name)
        or any(c.isspace() for c in value)
        or bool(_URL.match(value))
        or bool(_PATH.fullmatch(value))
        or bool(DOTTED_NAME.fullmatch(value))
        or bool(_PASSWORD_HASH.match(value))
        or bool(_IDENTIFIER.fullmatch(value))
        or bool(_REGULAR_EXPRESSION.search(value))
    )


def token_is_fake(token: str) -> bool:
    """Provider-shaped tokens from documentation: 'AKIAIOSFODNN7EXAMPLE', 'ghp_xxxx…'."""
    return bool(_PLACEHOLDER_FRAGMENT.search(token)) or shannon_entropy(token) < 3.0


def format_secret(text: str, prose: bool = False) -> FormatMatch | None:
    """The secret in `text` recognised by its shape: a provider token, a key block, a password.

    In `prose` (docstrings and other bare strings) only provider tokens and key blocks count:
    `password=` and `user:pw@host` there are usage examples far more often than secrets.
    """
    for known in FORMATS:
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
            if not (
                is_placeholder(secret)
                or VARIABLE_LIKE.fullmatch(secret)
                or DOTTED_NAME.fullmatch(secret)
            ):
                return FormatMatch(what, secret, PASSWORD, Severity.HIGH, Confidence.MEDIUM)
    return None
