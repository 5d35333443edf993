"""Project mode of the real-vulnerability benchmark: trees written from git, findings kept per
case file, and file and project mode counted side by side.

No mirror is needed: each git test makes a small repository (two commits) in a temporary
folder. The end-to-end test scans a three-file package with secreview, where the data enters
in one module and reaches a file sink in the case's module: file mode cannot see it, project
mode reports it at the call, and its evidence names the sink in the case's file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REALVULNS = Path(__file__).resolve().parent.parent / "benchmarks" / "realvulns"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CASE_PATH = "src/pkg/sub/store.py"
VIEWS = """from flask import Flask, request

from pkg.sub import store

app = Flask(__name__)


@app.route("/page")
def page():
    return store.read_page(request.args["name"])
"""
STORE_BEFORE = """import os

BASE = "/srv/pages"


def read_page(name):
    with open(os.path.join(BASE, name)) as handle:
        return handle.read()
"""
STORE_AFTER = """import os

BASE = "/srv/pages"


def read_page(name):
    with open(os.path.join(BASE, os.path.basename(name))) as handle:
        return handle.read()
"""


@pytest.fixture(scope="module")
def modules() -> Iterator[dict[str, ModuleType]]:
    """The benchmark's modules, imported the way run.py imports them (its folder on the path)."""
    sys.path.insert(0, str(REALVULNS))
    try:
        import project_mode
        import project_tree
        import realvulns_corpus
        import scanners

        yield {
            "mode": project_mode,
            "tree": project_tree,
            "corpus": realvulns_corpus,
            "scanners": scanners,
        }
    finally:
        sys.path.remove(str(REALVULNS))


