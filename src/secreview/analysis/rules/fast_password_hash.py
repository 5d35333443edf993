"""CWE-916: a password through a fast hash, or PBKDF2 with too few iterations.

Whether a hash is hashing a password is decided in `_support/password_hashing.py`, which
`weak-hash` asks too, so an MD5 of a password is reported once, here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_libraries import (
    HASH_LIBRARIES,
    PYCRYPTODOME,
    normal_algorithm,
)
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.password_hashing import fast_hash_label, password_reasons
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

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


def _pbkdf2_parameters(
    call: ast.Call, name: str, context: ModuleContext
) -> tuple[str | None, ast.expr | None, int | None] | None:
    """(normalised hash, iterations argument, library default) of a PBKDF2 call, else None."""
    if name == "hashlib.pbkdf2_hmac":
        algorithm = context.constant_value(context.argument(call, 0, "hash_name"))
        return normal_algorithm(algorithm), context.argument(call, 3, "iterations"), None
    if name == "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC":
        algorithm = context.argument(call, 0, "algorithm")
        inner = context.resolve(algorithm.func) if isinstance(algorithm, ast.Call) else None
        hash_name = normal_algorithm(inner.rpartition(".")[2]) if inner else None
        return hash_name, context.argument(call, 3, "iterations"), None
    if name.split(".")[0] in PYCRYPTODOME and name.endswith(".Protocol.KDF.PBKDF2"):
        module = context.argument(call, 5, "hmac_hash_module")
        if context.argument(call, 4, "prf") is not None:
            hash_name = None  # a custom PRF: the hash is unknown
        else:
            resolved = "SHA1" if module is None else context.resolve(module)  # SHA1: its default
            hash_name = normal_algorithm(resolved.rpartition(".")[2]) if resolved else None
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
    call_imports=HASH_LIBRARIES,
)
def fast_password_hash(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report passwords hashed with fast hashes, and PBKDF2 with too few iterations."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, HASH_LIBRARIES, context)
    if name is None:
        return
    weak_kdf = _weak_pbkdf2(node, name, context)
    if weak_kdf is not None:
        yield weak_kdf
        return
    reasons = password_reasons(node, context)
    if not reasons:
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` hashes a password with "
        f"{fast_hash_label(node, context)} ({reasons[0].note}); a fast hash lets anyone holding "
        "the digests test billions of guesses per second.",
        evidence=tuple((reason.node, reason.note) for reason in reasons if reason.node is not None),
        confidence=None if any(reason.strong for reason in reasons) else Confidence.LOW,
    )
