"""CWE-835: a record loop that steps over its buffer by a length read from the buffer itself.

Parsers of type-length-value data walk a buffer record by record: `while remain:`, read the
record's length from one of its bytes, `n = orb(remain[1])`, then drop the record,
`remain = remain[n:]`. A record whose length byte is 0 drops nothing, so the buffer never
shrinks and the loop never ends: one crafted packet or file hangs the parser (scapy's RADIUS
attributes, CVE-2019-1010142; the same shape recurs in option, TLV and chunk parsers). The loop
is safe when the length is looked at before use (`if n < 2: break`, `max(n, 1)`, `if not n`),
when the step adds to it (`remain[n + 2:]`), or when the buffer also shrinks elsewhere in the
body (`remain = remain[2:]` for the header, then `remain = remain[n:]`).

The rule reports a `while` loop whose test looks only at one buffer name (`while remain:`,
`while len(remain) > 0:`) and whose own statements assign that name once, as a slice of itself
from a name, `remain = remain[n:]`, where `n` is assigned once in the loop from an expression
that reads a field of the buffer (an item, `remain[1]`, `orb(remain[1])`, or a slice a decoder
reads, `struct.unpack("!H", remain[2:4])[0]`; a slice handed to anything else is data, as in a
send loop's `n = sock.send(buf[:size])`), adds nothing to it, and is never tested, compared or
passed to `max`/`min` inside the loop.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_INNER_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_CLAMPS = frozenset({"max", "min", "abs", "bool"})


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """The loop body's nodes outside nested functions, classes and loops (an inner loop's
    assignments happen any number of times, so they prove nothing about this loop's step)."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*_NESTED, *_INNER_LOOPS)):
            stack.extend(ast.iter_child_nodes(node))


def _buffer_name(test: ast.expr) -> str | None:
    """The one name a loop test looks at: `remain`, `len(remain) > 0`, `remain != b""`;
    None when the test holds anything else (a counter, a second name, a call)."""
    if isinstance(test, ast.Name):
        return test.id
    if not isinstance(test, ast.Compare):
        return None
    if not all(isinstance(c, ast.Constant) for c in test.comparators):
        return None
    left = test.left
    if (
        isinstance(left, ast.Call)
        and isinstance(left.func, ast.Name)
        and left.func.id == "len"
        and len(left.args) == 1
        and not left.keywords
    ):
        left = left.args[0]
    return left.id if isinstance(left, ast.Name) else None


def _assignments(body: list[ast.stmt], name: str) -> list[ast.expr]:
    """The values the loop's own statements give `name` (augmented and walrus ones included,
    as their own nodes, so any of them makes the step unknown)."""
    values: list[ast.expr] = []
    for node in _own_nodes(body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    values.append(node.value)
                elif isinstance(target, ast.Tuple | ast.List) and any(
                    isinstance(e, ast.Name) and e.id == name for e in target.elts
                ):
                    values.append(node.value)  # `(size,) = struct.unpack(...)`
        elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
            target = node.target
            if isinstance(target, ast.Name) and target.id == name:
                values.append(node.value or target)
    return values


def _self_slice_step(value: ast.expr, buffer: str) -> str | None:
    """`n` when `value` is `buffer[n:]`: the buffer minus its first `n` items."""
    if not (isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name)):
        return None
    if value.value.id != buffer or not isinstance(value.slice, ast.Slice):
        return None
    piece = value.slice
    if piece.upper is not None or piece.step is not None:
        return None
    return piece.lower.id if isinstance(piece.lower, ast.Name) else None


def _read_from_buffer(value: ast.expr, buffer: str) -> bool:
    """Whether `value` reads a field of the buffer (`remain[1]`, `orb(remain[1])`,
    `struct.unpack("!H", remain[2:4])[0]`), adds nothing to it and clamps nothing
    (`max(remain[1], 2)`)."""
    nodes = list(ast.walk(value))
    if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add) for n in nodes):
        return False
    if any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in _CLAMPS
        for n in nodes
    ):
        return False
    return any(_reads_field(n, buffer) for n in nodes if isinstance(n, ast.Call | ast.Subscript))


