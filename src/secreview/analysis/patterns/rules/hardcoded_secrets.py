"""CWE-798, CWE-259, CWE-321: credentials, passwords and cryptographic keys written into the source.

One analysis judges each string constant once (memoised in `context.memo`): first by its value
(provider token formats, private key blocks, passwords inside connection strings), then by the name
it is bound to (assignment target, attribute, dict key, keyword, parameter default, comparison,
or the key argument of a crypto call). Each of the three rules reports the secrets of its own CWE.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from secreview.analysis.patterns.base import Hit, rule
from secreview.analysis.patterns.context import ModuleContext
from secreview.analysis.patterns.rules._secret_helpers import (
    literal_opening,
    looks_random,
    name_words,
    redact,
    shannon_entropy,
    span_node,
)
from secreview.findings import Confidence, Severity

_MEMO_KEY = "hardcoded-secrets"
_POSITIONS_KEY = "hardcoded-secrets.positions"
_PASSWORD, _CREDENTIAL, _CRYPTO_KEY = 259, 798, 321
_KIND = {_PASSWORD: "password", _CREDENTIAL: "credential", _CRYPTO_KEY: "cryptographic key"}
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
_TEMPLATE_MARKER = re.compile(
    r"\{[^{}\s]*\}|%\(\w+\)[sdr]|%[sdr]\b|\$\{\w+\}|^\$[A-Z_][A-Z0-9_]*$|<[^<>]+>|^\[[A-Z_ ]+\]$"
)
_PLACEHOLDER_FRAGMENT = re.compile(r"example|xxxx|\*\*\*|\.\.\.|•", re.IGNORECASE)
_ENVIRONMENT_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_URL = re.compile(r"[a-z][a-z0-9+.\-]*://", re.IGNORECASE)
_PATH = re.compile(
    r"(?:~|\.{1,2})?/[\w.\-]+(?:/[\w.\-]+)+/?|[\w.\-/]+\.(?:pem|key|crt|cer|der|p12|pfx|json|txt"
    r"|ya?ml|env|cfg|ini|conf|toml|gpg|asc|pub)"
)
_DOTTED_NAME = re.compile(r"[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_PASSWORD_HASH = re.compile(
    r"(?:pbkdf2_\w+|argon2\w*|bcrypt\w*|scrypt|sha1|md5|crypt)\$"  # Django, passlib
    r"|\$(?:2[aby]?|argon2(?:id|i|d)|[156])\$"  # modular crypt format
)
_VARIABLE_LIKE = re.compile(r"[a-z_]+")  # 'password=db_password' in code or a template
# Names of things rather than secrets: 'next_token', 'AWSSecretKey', 'accessKeyId' (no digits).
_IDENTIFIER = re.compile(r"[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]*)+|[A-Z]+[a-z]+(?:[A-Z][a-z]*)+")
_REGULAR_EXPRESSION = re.compile(r"\(\?|\\[bdswBDSW]|\[\^?[^\]]+\][*+?]|\.[*+]")
# A name a secret can be bound to: identifiers and header names, not 'AWS::IAM::AccessKey'.
_BINDABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_PLAIN_WORDS = re.compile(r"[A-Za-z_\-]+")
_AUTH_SCHEME = re.compile(r"(?:Bearer|Basic|Token|Bot|Digest|ApiKey)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Format:
    """A secret recognised by its shape alone, wherever it appears."""

    label: str
    pattern: re.Pattern[str]
    cwe: int
    severity: Severity = Severity.CRITICAL
    confidence: Confidence = Confidence.HIGH


_FORMATS = (
    _Format("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), _CREDENTIAL),
    _Format(
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b"),
        _CREDENTIAL,
    ),
    _Format("a Slack token", re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"), _CREDENTIAL),
    _Format(
        "a Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
        _CREDENTIAL,
        Severity.HIGH,
    ),
    _Format("a Stripe live key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}"), _CREDENTIAL),
    _Format(
        "a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), _CREDENTIAL, Severity.HIGH
    ),
    _Format("a PyPI upload token", re.compile(r"\bpypi-AgE[A-Za-z0-9_\-]{50,}"), _CREDENTIAL),
    _Format("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), _CREDENTIAL),
    _Format(
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}"),
        _CREDENTIAL,
        Severity.MEDIUM,
        Confidence.MEDIUM,
    ),
)
_PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?P<body>[\s\S]*?)(?:-----END|$)"
)
_CONNECTION_URL_PASSWORD = re.compile(
    r"\b[a-z][a-z0-9+.\-]*://(?P<user>[^\s:/@]*):(?P<secret>[^\s@/:]+)@", re.IGNORECASE
)
_KEY_VALUE_PASSWORD = re.compile(
    r"\b(?:password|passwd|pwd)\s*=\s*['\"]?(?P<secret>[^\s;'\"&,()]+)", re.IGNORECASE
)

# ----- calls whose arguments are secrets whatever they are named --------------------------------
_KEY_ARGUMENT_OF = {
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
_ENVIRONMENT_LOOKUPS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_PASSWORD_ARGUMENT_OF = {
    "requests.auth.HTTPBasicAuth": (1, "password"),
    "requests.auth.HTTPDigestAuth": (1, "password"),
    "requests.auth.HTTPProxyAuth": (1, "password"),
    "aiohttp.BasicAuth": (1, "password"),
    "httpx.BasicAuth": (1, "password"),
    "httpx.DigestAuth": (1, "password"),
}


@dataclass(frozen=True, slots=True)
class _Binding:
    """What a string constant is bound to: the name that says what it is, and where to point.

    `sink_cwe` is set when the place itself says what the value is (the key argument of
    `hmac.new`, the password of `HTTPBasicAuth`), whatever the name; `fallback` when the value is
    only used if an environment variable is missing.
    """

    name: str
    anchor: ast.AST
    where: str
    sink_cwe: int | None = None
    fallback: bool = False
    verb: str = "is set to"


@dataclass(frozen=True, slots=True)
class _NameVerdict:
    """What a name says: which kind of secret, and whether the name alone is enough evidence."""

    cwe: int
    decisive: bool


@dataclass(frozen=True, slots=True)
class _Secret:
    """One hard-coded secret, ready to be reported by the rule of its CWE."""

    cwe: int
    anchor: ast.AST
    message: str
    severity: Severity | None = None
    confidence: Confidence | None = None


# ----- judging names ----------------------------------------------------------------------------
def _singular(word: str) -> str:
    """'passwords' -> 'password', 'password2' -> 'password'; other words unchanged."""
    word = word.rstrip("0123456789") or word
    return word[:-1] if word.endswith("s") and len(word) > 3 and word[-2] != "s" else word


def _name_verdict(name: str) -> _NameVerdict | None:
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
        return _NameVerdict(_PASSWORD, decisive=True)
    if head in _CRYPTO_KEY_WORDS:
        return _NameVerdict(_CRYPTO_KEY, decisive=True)
    if head in _CREDENTIAL_KEY_WORDS:
        return _NameVerdict(_CREDENTIAL, decisive=True)
    if head == "key":
        if qualifier in _CRYPTO_KEY_QUALIFIERS:
            return _NameVerdict(_CRYPTO_KEY, decisive=True)
        if qualifier in _CREDENTIAL_KEY_QUALIFIERS:
            return _NameVerdict(_CREDENTIAL, decisive=True)
        if qualifier in _PUBLIC_KEY_QUALIFIERS:
            return None
        return _NameVerdict(_CREDENTIAL, decisive=False)
    if head.endswith("secret"):
        if qualifier in _NAME_OF_A_SECRET_QUALIFIERS:
            return None
        cwe = _CRYPTO_KEY if qualifier in _CRYPTO_SECRET_QUALIFIERS else _CREDENTIAL
        return _NameVerdict(cwe, decisive=True)
    if head.endswith("token"):
        if qualifier in _NON_SECRET_TOKEN_QUALIFIERS:
            return None
        return _NameVerdict(_CREDENTIAL, decisive=True)
    if head in {"credential", "cred", "creds"}:
        return _NameVerdict(_CREDENTIAL, decisive=True)
    if head in {"auth", "authorization", "bearer"}:
        return _NameVerdict(_CREDENTIAL, decisive=False)
    return None


# ----- judging values ---------------------------------------------------------------------------
def _text_of(value: object) -> str | None:
    """The text of a str or bytes constant; raw binary bytes as hex, so entropy still applies."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        if all(32 <= b < 127 for b in value):
            return value.decode("ascii")
        return value.hex()
    return None


