"""The name a file has in fingerprints: relative to its repository, whatever folder ran the scan.

Reports show paths relative to the working directory (`../app/views.py` from `docs/`), but a
finding's identity must not depend on where the command was started, or a baseline recorded at
the repository root would match nothing when the same tree is scanned from a subfolder. So
fingerprints use the path from the top of the git work tree holding the file (found by walking
up to `.git`, never by running git), and outside any repository the path from the folder the
scan was started on.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from secreview.sources.discovery import SourceFile
from secreview.sources.git.locate import find_repository
from secreview.text import shown_name


class IdentityPaths:
    """Repository-relative names for the files of one scan (repository look-ups cached)."""

    def __init__(self, roots: Sequence[str]) -> None:
        self._roots = sorted(
            (Path(os.path.realpath(root)) for root in roots), key=lambda p: -len(p.parts)
        )
        self._tops: dict[Path, Path | None] = {}

    def _repository_top(self, folder: Path) -> Path | None:
        if folder not in self._tops:
            try:
                found = find_repository(folder)
                top = found.root.resolve() if found is not None else None
            except OSError:  # a folder deeper than PATH_MAX: named from the scan's root
                top = None
            self._tops[folder] = top
        return self._tops[folder]

    def of(self, path: Path, shown_as: str) -> str:
        """The identity of the file at `path` (shown as `shown_as` when nothing better exists)."""
        real = Path(os.path.realpath(path))
        top = self._repository_top(real.parent)
        if top is not None and real.is_relative_to(top):
            return shown_name(real.relative_to(top).as_posix())
        for root in self._roots:
            if real == root:
                return shown_name(real.name)
            if real.is_relative_to(root):
                return shown_name(real.relative_to(root).as_posix())
        return shown_as


def with_identities(sources: Sequence[SourceFile], roots: Sequence[str]) -> list[SourceFile]:
    """`sources`, each with its repository-relative identity (see the module docstring)."""
    paths = IdentityPaths(roots)
    return [source._replace(identity=paths.of(source.path, source.shown_as)) for source in sources]