_DECODERS = frozenset({"unpack", "unpack_from", "from_bytes", "ord", "orb"})
"""Calls that turn a slice of the buffer into a number (`struct.unpack("!H", buf[2:4])`)."""


def _reads_field(node: ast.Call | ast.Subscript, buffer: str) -> bool:
    """`buf[1]` (one item: a number), or a decoder of a slice of it (`struct.unpack(...,
    buf[2:4])`). A slice handed to anything else is the data, not a length read from it:
    `n = sock.send(buf[:BUFSIZE])` counts what was sent (a send loop, not a record loop)."""

    def names_buffer(expr: ast.expr) -> bool:
        return isinstance(expr, ast.Name) and expr.id == buffer

    if isinstance(node, ast.Subscript):
        return names_buffer(node.value) and not isinstance(node.slice, ast.Slice)
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _DECODERS and any(
        isinstance(a, ast.Subscript) and names_buffer(a.value) for a in node.args
    )


def _looked_at(body: list[ast.stmt], name: str) -> bool:
    """Whether the loop looks at `name` before or after stepping by it: a comparison, a test
    (`if n`, `not n`, `n and ...`), an assert, or a clamp (`max(n, 1)`)."""

    def mentions(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))

    for node in scope_nodes(body):
        match node:
            case ast.Compare() | ast.BoolOp() | ast.Assert() if mentions(node):
                return True
            case ast.UnaryOp(op=ast.Not(), operand=operand) if mentions(operand):
                return True
            case ast.If(test=test) | ast.While(test=test) | ast.IfExp(test=test) if mentions(test):
                return True
            case ast.Call(func=ast.Name(id=func), args=args) if func in _CLAMPS and any(
                mentions(a) for a in args
            ):
                return True
    return False


@rule(
    id="zero-length-record-loop",
    name="Record loop that steps by a length read from the data",
    cwe=835,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A loop over a buffer drops each record by a length read from the record itself "
    "and never checks it: a record that says its length is 0 drops nothing, and the loop "
    "spins forever.",
    fix="Check the length before stepping (`if n < header_size: raise ValueError(...)`), or "
    "step by the header plus the length so every record moves the loop on.",
    what_it_does="Reports a `while` loop whose test looks only at one buffer name "
    "(`while remain:`, `while len(remain) > 0:`) and whose own statements assign that name "
    "once, as `remain = remain[n:]`, where `n` is assigned once in the loop from a subscript "
    "of the buffer (`orb(remain[1])`, `struct.unpack(...)[0]`) with nothing added, and is "
    "never compared, tested or clamped with `max`/`min` inside the loop.",
    why_bad="The length comes from the data being parsed, so an attacker chooses it: a "
    "record whose length field is 0 leaves the buffer as it was, and the next turn reads the "
    "same record again, for good. One crafted packet or file holds a worker at full CPU, a "
    "denial of service (CWE-835).",
    example="while remain:\n    length = orb(remain[1])\n    records.append(remain[:length])"
    "\n    remain = remain[length:]",
    use_instead="while remain:\n    length = orb(remain[1])\n    if length < 2:\n"
    '        raise ValueError("bad record length")\n    records.append(remain[:length])\n'
    "    remain = remain[length:]",
    references=(
        "https://cwe.mitre.org/data/definitions/835.html",
        "https://github.com/advisories/GHSA-mpf2-q34c-fc6j",
    ),
    visits=(ast.While,),
)
def zero_length_record_loop(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report buffer loops that advance by an unchecked length read from the buffer."""
    assert isinstance(node, ast.While)
    buffer = _buffer_name(node.test)
    if buffer is None:
        return
    steps = _assignments(node.body, buffer)
    if len(steps) != 1:
        return
    step = _self_slice_step(steps[0], buffer)
    if step is None or step == buffer:
        return
    lengths = _assignments(node.body, step)
    if len(lengths) != 1 or not _read_from_buffer(lengths[0], buffer):
        return
    if _looked_at(node.body, step):
        return
    yield Hit(
        node=node,
        message=f"This loop drops each record with `{buffer} = {buffer}[{step}:]`, where "
        f"`{step}` is read from `{buffer}` itself and never checked: a record whose length "
        "is 0 leaves the buffer unchanged and the loop never ends.",
    )