def _is_placeholder(value: str, name: str | None = None) -> bool:
    """Values meant to be replaced, templates, and labels: 'changeme', '${TOKEN}', '<password>'."""
    stripped = value.strip()
    if len(stripped) < _MIN_LENGTH or len(set(stripped) - set("-_ ")) <= 1:
        return True
    if _TEMPLATE_MARKER.search(stripped) or _PLACEHOLDER_FRAGMENT.search(stripped):
        return True
    if _ENVIRONMENT_VARIABLE_NAME.fullmatch(stripped):
        return True  # the name of the variable to read the secret from, not the secret
    if name is not None and name_words(stripped) == name_words(name):
        return True
    words = name_words(stripped)
    return not any(c.isdigit() for c in stripped) and all(w in _FILLER_WORDS for w in words)


def _is_not_a_secret(value: str, name: str) -> bool:
    """Values that cannot be the secret a name promises: placeholders, prose, URLs, paths."""
    return (
        _is_placeholder(value, name)
        or any(c.isspace() for c in value)
        or bool(_URL.match(value))
        or bool(_PATH.fullmatch(value))
        or bool(_DOTTED_NAME.fullmatch(value))
        or bool(_PASSWORD_HASH.match(value))
        or bool(_IDENTIFIER.fullmatch(value))
        or bool(_REGULAR_EXPRESSION.search(value))
    )


