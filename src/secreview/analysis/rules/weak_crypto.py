"""CWE-328, CWE-327 and CWE-916: hashes, ciphers and password hashing that no longer protect.

Four rules share the library knowledge of this module: `weak-hash` (MD5/SHA-1 and friends),
`broken-cipher` (DES, RC4, 64-bit block ciphers), `ecb-mode`, and `fast-password-hash` (a password
run through a general-purpose hash, or PBKDF2 with too few iterations).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import (
    REPRESENTATION_WORDS,
    bound_values,
    destination,
    is_password_name,
    is_password_words,
    method_calls,
    name_words,
    scope_of,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_PYCRYPTODOME = ("Crypto", "Cryptodome")  # pycryptodome / pycrypto, and pycryptodomex
_CRYPTOGRAPHY_HASHES = "cryptography.hazmat.primitives.hashes"

# ----- weak hashes -------------------------------------------------------------------------------

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


def _normal_algorithm(name: object) -> str | None:
    """'SHA-1' -> 'sha1': hashlib.new and OpenSSL accept these spellings alike."""
    if not isinstance(name, str):
        return None
    return name.lower().replace("-", "").replace("_", "")


def _pycryptodome_module(name: str, package: str) -> str | None:
    """'Crypto.Hash.MD5.new' with package 'Hash' -> 'MD5' (also for pycryptodomex)."""
    parts = name.split(".")
    if len(parts) == 4 and parts[0] in _PYCRYPTODOME and parts[1] == package and parts[3] == "new":
        return parts[2]
    return None


def _weak_hash_algorithm(call: ast.Call, name: str, context: ModuleContext) -> str | None:
    """The normalised weak algorithm `call` computes, if it computes one."""
    if name == "hashlib.new":
        algorithm = _normal_algorithm(context.constant_value(context.argument(call, 0, "name")))
    elif name.startswith("hashlib."):
        algorithm = name.removeprefix("hashlib.")
    elif name.startswith(_CRYPTOGRAPHY_HASHES + "."):
        algorithm = _normal_algorithm(name.rpartition(".")[2])
    else:
        algorithm = _normal_algorithm(_pycryptodome_module(name, "Hash"))
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
    "`usedforsecurity=False` marks a non-security digest and turns the rule off; SHA-1 handed "
    "to HMAC, HOTP/TOTP, OAEP/MGF1 or a KDF is not reported because those constructions do not "
    "rely on collision resistance. A password hashed this way is reported by "
    "`fast-password-hash` instead, whose advice fits that case.",
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
)
def weak_hash(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report weak hash constructors unless marked as non-security or used inside HMAC & co."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(("hashlib", "cryptography", *_PYCRYPTODOME)):
        return
    name = context.call_name(node)
    if name is None:
        return
    algorithm = _weak_hash_algorithm(node, name, context)
    if algorithm is None or _inside_collision_free_construction(node, context):
        return
    if name.startswith("hashlib.") and (
        context.constant_value(context.keyword(node, "usedforsecurity")) is False
    ):
        return
    if _password_reasons(node, context):
        return  # fast-password-hash reports it, with advice that fits passwords
    fix = None  # the rule's own fix speaks hashlib
    if name.startswith("cryptography."):
        fix = "Use hashes.SHA256() (or SHA3_256/BLAKE2b) for anything an attacker could target."
    elif not name.startswith("hashlib."):
        fix = "Use Crypto.Hash.SHA256.new(...) (or SHA3_256/BLAKE2b) instead."
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` computes {_WEAK_HASHES[algorithm]}; if the "
        "digest vouches for data or identity, an attacker can forge an input with the same digest.",
        fix=fix,
    )


# ----- broken ciphers ----------------------------------------------------------------------------

_SWEET32 = "a 64-bit block, so a birthday attack recovers plaintext after about 32 GB under one key"
_BROKEN_CIPHERS: dict[str, tuple[str, str, Severity]] = {
    # normalised name -> (display name, problem, severity)
    "des": (
        "DES",
        "a 56-bit key that dedicated hardware brute-forces in about a day",
        Severity.HIGH,
    ),
    "tripledes": ("Triple DES", _SWEET32 + " (Sweet32); NIST withdrew it", Severity.MEDIUM),
    "des3": ("Triple DES", _SWEET32 + " (Sweet32); NIST withdrew it", Severity.MEDIUM),
    "arc4": ("RC4", "keystream biases that recover plaintext (banned in TLS)", Severity.HIGH),
    "rc4": ("RC4", "keystream biases that recover plaintext (banned in TLS)", Severity.HIGH),
    "arc2": ("RC2", _SWEET32 + ", and related-key attacks", Severity.HIGH),
    "rc2": ("RC2", _SWEET32 + ", and related-key attacks", Severity.HIGH),
    "blowfish": ("Blowfish", _SWEET32 + " (Sweet32)", Severity.MEDIUM),
    "idea": ("IDEA", _SWEET32 + " (Sweet32)", Severity.MEDIUM),
    "cast5": ("CAST5", _SWEET32 + " (Sweet32)", Severity.MEDIUM),
    "cast": ("CAST5", _SWEET32 + " (Sweet32)", Severity.MEDIUM),
    "seed": ("SEED", "a legacy design kept only for interoperability", Severity.LOW),
    "xor": ("XOR", "no security at all: it is a repeating-key XOR, not a cipher", Severity.HIGH),
}
_CRYPTOGRAPHY_CIPHER_MODULES = (
    "cryptography.hazmat.primitives.ciphers.algorithms",
    "cryptography.hazmat.decrepit.ciphers.algorithms",
)
_PYDES = {"pyDes.des": "des", "pyDes.triple_des": "tripledes"}


def _broken_cipher(name: str) -> str | None:
    """Normalised broken-cipher name constructed by the call named `name`, if any."""
    module, _, last = name.rpartition(".")
    if module in _CRYPTOGRAPHY_CIPHER_MODULES:
        cipher = last.lower()
    elif name in _PYDES:
        cipher = _PYDES[name]
    else:
        cipher = (_pycryptodome_module(name, "Cipher") or "").lower()
    return cipher if cipher in _BROKEN_CIPHERS else None


@rule(
    id="broken-cipher",
    name="Broken or risky cipher (DES, 3DES, RC4, Blowfish, ...)",
    cwe=327,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="Data is encrypted with DES, Triple DES, RC4, RC2, Blowfish, IDEA, CAST5 or SEED.",
    fix="Use an authenticated modern cipher: AESGCM or ChaCha20Poly1305 from "
    "cryptography.hazmat.primitives.ciphers.aead (or Fernet), or AES.new(key, AES.MODE_GCM) in "
    "pycryptodome.",
    what_it_does="Reports constructors of legacy ciphers in `cryptography` "
    "(`algorithms.TripleDES`, `ARC4`, `Blowfish`, `IDEA`, `CAST5`, `SEED`, and the "
    "`cryptography.hazmat.decrepit` module where they now live), in pycryptodome/pycrypto "
    "(`Crypto.Cipher.DES.new`, `DES3`, `ARC4`, `ARC2`, `Blowfish`, `CAST`, `XOR`) and in pyDes.",
    why_bad="DES keys are brute-forced in about a day. RC4's keystream is biased enough to recover "
    "cookies from TLS traffic. Triple DES, Blowfish, IDEA, CAST5 and RC2 have 64-bit blocks: "
    "after about 2^32 blocks (32 GB) under one key, block collisions leak plaintext (Sweet32), "
    "which is why NIST withdrew Triple DES and the `cryptography` project moved them all to "
    "its `decrepit` module.",
    example="from Crypto.Cipher import DES\n\ncipher = DES.new(key, DES.MODE_CBC, iv)",
    use_instead="from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\n"
    "key = AESGCM.generate_key(bit_length=256)\n"
    "ciphertext = AESGCM(key).encrypt(nonce, data, associated_data)",
    references=(
        "https://cryptography.io/en/latest/hazmat/decrepit/ciphers/",
        "https://cryptography.io/en/latest/hazmat/primitives/aead/",
        "https://www.pycryptodome.org/src/cipher/cipher",
        "https://sweet32.info/",
        "https://cwe.mitre.org/data/definitions/327.html",
    ),
)
def broken_cipher(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report constructors of ciphers that are broken or have 64-bit blocks."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(("cryptography", "pyDes", *_PYCRYPTODOME)):
        return
    name = context.call_name(node)
    cipher = _broken_cipher(name) if name else None
    if cipher is None:
        return
    display, problem, severity = _BROKEN_CIPHERS[cipher]
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` encrypts with {display}, which has {problem}; "
        "data it protects can be recovered by an attacker who sees enough ciphertext.",
        severity=severity,
    )


# ----- ECB mode ----------------------------------------------------------------------------------

_CRYPTOGRAPHY_ECB = "cryptography.hazmat.primitives.ciphers.modes.ECB"
_PYCRYPTO_BLOCK_CIPHERS = frozenset({"AES", "DES", "DES3", "Blowfish", "ARC2", "CAST"})
"""pycryptodome requires a mode for these; old PyCrypto silently defaulted to ECB."""


def _is_pycryptodome_ecb(mode: ast.expr, context: ModuleContext) -> bool:
    """Whether `mode` is `<Cipher>.MODE_ECB`, directly or through a module-level constant."""
    if isinstance(mode, ast.Name) and mode.id in context.module_constants:
        mode = context.module_constants[mode.id]
    resolved = context.resolve(mode) or ""
    return resolved.split(".")[0] in _PYCRYPTODOME and resolved.endswith(".MODE_ECB")


@rule(
    id="ecb-mode",
    name="Block cipher in ECB mode",
    cwe=327,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A block cipher runs in ECB mode, which encrypts equal blocks to equal ciphertext.",
    fix="Use an authenticated mode with a fresh nonce per message: AESGCM from "
    "cryptography.hazmat.primitives.ciphers.aead, or AES.new(key, AES.MODE_GCM) in pycryptodome.",
    what_it_does="Reports `modes.ECB()` from `cryptography` and pycryptodome/pycrypto ciphers "
    "created with `MODE_ECB` (`AES.new(key, AES.MODE_ECB)`, `mode=` too, or a module constant "
    "holding it). A block-cipher `new(key)` with no mode at all is reported with low confidence: "
    "pycryptodome rejects it, but PyCrypto silently used ECB.",
    why_bad="ECB encrypts every block independently with the same key, so identical "
    "plaintext blocks give identical ciphertext blocks: patterns survive encryption (the famous "
    "ECB penguin), blocks can be reordered or spliced between messages, and an attacker who can "
    "encrypt chosen prefixes can decrypt secrets byte by byte.",
    example="from Crypto.Cipher import AES\n\ncipher = AES.new(key, AES.MODE_ECB)",
    use_instead="from Crypto.Cipher import AES\n\ncipher = AES.new(key, AES.MODE_GCM)\n"
    "ciphertext, tag = cipher.encrypt_and_digest(data)  # store cipher.nonce too",
    references=(
        "https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/#cryptography.hazmat.primitives.ciphers.modes.ECB",
        "https://www.pycryptodome.org/src/cipher/classic#ecb-mode",
        "https://cwe.mitre.org/data/definitions/327.html",
    ),
)
def ecb_mode(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report ECB mode objects and pycryptodome ciphers created in ECB mode."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(("cryptography", *_PYCRYPTODOME)):
        return
    name = context.call_name(node)
    if name == _CRYPTOGRAPHY_ECB:
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` selects ECB mode: equal plaintext blocks "
            "encrypt to equal ciphertext blocks, so the structure of the data shows through.",
        )
        return
    cipher = _pycryptodome_module(name, "Cipher") if name else None
    if cipher is None:
        return
    mode = context.argument(node, 1, "mode")
    if mode is not None and _is_pycryptodome_ecb(mode, context):
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` runs {cipher} in ECB mode: "
            "equal plaintext blocks encrypt to equal ciphertext blocks, so the structure of the "
            "data shows through.",
        )
    elif (
        mode is None and cipher in _PYCRYPTO_BLOCK_CIPHERS and not context.has_star_arguments(node)
    ):
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` passes no mode: PyCrypto then uses ECB, "
            "which encrypts equal plaintext blocks to equal ciphertext blocks.",
            confidence=Confidence.LOW,
        )


# ----- passwords through fast hashes -------------------------------------------------------------

_FAST_HASHLIB = frozenset(
    {
        "blake2b",
        "blake2s",
        "md5",
        "new",
        "sha1",
        "sha224",
        "sha256",
        "sha384",
        "sha3_224",
        "sha3_256",
        "sha3_384",
        "sha3_512",
        "sha512",
        "shake_128",
        "shake_256",
    }
)
_FAST_PYCRYPTODOME = frozenset(
    {
        "BLAKE2b",
        "BLAKE2s",
        "MD2",
        "MD4",
        "MD5",
        "RIPEMD160",
        "SHA",
        "SHA1",
        "SHA224",
        "SHA256",
        "SHA384",
        "SHA3_224",
        "SHA3_256",
        "SHA3_384",
        "SHA3_512",
        "SHA512",
        "keccak",
    }
)
_HASH_WORDS = frozenset({"hash", "hashed", "digest"})
_PASSWORD_FUNCTION_VERBS = frozenset(
    {"hash", "digest", "encrypt", "encode", "check", "verify", "validate", "set", "store"}
)

_OWASP_PBKDF2_ITERATIONS = {
    "sha1": 1_300_000,
    "sha224": 600_000,
    "sha256": 600_000,
    "sha384": 210_000,
    "sha512": 210_000,
}
"""OWASP Password Storage Cheat Sheet (2023) iteration counts for PBKDF2-HMAC (SHA-224 and
SHA-384 share the figure of the SHA-2 variant with the same internal state)."""
_PBKDF2_REPORT_FRACTION = 6
"""Report counts below one sixth of OWASP's figure (100,000 for SHA-256): far enough below the
recommendation to be a real weakness, not a tuning choice."""


def _fast_hash_label(call: ast.Call, context: ModuleContext) -> str | None:
    """The name ('SHA256') of the fast hash `call` computes, or None when it computes none."""
    name = context.call_name(call)
    if name is None:
        return None
    if name == "hashlib.new":
        algorithm = context.constant_value(context.argument(call, 0, "name"))
        return str(algorithm).upper() if isinstance(algorithm, str) else "a general-purpose hash"
    if name.startswith("hashlib.") and name.removeprefix("hashlib.") in _FAST_HASHLIB:
        return name.removeprefix("hashlib.").upper()
    if name == _CRYPTOGRAPHY_HASHES + ".Hash":
        algorithm = context.argument(call, 0, "algorithm")
        inner = context.resolve(algorithm.func) if isinstance(algorithm, ast.Call) else None
        return inner.rpartition(".")[2] if inner else "a general-purpose hash"
    module = _pycryptodome_module(name, "Hash")
    return module.upper() if module in _FAST_PYCRYPTODOME else None


def _hash_input(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The data argument of a hash constructor (`hashlib.sha256(data)`, `hashlib.new(n, data)`)."""
    position = 1 if context.call_name(call) == "hashlib.new" else 0
    return context.argument(call, position, "data") or context.keyword(call, "string")


