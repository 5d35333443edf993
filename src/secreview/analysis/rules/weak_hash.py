"""CWE-328: MD5, SHA-1 and other hashes with practical collision attacks (`weak-hash`).

A password run through such a hash is `fast-password-hash` (in `fast_password_hash.py`) instead,
and a password from untrusted input is `weak-hash-of-password`, which follows its path.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_libraries import (
    CRYPTOGRAPHY_HASHES,
    HASH_LIBRARIES,
    normal_algorithm,
    pycryptodome_module,
)
from secreview.analysis.rules._support.crypto_names import destination, name_words
from secreview.analysis.rules._support.digest_purpose import vouches_for_something
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import every_binding_assigns
from secreview.analysis.rules._support.password_hashing import password_reasons
from secreview.analysis.rules._support.unchosen_data import is_unchosen
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_WEAK_HASHES = {
    "md2": "MD2 (preimages and collisions found decades ago)",
    "md4": "MD4 (collisions can be found by hand)",
    "md5": "MD5 (collisions take seconds on a laptop)",
    "md5sha1": "MD5-SHA1 (only as strong as SHA-1, which has practical collisions)",
    "sha": "SHA-0/SHA-1 (practical collisions)",
    "sha1": "SHA-1 (chosen-prefix collisions were demonstrated in 2020)",
}
"""Normalised algorithm name (lower case, no '-' or '_') -> what is wrong with it."""

_HASH_USE_WITHOUT_COLLISIONS = (
    "cryptography.hazmat.primitives.hmac.",
    "cryptography.hazmat.primitives.twofactor.",
    "cryptography.hazmat.primitives.asymmetric.padding.",
    "cryptography.hazmat.primitives.kdf.",
)
"""Constructions (HMAC, HOTP/TOTP, OAEP/MGF1, KDFs) whose security does not need collision
resistance, so SHA-1 passed to them is standard practice, not a weakness."""


def _weak_hash_algorithm(call: ast.Call, name: str, context: ModuleContext) -> str | None:
    """The normalised weak algorithm `call` computes, if it computes one."""
    if name == "hashlib.new":
        algorithm = normal_algorithm(context.constant_value(context.argument(call, 0, "name")))
    elif name.startswith("hashlib."):
        algorithm = name.removeprefix("hashlib.")
    elif name.startswith(CRYPTOGRAPHY_HASHES + "."):
        algorithm = normal_algorithm(name.rpartition(".")[2])
    else:
        algorithm = normal_algorithm(pycryptodome_module(name, "Hash"))
    return algorithm if algorithm in _WEAK_HASHES else None


def _inside_collision_free_construction(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the hash object is an argument of HMAC, HOTP/TOTP, OAEP/MGF1 or a KDF."""
    parent = context.parent(call)
    if isinstance(parent, ast.keyword):
        parent = context.parent(parent)
    if not isinstance(parent, ast.Call) or call is parent.func:
        return False
    outer = context.call_name(parent) or ""
    return outer.startswith(_HASH_USE_WITHOUT_COLLISIONS)


_CACHE_VALIDATOR_WORDS = (("etag",), ("e", "tag"), ("cache", "key"), ("info", "hash"))
"""Word runs naming an HTTP entity tag or a cache key: a digest stored so only tells whether
content changed, and a collision there at worst serves a stale copy, never a forgery. Also
BitTorrent's `info_hash`: SHA-1 of the info dictionary is how the protocol (BEP 3) names a
torrent; no other algorithm would name the same torrent."""


def _names_cache_validator(names: Iterable[str]) -> bool:
    """Whether one of `names` has a word run of `_CACHE_VALIDATOR_WORDS` (`full_cache_key`)."""
    for name in names:
        words = name_words(name)
        for run in _CACHE_VALIDATOR_WORDS:
            if any(words[i : i + len(run)] == run for i in range(len(words))):
                return True
    return False


