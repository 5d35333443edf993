"""A throw-away bare repository that borrows the reviewed repository's objects and refs.

Every git command of a review runs here, never in the reviewed repository. git reads the
configuration, hooks, attributes and `info/` of the repository it runs in; this one has only
the configuration written below, no hooks, no attributes and no `info/`, so nothing the reviewed
repository says can make git run a program (filters, hooks, fsmonitor, external diff, textconv,
gpg, pager, ssh), look elsewhere (`core.worktree`, `include`) or see different objects
(replace refs, grafts). That holds by construction: no list of dangerous keys to keep up to date.

The reviewed repository is only read: its objects through `objects/info/alternates`, its refs,
HEAD and index as copies. Objects a review makes (working-tree blobs, trees) are written here.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from secreview.sources.git.errors import GitError
from secreview.sources.git.locate import Location, object_format, read_small

EMPTY_TREES = {
    "sha1": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    "sha256": "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
}
_HASHES = {"sha1": hashlib.sha1, "sha256": hashlib.sha256}
_CHUNK_BYTES = 1024 * 1024
_MAX_REF_FILES = 200_000
"""A refs tree larger than this is not a repository anyone reviews; stop copying."""


def _config(format_name: str) -> str:
    """The shadow's whole configuration: a bare repository of the reviewed one's format."""
    if format_name == "sha1":
        return "\n".join(["[core]", "\trepositoryformatversion = 0", "\tbare = true", ""])
    lines = ["[core]", "\trepositoryformatversion = 1", "\tbare = true"]
    return "\n".join([*lines, "[extensions]", f"\tobjectformat = {format_name}", ""])


def _command_config(empty_tree: str) -> list[str]:
    """`-c` settings that also hold against git versions that read more places than today."""
    settings = {
        "core.hooksPath": os.devnull,
        "core.fsmonitor": "false",
        "core.untrackedCache": "false",
        "core.useReplaceRefs": "false",
        "core.commitGraph": "false",  # a planted commit-graph could lie about parents
        "core.multiPackIndex": "false",
        "core.quotePath": "false",
        "protocol.allow": "never",
        "attr.tree": empty_tree,
        "log.showSignature": "false",
        "gc.auto": "0",
        "maintenance.auto": "false",
    }
    return [part for key, value in settings.items() for part in ("-c", f"{key}={value}")]


def _copy_regular(source: Path, target: Path) -> None:
    """Copy `source` when it is a regular file (a FIFO or device would hang or never end)."""
    try:
        status = source.lstat()
    except OSError:
        return
    if stat.S_ISREG(status.st_mode):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _copy_refs(source: Path, target: Path) -> None:
    """The loose refs under `source` (regular files only: links and FIFOs are not refs git
    writes), so that branch and tag names resolve in the shadow."""
    copied = 0
    for folder, folders, files in os.walk(source):  # os.walk does not follow links
        relative = Path(folder).relative_to(source)
        for name in files:
            copied += 1
            if copied > _MAX_REF_FILES:
                raise GitError(f"{source} holds over {_MAX_REF_FILES:,} refs; not reviewing it")
            _copy_regular(Path(folder) / name, target / relative / name)
        folders[:] = [f for f in folders if not (Path(folder) / f).is_symlink()]


def _alternate_line(objects: Path) -> str:
    """One line of `objects/info/alternates`, C-quoted when the path needs it."""
    text = str(objects)
    if "\n" not in text and '"' not in text and "\\" not in text:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _scrubbed_environment(shadow: Path) -> dict[str, str]:
    """This process's environment without any GIT_* variable (they can name another repository,
    config, object folder or program), plus settings that point git at the shadow only."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environment.update(
        GIT_DIR=str(shadow),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_ATTR_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_NO_LAZY_FETCH="1",
        GIT_NO_REPLACE_OBJECTS="1",
        GIT_OPTIONAL_LOCKS="0",
        GIT_PAGER="cat",
        PAGER="cat",
        HOME=str(shadow),
        XDG_CONFIG_HOME=str(shadow),
        LC_ALL="C",
    )
    return environment


