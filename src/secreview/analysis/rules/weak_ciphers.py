"""CWE-327: broken or 64-bit-block ciphers (`broken-cipher`) and ECB mode (`ecb-mode`).

Both rules read cipher constructors of `cryptography`, pycryptodome/pycrypto (and pyDes); one
asks which cipher runs, the other in which mode.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_libraries import PYCRYPTODOME, pycryptodome_module
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

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
        cipher = (pycryptodome_module(name, "Cipher") or "").lower()
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
    call_imports=("cryptography", "pyDes", *PYCRYPTODOME),
)
def broken_cipher(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report constructors of ciphers that are broken or have 64-bit blocks."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, ("cryptography", "pyDes", *PYCRYPTODOME), context)
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


_CRYPTOGRAPHY_ECB = "cryptography.hazmat.primitives.ciphers.modes.ECB"
_PYCRYPTO_BLOCK_CIPHERS = frozenset({"AES", "DES", "DES3", "Blowfish", "ARC2", "CAST"})
"""pycryptodome requires a mode for these; old PyCrypto silently defaulted to ECB."""


def _mode_choices(mode: ast.expr, context: ModuleContext, depth: int = 0) -> list[ast.expr]:
    """The expressions a mode argument may be: itself, what a local or module name holds, and
    for a look-up in a module table (`MODES[name]`) the entry its constant key names, or every
    entry when the key is chosen at run time."""
    if depth > 3:
        return [mode]
    if isinstance(mode, ast.Subscript) and isinstance(mode.value, ast.Name):
        table = context.module_constants.get(mode.value.id)
        if isinstance(table, ast.Dict):
            key = context.constant_value(mode.slice)
            keys = [context.constant_value(k) if k is not None else None for k in table.keys]
            chosen = [v for k, v in zip(keys, table.values, strict=True) if k == key]
            return [c for v in chosen or table.values for c in _mode_choices(v, context, depth + 1)]
    if isinstance(mode, ast.Name):
        values = [value for value, _ in assigned_values(context, mode)]
        return [c for v in values for c in _mode_choices(v, context, depth + 1)] or [mode]
    return [mode]


def _is_pycryptodome_ecb(mode: ast.expr, context: ModuleContext) -> bool:
    """Whether `mode` may be `<Cipher>.MODE_ECB`: directly, through a local or module name, or
    as an entry of a mode table the code picks from."""
    for choice in _mode_choices(mode, context):
        resolved = context.resolve(choice) or ""
        if resolved.split(".")[0] in PYCRYPTODOME and resolved.endswith(".MODE_ECB"):
            return True
    return False


def _tabled_cryptography_ecb(node: ast.Call, context: ModuleContext) -> bool:
    """`MODES["ecb"]()` where a module table holds `modes.ECB`."""
    if not isinstance(node.func, ast.Subscript) or not context.imports_any(("cryptography",)):
        return False
    return any(
        context.resolve(choice) == _CRYPTOGRAPHY_ECB for choice in _mode_choices(node.func, context)
    )


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
    "created with `MODE_ECB` (`AES.new(key, AES.MODE_ECB)`, `mode=` too, a local or module name "
    "holding it, or a mode table the code picks ECB from: `AES.new(key, MODES[name])`). A "
    "block-cipher `new(key)` with no mode at all is reported with low confidence: "
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
    call_imports=("cryptography", *PYCRYPTODOME),
)
def ecb_mode(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report ECB mode objects and pycryptodome ciphers created in ECB mode."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, ("cryptography", *PYCRYPTODOME), context)
    if name == _CRYPTOGRAPHY_ECB or _tabled_cryptography_ecb(node, context):
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` selects ECB mode: equal plaintext blocks "
            "encrypt to equal ciphertext blocks, so the structure of the data shows through.",
        )
        return
    cipher = pycryptodome_module(name, "Cipher") if name else None
    if cipher is None:
        return
    mode = context.argument(node, 1, "mode")
    if mode is not None and _is_pycryptodome_ecb(mode, context):
        picked = isinstance(mode, ast.Subscript) and not context.is_constant(mode.slice)
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` "
            + (
                f"may run {cipher} in ECB mode (the mode table it picks from at run time holds "
                "`MODE_ECB`): "
                if picked
                else f"runs {cipher} in ECB mode: "
            )
            + "equal plaintext blocks encrypt to equal ciphertext blocks, so the structure of the "
            "data shows through.",
            confidence=Confidence.MEDIUM if picked else None,
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
