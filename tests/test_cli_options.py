"""The command line without surprises: shared options, rule selection, excludes, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from secreview import pipeline
from secreview.analysis.rules import ALL_RULES, RULES_BY_ID
from secreview.cli import cli
from secreview.commands import info
from secreview.commands.options import COMMAND_SPECIFIC
from secreview.commands.review import review_command
from secreview.commands.scan import scan_command
from secreview.config import ScanConfig, selection
from secreview.config.selection import SelectionLayer, SelectorError, check_selector, selected_rules

SHELL = "import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n"
EVAL = "def run(expression):\n    return eval(expression)\n"
HASH = "import hashlib\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def scan_json(*args: str) -> tuple[int, dict]:
    code, out, err = invoke("scan", *args, "--format", "json", "-j", "1", "--no-progress")
    assert out, err
    return code, json.loads(out)


def rule_ids(payload: dict) -> list[str]:
    return sorted(f["rule_id"] for f in payload["findings"])


def paths(payload: dict) -> list[str]:
    return sorted(f["path"] for f in payload["findings"])


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(SHELL + EVAL + HASH.replace("import hashlib\n", ""))
    (tmp_path / "app.py").write_text("import hashlib\n" + SHELL + EVAL)
    return tmp_path


# --- one set of options for scan and review -----------------------------------------------------


def _shared(command: click.Command) -> dict[str, dict]:
    specific = COMMAND_SPECIFIC[command.name or ""]
    return {p.name: p.to_info_dict() for p in command.params if p.name not in specific}


def test_scan_and_review_share_every_option_but_the_documented_ones() -> None:
    scan, review = _shared(scan_command), _shared(review_command)
    assert scan == review
    for name in ("no_progress", "jobs", "exclude", "directory", "paths", "quiet", "select"):
        assert name in scan
    every = {p.name for p in scan_command.params} | {p.name for p in review_command.params}
    assert set().union(*COMMAND_SPECIFIC.values()) <= every  # the list names real parameters


# --- rule selection -------------------------------------------------------------------------


def test_selectors_are_rule_ids_prefixes_cwes_and_pillars() -> None:
    def only(select: tuple[str, ...], ignore: tuple[str, ...] = ()) -> frozenset[str]:
        return selected_rules([SelectionLayer(select, ignore)])

    assert only(("shell-command-injection",)) == {"shell-command-injection"}
    assert only(("CWE-78",)) == {
        "shell-command-injection",
        "tainted-command",
        "dynamic-program-execution",
    }
    injection = only(("CWE-707",))
    assert {"tainted-sql", "xss", "eval-injection"} <= injection and "weak-hash" not in injection
    assert only(("weak-",)) == {"weak-hash", "weak-hash-of-password", "weak-key-size"}
    # the more specific selector wins, whichever list it is in
    assert "tainted-sql" not in only(("CWE-707",), ("tainted-sql",))
    assert only(("weak-hash",), ("CWE-693",)) == {"weak-hash"}
    # a later layer without select only takes away
    layers = [SelectionLayer(("CWE-78",)), SelectionLayer((), ("tainted-command",))]
    assert selected_rules(layers) == {"shell-command-injection", "dynamic-program-execution"}


def test_a_rule_off_by_default_runs_only_when_a_selector_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    off = RULES_BY_ID["weak-hash"]._replace(default_enabled=False)
    rules = tuple(off if r.id == off.id else r for r in ALL_RULES)
    monkeypatch.setattr(selection, "ALL_RULES", rules)
    monkeypatch.setattr(pipeline, "ALL_RULES", rules)

    def enabled(*layers: SelectionLayer) -> bool:
        return "weak-hash" in selected_rules(layers)

    assert not enabled() and not enabled(SelectionLayer((), ("eval-injection",)))
    assert enabled(SelectionLayer(("ALL",))) and enabled(SelectionLayer(("weak-",)))
    assert enabled(SelectionLayer(("weak-hash",))) and enabled(SelectionLayer(("CWE-328",)))
    assert not enabled(SelectionLayer(("ALL",), ("weak-hash",)))
    # a later layer without select keeps the earlier layer's choice
    assert enabled(SelectionLayer(("ALL",)), SelectionLayer((), ("eval-injection",)))
    # extend-select adds the rule and keeps every default one; a more specific ignore still wins
    extended = selected_rules([SelectionLayer(extend_select=("weak-hash",))])
    assert {"weak-hash", "eval-injection"} <= extended
    assert extended == selected_rules([]) | {"weak-hash"}
    assert not enabled(SelectionLayer((), ("weak-hash",), ("CWE-328",)))
    assert enabled(SelectionLayer(("eval-injection",)), SelectionLayer(extend_select=("weak-",)))
    assert "weak-hash" not in {r.id for r in pipeline.active_rules(ScanConfig())}
    assert "eval-injection" in {r.id for r in pipeline.active_rules(ScanConfig())}
    monkeypatch.setattr(info, "ALL_RULES", rules)
    rows = {row.split("`")[1]: row for row in info.rules_markdown().splitlines()[2:]}
    assert "off by default" in rows["weak-hash"] and "off by default" not in rows["eval-injection"]
    monkeypatch.setitem(info.RULES_BY_ID, "weak-hash", off)
    assert "off by default" in info.explain_rule("weak-hash")
    assert "off by default" not in info.explain_rule("eval-injection")


def test_an_unknown_selector_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(SelectorError, match="did you mean 'weak-hash'"):
        check_selector("weak-hsh")
    with pytest.raises(SelectorError, match="no secreview rule reports"):
        check_selector("CWE-1021")  # clickjacking: a page-framing header, no rule of ours


def test_select_and_ignore_on_the_command_line(project: Path) -> None:
    assert rule_ids(scan_json("--select", "CWE-78")[1]) == ["shell-command-injection"]
    _, payload = scan_json("--select", "CWE-707", "--ignore", "eval-injection")
    assert rule_ids(payload) == ["shell-command-injection"]
    code, _, err = invoke("scan", "--select", "no-such-rule", "--no-progress")
    assert code == 2 and "no-such-rule" in err


def test_select_and_per_file_ignores_in_the_configuration(project: Path) -> None:
    (project / "tests").mkdir()
    (project / "tests" / "helper.py").write_text(SHELL)
    (project / "pyproject.toml").write_text(
        "[tool.secreview]\nselect = ['CWE-707']\n\n"
        "[tool.secreview.per-file-ignores]\n'tests/' = ['CWE-78']\n'app.py' = ['eval-injection']\n"
    )
    _, payload = scan_json()
    assert [(f["path"], f["rule_id"]) for f in payload["findings"]] == [
        ("app.py", "shell-command-injection")
    ]
    code, out, _ = invoke("rules")
    assert code == 0 and "pyproject.toml" in out
    states = {line.split()[1]: line.split()[0] for line in out.splitlines()[2:]}
    assert states["eval-injection"] == "on" and states["weak-hash"] == "off"
    assert json.loads(invoke("rules", "--format", "json", "--isolated")[1])[0]["enabled"]


# --- excludes and .gitignore ----------------------------------------------------------------


def test_exclude_matches_the_path_as_printed_and_names(project: Path) -> None:
    (project / "pkg" / "legacy").mkdir(parents=True)
    (project / "pkg" / "legacy" / "old.py").write_text(SHELL)
    (project / "pkg" / "new.py").write_text(SHELL)
    _, payload = scan_json("pkg")
    assert paths(payload) == ["pkg/legacy/old.py", "pkg/new.py"]
    _, payload = scan_json("pkg", "--exclude", "pkg/legacy")  # as the report prints it
    assert paths(payload) == ["pkg/new.py"]
    _, payload = scan_json(".", "--exclude", "legacy/")  # a name, at any depth
    assert "pkg/legacy/old.py" not in paths(payload)


def test_gitignore_is_honoured_unless_no_gitignore(project: Path) -> None:
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("generated/\n*.gen.py\n!keep.gen.py\n")
    (project / "generated").mkdir()
    (project / "generated" / "out.py").write_text(SHELL)
    (project / "sub").mkdir()
    (project / "sub" / "a.gen.py").write_text(SHELL)
    (project / "sub" / "keep.gen.py").write_text(SHELL)
    _, payload = scan_json(".")
    assert paths(payload) == ["app.py", "app.py", "sub/keep.gen.py"]
    _, payload = scan_json("sub")  # the repository's .gitignore governs a scan of a sub-folder
    assert paths(payload) == ["sub/keep.gen.py"]
    _, payload = scan_json(".", "--no-gitignore")
    assert "generated/out.py" in paths(payload) and "sub/a.gen.py" in paths(payload)


def test_an_unreadable_gitignore_is_an_error_not_silence(project: Path) -> None:
    (project / ".gitignore").mkdir()  # a folder where the file should be
    (project / "sub").mkdir()
    (project / "sub" / ".gitignore").write_bytes(b"\xff\xfe bad\n")
    (project / "sub" / "x.py").write_text(SHELL)
    _, payload = scan_json(".")
    assert [e["path"] for e in payload["errors"]] == ["sub/.gitignore"]
    assert "not applied" in payload["errors"][0]["message"]


# --- exit codes and paths -------------------------------------------------------------------


def test_explain_of_an_unknown_id_is_a_usage_error() -> None:
    code, _, err = invoke("explain", "no-such-thing")
    assert code == 2 and "neither a rule id" in err
    assert invoke("explain", "CWE-99999")[0] == 2


def test_a_missing_or_empty_path_is_an_error(project: Path) -> None:
    code, out, err = invoke("scan", "missing.py", "--no-progress")
    assert code == 2 and out == "" and "missing.py does not exist" in err
    code, out, err = invoke("scan", "app.py", "missing.py", "--no-progress")
    assert code == 2 and out == ""
    assert invoke("scan", "", "--no-progress")[0] == 2
    (project / "empty").mkdir()
    code, out, err = invoke("scan", "empty", "--no-progress")
    assert code == 2 and "nothing was reviewed" in err


def test_a_named_file_that_is_not_python_is_an_error_entry(project: Path) -> None:
    (project / "notes.txt").write_text("hello\n")  # valid Python text, but not a Python file
    code, payload = scan_json("notes.txt", "app.py")
    assert code == 1
    ((error),) = payload["errors"]
    assert error["path"] == "notes.txt" and "not a Python file" in error["message"]
    code, _, _ = invoke("scan", "notes.txt", "--no-progress", "--strict")
    assert code == 2


def test_output_into_a_missing_folder_fails_before_any_work(project: Path) -> None:
    code, out, err = invoke("scan", "app.py", "-o", "no/such/dir/report.txt", "--no-progress")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "does not exist" in err
    code, _, err = invoke("review", "--diff", "-", "-o", "no/such/report.md", input="")
    assert code == 2 and "does not exist" in err


def test_quiet_exit_zero_and_fail_on_never(project: Path) -> None:
    assert invoke("scan", "app.py", "--no-progress")[0] == 1
    assert invoke("scan", "app.py", "--exit-zero")[0] == 0
    assert invoke("scan", "app.py", "--fail-on", "never")[0] == 0
    (project / "pyproject.toml").write_text("[tool.secreview]\nfail-on = 'never'\n")
    assert invoke("scan", "app.py")[0] == 0
    assert invoke("scan", "app.py", "--fail-on", "high")[0] == 1  # the command line wins
    (project / "clean.py").write_text("x = 1\n")
    code, out, err = invoke("scan", "clean.py", "--quiet")
    assert (code, out, err) == (0, "", "")
    code, out, _ = invoke("scan", "app.py", "-q")
    assert code == 0 and "eval-injection" in out


def test_standard_input_is_reviewed_under_the_name_given(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.secreview.per-file-ignores]\n'scripts/' = ['eval-injection']\n"
    )
    code, out, _ = invoke(
        "scan", "-", "--stdin-filename", "pkg/tool.py", "--format", "json", input=SHELL + EVAL
    )
    payload = json.loads(out)
    assert code == 1 and paths(payload) == ["pkg/tool.py", "pkg/tool.py"]
    code, out, _ = invoke(
        "scan", "--stdin-filename", "scripts/x.py", "--format", "json", input=EVAL
    )
    assert code == 0 and json.loads(out)["files_scanned"] == 1
    assert invoke("scan", "-", "app.py", input="")[0] == 2


def test_force_color_is_not_a_progress_bar_in_a_log(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, _, err = invoke("scan", "app.py")
    assert code == 1 and err == ""


def test_progress_names_each_phase_including_the_cross_module_pass(project: Path) -> None:
    from secreview.config import ScanConfig
    from secreview.scanner import CROSS_MODULE, REVIEWING, scan

    (project / "views.py").write_text(
        "from flask import request\nfrom helpers import run\n\n"
        "def view():\n    run(request.args['cmd'])\n"
    )
    (project / "helpers.py").write_text(SHELL)
    seen: list[str] = []
    scan(["."], ScanConfig(), 1, lambda label, done, total: seen.append(label))
    assert seen[0] == REVIEWING and CROSS_MODULE in seen


def test_a_named_folder_that_gitignore_ignores_is_still_reviewed(project: Path) -> None:
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("/vendor\n")
    (project / "vendor" / "lib").mkdir(parents=True)
    (project / "vendor" / "lib" / "x.py").write_text(SHELL)
    assert "vendor/lib/x.py" not in paths(scan_json(".")[1])
    assert paths(scan_json("vendor")[1]) == ["vendor/lib/x.py"]


def test_extend_select_turns_on_an_off_rule_beside_the_defaults_from_both_layers(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.py").write_text(
        "import os\nimport yaml\n\n\ndef clean(path):\n    if os.path.exists(path):\n"
        "        os.remove(path)\n\n\ndef load():\n    return yaml.load(open('f'))\n"
    )

    def rules_found(*options: str) -> set[str]:
        result = CliRunner().invoke(
            cli, ["scan", str(tmp_path / "app.py"), "--format", "json", "--no-progress", *options]
        )
        return {f["rule_id"] for f in json.loads(result.output)["findings"]}

    assert rules_found() == {"unsafe-yaml-load"}  # toctou-file-check ships off
    assert rules_found("--extend-select", "toctou-file-check") == {
        "unsafe-yaml-load",
        "toctou-file-check",
    }
    (tmp_path / "pyproject.toml").write_text('[tool.secreview]\nextend-select = ["CWE-367"]\n')
    assert rules_found("--config", str(tmp_path / "pyproject.toml")) == {
        "unsafe-yaml-load",
        "toctou-file-check",
    }
