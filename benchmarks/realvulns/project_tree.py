"""Write each real-vulnerability case's project tree, as a user would scan it, from local git.

File mode reviews the one file with the sink; a user scans the repository, where secreview's
cross-module pass can follow data that enters in another file. So for each case this writes the
Python files of the *package* the case's file belongs to, at the parent commit and at the fix
commit: `<into>/<case>/vulnerable/<path in the repository>` and `<into>/<case>/fixed/...`, with
`tree.json` naming the scanned folder (run.py --project reads it) and a copy of case.toml.

The scanned folder is the outermost package holding the file: from the file's folder, go up
while the folder has an `__init__.py`. A file outside any package (a script, a single-module
project such as `bottle.py`) gets its own folder. Trees of more than TREE_LIMIT Python files
are not written (the reason is listed): the measurement is bounded, and says so.

Git is asked for objects only, through materialise.git_command (hooks and fsmonitor off):
`git ls-tree` lists the tree and `git cat-file --batch` gives each blob's raw bytes, which
applies no filter, textconv or attribute (unlike `git archive` or a checkout, which may run a
configured filter). Nothing from the projects is run. Symbolic links and submodules are left
out. A case already complete in `--into` is left untouched.
"""

from __future__ import annotations

import json
import subprocess
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from git_read import GIT_TIMEOUT, git_command, git_dirs
from realvulns_corpus import CASE_FILE

TREE_LIMIT = 3000
"""The most Python files a case's tree may have; larger ones are skipped with the reason."""
TREE_FILE = "tree.json"
"""Written last into `<into>/<case>/`: the scanned folder per side; its presence means done."""
SIDES = {"vulnerable": "parent_commit", "fixed": "fix_commit"}
"""Each side of a case's tree and the case.toml field naming its commit."""
_REGULAR_FILES = frozenset({"100644", "100755"})


@dataclass(frozen=True, slots=True)
class TreeInfo:
    """Where a case's tree sits and what to scan in it (read back from tree.json)."""

    folder: Path
    """`<into>/<case>`, holding `vulnerable/`, `fixed/` and tree.json."""
    case_path: str
    """The case's file, relative to the repository (and so to each side's folder)."""
    roots: dict[str, str]
    """Per side, the scanned folder relative to the repository ('' for the repository root)."""
    counts: dict[str, int]
    """Per side, how many Python files were written."""

    def side(self, name: str) -> Path:
        """The folder a side's files were written into (paths inside are the repository's)."""
        return self.folder / name


