"""Names of secrets for `timing-unsafe-comparison`: how surely a read's name says a secret.

Split from the rule so that the vocabulary (credential words, the qualifiers that make a weak
word a credential or a plain value) can be read, and grown, apart from the rule's value
tracing. Only the last word decides the kind of thing; the words before it qualify it.
"""

from __future__ import annotations

from enum import IntEnum

from secreview.analysis.rules._support.secret_text import name_words


class Secret(IntEnum):
    """How surely a value is a secret whose prefix an attacker can learn by timing."""

    NONE = 0
    WEAK = 1  # named token/digest/hash/key: a secret only if the other side agrees
    NAMED = 2  # named like a credential
    DERIVED = 3  # computed as an HMAC or a password hash


_STRONG_LAST = frozenset(
    {
        "password", "passwd", "passphrase", "secret", "signature", "hmac", "otp",
        "apikey", "csrf", "xsrf", "nonce", "passcode", "pin",
        "ha1",  # HTTP Digest's H(user:realm:password), a password equivalent (RFC 7616)
    }
)  # fmt: skip
# `sig` is as often a signal number (`sig == signal.SIGCHLD`) as a signature: weak alone
_WEAK_LAST = frozenset({"token", "digest", "hash", "key", "mac", "code", "checksum", "sig", "auth"})
# weak last words that, without a credential qualifier, name a look-up value: a dict's `key`, a
# record's `fides_key`/`connection_key` (its identifier), a status `code`, a `checksum` anyone
# holding the data computes (a cache entry's version marker); `api_key` still counts
_LOOKUP_LAST = frozenset({"key", "code", "checksum"})
# words before a weak last word that make it a credential: `auth_token`, `api_key`, `hmac_digest`
_STRONG_QUALIFIERS = frozenset(
    {
        "auth", "access", "api", "bearer", "csrf", "xsrf", "session", "refresh", "reset",
        "secret", "signing", "hmac", "signature", "password", "pw", "pwd", "passwd",
        "verification", "verify", "confirmation", "invite", "invitation", "activation",
        "webhook", "shared", "private", "security", "otp", "totp", "mfa", "recovery", "sign",
        "basic",  # `basic_auth`: HTTP Basic's `user:password`
    }
)  # fmt: skip
# tokens that are positions or handles; keys that are look-ups; a commit's hash: not credentials
_PLAIN_QUALIFIERS = frozenset(
    {
        "next", "page", "continuation", "pagination", "sync", "cancel", "cancellation", "revision",
        "current", "prev", "previous", "last", "first", "start", "end", "lexer", "parser",
        "cache", "sort", "dict", "lookup", "primary", "foreign", "partition", "hash", "file",
        "content", "etag", "md5", "sha1", "sha256", "checksum", "public", "pub", "commit", "cur",
    }
)  # fmt: skip
# two user-supplied values compared with each other are not a secret being guessed
USER_PAIR_WORDS = frozenset(
    {"confirm", "confirmation", "confirmed", "repeat", "repeated", "again", "retype", "new"}
    | {"old", "previous", "verify2", "check", "2"}  # `password_2`: the second entry
)
_HARDWARE_PLACES = frozenset(
    {"ap", "sta", "station", "bssid", "hw", "ether", "ethernet", "eth", "wifi", "wlan", "nic"}
    | {"iface", "interface", "device", "bluetooth", "router", "gateway"}
)
"""Words before `mac` that make it a network card's address (`station_mac`, `ap_mac`)."""


def names_hardware_address(words: list[str]) -> bool:
    """Whether an identifier's words name a MAC address, not a message authentication code:
    `ap_mac`, `station_mac`, `wlan_mac`. An address is broadcast in every frame the card
    sends; nobody guesses it one character at a time."""
    return len(words) > 1 and words[-1] == "mac" and bool(set(words[:-1]) & _HARDWARE_PLACES)


def name_strength(name: str) -> Secret:
    """How surely a read named `name` is a secret: `api_key` NAMED, a bare `token` WEAK (a
    secret only when the other side is one too), `page_token` or `station_mac` NONE."""
    words = name_words(name)
    if not words or set(words) & USER_PAIR_WORDS:
        return Secret.NONE
    last, before = words[-1], words[:-1]
    if last.endswith("apikey") or last in _STRONG_LAST:
        return Secret.NAMED
    if last not in _WEAK_LAST or set(before) & _PLAIN_QUALIFIERS or names_hardware_address(words):
        return Secret.NONE
    if set(before) & _STRONG_QUALIFIERS:
        return Secret.NAMED
    return Secret.WEAK if last not in _LOOKUP_LAST else Secret.NONE