class Shadow:
    """The shadow repository of one review; `close` removes it."""

    def __init__(self, location: Location, index_file: Path | None = None) -> None:
        self.location = location
        self.format = object_format(location)
        if self.format not in EMPTY_TREES:
            raise GitError(f"{location.root} uses object format {self.format!r}, unknown here")
        if (location.common_dir / "reftable").is_dir():
            raise GitError(f"{location.root} stores refs as a reftable, which is not supported")
        self.empty_tree = EMPTY_TREES[self.format]
        self.directory = Path(tempfile.mkdtemp(prefix="secreview-git-"))
        try:
            self._build(index_file)
        except BaseException:
            self.close()
            raise
        self._environment = _scrubbed_environment(self.directory)
        self._options = _command_config(self.empty_tree)

    def _build(self, index_file: Path | None) -> None:
        shadow, location = self.directory, self.location
        (shadow / "config").write_text(_config(self.format), encoding="utf-8")
        (shadow / "objects" / "info").mkdir(parents=True)
        alternates = _alternate_line(location.objects.resolve())
        (shadow / "objects" / "info" / "alternates").write_text(alternates + "\n", "utf-8")
        (shadow / "refs").mkdir()
        _copy_refs(location.common_dir / "refs", shadow / "refs")
        if location.git_dir != location.common_dir:  # a linked worktree's own refs win
            _copy_refs(location.git_dir / "refs", shadow / "refs")
        for name in ("packed-refs", "shallow"):
            _copy_regular(location.common_dir / name, shadow / name)
        head = read_small(location.git_dir / "HEAD")
        (shadow / "HEAD").write_bytes(head or b"ref: refs/heads/main\n")
        index = index_file or location.git_dir / "index"
        _copy_regular(index, shadow / "index")
        for shared in location.git_dir.glob("sharedindex.*"):  # a split index's other half
            _copy_regular(shared, shadow / shared.name)

    @property
    def index(self) -> Path:
        """The shadow's copy of the reviewed repository's index (may not exist)."""
        return self.directory / "index"

    def run(
        self,
        arguments: Sequence[str],
        *,
        stdin: bytes | None = None,
        check: bool = True,
        extra_environment: Mapping[str, str] | None = None,
    ) -> bytes | None:
        """git's standard output; None when `check` is off and git exits non-zero."""
        environment = dict(self._environment, **(extra_environment or {}))
        try:
            completed = subprocess.run(
                ["git", "--no-pager", *self._options, *arguments],
                cwd=self.directory,
                env=environment,
                input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise GitError("git is not installed (or not on PATH)") from None
        if completed.returncode != 0:
            if not check:
                return None
            reason = completed.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(
                f"`git {' '.join(arguments)}` failed in {self.location.root}: "
                f"{reason[-1] if reason else 'no reason given'}"
            )
        return completed.stdout

    def write_object(self, kind: str, data: bytes) -> str:
        """Store a loose object in the shadow (never in the reviewed repository); its id."""
        stored = f"{kind} {len(data)}\0".encode() + data
        object_id = _HASHES[self.format](stored).hexdigest()
        target = self.directory / "objects" / object_id[:2] / object_id[2:]
        if not target.exists():
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(zlib.compress(stored, 1))
        return object_id

    def blob_id(self, data: bytes) -> str:
        """The id git gives a blob of `data`, without storing it."""
        return _HASHES[self.format](f"blob {len(data)}\0".encode() + data).hexdigest()

    def store_stream(self, handle: BinaryIO, size: int) -> str | None:
        """Store a blob of `size` bytes read from `handle` without holding it in memory; its
        id, or None when the file did not hold `size` bytes (it changed while read)."""
        header = f"blob {size}\0".encode()
        digest, packer = _HASHES[self.format](header), zlib.compressobj(1)
        read = 0
        with tempfile.NamedTemporaryFile(dir=self.directory / "objects", delete=False) as out:
            out.write(packer.compress(header))
            while chunk := handle.read(_CHUNK_BYTES):
                digest.update(chunk)
                out.write(packer.compress(chunk))
                read += len(chunk)
            out.write(packer.flush())
        object_id = digest.hexdigest()
        target = self.directory / "objects" / object_id[:2] / object_id[2:]
        if read != size:
            os.unlink(out.name)
            return None
        target.parent.mkdir(exist_ok=True)
        os.replace(out.name, target)
        return object_id

    def sizes(self, object_ids: Iterable[str]) -> dict[str, int | None]:
        """Each object's size, None for an object the repository does not hold."""
        wanted = list(dict.fromkeys(object_ids))
        if not wanted:
            return {}
        output = self.run(["cat-file", "--batch-check"], stdin="\n".join(wanted).encode() + b"\n")
        sizes: dict[str, int | None] = {}
        for object_id, line in zip(wanted, (output or b"").splitlines(), strict=True):
            parts = line.split()
            sizes[object_id] = int(parts[2]) if len(parts) == 3 else None
        return sizes

    def contents(self, object_ids: Iterable[str]) -> dict[str, bytes]:
        """The bytes of each (present) object, read with one `cat-file --batch`.

        git does not check that an object's content matches its id when it reads it; a planted
        object store could answer with other content. Each object is hashed here, so what is
        reviewed is what the id names."""
        wanted = list(dict.fromkeys(object_ids))
        if not wanted:
            return {}
        output = self.run(["cat-file", "--batch"], stdin="\n".join(wanted).encode() + b"\n") or b""
        found: dict[str, bytes] = {}
        position = 0
        for object_id in wanted:
            end = output.index(b"\n", position)
            parts = output[position:end].split()
            position = end + 1
            if len(parts) != 3:
                continue  # "<id> missing"
            kind, size = parts[1], int(parts[2])
            data = output[position : position + size]
            position += size + 1
            if _HASHES[self.format](b"%s %d\0" % (kind, size) + data).hexdigest() != object_id:
                raise GitError(
                    f"the object {object_id[:12]} in {self.location.root} does not hold what its "
                    "id names (a corrupt or tampered object store)"
                )
            found[object_id] = data
        return found

    def close(self) -> None:
        """Remove the shadow; the reviewed repository was never written to."""
        shutil.rmtree(self.directory, ignore_errors=True)