def _token_is_fake(token: str) -> bool:
    """Provider-shaped tokens from documentation: 'AKIAIOSFODNN7EXAMPLE', 'ghp_xxxx…'."""
    return bool(_PLACEHOLDER_FRAGMENT.search(token)) or shannon_entropy(token) < 3.0


def _format_secret(
    text: str, prose: bool = False
) -> tuple[str, str, int, Severity, Confidence] | None:
    """(what, redacted form, CWE, severity, confidence) of a secret recognised by its shape.

    In `prose` (docstrings and other bare strings) only provider tokens and key blocks count:
    `password=` and `user:pw@host` there are usage examples far more often than secrets.
    """
    for known in _FORMATS:
        for match in known.pattern.finditer(text):
            if not _token_is_fake(match[0]):
                return known.label, redact(match[0]), known.cwe, known.severity, known.confidence
    block = _PRIVATE_KEY_BLOCK.search(text)
    if block:
        body = re.sub(r"[^A-Za-z0-9+/=]", "", block["body"])
        if len(body) >= 40 and not _token_is_fake(body):
            shown = f"`-----BEGIN {block[1]}-----` block ({len(block[0])} characters)"
            return "a private key", shown, _CRYPTO_KEY, Severity.CRITICAL, Confidence.HIGH
    if prose:
        return None
    for pattern, what, marker in (
        (_CONNECTION_URL_PASSWORD, "a password in a connection URL", "://"),
        (_KEY_VALUE_PASSWORD, "a password in a connection string", "="),
    ):
        if marker not in text:
            continue  # keeps the scan linear on long strings that cannot match
        for match in pattern.finditer(text):
            secret = match["secret"]
            if not (
                _is_placeholder(secret)
                or _VARIABLE_LIKE.fullmatch(secret)
                or _DOTTED_NAME.fullmatch(secret)
            ):
                return what, redact(secret), _PASSWORD, Severity.HIGH, Confidence.MEDIUM
    return None


