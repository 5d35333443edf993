"""CWE-1204 and CWE-760: an IV or nonce (`constant-iv`) or a password salt (`constant-salt`) that is
the same byte string on every run.

Both rules ask one question of one argument of a known cryptographic call: is it written in the
source (a literal, a module constant, a local assigned one, `bytes(16)`)? Values drawn at run
time (`os.urandom`, `secrets.token_bytes`, `get_random_bytes`) or received as parameters are not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_libraries import PYCRYPTODOME, pycryptodome_module
from secreview.analysis.rules._support.crypto_names import (
    is_password_name,
    method_calls,
    scope_of,
    target_names,
)
from secreview.analysis.rules._support.fixed_bytes import FixedBytes, fixed_bytes
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import made_by
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_LIBRARIES = ("cryptography", "hashlib", "bcrypt", "argon2", "nacl", *PYCRYPTODOME)
_MODES = "cryptography.hazmat.primitives.ciphers.modes."
_MODE_IVS = {
    # cryptography mode -> the name of its IV or nonce argument (always the first)
    "CBC": "initialization_vector",
    "CFB": "initialization_vector",
    "CFB8": "initialization_vector",
    "OFB": "initialization_vector",
    "CTR": "nonce",
    "GCM": "initialization_vector",
}
_AEAD = "cryptography.hazmat.primitives.ciphers.aead."
_AEAD_FACTORIES = frozenset(
    _AEAD + name for name in ("AESGCM", "ChaCha20Poly1305", "AESCCM", "AESOCB3")
)
"""AEAD classes whose `encrypt(nonce, ...)` breaks on a repeated nonce (the SIV ones do not)."""
_PYCRYPTODOME_NONCE_FREE_MODES = frozenset({"MODE_ECB", "MODE_SIV"})


def _pycryptodome_iv(call: ast.Call, cipher: str, context: ModuleContext) -> ast.expr | None:
    """The IV or nonce a pycryptodome `<Cipher>.new(...)` call passes, if any."""
    for keyword in ("iv", "IV", "nonce", "counter"):
        value = context.keyword(call, keyword)
        if value is not None:
            return value
    if cipher in ("Salsa20", "ChaCha20", "ChaCha20_Poly1305"):
        return None  # (key, nonce) only by keyword in practice; the positional is not documented
    mode = context.argument(call, 1, "mode")
    resolved = context.resolve(mode) if mode is not None else None
    if resolved and resolved.rpartition(".")[2] in _PYCRYPTODOME_NONCE_FREE_MODES:
        return None
    return call.args[2] if len(call.args) > 2 else None


def _aead_encrypt_nonce(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The nonce of `AESGCM(key).encrypt(nonce, data, aad)` (receiver built here or bound)."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr != "encrypt":
        return None
    receiver = call.func.value
    if made_by(context, receiver, _AEAD_FACTORIES) is None:
        return None
    return context.argument(call, 0, "nonce")


def _constant_iv(call: ast.Call, context: ModuleContext) -> tuple[ast.expr, str] | None:
    """(the IV/nonce argument, what takes it) when `call` passes one to a cipher."""
    name = library_call_name(call, ("cryptography", *PYCRYPTODOME), context)
    if name is not None and name.startswith(_MODES):
        mode = name.removeprefix(_MODES)
        if mode in _MODE_IVS:
            argument = context.argument(call, 0, _MODE_IVS[mode])
            return (argument, f"{mode} mode") if argument is not None else None
        return None
    cipher = pycryptodome_module(name, "Cipher") if name else None
    if cipher is not None:
        argument = _pycryptodome_iv(call, cipher, context)
        return (argument, cipher) if argument is not None else None
    if name is None and context.imports_any(("cryptography",)):
        nonce = _aead_encrypt_nonce(call, context)
        return (nonce, "the AEAD cipher") if nonce is not None else None
    return None


_DECRYPTING = frozenset({"decryptor", "decrypt", "decrypt_and_verify"})
_ENCRYPTING = frozenset({"encryptor", "encrypt", "encrypt_and_digest"})


def _cipher_object(call: ast.Call, context: ModuleContext) -> ast.expr:
    """The cipher a mode or `<Cipher>.new` call builds: `Cipher(algorithm, modes.CBC(iv))`."""
    parent = context.parent(call)
    if isinstance(parent, ast.Call) and (context.call_name(parent) or "").endswith(
        "ciphers.Cipher"
    ):
        return parent
    return call


def _only_decrypts(call: ast.Call, context: ModuleContext) -> bool:
    """Whether the cipher built here is only ever used to decrypt (`Cipher(...).decryptor()`).

    Such code reads data in a format someone else fixed (a browser's cookie store, a device's
    protocol): the fixed IV is that format's weakness, not a choice this code makes anew.
    """
    cipher = _cipher_object(call, context)
    parent = context.parent(cipher)
    if isinstance(parent, ast.Attribute):
        return parent.attr in _DECRYPTING
    statement = parent if isinstance(parent, ast.Assign) else None
    if statement is None or len(statement.targets) != 1:
        return False
    receiver = context.segment(statement.targets[0])
    scope = scope_of(call, context)
    used = {
        method
        for method in _DECRYPTING | _ENCRYPTING
        if method_calls(scope, receiver, method, context)
    }
    return bool(used) and not used & _ENCRYPTING


def _evidence(fixed: FixedBytes, argument: ast.expr) -> tuple[tuple[ast.AST, str], ...]:
    """The step that wrote the value, when it was written away from the call."""
    if fixed.written_at is argument:
        return ()
    return ((fixed.written_at, f"`{fixed.shown}` is written in the source"),)


@rule(
    id="constant-iv",
    name="Constant IV or nonce",
    cwe=1204,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="A cipher gets an IV or nonce written in the source, so every message reuses it.",
    fix="Draw a fresh IV/nonce for every message (os.urandom(16) for CBC, os.urandom(12) for "
    "GCM/ChaCha20-Poly1305, or let pycryptodome choose one and store `cipher.iv`/`cipher.nonce`) "
    "and send it beside the ciphertext; it need not be secret.",
    what_it_does="Reports an IV or nonce that is the same bytes on every run (a literal, "
    "a module constant, a local assigned one, `bytes(16)`, `bytes.fromhex('...')`, "
    "`'...'.encode()`) passed to `cryptography`'s `modes.CBC/CFB/CFB8/OFB/CTR/GCM`, to "
    "`AESGCM`/`ChaCha20Poly1305`/`AESCCM`/`AESOCB3` `.encrypt(nonce, ...)`, or to a "
    "pycryptodome `<Cipher>.new(key, mode, iv)` (also `iv=`/`nonce=`, and a CTR `counter=` "
    "from `Counter.new` with constant arguments only). Values from "
    "`os.urandom`, `secrets` or `get_random_bytes`, and parameters, are not reported; "
    "nonce-misuse-resistant SIV modes are not either. A cipher only ever used to decrypt "
    "(`Cipher(...).decryptor()`) reads a format someone else fixed, and is reported with low "
    "confidence.",
    why_bad="A CBC IV must be unpredictable: with a fixed one, equal message prefixes give equal "
    "ciphertext and chosen-plaintext attacks recover data (CWE-329). In CTR, GCM and "
    "ChaCha20-Poly1305 a repeated nonce under one key repeats the keystream, so XORing two "
    "ciphertexts gives the XOR of the plaintexts, and for GCM it also leaks the "
    "authentication key, letting an attacker forge messages (CWE-323).",
    example="cipher = AES.new(key, AES.MODE_CBC, iv=b'0000000000000000')",
    use_instead="cipher = AES.new(key, AES.MODE_CBC)  # a random IV\n"
    "ciphertext = cipher.iv + cipher.encrypt(pad(data, AES.block_size))",
    references=(
        "https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/#modes",
        "https://cryptography.io/en/latest/hazmat/primitives/aead/",
        "https://www.pycryptodome.org/src/cipher/classic",
        "https://cwe.mitre.org/data/definitions/1204.html",
        "https://cwe.mitre.org/data/definitions/323.html",
    ),
    call_imports=("cryptography", *PYCRYPTODOME),
)
def constant_iv(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report ciphers given an IV or nonce fixed in the source."""
    assert isinstance(node, ast.Call)
    found = _constant_iv(node, context)
    if found is None:
        return
    argument, taker = found
    fixed = fixed_bytes(argument, context)
    if fixed is None:
        return
    decrypting = _only_decrypts(node, context)
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` gives {taker} the fixed IV/nonce "
        f"`{context.one_line(argument)}`: every message under this key reuses it, so equal "
        "plaintexts show and (in CTR/GCM) keystream reuse reveals the data"
        + (
            " (here it only decrypts, so the fixed IV is the data format's)." if decrypting else "."
        ),
        evidence=_evidence(fixed, argument),
        confidence=Confidence.LOW if decrypting else None,
    )


_KDF = {
    # qualified name -> (position, keyword) of the salt
    "hashlib.pbkdf2_hmac": (2, "salt"),
    "hashlib.scrypt": (None, "salt"),
    "cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC": (2, "salt"),
    "cryptography.hazmat.primitives.kdf.scrypt.Scrypt": (0, "salt"),
    "cryptography.hazmat.primitives.kdf.argon2.Argon2id": (None, "salt"),
    "bcrypt.hashpw": (1, "salt"),
    "bcrypt.kdf": (1, "salt"),
    "argon2.low_level.hash_secret": (1, "salt"),
    "argon2.low_level.hash_secret_raw": (1, "salt"),
    "nacl.pwhash.argon2id.kdf": (2, "salt"),
    "nacl.pwhash.argon2i.kdf": (2, "salt"),
    "nacl.pwhash.scrypt.kdf": (2, "salt"),
}
_PYCRYPTODOME_KDF = {"PBKDF2": (1, "salt"), "scrypt": (1, "salt"), "bcrypt": (2, "salt")}
_PASSWORD_ARGUMENT = {
    "hashlib.pbkdf2_hmac": 1,
    "nacl.pwhash.argon2id.kdf": 1,
    "nacl.pwhash.argon2i.kdf": 1,
    "nacl.pwhash.scrypt.kdf": 1,
}
"""Where the password is when it is not the first argument."""


def _salt_argument(call: ast.Call, name: str, context: ModuleContext) -> ast.expr | None:
    """The salt a key-derivation or password-hash call passes, if it is one of those."""
    place = _KDF.get(name)
    if place is None and name.split(".")[0] in PYCRYPTODOME:
        module, _, function = name.rpartition(".")
        if module.endswith(".Protocol.KDF"):
            place = _PYCRYPTODOME_KDF.get(function)
    if place is None:
        return None
    position, keyword = place
    if position is None:
        return context.keyword(call, keyword)
    return context.argument(call, position, keyword)


def _names_a_password(call: ast.Call, name: str, context: ModuleContext) -> bool:
    """Whether the input is named like a password, or the result is stored under such a name."""
    position = _PASSWORD_ARGUMENT.get(name, 0)
    given = context.argument(call, position, "password")
    while isinstance(given, ast.Call) and isinstance(given.func, ast.Attribute):
        given = given.func.value  # password.encode("utf-8")
    shown = given.attr if isinstance(given, ast.Attribute) else getattr(given, "id", "")
    if shown and is_password_name(shown):
        return True
    function = context.enclosing_function(call)
    if function is not None and "password" in function.name.lower():
        return True
    statement = context.parent(call)
    if isinstance(statement, ast.Assign):
        return any(is_password_name(n) for t in statement.targets for n in target_names(t))
    return False


def _hashed_secret(call: ast.Call, name: str, context: ModuleContext) -> ast.expr | None:
    """The password or key material a KDF call hashes: an argument, or what `.derive(...)` of
    the `cryptography` object built here is given."""
    method = context.parent(call)
    derive = context.parent(method) if isinstance(method, ast.Attribute) else None
    if isinstance(derive, ast.Call) and derive.func is method:
        return context.argument(derive, 0, "key_material")
    if name.startswith("cryptography."):
        return None
    return context.argument(call, _PASSWORD_ARGUMENT.get(name, 0), "password")


@rule(
    id="constant-salt",
    name="Constant salt for password hashing",
    cwe=760,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A password hash or key derivation uses a salt written in the source.",
    fix="Generate a random salt per password (os.urandom(16), or bcrypt.gensalt()), store it "
    "beside the hash, and read it back to verify; or use argon2-cffi's PasswordHasher, which "
    "does both.",
    what_it_does="Reports a salt that is the same bytes on every run (a literal, a module "
    "constant, a local assigned one, `bytes(16)`) given to `hashlib.pbkdf2_hmac`, "
    "`hashlib.scrypt`, `cryptography`'s `PBKDF2HMAC`, `Scrypt` and `Argon2id`, pycryptodome's "
    "`PBKDF2`, `scrypt` and `bcrypt`, `bcrypt.hashpw` and `bcrypt.kdf`, argon2-cffi's "
    "`low_level.hash_secret(_raw)` and PyNaCl's `pwhash.argon2id/argon2i/scrypt.kdf`. "
    "Confidence is high when the input or the result is named like a password, or the "
    "function hashes passwords; HKDF, whose salt is optional by design, is not reported. "
    "When the password itself is a constant too "
    "(`PBKDF2HMAC(salt=b'saltysalt', ...).derive(b'peanuts')`), the code reproduces a key "
    "someone else fixed, and the finding has low confidence.",
    why_bad="A salt exists so that equal passwords hash differently and precomputed tables are "
    "useless. With one salt for everyone, users with the same password share a hash, and an "
    "attacker who learns the salt (it is in the source) builds one table that cracks every "
    "hash at once instead of attacking them one by one.",
    example='digest = hashlib.pbkdf2_hmac("sha256", password, b"static-salt", 600_000)',
    use_instead="salt = os.urandom(16)\n"
    'digest = hashlib.pbkdf2_hmac("sha256", password, salt, 600_000)\n'
    "store(salt, digest)",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#salting",
        "https://docs.python.org/3/library/hashlib.html#key-derivation",
        "https://cryptography.io/en/latest/hazmat/primitives/key-derivation-functions/",
        "https://cwe.mitre.org/data/definitions/760.html",
    ),
    call_imports=_LIBRARIES,
)
def constant_salt(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report password hashes and key derivations given a salt fixed in the source."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, _LIBRARIES, context)
    salt = _salt_argument(node, name, context) if name else None
    fixed = fixed_bytes(salt, context) if salt is not None else None
    if fixed is None or salt is None or name is None:
        return
    if name == "bcrypt.hashpw" and isinstance(context.parent(node), ast.Compare):
        return  # `hashpw(password, stored) == stored` checks a password against a stored hash
    password = _names_a_password(node, name, context)
    fixed_secret = fixed_bytes(_hashed_secret(node, name, context), context) is not None
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` uses the fixed salt `{context.one_line(salt)}`: "
        "equal passwords get equal hashes and one precomputed table attacks them all.",
        evidence=_evidence(fixed, salt),
        confidence=Confidence.LOW if fixed_secret else Confidence.HIGH if password else None,
    )