_CACHE_METHODS = frozenset({"get", "set", "add", "get_or_set", "delete", "touch", "has_key"})


def _keys_a_cache(use: ast.Name, context: ModuleContext) -> bool:
    """Whether `use` is the key handed to a cache's look-up or store (`cache.get(key)`,
    `self.cache.set(key, value)`): a receiver whose name ends in `cache`."""
    call = context.parent(use)
    if not (isinstance(call, ast.Call) and call.args and call.args[0] is use):
        return False
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _CACHE_METHODS):
        return False
    receiver = func.value
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return name.lower().endswith("cache")


_VERSION_PARAMETER = lazy_pattern(r"[?&](?:v|ver|version|hash|rev|cb|cachebust)=$")
"""A query parameter a digest versions a URL with (`/static/app.css?v=<md5>`): a new content
gives a new URL, so caches fetch it again; a collision at worst serves a stale copy."""


def _versions_a_url(node: ast.expr, context: ModuleContext) -> bool:
    """Whether `node` (a digest, its `.hexdigest()` or a slice of it) is spliced into a URL
    right after a version parameter (`f"/static/{path}?v={digest}"`, `url + "?v=" + digest`)."""
    child, parent = node, context.parent(node)
    while (isinstance(parent, ast.Attribute | ast.Subscript) and parent.value is child) or (
        isinstance(parent, ast.Call) and parent.func is child
    ):
        child, parent = parent, context.parent(parent)
    before: ast.AST | None = None
    if isinstance(parent, ast.FormattedValue):
        joined = context.parent(parent)
        values = joined.values if isinstance(joined, ast.JoinedStr) else []
        index = values.index(parent) if parent in values else 0
        before = values[index - 1] if index else None
    elif isinstance(parent, ast.BinOp) and isinstance(parent.op, ast.Add) and parent.right is child:
        before = parent.left.right if isinstance(parent.left, ast.BinOp) else parent.left
    text = before.value if isinstance(before, ast.Constant) else None
    return isinstance(text, str) and _VERSION_PARAMETER.search(text) is not None