# ----- where a constant is bound ----------------------------------------------------------------
def _index_of(
    child: ast.AST, items: list[ast.expr] | list[ast.expr | None], context: ModuleContext
) -> int | None:
    """Position of `child` among `items`, by identity (equal-looking nodes are different places).

    Each list is indexed once, so a table of n strings costs n look-ups, not n² comparisons
    (a 2 MB list literal took hours).
    """
    positions = cast("dict[int, dict[int, int]]", context.memo.setdefault(_POSITIONS_KEY, {}))
    table = positions.get(id(items))
    if table is None:
        table = positions[id(items)] = {id(item): i for i, item in enumerate(items)}
    return table.get(id(child))


def _named(target: ast.AST, context: ModuleContext) -> _Binding | None:
    """The binding for a value stored into or compared with `target`, when it has a name."""
    match target:
        case ast.Name(id=name):
            return _Binding(name, target, f"`{name}`")
        case ast.Attribute(attr=name):
            return _Binding(name, target, f"`{context.one_line(target)}`")
        case ast.Subscript(slice=ast.Constant(value=str() as name)):
            return _Binding(name, target, f"`{context.one_line(target)}`")
        case ast.Call(func=ast.Attribute(attr="get"), args=[ast.Constant(value=str() as name), *_]):
            return _Binding(name, target, f"`{context.one_line(target)}`")
    return None


def _keyword_name(keyword: ast.keyword) -> ast.AST:
    """A node spanning just the name of `keyword`, so the report does not show its value."""
    name = keyword.arg or ""
    return span_node(keyword.lineno, keyword.col_offset, len(name.encode("utf-8")), name)


def _call_binding(call: ast.Call, child: ast.AST, context: ModuleContext) -> _Binding | None:
    """The binding when `child` is the key or password argument of a call that takes one."""
    name = context.call_name(call)
    if name in _ENVIRONMENT_LOOKUPS and len(call.args) == 2 and call.args[1] is child:
        variable = call.args[0]
        if isinstance(variable, ast.Constant) and isinstance(variable.value, str):
            where = f"The fallback of `{name}({context.one_line(variable)}, …)`"
            return _Binding(variable.value, call.func, where, fallback=True, verb="is")
        return None
    for table, cwe in ((_KEY_ARGUMENT_OF, _CRYPTO_KEY), (_PASSWORD_ARGUMENT_OF, _PASSWORD)):
        if name in table:
            position, keyword = table[name]
            if context.argument(call, position, keyword) is child:
                where = f"The {keyword.replace('_', ' ')} argument of `{name}`"
                return _Binding(keyword, call.func, where, sink_cwe=cwe, verb="is")
    if (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "login"
        and len(call.args) >= 2
        and call.args[1] is child
    ):
        where = f"The password argument of `{context.one_line(call.func)}`"
        return _Binding("password", call.func, where, sink_cwe=_PASSWORD, verb="is")
    return None


def _binding(node: ast.Constant, context: ModuleContext) -> _Binding | None:
    """What `node` is bound to: assignment, keyword, dict key, default, comparison or sink."""
    child: ast.AST = node
    parent = context.parent(node)
    # Items of a sequence share its name (`PASSWORDS = [...]`), except pairs unpacked into
    # names and the (user, password) pair given as `auth=`. One level only: the strings of
    # nested tables (`tokens = [(r"regex", Token), ...]`) are not what the name names.
    if isinstance(parent, ast.Tuple | ast.List | ast.Set):
        index = _index_of(child, parent.elts, context)
        grand = context.parent(parent)
        if isinstance(grand, ast.Assign) and grand.value is parent and index is not None:
            for target in grand.targets:
                if isinstance(target, ast.Tuple | ast.List) and len(target.elts) == len(
                    parent.elts
                ):
                    return _named(target.elts[index], context)
        if isinstance(grand, ast.keyword) and grand.arg == "auth" and len(parent.elts) == 2:
            if index != 1:
                return None
            where = "The password of `auth=`"
            return _Binding("password", _keyword_name(grand), where, sink_cwe=_PASSWORD, verb="is")
        child, parent = parent, grand
    match parent:
        case ast.Assign(targets=targets, value=value) if value is child:
            return next((found for target in targets if (found := _named(target, context))), None)
        case (
            ast.AnnAssign(target=target, value=value) | ast.NamedExpr(target=target, value=value)
        ) if value is child:
            return _named(target, context)
        case ast.keyword(arg=str() as name):
            call = context.parent(parent)
            if isinstance(call, ast.Call) and (found := _call_binding(call, child, context)):
                return found
            return _Binding(name, _keyword_name(parent), f"`{name}=`")
        case ast.Dict(keys=keys, values=values):
            index = _index_of(child, values, context)
            key = keys[index] if index is not None else None
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return _Binding(key.value, key, f"The dict key `{context.one_line(key)}`")
        case ast.Compare(left=left, ops=[ast.Eq() | ast.NotEq()], comparators=[right]):
            other = right if left is child else left
            found = _named(other, context)
            return dataclasses.replace(found, verb="is compared with") if found else None
        case ast.arguments():
            return _default_binding(parent, child)
        case ast.Call():
            return _call_binding(parent, child, context)
    return None


