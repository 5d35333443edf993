"""The words that decide whether a name or a value is a secret's, as data apart from the logic.

`name_verdict` reads a name by its last word (the thing it is) and the word before it (what
kind): these sets say which heads name secrets, which qualifiers make a key a cryptographic key,
a login credential or a public thing, and which trailing words only qualify. `is_placeholder`
uses the filler words to tell 'change-me' from a real value. They grow with every false positive
found in real code, so they live where that edit is all there is.
"""

from __future__ import annotations

# ----- names ------------------------------------------------------------------------------------
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pw", "passphrase", "passcode"})
PASSWORD_ENDINGS = ("password", "passwd", "passphrase")  # one-word compounds: 'dbpassword'
CRYPTO_KEY_WORDS = frozenset(
    {"secretkey", "privatekey", "privkey", "signingkey", "encryptionkey", "masterkey", "hmackey"}
)
CREDENTIAL_KEY_WORDS = frozenset({"apikey", "accesskey", "authkey", "appkey", "consumerkey"})
# `<qualifier>_key`: which qualifiers make a key secret, and of which kind.
CRYPTO_KEY_QUALIFIERS = frozenset(
    {
        "secret", "private", "priv", "signing", "sign", "encryption", "encrypt", "enc",
        "decryption", "crypto", "crypt", "cipher", "aes", "des", "hmac", "jwt", "fernet",
        "master", "symmetric", "ssh", "rsa", "ecdsa", "ed25519", "gpg", "pgp", "ca",
    }
)  # fmt: skip
CREDENTIAL_KEY_QUALIFIERS = frozenset(
    {
        "api", "access", "auth", "client", "app", "application", "consumer", "license",
        "licence", "subscription", "service", "account", "developer", "integration", "admin",
    }
)  # fmt: skip
# Keys that name a place in a data structure or a public half: never secrets.
PUBLIC_KEY_QUALIFIERS = frozenset(
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
CRYPTO_SECRET_QUALIFIERS = frozenset(
    {"jwt", "signing", "sign", "hmac", "encryption", "cookie", "session", "csrf"}
)
NAME_OF_A_SECRET_QUALIFIERS = frozenset({"k8s", "kubernetes", "kube", "docker", "swarm"})
# Tokens of parsers, tokenizers and paginated APIs are not credentials.
NON_SECRET_TOKEN_QUALIFIERS = frozenset(
    {
        "page", "next", "prev", "previous", "pagination", "continuation", "sync", "cancel",
        "cancellation", "resume", "eos", "bos", "pad", "unk", "sep", "cls", "mask", "start", "end",
        "stop", "special", "begin", "eot", "sos", "image", "audio", "video", "placeholder",
        "split", "lexer", "parser", "string", "text", "word", "sentence", "bpe", "vocab",
        "delimiter", "separator", "newline", "default", "unknown", "padding",
    }
)  # fmt: skip
# Trailing words that keep the meaning of what precedes them: `password_value`, `API_KEY_PROD`.
TRANSPARENT_SUFFIXES = frozenset(
    {
        "value", "val", "str", "string", "bytes", "b64", "base64", "hex", "raw", "plain",
        "plaintext", "cleartext", "literal", "default", "fallback", "fallbacks", "override",
        "encoded", "orig", "original", "prod", "production", "staging", "stage", "dev",
        "development", "live", "sandbox", "local", "test", "old", "new", "current",
    }
)  # fmt: skip

# ----- values -----------------------------------------------------------------------------------
# Words that, with no digit anywhere, make a value a placeholder or a label, not a secret.
FILLER_WORDS = frozenset(
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
        "no", "optional", "string", "str", "text", "number", "integer", "boolean",
    }
)  # fmt: skip
