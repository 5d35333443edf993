"""The real-vulnerability corpus is well-formed, honest about its sources, and judged correctly.

benchmarks/realvulns/cases/ holds each case's metadata (case.toml); the two files from a public
project, as they were before and after a security fix, live outside the repository in a files
folder (--files, $SECREVIEW_REALVULNS_FILES, or the shared folder beside the checkout). These
tests never run a case: they check every case.toml's shape, that no held-out project slipped in
(the list is embedded so CI does not need the shared folder), that no third-party source is in
the repository, the files against the metadata for the cases whose files are present (skipped
otherwise, as on a clean clone), that materialise.py rebuilds files from a local git repository,
and that run.py's judgement (expected CWE or a related one, within ±2 lines) works on a tiny
synthetic case.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from secreview.cwe import lookup, related

REALVULNS = Path(__file__).resolve().parent.parent / "benchmarks" / "realvulns"
HELDOUT_FILE = Path("/work/shared/HELDOUT.md")
MAX_CASES_PER_PROJECT = 3
MIN_CASES = 119

# Projects whose code must never be in this corpus (../shared/HELDOUT.md, copied so CI can check
# without the shared folder); "openstack" stands for every project of the OpenStack organisation.
HELDOUT_PROJECTS = frozenset(
    [
        "benchmarkpython",
        "owaspbenchmark",
        "securityeval",
        "s2elab",
        "django",
        "sqlalchemy",
        "werkzeug",
        "jinja",
        "jinja2",
        "flask",
        "requests",
        "fastapi",
        "starlette",
        "openstack",
        "pysaml2",
        "aiohttp",
        "sqlparse",
        "ansible",
        "cobbler",
        "fonttools",
        "graphiteweb",
        "calibreweb",
        "notebook",
        "jupyternotebook",
        "moin",
        "pgadmin4",
        "piccolo",
        "numexpr",
        "pygments",
        "pyload",
        "pip",
        "setuptools",
        "babel",
        "owlmixin",
        "tornado",
        "twisted",
        "urllib3",
        "paramiko",
        "pymysql",
        "supervisor",
        "sagemakerpythonsdk",
        "bentoml",
        "cloudinit",
        "ckan",
        "ormar",
        "redash",
        "gitpython",
        "httplib2",
        "joblib",
        "pyjwt",
        "jupyterserver",
        "jupyterserverproxy",
        "jupyterhub",
        "lxml",
        "dtale",
        "mkdocs",
        "bleach",
        "nltk",
        "flasksecurity",
        "pikepdf",
        "pillow",
        "scrapy",
        "streamlit",
        "pythonrsa",
        "rsa",
        "filelock",
        "wagtail",
        "pyyaml",
        "ytdlp",
    ]
)


def normalise(name: str) -> str:
    """'Flask-Security' and 'flask_security' are the same project."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def heldout_names() -> frozenset[str]:
    """The embedded list, plus every name in the shared file when this machine has it."""
    if not HELDOUT_FILE.is_file():
        return HELDOUT_PROJECTS
    text = HELDOUT_FILE.read_text(encoding="utf-8")
    bullets = [line.split(":", 1)[-1] for line in text.splitlines() if line.startswith("- ")]
    names = {normalise(word) for line in bullets for word in re.split(r"[,;()]|\band\b", line)}
    return HELDOUT_PROJECTS | {name for name in names if name}


@pytest.fixture(scope="module")
def corpus() -> Iterator[ModuleType]:
    """The corpus module, imported the way run.py imports it (its folder on the path)."""
    sys.path.insert(0, str(REALVULNS))
    try:
        import realvulns_corpus

        yield realvulns_corpus
    finally:
        sys.path.remove(str(REALVULNS))


def case_data(folder: Path) -> dict[str, object]:
    return tomllib.loads((folder / "case.toml").read_text(encoding="utf-8"))


CASE_NAMES = sorted(path.name for path in (REALVULNS / "cases").iterdir() if path.is_dir())


