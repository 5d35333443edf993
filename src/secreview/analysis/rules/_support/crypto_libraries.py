"""Names the cryptography libraries give their hashes and ciphers, read the same way by every rule.

`hashlib`, `cryptography` and pycryptodome (also pycrypto and pycryptodomex) spell one algorithm
several ways (`hashlib.new("SHA-1")`, `hashes.SHA1()`, `Crypto.Hash.SHA1.new`); the weak-hash,
cipher and password-hash rules normalise them here.
"""

from __future__ import annotations

PYCRYPTODOME = ("Crypto", "Cryptodome")  # pycryptodome / pycrypto, and pycryptodomex
CRYPTOGRAPHY_HASHES = "cryptography.hazmat.primitives.hashes"
HASH_LIBRARIES = ("hashlib", "cryptography", *PYCRYPTODOME)


def normal_algorithm(name: object) -> str | None:
    """'SHA-1' -> 'sha1': hashlib.new and OpenSSL accept these spellings alike."""
    if not isinstance(name, str):
        return None
    return name.lower().replace("-", "").replace("_", "")


def pycryptodome_module(name: str, package: str) -> str | None:
    """'Crypto.Hash.MD5.new' with package 'Hash' -> 'MD5' (also for pycryptodomex)."""
    parts = name.split(".")
    if len(parts) == 4 and parts[0] in PYCRYPTODOME and parts[1] == package and parts[3] == "new":
        return parts[2]
    return None
