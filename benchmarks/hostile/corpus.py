"""The hostile corpus: one folder per shape, written deterministically from a seed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hostile import filesystem, shapes
from hostile.writer import ShapeWriter

Shape = Callable[[ShapeWriter, random.Random, float], None]

SHAPES: dict[str, Shape] = {
    "deep-blocks": shapes.deep_blocks,
    "deep-brackets": shapes.deep_brackets,
    "nested-fstrings": shapes.nested_fstrings,
    "big-list": shapes.big_list,
    "long-line": shapes.long_line,
    "random-bytes": shapes.random_bytes,
    "truncated-stdlib": shapes.truncated_stdlib,
    "bad-coding": shapes.bad_codings,
    "bom-mismatch": shapes.bom_mismatch,
    "nul-bytes": shapes.nul_bytes,
    "line-separators": shapes.line_separators,
    "bad-names": filesystem.bad_names,
    "fifo": filesystem.fifo,
    "dangling-symlink": filesystem.dangling_symlink,
    "outside-symlink": filesystem.outside_symlink,
    "symlink-loop": filesystem.symlink_loop,
    "unreadable": filesystem.unreadable,
    "long-path": filesystem.long_path,
    "empty": shapes.empty,
    "bom-only": shapes.bom_only,
    "too-large": shapes.too_large,
    "newer-syntax": shapes.newer_syntax,
    "python2": shapes.python2,
}
GENERATED = "hypothesmith"


@dataclass
class Corpus:
    """What was written: the entries of each shape, their digest and what to unlock on removal."""

    root: Path
    entries: dict[str, list[str]] = field(default_factory=dict)
    paths: dict[str, list[bytes]] = field(default_factory=dict)
    digest: str = ""
    locked: list[bytes] = field(default_factory=list)
    generated_note: str = ""

    @property
    def size(self) -> int:
        return sum(len(names) for names in self.entries.values())

    def remove(self) -> None:
        """Give the locked entries their permissions back, then delete the whole tree.

        `shutil.rmtree` works relative to folder descriptors on Linux, so the path deeper than
        PATH_MAX goes too.
        """
        for path in self.locked:
            os.chmod(path, 0o700)
        shutil.rmtree(self.root, ignore_errors=True)


def generate(
    root: Path | None, seed: int = 2024, scale: float = 1.0, generated: int = 20
) -> Corpus:
    """Write every shape below `root` (a new temporary folder when None)."""
    root = Path(tempfile.mkdtemp(prefix="hostile-")) if root is None else root
    root.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(root)
    digest = hashlib.sha256(f"{seed} {scale}".encode())
    for name, write in SHAPES.items():
        writer = ShapeWriter(root / name, name, digest)
        write(writer, random.Random(f"{seed}:{name}"), scale)
        corpus.entries[name] = writer.entries
        corpus.paths[name] = writer.paths
        corpus.locked.extend(writer.locked)
    corpus.digest = digest.hexdigest()[:16]
    corpus.generated_note = add_generated_programs(root / GENERATED, corpus, generated)
    return corpus


def add_generated_programs(folder: Path, corpus: Corpus, count: int) -> str:
    """Programs from `hypothesmith`'s Python grammar strategy, when it is installed.

    Optional (not a dependency). Drawn with `derandomize=True` and no example database, so they
    are the same for the same versions of hypothesis and hypothesmith; they are left out of the
    corpus digest, which stays comparable between machines with and without them.
    """
    if count <= 0:
        return "hypothesmith: not asked for (--generated 0)"
    try:
        import hypothesmith
        from hypothesis import HealthCheck, Phase, find, settings
        from hypothesis.errors import NoSuchExample
    except ImportError:
        return "hypothesmith: not installed, no generated programs (pip install hypothesmith)"
    programs: list[str] = []

    def keep(program: str) -> bool:
        if len(programs) < count:
            programs.append(program)
        return False

    options = settings(
        database=None,
        derandomize=True,
        max_examples=count,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    with contextlib.suppress(NoSuchExample):
        find(hypothesmith.from_grammar(), keep, settings=options)
    writer = ShapeWriter(folder, GENERATED, hashlib.sha256())
    for index, program in enumerate(programs):
        writer.file(f"generated_{index:03d}.py", program.encode("utf-8", "surrogatepass"))
    corpus.entries[GENERATED] = writer.entries
    corpus.paths[GENERATED] = writer.paths
    return f"hypothesmith: {len(programs)} generated programs (same for the same versions)"
