"""CWE-326: asymmetric keys too small to resist factoring or discrete-logarithm attacks."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_MINIMUM_BITS = 2048
"""NIST SP 800-57/800-131A: RSA, DSA and DH keys under 2048 bits give under 112-bit security."""
_BROKEN_BITS = 1024
"""Below this, keys are within reach of academic computations (RSA-768 was factored in 2009)."""
_MINIMUM_CURVE_BITS = 224
"""The elliptic-curve equivalent of 2048-bit RSA (112-bit security)."""


class _KeyGenerator(NamedTuple):
    """Where a key generator takes its size, and what it makes."""

    algorithm: str
    position: int
    keyword: str
    default: int | None = None
    """The size used when the argument is left out (paramiko's DSSKey.generate uses 1024)."""


_SIZED_GENERATORS = {
    "cryptography.hazmat.primitives.asymmetric.rsa.generate_private_key": _KeyGenerator(
        "RSA", 1, "key_size"
    ),
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_private_key": _KeyGenerator(
        "DSA", 0, "key_size"
    ),
    "cryptography.hazmat.primitives.asymmetric.dsa.generate_parameters": _KeyGenerator(
        "DSA", 0, "key_size"
    ),
    "cryptography.hazmat.primitives.asymmetric.dh.generate_parameters": _KeyGenerator(
        "Diffie-Hellman", 1, "key_size"
    ),
    "rsa.newkeys": _KeyGenerator("RSA", 0, "nbits"),
    "paramiko.RSAKey.generate": _KeyGenerator("RSA", 0, "bits"),
    "paramiko.rsakey.RSAKey.generate": _KeyGenerator("RSA", 0, "bits"),
    "paramiko.DSSKey.generate": _KeyGenerator("DSA", 0, "bits", default=1024),
    "paramiko.dsskey.DSSKey.generate": _KeyGenerator("DSA", 0, "bits", default=1024),
    **{
        f"{package}.PublicKey.{algorithm}.generate": _KeyGenerator(algorithm, 0, "bits")
        for package in ("Crypto", "Cryptodome")  # pycryptodome/pycrypto and pycryptodomex
        for algorithm in ("RSA", "DSA", "ElGamal")
    },
}

_LIBRARIES = ("cryptography", "Crypto", "Cryptodome", "rsa", "paramiko", "OpenSSL", "ecdsa")
_PYOPENSSL_KEY_TYPES = {"OpenSSL.crypto.TYPE_RSA": "RSA", "OpenSSL.crypto.TYPE_DSA": "DSA"}

_CRYPTOGRAPHY_EC = "cryptography.hazmat.primitives.asymmetric.ec"
_CRYPTOGRAPHY_WEAK_CURVES = {"SECP192R1": 192, "SECT163K1": 163, "SECT163R2": 163}
"""Every curve `cryptography` offers below 224 bits (SECT233*/SECP224R1 and up are fine)."""
_CRYPTOGRAPHY_CURVE_ARGUMENT = {
    f"{_CRYPTOGRAPHY_EC}.generate_private_key": (0, "curve"),
    f"{_CRYPTOGRAPHY_EC}.derive_private_key": (1, "curve"),
}

_PYCRYPTODOME_WEAK_CURVES = {"p192": 192, "nistp192": 192, "prime192v1": 192, "secp192r1": 192}
"""pycryptodome's spellings of NIST P-192 (lower case, no spaces, dashes or underscores)."""

_ECDSA_WEAK_CURVES = {
    "NIST192p": 192,
    "SECP112r1": 112,
    "SECP112r2": 112,
    "SECP128r1": 128,
    "SECP160r1": 160,
    "BRAINPOOLP160r1": 160,
    "BRAINPOOLP160t1": 160,
    "BRAINPOOLP192r1": 192,
    "BRAINPOOLP192t1": 192,
}
_ECDSA_CURVE_ARGUMENT = {"generate": 0, "from_string": 1, "from_secret_exponent": 1}
"""python-ecdsa SigningKey constructors and where they take `curve`; all default to NIST192p."""


