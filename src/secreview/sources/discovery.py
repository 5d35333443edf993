"""Find the Python files under the paths a user names, and say why anything else was left out.

A file is Python when it ends in `.py` or `.pyw` or, having no extension, starts with a python
shebang. Excluded folders (version control, virtual environments, build output, node_modules) are
never entered, so a scan of a project root stays fast and relevant. Exclude patterns and
`.gitignore` files have gitignore semantics (`secreview.sources.ignore`); a pattern matches the
path relative to the scanned folder or the path as reports show it (relative to the working
directory). Files named on the command line are reviewed whatever the patterns say.

Nothing is skipped silently: a folder that cannot be listed, a Python-named pipe, device or
broken link, and a symbolic link leading out of the scanned folders each become one error.
Symbolic links are not followed out of the scanned folders (a hostile repository could point at
`/etc` or at itself) unless `follow_symlinks`; a path the user names is always followed. A file
reachable under several names is reviewed once, under its real name when it has one.

Names are bytes on Linux: the name shown in reports escapes what is not printable text
(`bad\\xff.py`), while the real path is kept to read the file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import NamedTuple

from secreview.findings import ErrorKind, FileError
from secreview.index.facts import module_name_for
from secreview.sources.ignore import (
    GITIGNORE,
    GitIgnore,
    Patterns,
    enclosing_gitignores,
    is_gitignored,
    read_gitignore,
)
from secreview.sources.packages import enclosing_package
from secreview.sources.python_files import (
    PYTHON_SUFFIXES,
    extension,
    has_python_shebang,
    is_python_file,
)
from secreview.sources.reading import not_regular_reason, open_path
from secreview.text import shown_name


class SourceFile(NamedTuple):
    """A file to review: how it is shown in reports, and where it is on disk."""

    shown_as: str
    path: Path
    module: str = ""
    """Dotted module name as the project's imports spell it (`pkg.helpers`): relative to the
    folder the scan started from, after the packages that folder is in (`package`)."""
    identity: str = ""
    """Its name in fingerprints, repository-relative (`secreview.sources.identity`)."""
    package: str = ""
    """The package the scanned folder is (`sphinx` when scanning `site-packages/sphinx`)."""


def _reason(error: OSError) -> str:
    text = error.strerror or str(error)
    return text[:1].lower() + text[1:]


class _Entry(NamedTuple):
    """A folder or link met in the walk: its path, its path relative to the root, its real path
    (where a followed link leads), and its path as shown (not yet escaped)."""

    path: str
    relative: str
    real: str
    shown: str
    gitignores: tuple[GitIgnore, ...] = ()
    """The `.gitignore` files that govern what is in this folder, shallow first."""
    match_shown: bool = True
    """Whether excludes are matched against the shown path too: not under a root the user
    named inside an excluded folder (`secreview scan venv/lib/python3.11/site-packages/x` from
    the folder above), which the default `site-packages` would otherwise exclude whole."""

    def child(self, name: str) -> _Entry:
        """The entry `name` in this folder: joined strings, no pathlib or os.path per file."""
        return _Entry(
            _joined(self.path, name, os.sep),
            f"{self.relative}/{name}" if self.relative else name,
            _joined(self.real, name, os.sep),
            name if self.shown == "." else _joined(self.shown, name, "/"),
            self.gitignores,
            self.match_shown,
        )


def _joined(folder: str, name: str, separator: str) -> str:
    return folder + name if folder.endswith(separator) else f"{folder}{separator}{name}"


@dataclass(slots=True)
class _Discovery:
    """The state of one `discover` call: what was found, what went wrong, where we have been."""

    excludes: Patterns
    follow_symlinks: bool
    cwd: Path | None
    gitignore: bool = True
    scanned_folders: tuple[str, ...] = ()
    scanned_files: frozenset[str] = frozenset()
    found: dict[str, tuple[bool, SourceFile]] = field(default_factory=dict)
    """Real path -> (reached through a link, the file); one review per real file."""
    errors: list[FileError] = field(default_factory=list)
    visited: set[tuple[int, int]] = field(default_factory=set)
    package: str = ""
    """The package the root being walked is (`secreview.sources.packages`)."""

    def display(self, path: str) -> str:
        """A named path as shown: relative to the working directory when under it, with `/`."""
        shown = Path(path)
        if self.cwd is not None and shown.is_absolute() and shown.is_relative_to(self.cwd):
            shown = shown.relative_to(self.cwd)
        return shown.as_posix()

    def error(self, shown: str, message: str, kind: ErrorKind = ErrorKind.UNREADABLE) -> None:
        self.errors.append(FileError(shown_name(shown), message, kind))

    def add(self, path: str, shown: str, relative: str, real: str, via_link: bool) -> None:
        """Keep one name per real file: a real name over a link's, then the first in order."""
        shown = shown_name(shown)
        kept = self.found.get(real)
        if kept is None or (via_link, shown) < (kept[0], kept[1].shown_as):
            # The module name is matched against imports; a name no import can spell stays
            # printable too (it may be quoted in evidence).
            module = shown_name(module_name_for(PurePath(relative), self.package))
            source = SourceFile(shown, Path(path), module, package=self.package)
            self.found[real] = (via_link, source)

    def inside(self, real: str) -> bool:
        """Whether a link's target is one of the scanned files or under a scanned folder."""
        return real in self.scanned_files or any(
            real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)
            for folder in self.scanned_folders
        )

    def excluded(self, entry: _Entry, is_dir: bool) -> bool:
        """An exclude pattern matches the path relative to the scan root or the path as shown
        (when that is relative to the working directory), or a `.gitignore` ignores it."""
        shown = entry.shown
        return (
            self.excludes.match(entry.relative, is_dir)
            or (
                entry.match_shown
                and shown != entry.relative
                and not shown.startswith(("/", "../"))
                and self.excludes.match(shown, is_dir)
            )
            or (bool(entry.gitignores) and is_gitignored(entry.gitignores, entry.real, is_dir))
        )

    def with_gitignore(self, folder: _Entry, names: Sequence[tuple[str, str]]) -> _Entry:
        """`folder`, also governed by its own `.gitignore` when it has one (an unreadable one
        is an error naming it)."""
        if not self.gitignore or (GITIGNORE, "file") not in names:
            return folder
        read = read_gitignore(folder.real)
        if isinstance(read, str):
            self.error(folder.child(GITIGNORE).shown, read)
            return folder
        if read is None:
            return folder
        return folder._replace(gitignores=(*folder.gitignores, read))

    def enter_once(self, path: str) -> bool:
        """With links followed, a folder already walked (a link to an ancestor) is not again."""
        if not self.follow_symlinks:
            return True
        try:
            status = os.stat(path)
        except OSError:
            return True  # listing it will report why it cannot be read
        key = (status.st_dev, status.st_ino)
        if key in self.visited:
            return False
        self.visited.add(key)
        return True


