"""The real-vulnerability corpus is well-formed, honest about its sources, and judged correctly.

benchmarks/realvulns/ holds files from public projects as they were before and after a security
fix. These tests never run a case: they check each case folder's shape, that no held-out project
slipped in (the list is embedded so CI does not need the shared folder), and that run.py's
judgement (expected CWE or a related one, within ±2 lines) works on a tiny synthetic case.
"""

from __future__ import annotations

import json
import re
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
MIN_CASES = 40

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


def test_every_case_is_well_formed(corpus: ModuleType) -> None:
    folders = corpus.case_folders()
    assert len(folders) >= MIN_CASES
    problems = [problem for folder in folders for problem in corpus.validate(folder)]
    assert problems == []


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
    assert corpus.validate(folder) == [f"{folder.name}: missing vulnerable.py, fixed.py, case.toml"]
    write_case(folder, lines=[9], vulnerable="a = 1\n", fixed="a = 1\n")
    problems = corpus.validate(folder)
    assert any("lines [9] outside vulnerable.py" in problem for problem in problems)
    assert any("identical" in problem for problem in problems)


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
    script = REALVULNS / "run.py"
    command = [sys.executable, str(script), "--cases", str(tmp_path), "--no-bandit", "--json"]
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