def _stored_as_cache_validator(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the digest is stored under a name such as `etag`, `headers["ETag"]` or
    `cache_key`, or computed in a function so named (`md5_etag`, `generate_etag`): an entity tag
    or cache key, which needs no collision resistance. A local it is kept in first counts when
    a later use of that local is stored so (`full_cache_key = f"cell:{hash_key}"`), keys a
    cache (`key = "ns:%s" % digest` then `cache.get(key)`) or versions a URL (`?v={digest}`)."""
    if _versions_a_url(call, context):
        return True
    names = list(destination(call, context).names)
    function = context.enclosing_function(call)
    if _names_cache_validator([*names, *([function.name] if function is not None else [])]):
        return True
    if function is None or not names:
        return False
    loads = [
        n for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    ]
    for node in loads:
        if node.id not in names:
            continue
        if _keys_a_cache(node, context) or _versions_a_url(node, context):
            return True
        held = destination(node, context).names  # `key = "ns:%s" % digest`, then `cache.get(key)`
        if _names_cache_validator(held) or any(
            use.id in held and _keys_a_cache(use, context) for use in loads
        ):
            return True
    return False


def _gravatar(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the function computing the digest builds a Gravatar URL: Gravatar names an avatar
    by the MD5 of the e-mail address, a digest the protocol prescribes."""
    function = context.enclosing_function(call)
    return function is not None and "gravatar" in context.segment(function).lower()


_WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
"""The fixed GUID RFC 6455 appends to Sec-WebSocket-Key before SHA-1: the handshake's
Sec-WebSocket-Accept is that digest by protocol, proving only that the server speaks WebSocket."""


def _websocket_accept(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the hashed data contains the RFC 6455 GUID (`sha1(key + GUID)`): a digest the
    protocol prescribes, which no choice of algorithm by this program could change."""
    for argument in [*call.args, *(k.value for k in call.keywords)]:
        for node in ast.walk(argument):
            value = context.constant_value(node)
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if isinstance(value, str) and _WEBSOCKET_GUID in value.upper():
                return True
    return False


def _torrent_info_hash(call: ast.Call, algorithm: str, context: ModuleContext) -> bool:
    """Whether SHA-1 hashes a bencoded value (`sha1(bencode(info))`, perhaps through a local):
    BitTorrent names a torrent by the SHA-1 of its bencoded `info` dictionary (BEP 3), an
    identifier every client computes the same way, whatever this program would choose."""
    if algorithm != "sha1":
        return False
    return any(
        _bencoded(argument, context)
        or (
            isinstance(argument, ast.Name)
            and every_binding_assigns(context, argument, lambda value: _bencoded(value, context))
        )
        for argument in call.args
    )


def _bencoded(node: ast.expr, context: ModuleContext) -> bool:
    """`bencode(x)`, `bencode.bencode(x)`, `bencodepy.encode(x)`: BitTorrent's encoding."""
    if not isinstance(node, ast.Call):
        return False
    called = context.call_name(node) or context.one_line(node.func)
    return "bencode" in called.lower()


def _hashed_data(call: ast.Call, name: str, context: ModuleContext) -> ast.expr | None:
    """All the data a `hashlib` constructor hashes, when its digest is taken at once
    (`md5(data).hexdigest()`); None when the object may be fed more with `update` later."""
    parent = context.parent(call)
    if not (
        name.startswith("hashlib.")
        and isinstance(parent, ast.Attribute)
        and parent.attr in ("digest", "hexdigest")
    ):
        return None
    position = 1 if name == "hashlib.new" else 0
    return ModuleContext.argument(call, position, "data") or ModuleContext.keyword(call, "string")


_SHORT_ID_HEX = 16
"""The most hex digits (64 bits) a digest is cut to when it only names something: a prefix that
short collides by brute force whatever the algorithm, so the author chose an identifier."""


def _cut_to_short_id(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the digest is cut to its first few characters at once
    (`md5(roles).hexdigest()[:12]`): a short identifier (a cache or ACL key, a file-name part),
    which no choice of algorithm would make a security control."""
    method = context.parent(call)
    taken = context.parent(method) if isinstance(method, ast.Attribute) else None
    cut = context.parent(taken) if isinstance(taken, ast.Call) else None
    if not (
        isinstance(method, ast.Attribute)
        and method.attr in ("digest", "hexdigest")
        and isinstance(cut, ast.Subscript)
        and cut.value is taken
        and isinstance(cut.slice, ast.Slice)
        and cut.slice.step is None
        and (cut.slice.lower is None or context.constant_value(cut.slice.lower) == 0)
    ):
        return False
    upper = context.constant_value(cut.slice.upper) if cut.slice.upper is not None else None
    return isinstance(upper, int) and 0 < upper <= _SHORT_ID_HEX


@rule(
    id="weak-hash",
    name="Weak cryptographic hash (MD5, SHA-1, MD4)",
    cwe=328,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A hash with practical collision attacks is computed without usedforsecurity=False.",
    fix="Use hashlib.sha256(...) (or SHA-3/BLAKE2), or pass usedforsecurity=False when the digest "
    "is not a security control (checksums, cache keys, deduplication).",
    what_it_does="Reports MD5, SHA-1, MD4 and MD2 from `hashlib` (attributes and "
    '`hashlib.new("md5")`, whatever the spelling of the name), `cryptography` '
    "(`hashes.MD5()`, `hashes.SHA1()`) and pycryptodome/pycrypto (`Crypto.Hash.MD5.new`). "
    "`usedforsecurity=False` marks a non-security digest and turns the rule off, as does "
    "storing the digest as an entity tag or cache key (`etag = ...`, `cache_key = ...`, in "
    "a function named so, `md5_etag`, or in a local that then names a cache entry: "
    "`key = 'ns:' + digest` then `cache.get(key)`) or as the version of a URL "
    "(`f'/static/{path}?v={digest}'`, cache busting), the WebSocket handshake's "
    "`sha1(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')` (prescribed by RFC 6455), the MD5 "
    "of a Gravatar URL (in a function that names Gravatar), a digest cut at once to at most "
    "16 characters (`md5(ids).hexdigest()[:12]`, a short identifier), or "
    "hashing only clock readings and random draws, which no attacker chooses; "
    "SHA-1 handed to HMAC, HOTP/TOTP, OAEP/MGF1 or a KDF is not reported because those "
    "constructions do not rely on collision resistance. A password hashed this way is reported by "
    "`fast-password-hash` instead, whose advice fits that case. Confidence is medium when the "
    "code shows the digest vouches for something (kept or returned under a name that signs or "
    "authenticates, `signature`, `token`, `def sign_url`, in a class so named, or computed "
    "over a secret, an API key or a password), low when it shows no purpose: most such "
    "digests name a file, key a lookup or detect a change.",
    why_bad="Anyone can build two inputs with the same MD5 digest in seconds, and a SHA-1 "
    "chosen-prefix collision cost about US$45,000 of rented GPU time in 2020 (SHAmbles). "
    "A digest that vouches for a file, a signed document, a certificate or a token can then "
    "be matched by an attacker's forgery.",
    example="import hashlib\n\nsignature = hashlib.md5(document).hexdigest()",
    use_instead="import hashlib\n\nsignature = hashlib.sha256(document).hexdigest()\n"
    "# not a security control? say so:\n"
    "etag = hashlib.md5(body, usedforsecurity=False).hexdigest()",
    references=(
        "https://docs.python.org/3/library/hashlib.html#hash-algorithms",
        "https://cryptography.io/en/latest/hazmat/primitives/cryptographic-hashes/",
        "https://www.pycryptodome.org/src/hash/hash",
        "https://sha-mbles.github.io/",
        "https://cwe.mitre.org/data/definitions/328.html",
    ),
    call_imports=HASH_LIBRARIES,
)
def weak_hash(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report weak hash constructors unless marked as non-security or used inside HMAC & co."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, HASH_LIBRARIES, context)
    if name is None:
        return
    algorithm = _weak_hash_algorithm(node, name, context)
    if algorithm is None or _inside_collision_free_construction(node, context):
        return
    if _stored_as_cache_validator(node, context) or is_unchosen(
        context, _hashed_data(node, name, context)
    ):
        return
    if _websocket_accept(node, context) or _gravatar(node, context):
        return
    if _torrent_info_hash(node, algorithm, context):
        return
    if _cut_to_short_id(node, context):
        return
    if name.startswith("hashlib.") and (
        context.constant_value(context.keyword(node, "usedforsecurity")) is False
    ):
        return
    if password_reasons(node, context):
        return  # fast-password-hash reports it, with advice that fits passwords
    fix = None  # the rule's own fix speaks hashlib
    if name.startswith("cryptography."):
        fix = "Use hashes.SHA256() (or SHA3_256/BLAKE2b) for anything an attacker could target."
    elif not name.startswith("hashlib."):
        fix = "Use Crypto.Hash.SHA256.new(...) (or SHA3_256/BLAKE2b) instead."
    if vouches_for_something(node, context):
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` computes {_WEAK_HASHES[algorithm]}, and the "
            "digest vouches for data or identity here: an attacker can forge an input with the "
            "same digest.",
            fix=fix,
        )
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` computes {_WEAK_HASHES[algorithm]}; nothing here "
        "shows what the digest vouches for (a checksum, a lookup key or a file name needs no "
        "collision resistance). If it vouches for data or identity, an attacker can forge an "
        "input with the same digest; if not, say so with `usedforsecurity=False`.",
        fix=fix,
        confidence=Confidence.LOW,
    )
