"""Side files of the wrong shape name the bad key; pipes and endless devices never block a real
process; the reader and writer keep their limits."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from side_file_cases import (
    GOOD_DIFF,
    KINDS,
    REVIEW,
    SCAN,
    assert_one_clear_error,
    invoke,
    prepare,
)

from secreview.analysis.models import default_models, load_models
from secreview.cli import cli
from secreview.commands import review as review_command_module
from secreview.sources import sidefiles
from secreview.sources.sidefiles import (
    SideFileError,
    read_side_file,
    read_side_stream,
    shown,
    write_side_file,
)

BASELINE_SHAPES = {
    "a list": ("[1]", "not a secreview baseline"),
    "null": ("null", "not a secreview baseline"),
    "no version": ('{"findings": {}}', "version 1"),
    "a string version": ('{"version": "1", "findings": {}}', "version 1"),
    "no findings": ('{"version": 1}', "`findings` must be an object"),
    "findings a list": ('{"version": 1, "findings": ["ab"]}', "not an array"),
    "entry a number": ('{"version": 1, "findings": {"ab": 3}}', "findings['ab'] must be an object"),
    "count a string": ('{"version": 1, "findings": {"ab": {"count": "2"}}}', "count must be"),
    "count a boolean": ('{"version": 1, "findings": {"ab": {"count": true}}}', "count must be"),
    "count negative": ('{"version": 1, "findings": {"ab": {"count": -1}}}', "count must be"),
    "count a float": ('{"version": 1, "findings": {"ab": {"count": 1.5}}}', "count must be"),
    "rule id a number": ('{"version": 1, "findings": {"ab": {"rule_id": 7}}}', "rule_id must be"),
    "path null": ('{"version": 1, "findings": {"ab": {"path": null}}}', "path must be"),
    "a 5000-digit count": (
        '{"version": 1, "findings": {"ab": {"count": ' + "9" * 5000 + "}}}",
        "not valid JSON",
    ),
    "markup in a key": ('{"version": 1, "findings": {"[/bold]": 0}}', "[/bold]"),
}


@pytest.mark.parametrize("kind_name", ["baseline", "config-baseline"])
@pytest.mark.parametrize("shape", sorted(BASELINE_SHAPES))
def test_a_baseline_of_the_wrong_shape_names_the_key(
    side_project: Path, kind_name: str, shape: str
) -> None:
    kind = KINDS[kind_name]
    text, says = BASELINE_SHAPES[shape]
    prepare(side_project, kind).write_text(text)
    line = assert_one_clear_error(*invoke(*kind.args)[:2], "baseline.json")
    assert says in line


MODEL_SHAPES = {
    "a table as a number": ("source = 3", "`source` must be an array of tables"),
    "a table of numbers": ("source = [1]", "[[source]] #1 must be a table"),
    "a sink without kind": ('[[sink]]\ncalls = ["a"]', "[[sink]] #1 needs a `kind`"),
    "a numeric kind": ("[[sink]]\nkind = 3", "[[sink]] #1.kind must be a string"),
    "string positions": ('[[sink]]\nkind = "x"\nargs = ["a"]', ".args must be a list of"),
    "boolean positions": ('[[sink]]\nkind = "x"\nargs = [true]', ".args must be a list of"),
    "a bad regex": ('[[sink]]\nkind = "x"\nreceivers = ["("]', ".receivers must be"),
    "a bad position": ('[[sink]]\nkind = "x"\narg_patterns = {a = "b"}', ".arg_patterns"),
    "when as a list": ('[[sink]]\nkind = "x"\nwhen = [1]', ".when must be a table"),
    "unless of numbers": ('[[sink]]\nkind = "x"\nunless = {a = 1}', ".unless must be"),
    "a mistyped key": ('[[sink]]\nkind = "x"\ncall = ["a"]', "unknown key 'call'"),
    "an unknown table": ('[[sinks]]\nkind = "x"', "unknown table 'sinks'"),
    "an object without type": ('[[object]]\nnames = ["a"]', "[[object]] #1 needs a `type`"),
    "web as an array": ("web = [1]", "[web] must be a table"),
    "web frameworks a string": ('[web]\nframeworks = "flask"', "[web].frameworks must be"),
    "a numeric label origin": (
        '[[label]]\norigin = 1\nfrom = ["remote"]\nnames = ["x"]',
        "[[label]] #1.origin must be a string",
    ),
    "a label without names": ('[[label]]\norigin = "s"\nfrom = ["remote"]', "needs `from`"),
    "a returns without type": ('[[returns]]\ncalls = ["a"]', "needs a `type`"),
}


@pytest.mark.parametrize("kind_name", ["models", "config-models"])
@pytest.mark.parametrize("shape", sorted(MODEL_SHAPES))
def test_a_model_file_of_the_wrong_shape_names_the_key(
    side_project: Path, kind_name: str, shape: str
) -> None:
    kind = KINDS[kind_name]
    text, says = MODEL_SHAPES[shape]
    prepare(side_project, kind).write_text(text + "\n")
    line = assert_one_clear_error(*invoke(*kind.args)[:2], "bad.toml")
    assert says in line


CONFIG_SHAPES = {
    "tool as a number": ("tool = 3", "pyproject.toml", 0),
    "the table as a list": ("tool = {secreview = [1]}", "must be a table", 2),
    "exclude a string": ('[tool.secreview]\nexclude = "x"', "exclude must be a list", 2),
    "a mistyped key": ("[tool.secreview]\nexlude = []", "unknown key 'exlude'", 2),
    "a numeric severity": ("[tool.secreview]\nfail-on = 3", "fail-on must be one of", 2),
    "models a string": ('[tool.secreview]\nmodels = "m"', "models must be a list", 2),
    "baseline a number": ("[tool.secreview]\nbaseline = 1", "baseline must be a path", 2),
}


@pytest.mark.parametrize("shape", sorted(CONFIG_SHAPES))
def test_a_pyproject_of_the_wrong_shape_names_the_key(side_project: Path, shape: str) -> None:
    text, says, expected_code = CONFIG_SHAPES[shape]
    (side_project / "pyproject.toml").write_text(text + "\n")
    code, output, _ = invoke(*SCAN)
    if expected_code == 0:  # no [tool.secreview] table: not a secreview configuration
        assert code == 0, output
        return
    line = assert_one_clear_error(code, output, "pyproject.toml")
    assert says in line
    assert "[tool.secreview]" in line  # printed as text, not taken for rich markup


@pytest.mark.parametrize("target", ["fifo", "/dev/full", "directory"])
def test_baseline_create_refuses_an_output_that_is_not_a_regular_file(
    side_project: Path, target: str, no_hang: None
) -> None:
    output = {"fifo": "out.fifo", "/dev/full": "/dev/full", "directory": "models"}[target]
    if target == "fifo":
        os.mkfifo(side_project / output)
    code, text, _ = invoke("baseline", "create", "app.py", "-o", output)
    assert_one_clear_error(code, text, Path(output).name)


def run_secreview(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m secreview ARGS` in `cwd`; a hang fails the test after 60 seconds."""
    return subprocess.run(
        [sys.executable, "-m", "secreview", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("kind_name", ["config", "pyproject", "baseline", "models", "diff"])
def test_dev_zero_is_refused_in_a_real_process(side_project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    prepare(side_project, kind).symlink_to("/dev/zero")
    completed = run_secreview(side_project, *kind.args)
    if kind.name == "pyproject":  # never named: a pyproject.toml that is not a file is skipped
        assert completed.returncode == 0, completed.stderr
        return
    assert_one_clear_error(completed.returncode, completed.stderr, Path(kind.file).name)
    assert "device" in completed.stderr


@pytest.mark.parametrize("kind_name", ["baseline", "pyproject"])
def test_a_named_pipe_does_not_block_a_real_process(side_project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    os.mkfifo(prepare(side_project, kind))
    completed = run_secreview(side_project, *kind.args)
    if kind.name == "pyproject":
        assert completed.returncode == 0, completed.stderr
        return
    assert_one_clear_error(completed.returncode, completed.stderr, Path(kind.file).name)


def test_baseline_create_to_a_pipe_does_not_block_a_real_process(side_project: Path) -> None:
    os.mkfifo(side_project / "out.fifo")
    completed = run_secreview(side_project, "baseline", "create", "app.py", "-o", "out.fifo")
    assert_one_clear_error(completed.returncode, completed.stderr, "out.fifo")


def test_an_oversized_diff_on_standard_input_is_refused(
    side_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_command_module, "DIFF_MAX_BYTES", 1000)
    result = CliRunner().invoke(cli, [*REVIEW, "-"], input=GOOD_DIFF + " " * 1000)
    line = assert_one_clear_error(result.exit_code, result.output, "standard input")
    assert "1,000 bytes limit" in line


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "side"
    path.write_bytes(b"a" * 100)
    assert read_side_file(path, what="test file", max_bytes=100) == b"a" * 100
    path.write_bytes(b"a" * 101)
    with pytest.raises(SideFileError, match="larger than the 100 bytes limit"):
        read_side_file(path, what="test file", max_bytes=100)


def test_a_stream_is_read_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "side"
    path.write_bytes(b"b" * 10)
    with path.open("rb") as stream:
        assert read_side_stream(stream, shown_as="-", what="diff", max_bytes=10) == b"b" * 10
    with path.open("rb") as stream, pytest.raises(SideFileError, match="limit"):
        read_side_stream(stream, shown_as="-", what="diff", max_bytes=9)


def test_writing_replaces_the_whole_content(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("a much longer old content\n")
    write_side_file(path, "new\n", what="baseline")
    assert path.read_text() == "new\n"


def test_a_path_with_control_characters_is_shown_on_one_line() -> None:
    assert shown("a\nb\x1b[2J.json") == "a\\nb\\x1b[2J.json"
    assert shown("plain/path.json") == "plain/path.json"
    assert "\n" not in str(SideFileError(shown("x\ny")))


def test_the_reader_never_opens_a_device(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening some devices has effects (a watchdog, a tape rewind): the mode is checked first."""
    opened: list[object] = []
    monkeypatch.setattr(sidefiles.os, "open", lambda *args, **_: opened.append(args) or -1)
    with pytest.raises(SideFileError, match="device"):
        read_side_file("/dev/null", what="test file", max_bytes=10)
    assert opened == []


def test_the_schema_accepts_every_built_in_model_file(tmp_path: Path) -> None:
    """A user who starts from a copy of a built-in model file is not refused by the schema."""
    package = resources.files("secreview.analysis.models")
    for entry in package.iterdir():
        if entry.name.endswith(".toml"):
            (tmp_path / f"copy_{entry.name}").write_text(entry.read_text(encoding="utf-8"))
    assert load_models([tmp_path]).sinks.keys() == default_models().sinks.keys()


EXPECTED_SHAPES = {
    "invalid-utf8": (b"a,b,true,78\n\xff\n", "not UTF-8"),
    "nul-bytes": (b"a,b,true,78\n\x00\n", "NUL"),
    "an unclosed quote": (b'a,b,true,78\n"' + b"x" * 200_000 + b"\n", "not a readable CSV"),
    "a superscript cwe": ("a,b,true,\u00b2\n".encode(), "`cwe` a number"),
}


@pytest.mark.parametrize("shape", sorted(EXPECTED_SHAPES))
def test_a_bad_bench_expected_results_file_is_one_clear_error(
    side_project: Path, shape: str
) -> None:
    content, says = EXPECTED_SHAPES[shape]
    (side_project / "expected.csv").write_bytes(content)
    code, output, _ = invoke("bench", "models", "--expected", "expected.csv")
    assert says in assert_one_clear_error(code, output, "expected.csv")


def test_a_bench_expected_results_pipe_is_refused_without_blocking(
    side_project: Path, no_hang: None
) -> None:
    os.mkfifo(side_project / "expected.csv")
    code, output, _ = invoke("bench", "models", "--expected", "expected.csv")
    assert "named pipe" in assert_one_clear_error(code, output, "expected.csv")