def _password_in(expression: ast.expr | None) -> ast.AST | None:
    """A variable, attribute or constant subscript key in `expression` that holds a password.

    Function names are skipped (`hashlib.sha256(get_password_policy())` says nothing).
    """
    if expression is None:
        return None
    called = {id(node.func) for node in ast.walk(expression) if isinstance(node, ast.Call)}
    for node in ast.walk(expression):
        match node:
            case ast.Name(id=name) if id(node) not in called and is_password_name(name):
                return node
            case ast.Attribute(attr=name) if id(node) not in called and is_password_name(name):
                return node
            case ast.Subscript(slice=ast.Constant(value=str() as key)) if is_password_name(key):
                return node
    return None


def _is_password_hash_words(words: tuple[str, ...]) -> bool:
    """`password`, `password_hash`, `hashed_password`, `pwd_digest_hex`.

    The password must be the head noun: `password_reset_token_hash` is a token's hash, and
    storing a token's SHA-256 is the right thing to do.
    """
    while words and words[-1] in REPRESENTATION_WORDS:
        words = words[:-1]
    if words and words[-1] in _HASH_WORDS:
        words = words[:-1]
    elif words and words[0] in _HASH_WORDS:
        words = words[1:]
    return is_password_words(words)


def _is_password_function(name: str) -> bool:
    """`hash_password`, `check_user_password`, `verify_password_hash`: functions that hash one."""
    words = name_words(name)
    return any(
        word in _PASSWORD_FUNCTION_VERBS and _is_password_hash_words(words[index + 1 :])
        for index, word in enumerate(words)
    )