def _key_size_hit(
    call: ast.Call, algorithm: str, bits: object, context: ModuleContext
) -> Hit | None:
    """A hit when a constant key size is under 2048 bits."""
    if not isinstance(bits, int) or isinstance(bits, bool) or bits >= _MINIMUM_BITS:
        return None
    extra = (
        " DSA is no longer approved for new signatures at all (FIPS 186-5)."
        if algorithm == "DSA"
        else ""
    )
    return Hit(
        node=call,
        message=f"`{context.one_line(call)}` makes a {bits}-bit {algorithm} key; under "
        f"{_MINIMUM_BITS} bits it is below NIST's minimum and within reach of a well-funded "
        f"attacker, who could then forge signatures or decrypt traffic.{extra}",
        severity=Severity.HIGH if bits < _BROKEN_BITS else None,
    )


def _curve_hit(node: ast.AST, curve: str, bits: int, context: ModuleContext) -> Hit:
    """A hit for a curve under 224 bits."""
    return Hit(
        node=node,
        message=f"`{context.one_line(node)}` uses the {bits}-bit curve {curve}, under the "
        f"{_MINIMUM_CURVE_BITS} bits that match 2048-bit RSA; it gives under 112-bit security, so "
        "a determined attacker can recover the private key and sign or decrypt as its owner.",
        fix="Use a 256-bit curve or better: ec.SECP256R1() / ECC.generate(curve='P-256') / "
        "ecdsa.NIST256p, or Ed25519.",
    )


def _checked_sizes(call: ast.Call, name: str, context: ModuleContext) -> Iterator[Hit]:
    """RSA/DSA/DH/ElGamal generators whose size is a constant below 2048 bits."""
    generator = _SIZED_GENERATORS.get(name)
    if generator is not None:
        argument = context.argument(call, generator.position, generator.keyword)
        if argument is None and context.has_star_arguments(call):
            return
        bits = generator.default if argument is None else context.constant_value(argument)
        hit = _key_size_hit(call, generator.algorithm, bits, context)
        if hit is not None:
            yield hit
        return
    # pyOpenSSL: crypto.PKey().generate_key(crypto.TYPE_RSA, 1024), on any receiver
    if isinstance(call.func, ast.Attribute) and call.func.attr == "generate_key":
        key_type = context.argument(call, 0, "type")
        algorithm = _PYOPENSSL_KEY_TYPES.get(context.resolve(key_type) or "") if key_type else None
        if algorithm is not None:
            bits = context.constant_value(context.argument(call, 1, "bits"))
            hit = _key_size_hit(call, algorithm, bits, context)
            if hit is not None:
                yield hit


def _checked_curves(call: ast.Call, name: str, context: ModuleContext) -> Iterator[Hit]:
    """Elliptic curves under 224 bits, in cryptography, pycryptodome and python-ecdsa."""
    module, _, last = name.rpartition(".")
    if module == _CRYPTOGRAPHY_EC and last in _CRYPTOGRAPHY_WEAK_CURVES:
        yield _curve_hit(call, last, _CRYPTOGRAPHY_WEAK_CURVES[last], context)
    elif name in _CRYPTOGRAPHY_CURVE_ARGUMENT:
        # the curve class itself (not an instance), which old releases accepted
        curve = context.argument(call, *_CRYPTOGRAPHY_CURVE_ARGUMENT[name])
        if not isinstance(curve, ast.Call) and curve is not None:
            resolved_module, _, curve_name = (context.resolve(curve) or "").rpartition(".")
            if resolved_module == _CRYPTOGRAPHY_EC and curve_name in _CRYPTOGRAPHY_WEAK_CURVES:
                yield _curve_hit(curve, curve_name, _CRYPTOGRAPHY_WEAK_CURVES[curve_name], context)
    elif module.split(".")[0] in ("Crypto", "Cryptodome") and module.endswith(".PublicKey.ECC"):
        if last in ("generate", "construct"):
            curve_name = context.constant_value(context.keyword(call, "curve"))
            if isinstance(curve_name, str):
                normal = curve_name.lower().replace(" ", "").replace("-", "").replace("_", "")
                if normal in _PYCRYPTODOME_WEAK_CURVES:
                    yield _curve_hit(call, curve_name, _PYCRYPTODOME_WEAK_CURVES[normal], context)
    elif module in ("ecdsa.SigningKey", "ecdsa.keys.SigningKey") and last in _ECDSA_CURVE_ARGUMENT:
        curve = context.argument(call, _ECDSA_CURVE_ARGUMENT[last], "curve")
        if curve is None:
            if not context.has_star_arguments(call):
                yield _curve_hit(call, "NIST192p (python-ecdsa's default)", 192, context)
            return
        resolved = context.resolve(curve) or ""
        curve_name = resolved.rpartition(".")[2]
        if resolved.startswith("ecdsa.") and curve_name in _ECDSA_WEAK_CURVES:
            yield _curve_hit(call, curve_name, _ECDSA_WEAK_CURVES[curve_name], context)


