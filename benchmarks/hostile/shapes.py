"""Shapes of source text: nesting, size, bytes and encodings a reviewer must survive.

Every writer takes the shape's writer, the seeded random source and a scale (1.0 for the real
benchmark, small for the unit test), and writes one or more files. Most files end with a call to
`eval` on a parameter so that a reviewer that does read them has something to report.
"""

from __future__ import annotations

import functools
import random
import sysconfig
from pathlib import Path

from hostile.writer import ShapeWriter

SINK = "def run(code):\n    return eval(code)\n"
BLOCK_OPENERS = (
    ("if ready:", None),
    ("for item in items:", None),
    ("while ready:", None),
    ("with open(path) as handle:", None),
    ("try:", "except ValueError:"),
    ("def inner_{depth}(code):", None),
    ("class Inner{depth}:", None),
)


def scaled(value: int, scale: float, floor: int = 2) -> int:
    return max(floor, int(value * scale))


def nested_blocks(depth: int) -> bytes:
    """`depth` nested compound statements of every kind, one space of indentation per level.

    CPython rejects more than 100 levels of indentation, so these go to any fallback parser.
    """
    lines: list[str] = []
    closers: list[str] = []
    for level in range(depth):
        opener, closer = BLOCK_OPENERS[level % len(BLOCK_OPENERS)]
        lines.append(" " * level + opener.format(depth=level))
        if closer:
            closers.append(" " * level + closer + "\n" + " " * (level + 1) + "pass")
    lines.append(" " * depth + "eval(code)")
    return ("\n".join(lines + closers[::-1]) + "\n").encode()


def deep_blocks(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    for depth in (220, 500, 1400):
        writer.file(f"blocks_{depth}.py", nested_blocks(scaled(depth, scale)))


def deep_brackets(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    depth = scaled(3000, scale)
    writer.file(f"lists_{depth}.py", f"x = {'[' * depth}{']' * depth}\n{SINK}".encode())
    writer.file(f"calls_{depth}.py", f"x = {'f(' * depth}1{')' * depth}\n{SINK}".encode())
    writer.file(f"unclosed_{depth}.py", f"x = {'({[' * depth}\n{SINK}".encode())


def nested_fstrings(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """PEP 701 lets an f-string nest in the same quotes without limit; earlier Pythons reject it."""
    depth = scaled(100, scale)
    text = "code"
    for _ in range(depth):
        text = 'f"{' + text + '}"'
    writer.file(f"fstrings_{depth}.py", f"def run(code):\n    return eval({text})\n".encode())


def big_list(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """One list literal of about 2 MB, just under the default size limit of 2 MiB."""
    size = scaled(2_000_000, scale, floor=200)
    items: list[str] = []
    total = 0
    while total < size:
        item = f"    {rng.randrange(1 << 32):#x},\n"
        items.append(item)
        total += len(item)
    writer.file("list_2mb.py", ("DATA = [\n" + "".join(items) + "]\n" + SINK).encode())


def long_line(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """A 2 MB line as a string, and as an operator chain (the host parser's recursion limit)."""
    size = scaled(2_000_000, scale, floor=200)
    writer.file("line_string.py", f"x = {'a' * size!r}; eval(x)\n".encode())
    writer.file("line_operators.py", ("x = " + "a + " * (size // 4) + "a; eval(x)\n").encode())


def random_bytes(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    for index in range(6):
        size = scaled(rng.randrange(1024, 65536), scale, floor=16)
        writer.file(f"random_{index}.py", rng.randbytes(size))


@functools.cache
def stdlib_sources() -> list[Path]:
    """The running Python's own modules, outside any site-packages (never third-party code)."""
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(
        path
        for path in root.rglob("*.py")
        if "site-packages" not in path.parts and "dist-packages" not in path.parts
    )


def truncated_stdlib(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """Real files cut at a random byte: mid-token, mid-string, mid-UTF-8 sequence."""
    sources = stdlib_sources()
    for index, path in enumerate(rng.sample(sources, min(len(sources), scaled(20, scale)))):
        data = path.read_bytes()
        cut = rng.randrange(1, max(2, len(data)))
        writer.file(f"{index:02d}_{path.stem}.py", data[:cut])


def bad_codings(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """Declared encodings that exist but fail, or do not exist."""
    for codec in ("punycode", "undefined", "hex", "rot13", "no-such-codec"):
        writer.file(f"coding_{codec}.py", f"# -*- coding: {codec} -*-\n{SINK}".encode())


def bom_mismatch(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    header = b"\xef\xbb\xbf# -*- coding: latin-1 -*-\n"
    writer.file("bom_latin1.py", header + "name = 'été'\n".encode("latin-1") + SINK.encode())


def nul_bytes(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    writer.file("nul_code.py", b"x = 1\x00\n" + SINK.encode())
    writer.file("nul_string.py", b"x = 'a\x00b'\n" + SINK.encode())
    writer.file("nul_comment.py", b"# \x00\n" + SINK.encode())


def line_separators(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """Line ends Python and `str.splitlines` disagree on, before a finding whose line matters."""
    header = "import os\nx = 1\n"
    writer.file("crlf.py", (header + SINK).replace("\n", "\r\n").encode())
    writer.file("cr.py", (header + SINK).replace("\n", "\r").encode())
    writer.file("formfeed.py", ("\f" + header + "\f\n" + SINK).encode())
    separators = "# a\u2028b\u2029c\x85d\x1ce\x1df\x1eg\x0bh\n"
    writer.file("unicode_separators.py", (header + separators + "s = 'x\u2028y'\n" + SINK).encode())


def empty(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    writer.file("empty.py", b"")


def bom_only(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    writer.file("bom_only.py", b"\xef\xbb\xbf")


def too_large(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """10 MB, over the default 2 MiB limit at any scale (it is never read, only sized)."""
    size = max(2 * 1024 * 1024 + 1, int(10_000_000 * scale))
    line = "x = 1\n"
    writer.file("big_10mb.py", (line * (size // len(line) + 1) + SINK).encode())


def newer_syntax(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """Python 3.12 to 3.14 syntax, rejected by an older host parser."""
    writer.file(
        "pep695_generics.py",
        (
            "type Pair[T] = tuple[T, T]\n"
            "class Box[T: (int, str), *Ts, **P]:\n    def get[U](self, code: U) -> U:\n"
            "        return eval(code)\n"
            "def first[T](items: list[T]) -> T:\n    return items[0]\n" + SINK
        ).encode(),
    )
    writer.file(
        "pep701_fstrings.py",
        (
            "names = ['a', 'b']\n"
            "x = f\"{'\\n'.join(names)}\"\n"
            'y = f"{f"{f"{names[0]}"}"}"\n'
            'z = f"{names[0] # a comment inside\n}"\n' + SINK
        ).encode(),
    )
    writer.file(
        "pep758_except.py",
        (
            b"def run(code):\n    try:\n        return eval(code)\n"
            b"    except ValueError, TypeError:\n        return None\n"
            b"    except* OSError, KeyError:\n        pass\n"
        ),
    )


def python2(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    writer.file(
        "python2.py",
        (
            b"import os\nprint 'hello', os.name\nexec code in {}\n"
            b"try:\n    x = 0777 + 10L\nexcept Exception, e:\n    print >>sys.stderr, `e`\n"
            b"if x <> 1:\n    s = ur'raw'\n"
            b"def run(code):\n    return eval(code)\n"
        ),
    )