def _default_binding(arguments: ast.arguments, child: ast.AST) -> _Binding | None:
    """The parameter whose default value is `child`."""
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(
        zip(
            positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
        )
    )
    pairs += [
        (a, d)
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if d is not None
    ]
    for parameter, default in pairs:
        if default is child:
            return _Binding(parameter.arg, parameter, f"The default of parameter `{parameter.arg}`")
    return None


# ----- the analysis -----------------------------------------------------------------------------
def _secret_in_constant(node: ast.Constant, context: ModuleContext) -> _Secret | None:
    """The hard-coded secret string constant `node` holds, judged by its value, then its name."""
    text = _text_of(node.value)
    if not text or isinstance(context.parent(node), ast.JoinedStr):
        return None
    binding = _binding(node, context)
    recognised = _format_secret(text, prose=isinstance(context.parent(node), ast.Expr))
    if recognised is not None:
        what, shown, cwe, severity, confidence = recognised
        if binding is not None:
            anchor, where = binding.anchor, binding.where
        else:
            anchor, where = literal_opening(node, context.lines), "This string"
        return _Secret(
            cwe,
            anchor,
            f"{where} holds what looks like {what}, {shown}; anyone who can read the code or "
            "its history can use it until it is revoked.",
            severity,
            confidence,
        )
    if binding is None:
        return None
    if binding.sink_cwe == _CRYPTO_KEY:
        if context.is_test and not looks_random(text):
            return None  # a fixed key in a test is test data, not a leaked key
        return _Secret(
            _CRYPTO_KEY,
            binding.anchor,
            f"{binding.where} is a hard-coded key, {redact(text)}; anyone with the source can "
            "forge or decrypt whatever it protects.",
            confidence=Confidence.HIGH,
        )
    verdict = (
        _NameVerdict(binding.sink_cwe, decisive=True)
        if binding.sink_cwe is not None
        else _name_verdict(binding.name)
    )
    scheme = _AUTH_SCHEME.match(text)
    value = text[scheme.end() :] if scheme else text
    if verdict is None or _is_not_a_secret(value, binding.name):
        return None
    random = looks_random(value)
    if not random and (context.is_test or not verdict.decisive):
        return None  # weak names need key-like values; tests are full of made-up passwords
    compared = binding.verb == "is compared with"
    if not random and (
        (verdict.cwe == _CREDENTIAL and not any(c.isdigit() for c in value))
        or (compared and verdict.cwe == _CRYPTO_KEY and _PLAIN_WORDS.fullmatch(value))
    ):
        return None  # tokens set to 'optional' or compared with '#bygroup': API and parser words
    confidence = (
        Confidence.HIGH
        if verdict.decisive and random
        else Confidence.MEDIUM
        if verdict.decisive
        else Confidence.LOW
    )
    if binding.fallback:
        return _Secret(
            verdict.cwe,
            binding.anchor,
            f"{binding.where} {binding.verb} a hard-coded {_KIND[verdict.cwe]}, "
            f"{redact(value)}; wherever the variable is not set, the application silently runs "
            "with a secret everyone who has the code knows.",
            Severity.MEDIUM,
            confidence,
        )
    return _Secret(
        verdict.cwe,
        binding.anchor,
        f"{binding.where} {binding.verb} a hard-coded {_KIND[verdict.cwe]}, {redact(value)}; "
        "anyone who can read the code or its history has it, and changing it needs a new release.",
        confidence=confidence,
    )


