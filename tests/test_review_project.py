"""`secreview review --project`: a change reviewed inside the whole project, before and after."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_review import commit_all, git, lines_of, review

from secreview.cli import cli

SAFE_HELPER = (
    "import subprocess\n\n\ndef list_folder(name):\n"
    '    return subprocess.run(["ls", "--", name], capture_output=True).stdout\n'
)
SHELL_HELPER = (
    "import subprocess\n\n\ndef list_folder(name):\n"
    '    return subprocess.run("ls " + name, shell=True, capture_output=True).stdout\n'
)
VIEWS = (
    "from flask import Flask, request\n\nfrom app.helpers import list_folder\n\n"
    'app = Flask(__name__)\n\n\n@app.route("/list")\ndef listing():\n'
    '    return list_folder(request.args["name"])\n'
)
QUIET_VIEWS = VIEWS.replace('request.args["name"]', '"reports"')
CHANGED = "the change does not touch this file"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A Flask view in one module handing a request argument to a helper in another."""
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "helpers.py").write_text(SAFE_HELPER)
    (tmp_path / "app" / "views.py").write_text(VIEWS)
    commit_all(tmp_path, "A listing page")
    return tmp_path


def notes_of(payload: dict[str, object], path: str) -> list[str]:
    notes = payload["analysis_notes"]
    return [n["message"] for n in notes if n["path"] == path]  # type: ignore[union-attr,index]


def test_a_helper_made_to_shell_out_is_reported_where_request_data_reaches_it(
    project: Path,
) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    _, alone = review(project, "--commit", "HEAD")
    assert ("tainted-command", "app/views.py", 10) not in lines_of(alone)
    code, payload = review(project, "--commit", "HEAD", "--project")
    assert code == 1
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)
    assert ("shell-command-injection", "app/helpers.py", 5) in lines_of(payload)
    assert any(CHANGED in note for note in notes_of(payload, "app/views.py"))
    assert payload["project_files"] == 3
    assert alone["project_files"] is None


def test_a_view_changed_to_pass_request_data_to_a_shell_helper_in_another_module(
    project: Path,
) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    (project / "app" / "views.py").write_text(QUIET_VIEWS)
    commit_all(project, "A fixed listing")
    (project / "app" / "views.py").write_text(VIEWS)
    commit_all(project, "List what the client asks for")
    _, alone = review(project, "--commit", "HEAD")
    assert ("tainted-command", "app/views.py", 10) not in lines_of(alone)
    _, payload = review(project, "--commit", "HEAD", "--project")
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)
    assert notes_of(payload, "app/views.py") == []  # a changed file: no "untouched" note


def test_fixing_the_helper_resolves_the_flow_in_the_untouched_view(project: Path) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    (project / "app" / "helpers.py").write_text(SAFE_HELPER)
    commit_all(project, "List without a shell")
    code, payload = review(project, "--commit", "HEAD", "--project")
    assert (code, payload["findings"]) == (0, [])
    resolved = lines_of(payload, "resolved")
    assert ("tainted-command", "app/views.py", 10) in resolved
    assert ("shell-command-injection", "app/helpers.py", 5) in resolved


def test_renaming_a_module_with_a_cross_module_flow_reports_nothing_new(project: Path) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    git(project, "mv", "app/helpers.py", "app/tools.py")
    (project / "app" / "views.py").write_text(VIEWS.replace("app.helpers", "app.tools"))
    commit_all(project, "Rename the helpers")
    _, payload = review(project, "--commit", "HEAD", "--project")
    assert payload["findings"] == []


def test_the_working_tree_is_reviewed_in_its_project(project: Path) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)  # not committed
    _, payload = review(project, "--project")
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)


