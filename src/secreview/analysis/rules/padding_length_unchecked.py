"""CWE-129: a padding length read from the last byte of a buffer that may be empty.

CBC records and PKCS#7 blocks end with their padding length, so unpadding code reads
`padding_length = data[-1]`. When the buffer can be empty by then (a record of exactly one
block whose explicit IV was just stripped), `data[-1]` raises `IndexError` out of the record
layer and ends the connection, or the server: tlslite's `paddingLength = b[-1]` after
`b = b[block_size:]` (CVE-2015-3220), fixed by refusing an empty record first. The rule reports
`pad... = X[-1]` (or `ord(X[-1])`) when nothing between the last assignment of `X` in the
function (or its start) and the read tests `X` or `len(X)`, and no `except IndexError` (or a
broader handler) surrounds the read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_HANDLED = frozenset({"IndexError", "LookupError", "Exception", "BaseException"})
_TESTS = (ast.If, ast.While, ast.Assert, ast.IfExp)


def _last_byte(value: ast.expr) -> str | None:
    """`b` for `b[-1]` or `ord(b[-1])`: the buffer whose last byte is read."""
    if isinstance(value, ast.Call) and len(value.args) == 1 and "ord" in ast.unparse(value.func):
        value = value.args[0]  # `ord(b[-1])`, `bord(b[-1])` on Python 2 strings
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)):
        return None
    index = value.slice
    negative_one = isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub)
    if negative_one and isinstance(index.operand, ast.Constant) and index.operand.value == 1:
        return value.value.id
    return None


def _tests_buffer(test: ast.expr, buffer: str) -> bool:
    """Whether a test looks at the buffer: `len(b) == 0`, `if b`, `not b`."""
    if isinstance(test, ast.Name) and test.id == buffer:
        return True
    for node in ast.walk(test):
        operand = node.operand if isinstance(node, ast.UnaryOp) else None
        if isinstance(operand, ast.Name) and operand.id == buffer:
            return True
        length = isinstance(node, ast.Call) and ast.unparse(node.func) == "len"
        if length and any(isinstance(a, ast.Name) and a.id == buffer for a in node.args):
            return True
    return False


def _handled(node: ast.AST, context: ModuleContext) -> bool:
    """Whether a `try` around the read catches IndexError (or something broader)."""
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef):
            return False
        if isinstance(ancestor, ast.Try):
            for handler in ancestor.handlers:
                caught = handler.type
                names = [caught] if not isinstance(caught, ast.Tuple) else list(caught.elts)
                if caught is None or any(ast.unparse(n) in _HANDLED for n in names):
                    return True
    return False


def _unchecked_since_assignment(
    function: ast.AST, buffer: str, line: int, assigned_here: ast.AST
) -> bool:
    """Whether no test of the buffer lies between its last assignment before `line` and it."""
    start = getattr(function, "lineno", 0)
    for node in ast.walk(function):
        if node is assigned_here:
            continue
        stored = isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        if stored and node.id == buffer and node.lineno < line:
            start = max(start, node.lineno)
    for node in ast.walk(function):
        tested = isinstance(node, _TESTS) and start <= node.lineno <= line
        if tested and _tests_buffer(node.test, buffer):
            return False
    return True


@rule(
    id="padding-length-unchecked",
    name="Padding length read from a buffer that may be empty",
    cwe=129,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="A padding length is read as the buffer's last byte (`pad = data[-1]`) with no check "
    "since the buffer was last set that it holds any byte: an empty record raises IndexError "
    "out of the unpadding code.",
    fix="Refuse a buffer too short for its padding before reading it (`if len(data) == 0` or "
    "shorter than a block: reject the record), then check the padding length against the "
    "length.",
    what_it_does="Reports an assignment of `X[-1]` (or `ord(X[-1])`) to a name containing "
    "`pad`, when no `if`/`while`/`assert` test of `X` or `len(X)` lies between the last "
    "assignment of `X` in the function (or the function's start) and the read, and no `try` "
    "around it catches IndexError.",
    why_bad="Input from the network decides the buffer's length: a peer sends a record that is "
    "empty once the IV or MAC is stripped, and the exception kills the connection handler or "
    "the server, a denial of service (CWE-129).",
    example="b = b[block_size:]\npadding_length = b[-1]",
    use_instead="b = b[block_size:]\nif len(b) == 0:\n    raise DecryptionError()\n"
    "padding_length = b[-1]",
    references=(
        "https://cwe.mitre.org/data/definitions/129.html",
        "https://nvd.nist.gov/vuln/detail/CVE-2015-3220",
    ),
    visits=(ast.Assign,),
    # `"pad" in target.lower()` of a name, asked of the module's text in every spelling
    text_words=("pad", "paD", "pAd", "pAD", "Pad", "PaD", "PAd", "PAD"),
)
def padding_length_unchecked(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report padding lengths read from a buffer nobody checked for emptiness."""
    assert isinstance(node, ast.Assign)
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return
    target = node.targets[0].id
    if "pad" not in target.lower():
        return
    buffer = _last_byte(node.value)
    function = context.enclosing_function(node)
    if buffer is None or function is None or _handled(node, context):
        return
    if _unchecked_since_assignment(function, buffer, node.lineno, node.targets[0]):
        yield Hit(
            node=node.value,
            message=f"`{target} = {context.one_line(node.value)}` reads the last byte of "
            f"`{buffer}` with no check since `{buffer}` was last set that it holds one: an "
            "empty buffer raises IndexError.",
        )