def _secret_at_key_argument(call: ast.Call, context: ModuleContext) -> _Secret | None:
    """A crypto call keyed with a module constant that was not already reported where defined."""
    name = context.call_name(call)
    if name not in _KEY_ARGUMENT_OF or context.is_test:
        return None
    position, keyword = _KEY_ARGUMENT_OF[name]
    argument = context.argument(call, position, keyword)
    if argument is None or isinstance(argument, ast.Constant):
        return None  # literal keys are judged as constants
    text = _text_of(context.constant_value(argument))
    if not text:
        return None
    if isinstance(argument, ast.Name):
        definition = context.module_constants.get(argument.id)
        if isinstance(definition, ast.Constant) and _secret_at(definition, context):
            return None  # already reported where the constant is assigned
    return _Secret(
        _CRYPTO_KEY,
        argument,
        f"`{name}` is keyed with `{context.one_line(argument)}`, a hard-coded key {redact(text)}; "
        "anyone with the source can forge or decrypt whatever it protects.",
        confidence=Confidence.HIGH,
    )


def _secrets(context: ModuleContext) -> dict[int, _Secret | None]:
    """Secret per node id, computed on first use and shared by the three rules."""
    return cast("dict[int, _Secret | None]", context.memo.setdefault(_MEMO_KEY, {}))


def _secret_at(node: ast.AST, context: ModuleContext) -> _Secret | None:
    """The secret reported at `node` (a string constant or a crypto call), judged once."""
    if isinstance(node, ast.Constant) and not isinstance(node.value, str | bytes):
        return None  # not memoised: a 2 MB table of numbers would cost a 60 MB memo of Nones
    found = _secrets(context)
    key = id(node)
    if key not in found:
        if isinstance(node, ast.Constant):
            found[key] = _secret_in_constant(node, context)
        elif isinstance(node, ast.Call):
            found[key] = _secret_at_key_argument(node, context)
        else:
            found[key] = None
    return found[key]


def _hits(cwe: int, node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """The hit for `node` when it holds a secret of kind `cwe`."""
    secret = _secret_at(node, context)
    if secret is not None and secret.cwe == cwe:
        yield Hit(
            node=secret.anchor,
            message=secret.message,
            severity=secret.severity,
            confidence=secret.confidence,
        )


_REFERENCES_COMMON = (
    "https://docs.python.org/3/library/os.html#os.environ",
    "https://docs.python.org/3/library/secrets.html",
    "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
)


@rule(
    id="hardcoded-credential",
    name="Hard-coded credential (API key, token, secret)",
    cwe=_CREDENTIAL,
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
    applies_in_tests=True,
)
def hardcoded_credential(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report credentials recognised by their shape or by the name they are bound to."""
    yield from _hits(_CREDENTIAL, node, context)


@rule(
    id="hardcoded-password",
    name="Hard-coded password",
    cwe=_PASSWORD,
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
    applies_in_tests=True,
)
def hardcoded_password(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report passwords bound to password-like names or embedded in connection strings."""
    yield from _hits(_PASSWORD, node, context)


@rule(
    id="hardcoded-crypto-key",
    name="Hard-coded cryptographic key",
    cwe=_CRYPTO_KEY,
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
    "though 'secret' looks like a placeholder: it is the key in use). In test code only "
    "private key blocks and random-looking keys are reported.",
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
    applies_in_tests=True,
)
def hardcoded_crypto_key(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report private key blocks, key-named constants and constant keys of crypto calls."""
    yield from _hits(_CRYPTO_KEY, node, context)