def test_every_case_toml_is_well_formed(corpus: ModuleType, tmp_path: Path) -> None:
    folders = corpus.case_folders()
    assert len(folders) >= MIN_CASES
    # An empty sources folder: only the metadata is checked, wherever the files are.
    problems = [problem for folder in folders for problem in corpus.validate(folder, tmp_path)]
    assert problems == []


def test_no_third_party_source_in_the_repository() -> None:
    """The projects' files are not ours to commit: a case folder holds its case.toml only."""
    extra = [
        str(path.relative_to(REALVULNS))
        for path in (REALVULNS / "cases").rglob("*")
        if path.is_file() and path.name != "case.toml"
    ]
    assert extra == []


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_files_match_the_metadata(corpus: ModuleType, name: str) -> None:
    files = corpus.files_root()
    if files is None or not corpus.is_materialised(files / name):
        pytest.skip(f"{name} not materialised (no files folder has it: see materialise.py)")
    assert corpus.validate(corpus.CASES_ROOT / name, files / name) == []


def test_every_expected_cwe_is_a_real_weakness(corpus: ModuleType) -> None:
    for folder in corpus.case_folders():
        for cwe in case_data(folder)["cwe"]:  # type: ignore[union-attr]
            assert lookup(cwe).cwe == cwe, folder.name


def test_no_heldout_project_and_few_cases_per_project(corpus: ModuleType) -> None:
    banned = heldout_names()
    projects: Counter[str] = Counter()
    for folder in corpus.case_folders():
        data = case_data(folder)
        owner, repository = str(data["repository"]).rstrip("/").split("/")[-2:]
        names = {normalise(str(data["project"])), normalise(repository)}
        assert not names & banned, f"{folder.name} comes from a held-out project"
        assert normalise(owner) != "openstack", f"{folder.name} is an OpenStack project"
        projects[normalise(str(data["project"]))] += 1
    crowded = {name: count for name, count in projects.items() if count > MAX_CASES_PER_PROJECT}
    assert crowded == {}


def test_validate_names_each_defect(corpus: ModuleType, tmp_path: Path) -> None:
    folder = tmp_path / "demo-PYSEC-2099-1"
    folder.mkdir()
    assert corpus.validate(folder) == [f"{folder.name}: missing case.toml"]
    write_case(folder, lines=[9], vulnerable="a = 1\n", fixed="a = 1\n")
    problems = corpus.validate(folder)
    assert any("lines [9] outside vulnerable.py" in problem for problem in problems)
    assert any("identical" in problem for problem in problems)
    # The same metadata without its files is well-formed: the file checks wait for the files.
    assert corpus.validate(folder, tmp_path / "elsewhere") == []


def test_notes_are_optional_one_line_text(tmp_path: Path, corpus: ModuleType) -> None:
    """`notes` (why a fixed file is still reported) may be left out; when given it is one
    non-empty line of text, like the description."""
    folder = tmp_path / "demo-PYSEC-2099-9"
    write_case(folder, lines=[1], vulnerable="a = 1\n", fixed="a = 2\nb = 3\nc = 4\n")
    assert corpus.validate(folder) == []
    case_file = folder / "case.toml"
    base = case_file.read_text(encoding="utf-8")
    case_file.write_text(base + 'notes = "the fix is incomplete"\n', encoding="utf-8")
    assert corpus.validate(folder) == []
    case_file.write_text(base + 'notes = "two\\nlines"\n', encoding="utf-8")
    assert corpus.validate(folder) == [f"{folder.name}: notes"]
    case_file.write_text(base + "notes = 3\n", encoding="utf-8")
    assert corpus.validate(folder) == [f"{folder.name}: field 'notes' not str"]