def test_a_diff_fitted_to_the_disk_is_reviewed_in_the_disk_s_project(tmp_path: Path) -> None:
    """No git and no base revision: the folder the diff is fitted to is the project."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "helpers.py").write_text(SAFE_HELPER)
    (tmp_path / "app" / "views.py").write_text(VIEWS)
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()  # ignored, as `secreview scan` ignores it
    (tmp_path / "build" / "views.py").write_text(VIEWS)
    diff = (
        "--- a/app/helpers.py\n+++ b/app/helpers.py\n@@ -5 +5 @@\n"
        '-    return subprocess.run(["ls", "--", name], capture_output=True).stdout\n'
        '+    return subprocess.run("ls " + name, shell=True, capture_output=True).stdout\n'
    )
    _, alone = review(tmp_path, "--diff", "-", stdin=diff)
    assert ("tainted-command", "app/views.py", 10) not in lines_of(alone)
    _, payload = review(tmp_path, "--diff", "-", "--project", stdin=diff)
    assert payload["project_files"] == 3
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)
    assert any(CHANGED in note for note in notes_of(payload, "app/views.py"))
    assert (tmp_path / "app" / "helpers.py").read_text() == SAFE_HELPER  # the disk untouched


def test_gerrit_tells_a_flow_into_an_untouched_file_in_the_message(project: Path) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    result = CliRunner().invoke(
        cli, ["review", "-C", str(project), "--commit", "HEAD", "--project", "--format", "gerrit"]
    )
    payload = json.loads(result.output)
    assert set(payload["comments"]) == {"app/helpers.py"}  # Gerrit refuses untouched files
    assert "app/views.py line 10 (a file the change does not touch):" in payload["message"]


def test_a_bare_repository_reviews_commits_but_has_no_working_tree(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    bare = tmp_path_factory.mktemp("server") / "app.git"
    git(project, "clone", "-q", "--bare", str(project), str(bare))
    _, payload = review(bare, "--commit", "HEAD", "--project")
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)
    for args in ([], ["--staged"], ["--diff", "-"]):
        result = CliRunner().invoke(cli, ["review", "-C", str(bare), *args], input="")
        assert result.exit_code == 2, args
        assert "bare repository" in result.output


def test_deleting_the_shell_helper_resolves_its_findings_and_the_flow_into_it(
    project: Path,
) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    git(project, "rm", "-q", "app/helpers.py")
    (project / "app" / "views.py").write_text(
        QUIET_VIEWS.replace("from app.helpers import list_folder\n", "")
    )
    commit_all(project, "No listing")
    code, payload = review(project, "--commit", "HEAD", "--project")
    assert code == 0
    resolved = lines_of(payload, "resolved")
    assert ("shell-command-injection", "app/helpers.py", 5) in resolved
    assert ("tainted-command", "app/views.py", 10) in resolved


def test_review_project_in_the_base_configuration_makes_it_the_default(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.secreview]\nreview-project = true\n")
    commit_all(project, "Review inside the project")
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    _, payload = review(project, "--commit", "HEAD")
    assert payload["project_files"] == 3
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)
    diff = git(project, "diff", "HEAD~1", "HEAD")
    git(project, "checkout", "-q", "HEAD~1")
    _, fitted = review(project, "--diff", "-", stdin=diff)  # no base revision: the disk's
    assert fitted["project_files"] == 3


def test_a_partial_clone_is_reviewed_without_the_files_it_lacks(project: Path) -> None:
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    empty_blob = git(project, "rev-parse", "HEAD:app/__init__.py").strip()
    (project / ".git" / "objects" / empty_blob[:2] / empty_blob[2:]).unlink()  # never fetched
    _, payload = review(project, "--commit", "HEAD", "--project")
    assert payload["project_missing"] == ["app/__init__.py"]
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)


def test_a_file_name_the_file_system_refuses_is_left_out_of_the_project(project: Path) -> None:
    long_name = "app/" + "x" * 260 + ".py"  # git holds it; no Linux file system takes it
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=project,
            input=b"X = 1\n",
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(project, "update-index", "--add", "--cacheinfo", f"100644,{blob},{long_name}")
    git(project, "commit", "-q", "-m", "a long name")
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    git(project, "add", "app/helpers.py")
    git(project, "commit", "-q", "-m", "List with a shell")
    _, payload = review(project, "--commit", "HEAD", "--project")
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)


def test_a_script_without_a_suffix_keeps_its_findings_pre_existing(project: Path) -> None:
    script = "#!/usr/bin/env python3\nimport sys\n\n\ndef run(code):\n    return eval(code)\n"
    (project / "tools").mkdir()
    (project / "tools" / "evaluate").write_text(script)
    commit_all(project, "A maintainer's script")
    (project / "tools" / "evaluate").write_text(script + "\n\nrun(sys.argv[1])\n")
    commit_all(project, "Run it")
    _, alone = review(project, "--commit", "HEAD")
    _, inside = review(project, "--commit", "HEAD", "--project")
    assert lines_of(inside) == lines_of(alone)
    assert ("eval-injection", "tools/evaluate", 6) not in lines_of(inside)  # not new


def test_a_project_review_names_each_scan_and_its_side_to_the_progress_display(
    project: Path,
) -> None:
    from secreview.config import ScanConfig
    from secreview.review.git_changes import from_git
    from secreview.review.project import AFTER, BEFORE, base_files, project_reports
    from secreview.sources.git import repository as repository_module

    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    heard: list[str] = []
    with repository_module.Repository.open(project) as repository:
        head = repository.resolve("HEAD")
        base = repository.parent_of(head)
        change = from_git(repository, base, head, max_bytes=1 << 20)
        files = base_files(repository, base, 1 << 20)
    project_reports(files, change, ScanConfig(), 1, lambda label, *_: heard.append(label))
    sides = [label.split(": ")[0] for label in dict.fromkeys(heard)]
    assert sides[0] == BEFORE and sides[-1] == AFTER
    assert any(label.endswith("Following flows across modules") for label in heard)


def test_an_untouched_file_the_scan_cannot_review_is_named(project: Path) -> None:
    (project / "app" / "legacy.py").write_bytes(b"NAME = '\xff\xfe'\n")  # not UTF-8, no coding
    commit_all(project, "A legacy module")
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    _, payload = review(project, "--commit", "HEAD", "--project")
    unreviewed = payload["project_unreviewed"]
    assert [entry["path"] for entry in unreviewed] == ["app/legacy.py"]  # type: ignore[index,union-attr]
    assert "utf-8" in unreviewed[0]["reason"]  # type: ignore[index]
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)
    assert payload["errors"] == []  # an untouched file is the context's, not the change's error
    text = (
        CliRunner()
        .invoke(
            cli, ["review", "-C", str(project), "--commit", "HEAD", "--project", "--no-progress"]
        )
        .output
    )
    assert "4 Python files; 1 of them could not be reviewed" in text
    assert "Not reviewed in the project, flows through them not followed (1):" in text
    page = (
        CliRunner()
        .invoke(
            cli, ["review", "-C", str(project), "--commit", "HEAD", "--project", "--format", "html"]
        )
        .output
    )
    assert '<section id="project-unreviewed">' in page and "<li>app/legacy.py: is not valid" in page
    _, alone = review(project, "--commit", "HEAD")
    assert alone["project_unreviewed"] == []


def test_an_untouched_file_over_the_size_limit_is_named_not_silently_left_out(
    project: Path,
) -> None:
    """Over `--max-file-size`, a file is not read into the project; the review says so (a flow
    through it is not followed) and counts it, in git's mode and in the disk's."""
    (project / "app" / "tables.py").write_text("TABLE = [\n" + "    1,\n" * 400 + "]\n")
    commit_all(project, "A large table")
    (project / "app" / "helpers.py").write_text(SHELL_HELPER)
    commit_all(project, "List with a shell")
    _, payload = review(project, "--commit", "HEAD", "--project", "--max-file-size", "2000")
    unreviewed = payload["project_unreviewed"]
    assert [entry["path"] for entry in unreviewed] == ["app/tables.py"]  # type: ignore[index,union-attr]
    assert "over the 2,000-byte limit" in unreviewed[0]["reason"]  # type: ignore[index]
    assert payload["project_files"] == 4
    assert ("tainted-command", "app/views.py", 10) in lines_of(payload)
    diff = (
        "--- a/app/views.py\n+++ b/app/views.py\n@@ -10 +10 @@\n"
        '-    return list_folder(request.args["name"])\n'
        '+    return list_folder(request.args["folder"])\n'
    )
    (project / "app" / "views.py").write_text(VIEWS.replace('"name"', '"folder"'))
    _, on_disk = review(project, "--diff", "-", "--project", "--max-file-size", "2000", stdin=diff)
    assert [e["path"] for e in on_disk["project_unreviewed"]] == ["app/tables.py"]  # type: ignore[index,union-attr]


def test_a_changed_file_over_the_size_limit_is_the_change_s_error_not_the_context_s(
    project: Path,
) -> None:
    (project / "app" / "tables.py").write_text("TABLE = [\n" + "    1,\n" * 400 + "]\n")
    commit_all(project, "A large table")
    (project / "app" / "tables.py").write_text("TABLE = [\n" + "    2,\n" * 400 + "]\n")
    commit_all(project, "Another table")
    _, payload = review(project, "--commit", "HEAD", "--project", "--max-file-size", "2000")
    assert payload["project_unreviewed"] == []
    assert [e["path"] for e in payload["errors"]] == ["app/tables.py"]  # type: ignore[index,union-attr]
