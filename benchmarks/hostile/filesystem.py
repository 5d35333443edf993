"""Shapes of the file tree: names, special files and links a walker must survive."""

from __future__ import annotations

import random

from hostile.shapes import SINK
from hostile.writer import ShapeWriter

PATH_MAX = 4096


def bad_names(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """Names that are not UTF-8, or that break a line-based, quoted or escaped output."""
    for name in (
        b"bad\xff.py",
        b"latin\xe9.py",
        "new\nline.py",
        "tab\there.py",
        'double"quote.py',
        "single'quote.py",
        "back\\slash.py",
        "-leading-dash.py",
        "esc\x1b[31mape.py",
        "rtl\u202eyp.py",
    ):
        writer.file(name, SINK.encode())


def fifo(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    writer.fifo("pipe.py")


def dangling_symlink(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    writer.symlink("dangling.py", "missing-target.py")


def outside_symlink(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """A link out of the reviewed tree: its target is not the repository's to show."""
    writer.symlink("outside.py", "/etc/hostname")
    writer.symlink("etc_folder", "/etc")


def symlink_loop(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    writer.file("a/first.py", SINK.encode())
    writer.file("b/second.py", SINK.encode())
    writer.symlink("a/to_b", "../b")
    writer.symlink("b/to_a", "../a")
    writer.symlink("self", ".")


def unreadable(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """A folder and a file with no permissions (root reads them anyway)."""
    writer.file("locked/inside.py", SINK.encode())
    writer.file("secret.py", SINK.encode())
    writer.lock("locked")
    writer.lock("secret.py")


def long_path(writer: ShapeWriter, rng: random.Random, scale: float) -> None:
    """A file whose full path is longer than PATH_MAX, reachable only relative to a folder."""
    folders = [f"{index:02d}" + "d" * 198 for index in range(PATH_MAX // 200 + 2)]
    length = writer.deep_file(folders, "deep.py", SINK.encode())
    assert length > PATH_MAX, length
