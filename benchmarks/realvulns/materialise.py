"""Write each real-vulnerability case's two source files from local git copies of the projects.

The repository keeps only each case's case.toml: vulnerable.py and fixed.py are third-party code,
which is not committed. This script recreates them, byte for byte, in a files folder
(`<into>/<case>/vulnerable.py` and `fixed.py`, with a copy of case.toml so the folder stands on
its own, as `secreview bench --realvulns` wants) that run.py and the corpus test read with
--files or $SECREVIEW_REALVULNS_FILES. For each case it asks git for the file at the parent
commit and at the fix commit (`git show <commit>:<path>`), in a local repository found by the
case's repository URL: a mirror `<mirror-root>/<owner>+<name>/repo` (bare, or a clone whose git
directory is `repo/.git`: the fetch tool makes both) or a clone `<repos>/<name>`.

It reads git objects only: no checkout, no network, hooks and fsmonitor off
(`-c core.hooksPath=/dev/null -c core.fsmonitor=false`), textconv off; nothing from the projects
is ever run. A case already complete in the files folder
is left as it is (so a shared folder is never rewritten); cases it could not write are listed.

With --project it writes, instead, each case's package tree at both commits (project_tree.py),
which run.py --project scans the way a user scans a repository.

Usage: python benchmarks/realvulns/materialise.py --into DIR [--mirror-root DIR] [--repos DIR]
                                                  [--case NAME]... [--project [--limit N]]
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The folder is put on the path just above, so the corpus module imports as in run.py.
from git_read import MIRROR_ROOT, git_dirs, git_show
from project_tree import TREE_LIMIT, materialise_trees
from realvulns_corpus import (
    CASE_FILE,
    CASES_ROOT,
    FILES_ENV,
    FIXED,
    VULNERABLE,
    case_folders,
    files_root,
    is_materialised,
)


def materialise(folder: Path, into: Path, candidates: Sequence[Path]) -> str | None:
    """Write one case's two files under `into`; None when done, else why it could not be."""
    data = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))
    if not candidates:
        return f"no local git copy of {data['repository']}"
    for git_dir in candidates:
        before = git_show(git_dir, data["parent_commit"], data["path"])
        after = git_show(git_dir, data["fix_commit"], data["path"])
        if before is not None and after is not None:
            target = into / folder.name
            target.mkdir(parents=True, exist_ok=True)
            (target / VULNERABLE).write_bytes(before)
            (target / FIXED).write_bytes(after)
            (target / CASE_FILE).write_bytes((folder / CASE_FILE).read_bytes())
            return None
    tried = ", ".join(str(path) for path in candidates)
    return f"{data['path']} at the two commits is not in {tried}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--into", type=Path, default=None, help=f"files folder to write (default ${FILES_ENV})"
    )
    parser.add_argument(
        "--mirror-root",
        type=Path,
        default=MIRROR_ROOT,
        help="folder of mirrors <owner>+<name>/repo[/.git] (default %(default)s)",
    )
    parser.add_argument("--repos", type=Path, default=None, help="folder of clones <name>/")
    parser.add_argument(
        "--cases", type=Path, default=CASES_ROOT, help="folder of case.toml folders"
    )
    parser.add_argument("--case", action="append", default=[], help="only this case (repeatable)")
    parser.add_argument(
        "--project",
        action="store_true",
        help="write each case's package tree at both commits instead (project_tree.py; "
        "--into is then required)",
    )
    parser.add_argument(
        "--limit", type=int, default=TREE_LIMIT, help="most Python files of a tree (--project)"
    )
    args = parser.parse_args(argv)
    folders = [f for f in case_folders(args.cases) if not args.case or f.name in args.case]
    if args.project:
        if args.into is None:
            parser.error("--project needs --into DIR (a folder outside the repository)")
        written, present, failed = materialise_trees(
            folders, args.into, args.mirror_root, args.repos, args.limit
        )
        return report(args.into, written, present, failed)
    into = args.into
    if into is None:
        into = files_root()
        if into is None:
            parser.error(f"give --into DIR or set {FILES_ENV}")

    written, present, failed = 0, 0, []
    for folder in folders:
        if is_materialised(into / folder.name):
            present += 1
            continue
        repository = tomllib.loads((folder / CASE_FILE).read_text(encoding="utf-8"))["repository"]
        candidates = git_dirs(repository, args.mirror_root, args.repos)
        reason = materialise(folder, into, candidates)
        if reason is None:
            written += 1
        else:
            failed.append(f"{folder.name}: {reason}")
    return report(into, written, present, failed)


def report(into: Path, written: int, present: int, failed: Sequence[str]) -> int:
    """Print what was written and why the rest was not; the exit status (1 when any failed)."""
    print(f"{into}: {written} written, {present} already there, {len(failed)} not materialised")
    for line in failed:
        print(f"    {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