class _Reason(NamedTuple):
    """One sign that a hash is hashing a password."""

    note: str
    node: ast.AST | None
    """Where the password enters the hash (evidence), None for signs taken from names."""
    strong: bool


def _password_reasons(call: ast.Call, context: ModuleContext) -> list[_Reason]:
    """Why `call`, a fast hash, hashes a password, strongest sign first; empty when nothing says so.

    Looks at the data argument, `.update(...)` calls on the hash object in the same function,
    the name the digest is stored under, and the name of the enclosing function.
    """
    if _fast_hash_label(call, context) is None:
        return []
    reasons: list[_Reason] = []
    password = _password_in(_hash_input(call, context))
    if password is not None:
        reasons.append(_Reason(f"`{context.segment(password)}` is hashed", password, True))
    scope = scope_of(call, context)
    for receiver, values in bound_values(scope, context).items():
        if any(value is call for value in values):
            for update in method_calls(scope, receiver, "update", context):
                fed = _password_in(context.argument(update, 0, "data"))
                if fed is not None:
                    note = f"`{context.segment(fed)}` is fed to it by `{receiver}.update`"
                    reasons.append(_Reason(note, update, True))
    stored = [
        name
        for name in destination(call, context).names
        if _is_password_hash_words(name_words(name))
    ]
    if stored:
        reasons.append(_Reason(f"the digest is stored as `{stored[0]}`", None, True))
    function = context.enclosing_function(call)
    if function is not None and _is_password_function(function.name):
        reasons.append(_Reason(f"it runs inside `{function.name}`", None, False))
    return reasons


