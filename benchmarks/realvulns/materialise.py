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

Usage: python benchmarks/realvulns/materialise.py --into DIR [--mirror-root DIR] [--repos DIR]
                                                  [--case NAME]...
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The folder is put on the path just above, so the corpus module imports as in run.py.
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

MIRROR_ROOT = Path("/work/.mirror")
GIT_TIMEOUT = 120.0


def git_dirs(repository: str, mirror_root: Path | None, repos: Path | None) -> list[Path]:
    """The local git directories that may hold `repository` (an https URL), best first.

    A mirror named `<owner>+<name>` (case-insensitive) comes first; a mirror of the same name
    under another owner (a project that moved) and a clone `<repos>/<name>` follow. Which of
    them really has the commits is left to git. A mirror's `repo` may be bare or hold its git
    directory in `repo/.git` (fetching a small project gives the second), so both are tried.
    """
    owner, name = repository.rstrip("/").removesuffix(".git").split("/")[-2:]
    candidates: list[Path] = []
    if mirror_root is not None and mirror_root.is_dir():
        mirrors = sorted(path for path in mirror_root.iterdir() if path.is_dir())
        exact = [m for m in mirrors if m.name.lower() == f"{owner}+{name}".lower()]
        moved = [m for m in mirrors if m.name.lower().endswith(f"+{name}".lower())]
        for mirror in [*exact, *moved]:
            candidates += [mirror / "repo", mirror / "repo" / ".git"]
    if repos is not None:
        candidates += [repos / name / ".git", repos / name]
    unique = dict.fromkeys(path for path in candidates if (path / "HEAD").is_file())
    return list(unique)


def git_show(git_dir: Path, commit: str, path: str) -> bytes | None:
    """The bytes of `path` at `commit` in `git_dir`, or None when git does not have them."""
    command = ["git", "--no-pager", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"]
    command += [f"--git-dir={git_dir}", "show", "--no-textconv", f"{commit}:{path}"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


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
    args = parser.parse_args(argv)
    into = args.into
    if into is None:
        into = files_root()
        if into is None:
            parser.error(f"give --into DIR or set {FILES_ENV}")

    folders = [f for f in case_folders(args.cases) if not args.case or f.name in args.case]
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
    print(f"{into}: {written} written, {present} already there, {len(failed)} not materialised")
    for line in failed:
        print(f"    {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