def python_blobs(git_dir: Path, commit: str) -> dict[str, str] | None:
    """Every regular `.py` file at `commit` as path -> blob id; None when git lacks the commit."""
    command = git_command(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit)
    try:
        done = subprocess.run(command, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    blobs: dict[str, str] = {}
    for entry in done.stdout.split(b"\0"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.split()
        path = raw_path.decode("utf-8", errors="surrogateescape")
        if len(fields) == 3 and fields[0].decode() in _REGULAR_FILES and path.endswith(".py"):
            blobs[path] = fields[2].decode()
    return blobs


def tree_root(paths: Collection[str], case_path: str) -> str:
    """The folder to scan for `case_path`: its outermost enclosing package, else its folder.

    `paths` are the repository's Python files. `src/pkg/sub/mod.py` with `src/pkg/__init__.py`
    and `src/pkg/sub/__init__.py` gives `src/pkg`; `tools/run.py` with no `__init__.py` gives
    `tools`; `bottle.py` gives '' (the repository root).
    """
    folder = PurePosixPath(case_path).parent
    root = folder
    while folder.name and (folder / "__init__.py").as_posix() in paths:
        root = folder
        folder = folder.parent
    return "" if root.as_posix() == "." else root.as_posix()


def is_under(root: str, path: str) -> bool:
    """Whether `path` (relative to the repository) lies in the folder `root`."""
    return not root or path.startswith(root.rstrip("/") + "/")


def select_tree(blobs: dict[str, str], case_path: str, limit: int) -> tuple[str, list[str]] | str:
    """The scanned folder and its Python files, sorted; or why the tree is not written."""
    if case_path not in blobs:
        return f"{case_path} is not a file of the tree"
    root = tree_root(blobs, case_path)
    files = sorted(path for path in blobs if is_under(root, path))
    if len(files) > limit:
        return f"{len(files)} Python files under {root or 'the repository root'} (limit {limit})"
    return root, files


def read_blobs(git_dir: Path, blob_ids: Sequence[str]) -> dict[str, bytes] | None:
    """The raw bytes of each blob (`git cat-file --batch`: no filter, no textconv)."""
    command = git_command(git_dir, "cat-file", "--batch")
    request = "".join(f"{blob}\n" for blob in dict.fromkeys(blob_ids)).encode()
    try:
        done = subprocess.run(
            command, input=request, capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    contents: dict[str, bytes] = {}
    data, position = done.stdout, 0
    while position < len(data):
        header_end = data.index(b"\n", position)
        fields = data[position:header_end].split()
        if len(fields) != 3 or fields[1] != b"blob":
            return None
        size = int(fields[2])
        contents[fields[0].decode()] = data[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1
    return contents


def write_files(target: Path, files: dict[str, bytes]) -> None:
    """Write repository paths under `target`, refusing any that would leave it."""
    for path, content in files.items():
        relative = PurePosixPath(path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"unsafe path in the tree: {path}")
        destination = target.joinpath(*relative.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(content)


def materialise_tree(
    folder: Path, into: Path, candidates: Sequence[Path], limit: int = TREE_LIMIT
) -> str | None:
    """Write one case's two trees under `into`; None when done, else why it could not be."""
    data = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))
    if not candidates:
        return f"no local git copy of {data['repository']}"
    case_path = data["path"]
    for git_dir in candidates:
        chosen: dict[str, tuple[str, list[str], dict[str, str]]] = {}
        for side, field in SIDES.items():
            blobs = python_blobs(git_dir, data[field])
            if blobs is None:
                break
            picked = select_tree(blobs, case_path, limit)
            if isinstance(picked, str):
                return f"not written at {field}: {picked}"
            chosen[side] = (*picked, blobs)
        if len(chosen) < len(SIDES):
            continue
        target = into / folder.name
        record: dict[str, object] = {"case_path": case_path}
        for side, (root, files, blobs) in chosen.items():
            contents = read_blobs(git_dir, [blobs[path] for path in files])
            if contents is None:
                return f"git could not read the blobs of the {side} tree in {git_dir}"
            write_files(target / side, {path: contents[blobs[path]] for path in files})
            record[side] = {"root": root, "files": len(files), "commit": data[SIDES[side]]}
        (target / CASE_FILE).write_bytes((folder / CASE_FILE).read_bytes())
        (target / TREE_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        return None
    tried = ", ".join(str(path) for path in candidates)
    return f"the two commits are not in {tried}"


def read_tree(folder: Path) -> TreeInfo | None:
    """The tree written for a case in `folder` (`<into>/<case>`), or None when there is none."""
    record_file = folder / TREE_FILE
    if not record_file.is_file():
        return None
    record = json.loads(record_file.read_text(encoding="utf-8"))
    return TreeInfo(
        folder=folder,
        case_path=record["case_path"],
        roots={side: record[side]["root"] for side in SIDES},
        counts={side: record[side]["files"] for side in SIDES},
    )


def materialise_trees(
    folders: Sequence[Path],
    into: Path,
    mirror_root: Path | None,
    repos: Path | None,
    limit: int = TREE_LIMIT,
) -> tuple[int, int, list[str]]:
    """Write the trees of `folders` (case folders); (written, already there, failures)."""
    written, present, failed = 0, 0, []
    for folder in folders:
        if read_tree(into / folder.name) is not None:
            present += 1
            continue
        repository = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))["repository"]
        reason = materialise_tree(folder, into, git_dirs(repository, mirror_root, repos), limit)
        if reason is None:
            written += 1
        else:
            failed.append(f"{folder.name}: {reason}")
    return written, present, failed