def write_case(
    folder: Path, *, lines: list[int], vulnerable: str, fixed: str, cwe: int = 78
) -> None:
    """A synthetic case in the corpus layout (the name must be project-advisory)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vulnerable.py").write_text(vulnerable, encoding="utf-8")
    (folder / "fixed.py").write_text(fixed, encoding="utf-8")
    project, advisory = folder.name.split("-", 1)
    (folder / "case.toml").write_text(
        f'project = "{project}"\nrepository = "https://example.org/{project}"\n'
        f'license = "MIT"\nadvisory = "{advisory}"\naliases = []\n'
        f'advisory_url = "https://osv.dev/vulnerability/{advisory}"\n'
        f'fix_commit = "{"a" * 40}"\nparent_commit = "{"b" * 40}"\npath = "demo.py"\n'
        f"cwe = [{cwe}]\nlines = {lines}\nfixed_lines = [3]\n"
        'description = "a synthetic case"\n',
        encoding="utf-8",
    )


def test_judge_needs_a_related_cwe_near_an_expected_line(corpus: ModuleType) -> None:
    finding = corpus.Finding
    judge = corpus.judge
    # CWE-80 (basic XSS) is a kind of CWE-79: related, and named as such.
    match = judge([finding(line=12, cwe=80, rule="B308")], [79], [10], related)
    assert (match.rule, match.finding.line) == ("related", 12)
    assert judge([finding(line=13, cwe=79, rule="xss")], [79], [10], related) is None
    assert judge([finding(line=10, cwe=89, rule="sql")], [79], [10], related) is None
    assert judge([finding(line=10, cwe=80, rule="B308")], [79], [10], None) is None
    # An exact match is preferred to a related one on an earlier line.
    both = [finding(line=9, cwe=80, rule="a"), finding(line=11, cwe=79, rule="b")]
    assert judge(both, [79], [10], related).rule == "exact"
    # Pillars relate nothing, and ids outside the catalog are not an error.
    assert judge([finding(line=10, cwe=707, rule="p")], [79], [10], related) is None
    assert judge([finding(line=10, cwe=999999, rule="x")], [79], [10], related) is None


def test_run_reports_found_and_quiet_after_fix_on_a_synthetic_case(tmp_path: Path) -> None:
    vulnerable = "import os\n\n\ndef title(text):\n    os.system('title ' + text)\n"
    fixed = "import subprocess\n\n\ndef title(text):\n    subprocess.run(['title', text])\n"
    write_case(tmp_path / "demo-PYSEC-2099-1", lines=[5], vulnerable=vulnerable, fixed=fixed)
    write_case(tmp_path / "still-PYSEC-2099-2", lines=[5], vulnerable=vulnerable, fixed=vulnerable)
    (tmp_path / "still-PYSEC-2099-2" / "fixed.py").write_text(vulnerable + "\n", encoding="utf-8")
    absent = tmp_path / "meta" / "absent-PYSEC-2099-3"
    write_case(absent, lines=[5], vulnerable=vulnerable, fixed=fixed)
    for name in ("vulnerable.py", "fixed.py"):
        (absent / name).unlink()
    for case in ("demo-PYSEC-2099-1", "still-PYSEC-2099-2"):
        shutil.copytree(tmp_path / case, tmp_path / "meta" / case)
        (tmp_path / "meta" / case / "vulnerable.py").unlink()
        (tmp_path / "meta" / case / "fixed.py").unlink()
    script = REALVULNS / "run.py"
    command = [sys.executable, str(script), "--cases", str(tmp_path / "meta"), "--no-bandit"]
    command += ["--files", str(tmp_path), "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(done.stdout)
    by_case = {entry["case"]: entry["secreview"] for entry in report["cases"]}
    assert by_case["demo-PYSEC-2099-1"]["found"]["cwe"] == 78
    assert by_case["demo-PYSEC-2099-1"]["quiet_after_fix"] is True
    # fixed_lines = [3]: the unchanged call on line 5 is within the window, so not quiet.
    assert by_case["still-PYSEC-2099-2"]["quiet_after_fix"] is False
    overall = report["totals"]["overall"]
    assert overall == {
        "cases": 2,
        "secreview": {"found": 2, "quiet_after_fix": 1, "fixed_pair": 1},
    }
    assert report["tools"] == ["secreview"]
    # A case without its files is named apart, never counted as a miss.
    assert report["not_materialised"] == ["absent-PYSEC-2099-3"]
    assert "absent-PYSEC-2099-3" not in by_case


def git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    done = subprocess.run([*command, *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


VULNERABLE_BYTES = b"import os\r\nos.system(x)\n"
FIXED_BYTES = b"import subprocess\nsubprocess.run([x])\n"


def commit_fix(clone: Path) -> tuple[str, str]:
    """A new clone whose demo.py goes from VULNERABLE_BYTES to FIXED_BYTES; (parent, fix)."""
    clone.mkdir(parents=True)
    git(clone, "init", "-q")
    (clone / "demo.py").write_bytes(VULNERABLE_BYTES)
    git(clone, "add", "demo.py")
    git(clone, "commit", "-q", "-m", "before")
    parent = git(clone, "rev-parse", "HEAD")
    (clone / "demo.py").write_bytes(FIXED_BYTES)
    git(clone, "commit", "-q", "-am", "fix")
    return parent, git(clone, "rev-parse", "HEAD")


def write_bare_cases(meta: Path, commits: dict[str, tuple[str, str]], *absent: str) -> None:
    """Case folders with only case.toml, naming the (parent, fix) commits given per case."""
    for name, (parent, fix) in commits.items():
        write_case(meta / name, lines=[2], vulnerable="", fixed="")
        toml = meta / name / "case.toml"
        text = toml.read_text(encoding="utf-8").replace("a" * 40, fix).replace("b" * 40, parent)
        toml.write_text(text, encoding="utf-8")
    for name in absent:
        write_case(meta / name, lines=[2], vulnerable="", fixed="")
    for case in meta.iterdir():
        (case / "vulnerable.py").unlink()
        (case / "fixed.py").unlink()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_materialise_writes_both_files_from_a_local_clone(tmp_path: Path) -> None:
    parent, fix = commit_fix(tmp_path / "repos" / "demo")
    meta = tmp_path / "meta"
    write_bare_cases(meta, {"demo-PYSEC-2099-1": (parent, fix)}, "gone-PYSEC-2099-2")
    text = (meta / "demo-PYSEC-2099-1" / "case.toml").read_text(encoding="utf-8")
    command = [sys.executable, str(REALVULNS / "materialise.py"), "--cases", str(meta)]
    command += ["--into", str(tmp_path / "files"), "--repos", str(tmp_path / "repos")]
    command += ["--mirror-root", str(tmp_path / "no-mirrors")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    written = tmp_path / "files" / "demo-PYSEC-2099-1"
    assert (written / "vulnerable.py").read_bytes() == VULNERABLE_BYTES
    assert (written / "fixed.py").read_bytes() == FIXED_BYTES
    assert (written / "case.toml").read_text(encoding="utf-8") == text
    assert "gone-PYSEC-2099-2: no local git copy" in done.stdout
    assert not (tmp_path / "files" / "gone-PYSEC-2099-2").exists()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_materialise_finds_bare_mirrors_and_mirrors_with_a_dot_git(tmp_path: Path) -> None:
    """The fetch tool leaves `<owner>+<name>/repo` bare or as a clone with `repo/.git`."""
    mirrors = tmp_path / "mirrors"
    cloned = commit_fix(mirrors / "example.org+demo" / "repo")
    bare_source = tmp_path / "work" / "other"
    bare = commit_fix(bare_source)
    git(
        tmp_path,
        "clone",
        "-q",
        "--bare",
        str(bare_source),
        str(mirrors / "example.org+other" / "repo"),
    )
    meta = tmp_path / "meta"
    write_bare_cases(meta, {"demo-PYSEC-2099-1": cloned, "other-PYSEC-2099-2": bare})
    command = [sys.executable, str(REALVULNS / "materialise.py"), "--cases", str(meta)]
    command += ["--into", str(tmp_path / "files"), "--mirror-root", str(mirrors)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout
    for case in ("demo-PYSEC-2099-1", "other-PYSEC-2099-2"):
        assert (tmp_path / "files" / case / "vulnerable.py").read_bytes() == VULNERABLE_BYTES
        assert (tmp_path / "files" / case / "fixed.py").read_bytes() == FIXED_BYTES
