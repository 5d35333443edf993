"""CWE-203: PKCS#1 v1.5 decryption that rejects a bad padding header early.

RSA decryption with PKCS#1 v1.5 padding must not let the sender learn whether the decrypted
block began `00 02`: answering "bad padding" sooner, differently or by an exception is
Bleichenbacher's oracle, which recovers a TLS premaster secret or any ciphertext in some
thousands of queries. tlslite-ng's `decrypt` tested `if decBytes[0] != 0 or decBytes[1] != 2:
return None` (CVE-2020-26263); the fix checks every byte in constant time and, on error, returns
a pseudo-random message of the expected length. The rule reports an `if` whose test compares the
first two bytes of one value with 0 and 2 (or its first two bytes with `b"\\x00\\x02"`, or asks
`startswith(b"\\x00\\x02")`) and whose branch returns or raises at once, in a function whose
name or the names it uses speak of decryption, RSA, PKCS, a private key or unpadding.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_HEADER = b"\x00\x02"
_HEADER_TEXTS = ("\\x00\\x02", "\\0\\2", "\\x00\\2")
"""How the two header bytes are spelled in source, for the cheap text test."""
_RSA_WORDS = ("decrypt", "rsa", "pkcs", "private", "unpad")
"""Words of a function that decrypts with RSA; `00 02` is also some file formats' magic."""


def _index(node: ast.AST) -> tuple[str, int] | None:
    """(`decBytes`, 1) for `decBytes[1]`: the subscripted value's text and a constant index."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        index = node.slice.value
        if isinstance(index, int) and not isinstance(index, bool):
            return ast.unparse(node.value), index
    return None


def _byte_tests(test: ast.expr) -> dict[str, set[tuple[int, int]]]:
    """For each value, the (index, constant) pairs the test compares: `b[1] != 2` -> (1, 2)."""
    found: dict[str, set[tuple[int, int]]] = {}
    for node in walk(test):
        if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
            continue
        left, right = node.left, node.comparators[0]
        for subscript, constant in ((left, right), (right, left)):
            indexed = _index(subscript)
            if indexed and isinstance(constant, ast.Constant) and isinstance(constant.value, int):
                found.setdefault(indexed[0], set()).add((indexed[1], constant.value))
    return found


def _tests_header(test: ast.expr) -> bool:
    """Whether the test asks if a value starts with the PKCS#1 v1.5 encryption header."""
    if any({(0, 0), (1, 2)} <= pairs for pairs in _byte_tests(test).values()):
        return True
    return any(isinstance(node, ast.Constant) and node.value == _HEADER for node in walk(test))


def _speaks_of_rsa(context: ModuleContext) -> bool:
    """Whether the module spells what every reported test and function spell: a second-byte
    index or a header, a `2`, and a word of `_RSA_WORDS` (in any case); a module that spells
    none has nothing to report (asked once per module, not per `if`)."""
    text = context.text
    if "[1]" not in text and not any(header in text for header in _HEADER_TEXTS):
        return False  # no `if` test of the module can index the second byte or spell 00 02
    lowered = text.lower()
    return "2" in lowered and any(word in lowered for word in _RSA_WORDS)


def _identifiers(function: ast.AST) -> str:
    """The function's name and the names and attributes it uses, lowercased (not its comments
    or strings, which may mention RSA in passing)."""
    words = [getattr(function, "name", "")]
    for node in walk(function):
        if isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
    return " ".join(words).lower()


def _exits(body: list[ast.stmt]) -> bool:
    """Whether the branch answers at once: its first statements return or raise."""
    return any(isinstance(s, ast.Return | ast.Raise) for s in body[:2])


@rule(
    id="rsa-padding-oracle",
    name="PKCS#1 v1.5 decryption rejects a bad padding header early",
    cwe=203,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="RSA decryption checks the PKCS#1 v1.5 header (`00 02`) with an `if` that returns "
    "or raises at once: whoever sends ciphertexts learns which ones had valid padding "
    "(Bleichenbacher's oracle) and decrypts any message with it.",
    fix="Use the library's RSA-OAEP, or a PKCS#1 v1.5 decryption that checks every byte in "
    "constant time and on any error goes on with a random secret of the expected length "
    "(as TLS implementations do), never answering differently.",
    what_it_does="Reports an `if` whose test compares the first two bytes of one value with 0 "
    "and 2 (`b[0] != 0 or b[1] != 2`), or compares with or asks `startswith` for "
    '`b"\\x00\\x02"`, and whose branch returns or raises at once.',
    why_bad="An early, distinguishable rejection tells a sender whether the decrypted block "
    "began with the padding header. Bleichenbacher's adaptive attack (and ROBOT against TLS) "
    "turns that one bit per query into the plaintext of an intercepted ciphertext (CWE-203).",
    example="m = self._rawPrivateKeyOp(c)\nblock = numberToByteArray(m, k)\n"
    "if block[0] != 0 or block[1] != 2:\n    return None",
    use_instead="from cryptography.hazmat.primitives.asymmetric import padding\n"
    "plaintext = key.decrypt(ciphertext, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), "
    "algorithm=hashes.SHA256(), label=None))",
    references=(
        "https://cwe.mitre.org/data/definitions/203.html",
        "https://robotattack.org/",
        "https://nvd.nist.gov/vuln/detail/CVE-2020-26263",
    ),
    visits=(ast.If,),
    text_words=("[1]", *_HEADER_TEXTS),  # the first half of `_speaks_of_rsa`
)
def rsa_padding_oracle(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report early rejections of a PKCS#1 v1.5 header."""
    assert isinstance(node, ast.If)
    if not context.derived(_speaks_of_rsa):
        return
    text = context.segment(node.test)
    if "[1]" not in text and not any(header in text for header in _HEADER_TEXTS):
        return  # the cheap test first: most `if` tests index no second byte
    function = context.enclosing_function(node)
    around = _identifiers(function) if function is not None else ""
    if not any(word in around for word in _RSA_WORDS):
        return
    if _tests_header(node.test) and _exits(node.body):
        yield Hit(
            node=node.test,
            message=f"`{context.one_line(node.test)}` rejects a bad PKCS#1 v1.5 header at once: "
            "a sender learns which ciphertexts decrypt to valid padding (Bleichenbacher's "
            "oracle).",
        )
