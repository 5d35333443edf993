"""Ask a repository about revisions, trees and blobs, through its shadow and plumbing only.

Commands are git's plumbing (`rev-parse`, `cat-file`, `diff-tree`, `ls-files`, `update-index`,
`write-tree`, `merge-base`, `symbolic-ref`), whose output no configuration reshapes; names come
NUL-separated (`-z`), so a file name git would quote is read as it is. Commits are parsed from
`cat-file commit`, never from `git log`, which can verify signatures with a program.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from secreview.sources.git.errors import GitError
from secreview.sources.git.locate import Location, bare_repository, find_repository
from secreview.sources.git.shadow import Shadow

GITLINK_MODE = "160000"
SYMLINK_MODE = "120000"
TREE_MODE = "040000"
_PARTIAL_CLONE_HINT = (
    "a shallow or partial clone? secreview never fetches; fetch the history first "
    "(e.g. `git fetch --deepen=1`, or actions/checkout with fetch-depth: 0)"
)


def decode_path(raw: bytes) -> str:
    """A file name as git stores it (bytes), as text that round-trips (surrogateescape)."""
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class Revision:
    """A commit (or the empty tree) as a full id, with the name the user knows it by."""

    sha: str
    label: str

    def describe(self) -> str:
        """'origin/main (1a2b3c4d5e6f)' or just the id when the user gave the id."""
        short = self.sha[:12]
        return short if self.label in (self.sha, short) else f"{self.label} ({short})"


@dataclass(frozen=True, slots=True)
class TreeChange:
    """One line of `diff-tree --raw`: a file added (A), deleted (D), modified (M), renamed (R),
    copied (C) or changed type (T). Ids are None on the side where the file does not exist."""

    status: str
    old_path: str
    new_path: str
    old_mode: str
    new_mode: str
    old_id: str | None
    new_id: str | None


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One index entry: `keep` when git treats the working-tree file as unchanged
    (skip-worktree or assume-unchanged), `stage` > 0 for an unresolved merge."""

    mode: str
    object_id: str
    stage: int
    path: bytes
    keep: bool