def discover(
    roots: Sequence[str],
    excludes: Sequence[str],
    follow_symlinks: bool = False,
    *,
    gitignore: bool = False,
) -> tuple[list[SourceFile], list[FileError]]:
    """Python files under `roots` (sorted, unique) and an error for everything left out.

    A file named explicitly is reviewed when it is Python (`.py`, `.pyw`, a python shebang);
    any other named file is an error, never a clean verdict. A named symbolic link is followed:
    the user asked for it. With `gitignore`, `.gitignore` files are honoured.
    """
    try:
        cwd: Path | None = Path.cwd()
    except OSError:  # the working directory was deleted: show paths as given
        cwd = None
    run = _Discovery(Patterns(excludes), follow_symlinks, cwd, gitignore)
    named: list[tuple[str, os.stat_result, str]] = []
    for root in roots:
        try:
            status = os.stat(root)
        except OSError as error:
            run.error(root, _missing_reason(root, error))
            continue
        named.append((root, status, os.path.realpath(root)))
    run.scanned_folders = tuple(real for _, s, real in named if stat.S_ISDIR(s.st_mode))
    run.scanned_files = frozenset(real for _, s, real in named if stat.S_ISREG(s.st_mode))
    for root, status, real in named:
        if stat.S_ISDIR(status.st_mode):
            run.visited.add((status.st_dev, status.st_ino))
            run.package = enclosing_package(root)
            shown = run.display(root)
            named_inside_excluded = not shown.startswith(("/", "../")) and run.excludes.match(
                shown, True
            )
            entry = _Entry(root, "", real, shown, _enclosing(run, root, real))
            _walk(run, entry._replace(match_shown=not named_inside_excluded))
        elif stat.S_ISREG(status.st_mode) and not is_python_file(Path(root)):
            run.error(
                run.display(root),
                "is not a Python file (no .py or .pyw extension, no python shebang); "
                "it was not reviewed",
                ErrorKind.NOT_PYTHON,
            )
        elif stat.S_ISREG(status.st_mode):
            run.package = enclosing_package(os.path.dirname(os.path.abspath(root)))
            run.add(root, run.display(root), os.path.basename(root), real, via_link=False)
        else:
            run.error(run.display(root), not_regular_reason(status.st_mode))
    sources = sorted(source for _, source in run.found.values())
    return sources, sorted(run.errors, key=lambda e: e.path)


def _enclosing(run: _Discovery, root: str, real: str) -> tuple[GitIgnore, ...]:
    """The `.gitignore` files above a scanned folder, up to its repository's top."""
    if not run.gitignore:
        return ()
    found, problems = enclosing_gitignores(real)
    for problem in problems:
        run.error(run.display(root), problem)
    if is_gitignored(found, real, is_dir=True):
        return ()  # the user named an ignored folder: review it, governed by its own files
    return tuple(found)