def _pbkdf2_parameters(
    call: ast.Call, name: str, context: ModuleContext
) -> tuple[str | None, ast.expr | None, int | None] | None:
    """(normalised hash, iterations argument, library default) of a PBKDF2 call, else None."""
    if name == "hashlib.pbkdf2_hmac":
        algorithm = context.constant_value(context.argument(call, 0, "hash_name"))
        return _normal_algorithm(algorithm), context.argument(call, 3, "iterations"), None
    if name == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC":
        algorithm = context.argument(call, 0, "algorithm")
        inner = context.resolve(algorithm.func) if isinstance(algorithm, ast.Call) else None
        hash_name = _normal_algorithm(inner.rpartition(".")[2]) if inner else None
        return hash_name, context.argument(call, 3, "iterations"), None
    if name.split(".")[0] in _PYCRYPTODOME and name.endswith(".Protocol.KDF.PBKDF2"):
        module = context.argument(call, 5, "hmac_hash_module")
        if context.argument(call, 4, "prf") is not None:
            hash_name = None  # a custom PRF: the hash is unknown
        else:
            resolved = "SHA1" if module is None else context.resolve(module)  # SHA1: its default
            hash_name = _normal_algorithm(resolved.rpartition(".")[2]) if resolved else None
        return hash_name, context.argument(call, 3, "count"), 1000  # pycryptodome's default
    return None