def _commit_fields(data: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """A commit object's header fields (continuation lines folded away) and its message."""
    head, _, message = data.partition(b"\n\n")
    fields: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\n"):
        if line.startswith(b" "):
            continue  # the continuation of a multi-line field (a signature)
        key, _, value = line.partition(b" ")
        fields.append((key, value))
    return fields, message


class Repository:
    """A located repository and the shadow that answers questions about it; a context manager
    (leaving it removes the shadow)."""

    def __init__(self, location: Location, index_file: Path | None = None) -> None:
        self.location = location
        self.shadow = Shadow(location, index_file)
        self.empty_tree = Revision(self.shadow.empty_tree, "empty tree")

    @classmethod
    def open(cls, start: Path) -> Repository | None:
        """The repository `start` is in, or the bare repository `start` is (None outside
        one). The index reviewed is the one `GIT_INDEX_FILE` names when set (a `git commit -a`
        hook), else the repository's."""
        location = find_repository(start) or bare_repository(start)
        if location is None:
            return None
        named = os.environ.get("GIT_INDEX_FILE")
        return cls(location, Path(named).resolve() if named else None)

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.shadow.close()

    @property
    def root(self) -> Path:
        """The top folder of the work tree."""
        return self.location.root

    def _git(self, *arguments: str, stdin: bytes | None = None) -> bytes:
        return self.shadow.run(arguments, stdin=stdin) or b""

    def _text(self, *arguments: str) -> str | None:
        output = self.shadow.run(arguments, check=False)
        return output.decode("ascii", "replace").strip() if output else None

    # Revisions

    def resolve(self, revision: str) -> Revision:
        """The commit `revision` names; GitError saying so when it names none."""
        if revision.startswith("-"):
            raise GitError(f"{revision!r} is not a revision (it starts with '-')")
        sha = self._text("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
        if not sha and "@{" in revision:
            raise GitError(
                f"{revision!r}: reflog and upstream names (@{{...}}) need the reviewed "
                "repository's logs and configuration, which secreview does not read; name the "
                "branch or commit instead (e.g. origin/main)"
            )
        if not sha:
            raise GitError(f"{revision!r} does not name a commit in {self.root}")
        return Revision(sha, revision)

    def _commit(self, commit: Revision) -> tuple[list[tuple[bytes, bytes]], bytes]:
        data = self.shadow.contents([commit.sha]).get(commit.sha)
        if data is None:
            raise GitError(f"the commit {commit.describe()} is not in the repository")
        return _commit_fields(data)

    def parent_of(self, commit: Revision) -> Revision:
        """The first parent of `commit`, or the empty tree for a first commit; GitError when
        the parent is named but absent (a shallow clone's edge), rather than comparing with
        nothing and calling every finding new."""
        fields, _ = self._commit(commit)
        parents = [value.decode("ascii") for key, value in fields if key == b"parent"]
        if not parents:
            return self.empty_tree
        if self.shadow.sizes(parents[:1])[parents[0]] is None:
            raise GitError(
                f"the parent {parents[0][:12]} of {commit.describe()} is not in the repository "
                f"({_PARTIAL_CLONE_HINT})"
            )
        return Revision(parents[0], f"{commit.label}^")

    def merge_base(self, base: Revision, head: Revision) -> Revision:
        """Where `head` forked from `base` (what a pull request is compared with), else `base`."""
        found = self._text("merge-base", base.sha, head.sha)
        if not found or found == base.sha:
            return base
        return Revision(found, f"merge-base of {base.label} and {head.label}")

    def head_or_empty_tree(self) -> Revision:
        """HEAD, or the empty tree in a repository with no commit yet (its first commit's base)."""
        try:
            return self.resolve("HEAD")
        except GitError:
            return self.empty_tree

    def default_base(self, head: Revision | None = None) -> Revision:
        """The merge-base of `head` (HEAD) with the default branch, else HEAD, else nothing."""
        current = head or self.head_or_empty_tree()
        if current == self.empty_tree:
            return current  # no commit yet: everything is new
        candidates = ["main", "master"]
        origin_head = self._text("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
        if origin_head and not origin_head.startswith("-"):
            candidates.insert(0, origin_head.removeprefix("refs/remotes/"))
        for branch in candidates:
            found = self._text("merge-base", current.sha, branch)
            if found:
                return Revision(found, f"merge-base with {branch}")
        return current

    def commit_message(self, commit: Revision) -> str:
        """The full message of `commit`, in the encoding it declares, without trailing blanks."""
        fields, message = self._commit(commit)
        declared = dict(fields).get(b"encoding", b"utf-8").decode("ascii", "replace")
        try:
            return message.decode(declared, "replace").rstrip()
        except LookupError:
            return message.decode("utf-8", "replace").rstrip()

    # Trees

    def tree_of(self, revision: Revision) -> str:
        """The root tree of a commit (the empty tree for the empty tree); GitError when the
        repository does not hold it."""
        if revision == self.empty_tree:
            return revision.sha
        tree = dict(self._commit(revision)[0]).get(b"tree", b"").decode("ascii")
        if not tree or self.shadow.sizes([tree])[tree] is None:
            raise GitError(
                f"the files of {revision.describe()} are not in the repository "
                f"({_PARTIAL_CLONE_HINT})"
            )
        return tree

    def blob_id_at(self, revision: Revision, path: str) -> str | None:
        """The id of the blob at `path` in `revision`, None when there is none."""
        if revision == self.empty_tree:
            return None
        found = self._text("rev-parse", "--verify", "--quiet", f"{revision.sha}:{path}")
        if not found or self._text("cat-file", "-t", found) != "blob":
            return None
        return found

    def blobs_in(self, revision: Revision, folder: str) -> dict[str, str] | None:
        """Name -> blob id of the files directly in `folder` at `revision`; None when `folder`
        is not a folder there."""
        if revision == self.empty_tree:
            return None
        tree = self._text("rev-parse", "--verify", "--quiet", f"{revision.sha}:{folder}")
        if not tree or self._text("cat-file", "-t", tree) != "tree":
            return None
        return self._regular_files("ls-tree", "-z", tree)

    def files_of(self, revision: Revision) -> dict[str, str]:
        """Path -> blob id of every regular file of `revision`, at any depth (no links, no
        submodules): the project a change is reviewed in."""
        if revision == self.empty_tree:
            return {}
        return self._regular_files("ls-tree", "-r", "-z", self.tree_of(revision))

    def _regular_files(self, *listing: str) -> dict[str, str]:
        """Name -> blob id of the regular files (not links, not submodules) an `ls-tree -z`
        lists."""
        found: dict[str, str] = {}
        for record in self._git(*listing).split(b"\0"):
            info, _, name = record.partition(b"\t")
            if info:
                mode, kind, object_id = info.decode("ascii").split(" ")
                if kind == "blob" and mode != SYMLINK_MODE:
                    found[decode_path(name)] = object_id
        return found

    def index_entries(self) -> list[IndexEntry]:
        """Every entry of (the shadow's copy of) the index."""
        if not self.shadow.index.exists():
            return []
        output = self._git("ls-files", "--stage", "-v", "-z")
        entries = []
        for record in output.split(b"\0"):
            if not record:
                continue
            info, _, path = record.partition(b"\t")
            tag, mode, object_id, stage = info.decode("ascii").split(" ")
            keep = tag == "S" or tag.islower()
            entries.append(IndexEntry(mode, object_id, int(stage), path, keep))
        return entries

    def tree_with(self, updates: Sequence[tuple[str, str | None, bytes]]) -> str:
        """The tree of the index copy with (mode, blob id, path) updates; a None id removes the
        path. The reviewed repository's own index is never written."""
        if updates:
            zero = "0" * len(self.shadow.empty_tree)
            records = b"".join(
                f"{mode if object_id else '0'} {object_id or zero}\t".encode() + path + b"\0"
                for mode, object_id, path in updates
            )
            self._git("update-index", "-z", "--index-info", stdin=records)
        if not self.shadow.index.exists():
            return self.shadow.empty_tree
        unmerged = self.shadow.run(["write-tree", "--missing-ok"], check=False)
        if unmerged is None:
            raise GitError(f"the index of {self.root} has unresolved merge conflicts")
        return unmerged.decode("ascii").strip()

    def changes(self, old_tree: str, new_tree: str) -> list[TreeChange]:
        """What changed from one tree to the other, renames found by content (`-M`).

        Every tree that differs between the two sides (`-t` lists them) is hashed against its
        id, from the roots down: a tampered object store cannot answer with another tree's
        content and so hide a changed file. Trees with the same id on both sides need no check:
        they are the same object, unchanged whatever they hold."""
        output = self._git(
            "diff-tree", "-r", "-t", "-z", "--raw", "--no-abbrev", "-M", "--no-ext-diff",
            "--no-textconv", old_tree, new_tree,
        )  # fmt: skip
        fields = output.split(b"\0")
        changes: list[TreeChange] = []
        trees = [old_tree, new_tree]
        position = 0
        while position < len(fields) and fields[position].startswith(b":"):
            old_mode, new_mode, old_id, new_id, status = fields[position][1:].decode().split(" ")
            paths = 2 if status[0] in "RC" else 1
            names = [decode_path(name) for name in fields[position + 1 : position + 1 + paths]]
            position += 1 + paths
            absent = "0" * len(old_id)
            if TREE_MODE in (old_mode, new_mode):
                trees += [i for i, m in ((old_id, old_mode), (new_id, new_mode)) if m == TREE_MODE]
                continue
            changes.append(
                TreeChange(
                    status=status[0],
                    old_path=names[0],
                    new_path=names[-1],
                    old_mode=old_mode,
                    new_mode=new_mode,
                    old_id=None if old_id == absent else old_id,
                    new_id=None if new_id == absent else new_id,
                )
            )
        self.shadow.contents(trees)  # raises for a tree that is not what its id names
        return changes

    def held(self, object_ids: Iterable[str]) -> set[str]:
        """The objects among `object_ids` the repository holds (a partial clone lacks some)."""
        sizes = self.shadow.sizes(object_ids)
        return {object_id for object_id, size in sizes.items() if size is not None}

    def read_blobs(self, object_ids: Iterable[str], max_bytes: int) -> dict[str, bytes | int]:
        """Each blob's bytes, or its size when it is over `max_bytes` (not read); GitError for
        a blob the repository does not hold."""
        sizes = self.shadow.sizes(object_ids)
        missing = [object_id for object_id, size in sizes.items() if size is None]
        if missing:
            raise GitError(
                f"the file contents {', '.join(m[:12] for m in missing[:3])} are not in the "
                f"repository ({_PARTIAL_CLONE_HINT})"
            )
        result: dict[str, bytes | int] = {
            object_id: size for object_id, size in sizes.items() if size and size > max_bytes
        }
        result.update(self.shadow.contents(o for o in sizes if o not in result))
        return result

    def patch(self, pairs: Sequence[tuple[str | None, str | None]]) -> bytes:
        """One unified diff of blob pairs (None: no such side), the n-th pair under the name
        `f<n>`: git never sees the real names, so none is quoted, and `--text` means no
        attribute can make a Python file look binary."""
        old_entries, new_entries = [], []
        for number, (old_id, new_id) in enumerate(pairs):
            name = f"f{number:07d}".encode()
            if old_id:
                old_entries.append(b"100644 " + name + b"\0" + bytes.fromhex(old_id))
            if new_id:
                new_entries.append(b"100644 " + name + b"\0" + bytes.fromhex(new_id))
        old_tree = self.shadow.write_object("tree", b"".join(old_entries))
        new_tree = self.shadow.write_object("tree", b"".join(new_entries))
        return self._git(
            "diff-tree", "-r", "-p", "--no-renames", "--text", "--no-ext-diff", "--no-textconv",
            "--no-color", "-U3", "--src-prefix=a/", "--dst-prefix=b/", old_tree, new_tree,
        )  # fmt: skip
