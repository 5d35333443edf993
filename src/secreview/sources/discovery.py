"""Find the Python files under the paths a user names.

A file is Python when it ends in `.py` or `.pyw` or, having no extension,
starts with a python shebang. Excluded folders (version control, virtual environments, build
output, node_modules) are never entered, so a scan of a project root stays fast and relevant.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from secreview.findings import FileError
from secreview.index import module_name_for

_PYTHON_SUFFIXES = frozenset({".py", ".pyw"})
_SHEBANG = re.compile(rb"^#![^\n]*\bpython[0-9.]*\b")


@dataclass(frozen=True, slots=True, order=True)
class SourceFile:
    """A file to review: how it is shown in reports, and where it is on disk."""

    shown_as: str
    path: Path
    module: str = ""
    """Dotted module name, relative to the folder the scan started from (`pkg.helpers`)."""


def _excluded(relative: str, name: str, patterns: Sequence[str]) -> bool:
    """A pattern matches a bare name (any depth) or the path relative to the scan root."""
    return any(
        fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern) for pattern in patterns
    )


def _has_python_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return bool(_SHEBANG.match(handle.readline(256)))
    except OSError:
        return False


def is_python_file(path: Path) -> bool:
    """Python by extension, or an extension-less file with a python shebang."""
    if path.suffix in _PYTHON_SUFFIXES:
        return True
    return path.suffix == "" and path.is_file() and _has_python_shebang(path)


def _display(path: Path) -> str:
    """Paths under the working directory are shown relative to it, with forward slashes."""
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    return shown.as_posix()


def discover(
    roots: Sequence[str], excludes: Sequence[str]
) -> tuple[list[SourceFile], list[FileError]]:
    """Python files under `roots` (sorted, unique) and an error for each root that does not exist.

    A file named explicitly is reviewed even if its extension is not `.py`; broken symlinks
    are kept so that the scan can report them as errors instead of silently skipping them.
    """
    found: dict[str, SourceFile] = {}
    missing: list[FileError] = []
    for root in roots:
        root_path = Path(root)
        if root_path.is_symlink() and not root_path.exists():
            found[_display(root_path)] = SourceFile(_display(root_path), root_path)
            continue
        if not root_path.exists():
            missing.append(FileError(root, "does not exist (no such file or directory)"))
            continue
        if root_path.is_file():
            found[_display(root_path)] = SourceFile(
                _display(root_path), root_path, module_name_for(PurePath(root_path.name))
            )
            continue
        for file in _walk(root_path, excludes):
            module = module_name_for(file.relative_to(root_path))
            found.setdefault(_display(file), SourceFile(_display(file), file, module))
    return [found[key] for key in sorted(found)], missing


def _walk(root: Path, excludes: Sequence[str]) -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        base = Path(directory)
        relative_base = base.relative_to(root)
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if not _excluded((relative_base / d).as_posix(), d, excludes)
            and not (base / d / "pyvenv.cfg").exists()  # any virtual environment, whatever its name
        )
        for name in sorted(files):
            candidate = base / name
            if _excluded((relative_base / name).as_posix(), name, excludes):
                continue
            if candidate.is_symlink() and not candidate.exists():
                if candidate.suffix in _PYTHON_SUFFIXES:
                    yield candidate
                continue
            if is_python_file(candidate):
                yield candidate