def _weak_pbkdf2(call: ast.Call, name: str, context: ModuleContext) -> Hit | None:
    """A hit when a PBKDF2 call runs a constant iteration count far below OWASP's figure."""
    parameters = _pbkdf2_parameters(call, name, context)
    if parameters is None:
        return None
    hash_name, argument, default = parameters
    iterations = default if argument is None else context.constant_value(argument)
    if not isinstance(iterations, int) or context.has_star_arguments(call):
        return None
    # unknown or unusual hashes get the most lenient threshold, so we only report sure cases
    recommended = _OWASP_PBKDF2_ITERATIONS.get(
        hash_name or "", min(_OWASP_PBKDF2_ITERATIONS.values())
    )
    threshold = recommended // _PBKDF2_REPORT_FRACTION
    if iterations >= threshold:
        return None
    shown = f"PBKDF2-HMAC-{hash_name.upper()}" if hash_name else "PBKDF2"
    told = "runs" if argument is not None else "defaults to"
    return Hit(
        node=call,
        message=f"`{context.one_line(call)}` {told} {iterations:,} iterations of {shown}; "
        f"OWASP recommends {recommended:,}, so stolen hashes can be guessed "
        f"{recommended // max(iterations, 1):,} times faster than they should be.",
        fix=f"Raise the iteration count to at least {recommended:,} (OWASP 2023), or switch to "
        "hashlib.scrypt or argon2-cffi's PasswordHasher.",
        severity=Severity.HIGH if iterations < threshold // 10 else None,
        confidence=Confidence.HIGH,
    )