@rule(
    id="weak-key-size",
    name="Asymmetric key too small (RSA/DSA < 2048 bits, EC < 224 bits)",
    cwe=326,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="An RSA, DSA, DH or ElGamal key under 2048 bits, or an elliptic curve under 224 bits.",
    fix="Generate RSA keys with at least 2048 bits (3072 for data that must stay secret past "
    "2030), or switch to a 256-bit elliptic curve or Ed25519.",
    what_it_does="Reports key generation with a constant size under 2048 bits in `cryptography` "
    "(`rsa.generate_private_key(key_size=...)`, `dsa.generate_private_key`, "
    "`dh.generate_parameters`), pycryptodome/pycrypto (`RSA.generate(bits)`, `DSA.generate`, "
    "`ElGamal.generate`), python-rsa (`rsa.newkeys`), paramiko (`RSAKey.generate(bits)`, "
    "`DSSKey.generate()`, whose default is 1024) and pyOpenSSL "
    "(`PKey().generate_key(TYPE_RSA, bits)`); and elliptic curves under 224 bits: "
    "`ec.SECP192R1`, `ec.SECT163K1`, `ec.SECT163R2` in `cryptography`, "
    '`ECC.generate(curve="P-192")` in pycryptodome, and python-ecdsa\'s `NIST192p`, '
    "`SECP112r1`...`SECP160r1` and 160/192-bit Brainpool curves, including "
    "`SigningKey.generate()` with no curve, which picks NIST192p.",
    why_bad="Factoring RSA (or solving discrete logarithms for DSA/DH) gets dramatically "
    "cheaper as keys get smaller: RSA-768 was factored publicly in 2009 and 1024-bit keys "
    "are assumed breakable by nation-state attackers. NIST has disallowed keys under 2048 "
    "bits (112-bit security) since 2013; for elliptic curves the same level needs 224 bits. "
    "A broken key lets an attacker sign as you and decrypt recorded traffic.",
    example="from cryptography.hazmat.primitives.asymmetric import rsa\n\n"
    "key = rsa.generate_private_key(public_exponent=65537, key_size=1024)",
    use_instead="from cryptography.hazmat.primitives.asymmetric import ec, rsa\n\n"
    "key = rsa.generate_private_key(public_exponent=65537, key_size=3072)\n"
    "# or, smaller and faster:\n"
    "key = ec.generate_private_key(ec.SECP256R1())",
    references=(
        "https://cryptography.io/en/latest/hazmat/primitives/asymmetric/rsa/#generation",
        "https://cryptography.io/en/latest/hazmat/primitives/asymmetric/ec/#elliptic-curves",
        "https://www.pycryptodome.org/src/public_key/rsa",
        "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
        "https://cwe.mitre.org/data/definitions/326.html",
    ),
    call_imports=_LIBRARIES,
)
def weak_key_size(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report asymmetric keys and curves below 112-bit security."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(_LIBRARIES):
        return
    name = context.call_name(node) or ""
    yield from _checked_sizes(node, name, context)
    if name:
        yield from _checked_curves(node, name, context)