def git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    done = subprocess.run([*command, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def make_project(repo: Path) -> tuple[str, str]:
    """A repository whose package `src/pkg` gets a fix in sub/store.py; (parent, fix)."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    write(
        repo,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/sub/__init__.py": "",
            "src/pkg/views.py": VIEWS,
            CASE_PATH: STORE_BEFORE,
            "src/pkg/data.txt": "not Python\n",
            "tools/release.py": "print('outside the package')\n",
            "docs/conf.py": "project = 'demo'\n",
        },
    )
    (repo / "src" / "pkg" / "alias.py").symlink_to("views.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "before")
    parent = git(repo, "rev-parse", "HEAD")
    write(repo, {CASE_PATH: STORE_AFTER, "src/pkg/names.py": "SAFE = True\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "fix")
    return parent, git(repo, "rev-parse", "HEAD")


def write_case(meta: Path, name: str, parent: str, fix: str, lines: str = "[7]") -> None:
    folder = meta / name
    folder.mkdir(parents=True)
    project, advisory = name.split("-", 1)
    (folder / "case.toml").write_text(
        f'project = "{project}"\nrepository = "https://example.org/owner/{project}"\n'
        f'license = "MIT"\nadvisory = "{advisory}"\naliases = []\n'
        f'advisory_url = "https://osv.dev/vulnerability/{advisory}"\n'
        f'fix_commit = "{fix}"\nparent_commit = "{parent}"\npath = "{CASE_PATH}"\n'
        f'cwe = [22]\nlines = {lines}\nfixed_lines = [7]\ndescription = "a synthetic case"\n',
        encoding="utf-8",
    )


def test_tree_root_is_the_outermost_package_else_the_files_folder(
    modules: dict[str, ModuleType],
) -> None:
    tree_root = modules["tree"].tree_root
    paths = {"src/pkg/__init__.py", "src/pkg/sub/__init__.py", "src/pkg/sub/mod.py"}
    assert tree_root(paths, "src/pkg/sub/mod.py") == "src/pkg"
    # A folder without __init__.py stops the climb, even with a package above it.
    assert tree_root({"a/__init__.py", "a/b/c.py"}, "a/b/c.py") == "a/b"
    assert tree_root({"tools/run.py"}, "tools/run.py") == "tools"
    assert tree_root({"bottle.py", "test/test_x.py"}, "bottle.py") == ""
    assert tree_root({"pkg/__init__.py", "pkg/m.py"}, "pkg/m.py") == "pkg"


def test_select_tree_keeps_the_package_and_bounds_it(modules: dict[str, ModuleType]) -> None:
    select = modules["tree"].select_tree
    blobs = {path: "0" * 40 for path in ("p/__init__.py", "p/a.py", "p2/b.py", "setup.py")}
    assert select(blobs, "p/a.py", 10) == ("p", ["p/__init__.py", "p/a.py"])
    # `p2` starts with `p` but is another folder.
    assert select(blobs, "setup.py", 10) == ("", sorted(blobs))
    assert select(blobs, "setup.py", 3) == "4 Python files under the repository root (limit 3)"
    assert select(blobs, "p/missing.py", 10) == "p/missing.py is not a file of the tree"


@needs_git
def test_materialise_project_writes_both_trees_from_git_objects(
    modules: dict[str, ModuleType], tmp_path: Path
) -> None:
    parent, fix = make_project(tmp_path / "repos" / "demo")
    meta = tmp_path / "meta"
    write_case(meta, "demo-PYSEC-2099-1", parent, fix)
    into = tmp_path / "trees"
    command = [sys.executable, str(REALVULNS / "materialise.py"), "--project", "--cases", str(meta)]
    command += ["--repos", str(tmp_path / "repos"), "--mirror-root", str(tmp_path / "no-mirrors")]
    done = subprocess.run(
        [*command, "--into", str(into)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    case = into / "demo-PYSEC-2099-1"
    written = {
        side: sorted(p.relative_to(case / side).as_posix() for p in (case / side).rglob("*"))
        for side in ("vulnerable", "fixed")
    }
    package = ["src", "src/pkg", "src/pkg/__init__.py", "src/pkg/sub", "src/pkg/sub/__init__.py"]
    # No symbolic link, no data file, nothing outside the package.
    assert written["vulnerable"] == sorted([*package, CASE_PATH, "src/pkg/views.py"])
    assert written["fixed"] == sorted([*package, CASE_PATH, "src/pkg/names.py", "src/pkg/views.py"])
    assert (case / "vulnerable" / CASE_PATH).read_text(encoding="utf-8") == STORE_BEFORE
    assert (case / "fixed" / CASE_PATH).read_text(encoding="utf-8") == STORE_AFTER
    tree = modules["tree"].read_tree(case)
    assert (tree.case_path, tree.roots, tree.counts) == (
        CASE_PATH,
        {"vulnerable": "src/pkg", "fixed": "src/pkg"},
        {"vulnerable": 4, "fixed": 5},
    )
    # Too large a tree is not written, and the reason is given.
    small = tmp_path / "small"
    done = subprocess.run(
        [*command, "--into", str(small), "--limit", "3"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "4 Python files under src/pkg (limit 3)" in done.stdout
    assert modules["tree"].read_tree(small / "demo-PYSEC-2099-1") is None


def test_findings_are_kept_in_the_case_file_or_by_the_sink_their_evidence_names(
    modules: dict[str, ModuleType], tmp_path: Path
) -> None:
    mode, corpus, scanners = modules["mode"], modules["corpus"], modules["scanners"]
    finding = corpus.Finding
    folder = tmp_path / "vulnerable"
    own = scanners.Reported(f"./{CASE_PATH}", finding(line=7, cwe=22, rule="a"))
    absolute = scanners.Reported(str(folder / CASE_PATH), finding(line=8, cwe=22, rule="b"))
    other = scanners.Reported("src/pkg/views.py", finding(line=10, cwe=22, rule="c"))
    caller = scanners.Reported(
        "src/pkg/views.py", finding(line=10, cwe=22, rule="path-traversal"), (("sub/store.py", 7),)
    )
    elsewhere = scanners.Reported(
        "src/pkg/views.py", finding(line=10, cwe=22, rule="d"), (("store.py", 7),)
    )
    located = [own, absolute, other, caller, elsewhere]
    assert [f.rule for f in mode.case_findings(folder, located, CASE_PATH)] == ["a", "b"]
    assert mode.caller_findings(folder, located, "src/pkg", CASE_PATH) == [
        finding(line=7, cwe=22, rule="path-traversal via src/pkg/views.py")
    ]


def test_side_by_side_totals_count_each_mode_over_the_same_cases(
    modules: dict[str, ModuleType], tmp_path: Path
) -> None:
    mode, corpus = modules["mode"], modules["corpus"]
    hit = corpus.Match(corpus.Finding(line=7, cwe=22, rule="r"), expected_cwe=22, rule="exact")
    missed = corpus.ToolResult(found=None, after_fix=None, error=None, fixed_reviewed=True)
    found = corpus.ToolResult(found=hit, after_fix=None, error=None, fixed_reviewed=True)
    flagged = corpus.ToolResult(found=hit, after_fix=hit, error=None, fixed_reviewed=True)
    case = corpus.Case(
        "demo-PYSEC-2099-1", tmp_path, tmp_path, "demo", "", "", (22,), (7,), (7,), ""
    )
    tree = modules["tree"].TreeInfo(tmp_path, CASE_PATH, {}, {})
    rows = [
        mode.ProjectRow(case, tree, {"file": {"s": missed}, "project": {"s": missed},
                                     "caller": {"s": found}}, {}),
        mode.ProjectRow(case, tree, {"file": {"s": found}, "project": {"s": flagged},
                                     "caller": {"s": flagged}}, {}),
    ]  # fmt: skip
    summary = mode.side_by_side_totals(rows, ["s"])
    assert {m: summary[m]["overall"]["s"] for m in mode.MODES} == {
        "file": {"found": 1, "quiet_after_fix": 2, "fixed_pair": 1},
        "project": {"found": 1, "quiet_after_fix": 1, "fixed_pair": 0},
        "caller": {"found": 2, "quiet_after_fix": 1, "fixed_pair": 1},
    }
    assert mode.changes(rows[0], "s", "caller") == ["+found", "+pair"]
    assert mode.changes(rows[1], "s", "project") == ["-quiet", "-pair"]
    assert mode.changes(rows[0], "s", "project") == []


@needs_git
def test_run_project_finds_a_flow_that_enters_in_another_file(tmp_path: Path) -> None:
    parent, fix = make_project(tmp_path / "repos" / "demo")
    meta = tmp_path / "meta"
    write_case(meta, "demo-PYSEC-2099-1", parent, fix)
    write_case(meta, "notree-PYSEC-2099-2", parent, fix)
    files, trees = tmp_path / "files", tmp_path / "trees"
    for case in ("demo-PYSEC-2099-1", "notree-PYSEC-2099-2"):
        (files / case).mkdir(parents=True)
        (files / case / "vulnerable.py").write_text(STORE_BEFORE, encoding="utf-8")
        (files / case / "fixed.py").write_text(STORE_AFTER, encoding="utf-8")
    script = REALVULNS / "materialise.py"
    subprocess.run(
        [sys.executable, str(script), "--project", "--cases", str(meta), "--case",
         "demo-PYSEC-2099-1", "--into", str(trees), "--repos", str(tmp_path / "repos"),
         "--mirror-root", str(tmp_path / "no-mirrors")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    command = [sys.executable, str(REALVULNS / "run.py"), "--cases", str(meta), "--no-bandit"]
    command += ["--files", str(files), "--project", str(trees), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(done.stdout)
    (entry,) = report["cases"]
    results = {m: entry[m]["secreview"] for m in ("file", "project", "caller")}
    # The file alone only has a parameter; the package's scan reports the flow at the call.
    assert results["file"]["found"] is None
    assert results["project"]["found"] is None
    assert results["caller"]["found"]["line"] == 7
    assert results["caller"]["found"]["id"] == "path-traversal via src/pkg/views.py"
    assert all(result["quiet_after_fix"] for result in results.values())
    assert report["totals"]["caller"]["overall"]["secreview"]["fixed_pair"] == 1
    assert report["totals"]["file"]["overall"]["secreview"]["fixed_pair"] == 0
    assert [line.split(" (")[0] for line in report["apart"]] == [
        "no project tree: notree-PYSEC-2099-2"
    ]


def _python_tool(scanners: ModuleType, code: str) -> object:
    """A stand-in tool: this interpreter running `code`, which prints an empty JSON report."""
    return scanners.Tool(
        name="stand-in",
        command=lambda targets: [sys.executable, "-c", code],
        read=lambda report: ([], []),
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CPU limits need prlimit")
def test_a_case_budget_is_cpu_time_so_a_waiting_tool_is_not_stopped(
    modules: dict[str, ModuleType], tmp_path: Path
) -> None:
    """A busy machine must not decide which cases are measured: a tool that waits past its
    budget finishes; one that computes past it is stopped and says so."""
    scanners = modules["scanners"]
    waits = _python_tool(scanners, "import time, json; time.sleep(1.5); print(json.dumps({}))")
    assert scanners.run_tool(waits, tmp_path, [], timeout=1) == ([], [], None)
    spins = _python_tool(scanners, "while True: pass")
    assert scanners.run_tool(spins, tmp_path, [], timeout=1) == (
        [],
        [],
        "timeout after 1 s of CPU time",
    )