@rule(
    id="fast-password-hash",
    name="Password hashed with a fast hash or too few PBKDF2 iterations",
    cwe=916,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A password goes through MD5/SHA-*/BLAKE2, or PBKDF2 runs far too few iterations.",
    fix="Hash passwords with argon2-cffi (PasswordHasher().hash(password)), bcrypt, "
    "hashlib.scrypt(password, salt=salt, n=2**17, r=8, p=1), or "
    'hashlib.pbkdf2_hmac("sha256", password, salt, 600_000).',
    what_it_does="Reports a general-purpose hash (`hashlib.md5/sha1/sha256/sha512/sha3_*/blake2*`, "
    "`hashlib.new`, `cryptography`'s `hashes.Hash`, pycryptodome's `Crypto.Hash.*.new`) when "
    "its input is a variable, attribute or key named like a password (`password`, `passwd`, "
    "`pwd`, `passphrase`, also `raw_password` or `password_bytes`, but not `password_reset_url`), "
    "when such a value is fed to it through `.update(...)`, when the digest is stored under a "
    "name like `password_hash`, `hashed_password` or `user.password`, or when it runs inside "
    "a function such as `hash_password` or `check_password`. Also reports PBKDF2 "
    "(`hashlib.pbkdf2_hmac`, `cryptography`'s `PBKDF2HMAC`, pycryptodome's `PBKDF2`, whose "
    "default is only 1,000) with a constant iteration count below one sixth of the OWASP "
    "figure: OWASP's Password Storage Cheat Sheet (2023) asks for 600,000 iterations of "
    "PBKDF2-HMAC-SHA256, 210,000 of PBKDF2-HMAC-SHA512 and 1,300,000 of PBKDF2-HMAC-SHA1, so "
    "the rule reports fewer than 100,000, 35,000 and 216,666 respectively (and counts under a "
    "tenth of that as high severity). Counts in between are a tuning question, not a finding.",
    why_bad="General-purpose hashes are built to be fast: one GPU computes billions of SHA-256 "
    "or MD5 digests per second, so once a password table leaks, most real passwords are "
    "recovered in hours, salted or not. Password hashing functions (Argon2id, scrypt, bcrypt, "
    "PBKDF2 with a high iteration count) are deliberately slow and, for Argon2 and scrypt, "
    "memory-hard, which multiplies the attacker's cost by the same factor.",
    example="import hashlib\n\n"
    "user.password_hash = hashlib.sha256(salt + password.encode()).hexdigest()",
    use_instead="from argon2 import PasswordHasher\n\n"
    "user.password_hash = PasswordHasher().hash(password)\n"
    "# standard library only:\n"
    "digest = hashlib.scrypt(password.encode(), salt=salt, n=2**17, r=8, p=1, maxmem=2**28)",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
        "https://docs.python.org/3/library/hashlib.html#key-derivation",
        "https://argon2-cffi.readthedocs.io/en/stable/api.html",
        "https://pypi.org/project/bcrypt/",
        "https://cwe.mitre.org/data/definitions/916.html",
    ),
)
def fast_password_hash(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report passwords hashed with fast hashes, and PBKDF2 with too few iterations."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(("hashlib", "cryptography", *_PYCRYPTODOME)):
        return
    name = context.call_name(node)
    if name is None:
        return
    weak_kdf = _weak_pbkdf2(node, name, context)
    if weak_kdf is not None:
        yield weak_kdf
        return
    reasons = _password_reasons(node, context)
    if not reasons:
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` hashes a password with "
        f"{_fast_hash_label(node, context)} ({reasons[0].note}); a fast hash lets anyone holding "
        "the digests test billions of guesses per second.",
        evidence=tuple((reason.node, reason.note) for reason in reasons if reason.node is not None),
        confidence=None if any(reason.strong for reason in reasons) else Confidence.LOW,
    )