def _missing_reason(root: str, error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        if os.path.islink(root):
            return "is a broken symbolic link"
        return "does not exist (no such file or directory)"
    return f"cannot be read ({_reason(error)})"


def _walk(run: _Discovery, root: _Entry) -> None:
    """Every folder under `root` (without recursion: trees can be thousands of folders deep).

    Folders reached through links are entered last, so a file is known under its real name first.
    """
    pending: list[_Entry] = [root]
    linked: list[_Entry] = []
    while pending or linked:
        folder = pending.pop() if pending else linked.pop(0)
        if folder is not root and not run.enter_once(folder.path):
            continue
        names = _list(run, folder)
        folder = run.with_gitignore(folder, names)
        for name, kind in names:
            entry = folder.child(name)
            if run.excluded(entry, is_dir=kind == "dir"):
                continue
            if kind == "dir":
                if not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):  # any virtual env
                    pending.append(entry)
            elif kind == "link":
                target = _linked(run, entry, name)
                if target is not None:
                    linked.append(target)
            elif kind == "file":
                suffix = extension(name)
                if suffix in PYTHON_SUFFIXES or (suffix == "" and has_python_shebang(entry.path)):
                    run.add(entry.path, entry.shown, entry.relative, entry.real, via_link=False)
            elif extension(name) in PYTHON_SUFFIXES:
                _special(run, entry.path, entry.shown)


def _list(run: _Discovery, folder: _Entry) -> list[tuple[str, str]]:
    """(name, kind) of each entry, sorted; one error when the folder cannot be listed.

    The kinds come from the directory entries themselves (d_type), so listing costs no stat per
    file. A folder whose path is longer than PATH_MAX is listed through folder descriptors.
    """
    try:
        try:
            with os.scandir(folder.path) as entries:
                return sorted((entry.name, _kind(entry)) for entry in entries)
        except OSError as error:
            if error.errno != errno.ENAMETOOLONG:
                raise
        handle = open_path(folder.path, folder=True)
        try:
            with os.scandir(handle) as entries:
                return sorted((entry.name, _kind(entry)) for entry in entries)
        finally:
            os.close(handle)
    except OSError as error:
        run.error(
            folder.shown,
            f"cannot be listed ({_reason(error)}); its files were not reviewed",
        )
        return []


def _kind(entry: os.DirEntry[str]) -> str:
    try:
        if entry.is_symlink():
            return "link"
        if entry.is_dir(follow_symlinks=False):
            return "dir"
        return "file" if entry.is_file(follow_symlinks=False) else "special"
    except OSError:
        return "special"


def _special(run: _Discovery, path: str, shown: str) -> None:
    """A Python-named pipe, socket or device: reported, never opened (a FIFO would block)."""
    try:
        reason = not_regular_reason(os.lstat(path).st_mode)
    except OSError as error:
        reason = f"cannot be read ({_reason(error)})"
    run.error(shown, reason)


def _linked(run: _Discovery, link: _Entry, name: str) -> _Entry | None:
    """Handle a symbolic link found in a folder; return the folder to enter, if any."""
    python_name = extension(name) in PYTHON_SUFFIXES
    try:
        target = os.stat(link.path)
    except OSError as error:
        if python_name:
            broken = isinstance(error, FileNotFoundError)
            run.error(
                link.shown,
                "is a broken symbolic link" if broken else f"cannot be read ({_reason(error)})",
            )
        return None
    real = os.path.realpath(link.path)
    inside = run.inside(real)
    if stat.S_ISDIR(target.st_mode):
        if run.follow_symlinks:
            venv = os.path.exists(os.path.join(link.path, "pyvenv.cfg"))
            return None if venv else _Entry(link.path, link.relative, real, link.shown)
        if not inside:
            run.error(
                link.shown,
                f"is a symbolic link to a folder outside the scanned folder ({shown_name(real)}); "
                "not entered without --follow-symlinks",
                ErrorKind.OUTSIDE,
            )
        return None  # a folder inside is reviewed under its own name
    if not stat.S_ISREG(target.st_mode):
        if python_name:
            run.error(link.shown, not_regular_reason(target.st_mode))
        return None
    may_read = inside or run.follow_symlinks
    if not python_name and not (
        extension(name) == "" and may_read and has_python_shebang(link.path)
    ):
        return None
    if not may_read:
        run.error(
            link.shown,
            f"is a symbolic link to a file outside the scanned folder ({shown_name(real)}); "
            "not read without --follow-symlinks",
            ErrorKind.OUTSIDE,
        )
        return None
    run.add(link.path, link.shown, link.relative, real, via_link=True)
    return None
