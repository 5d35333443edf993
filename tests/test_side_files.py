"""Every side file a run is told about fails the same way when it is bad: one `error:` line
naming the file, exit 2, no traceback, no hang.

Side files are named by the user (`--config`, `--baseline`, `--models`, `--diff`,
`--commit-message`) or by the repository under review (its pyproject.toml, and the baseline and
model folders that file names), so each is tried with the same bad shapes. Commands run through
click's CliRunner, whose `exit_code` is 1 for any uncaught exception, so exit 2 with one error
line proves the failure was handled; the cases that could block or read forever (a FIFO,
`/dev/zero`) also run as `python -m secreview` subprocesses under a timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.analysis.models import default_models, load_models
from secreview.cli import cli
from secreview.commands import review as review_command_module
from secreview.sources import sidefiles
from secreview.sources.sidefiles import (
    MIB,
    SideFileError,
    read_side_file,
    read_side_stream,
    shown,
    write_side_file,
)

GOOD_DIFF = "--- a/app.py\n+++ b/app.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"


@dataclass(frozen=True)
class Kind:
    """One way a side file reaches a run."""

    name: str
    file: str
    """Where the bad file is put, relative to the project."""
    args: tuple[str, ...]
    format: str
    """toml, json or text: what a well-formed file of this kind holds."""
    limit: int
    valid: str
    """Content that is accepted (made unreadable by the permission case)."""
    pyproject: str = ""
    """A pyproject.toml that names the file, when the repository is what names it."""
    named: str = ""
    """The path the command or configuration names, when not `file` (a models folder)."""

    @property
    def target(self) -> str:
        return self.named or self.file


SCAN = ("scan", "app.py", "--no-progress")
REVIEW = ("review", "--diff")
CONFIG_BASELINE = '[tool.secreview]\nbaseline = "baseline.json"\n'
CONFIG_MODELS = '[tool.secreview]\nmodels = ["models"]\n'
BASELINE = '{"version": 1, "findings": {}}'
KINDS = {
    kind.name: kind
    for kind in (
        Kind("config", "bad.toml", (*SCAN, "--config", "bad.toml"), "toml", MIB, ""),
        Kind("pyproject", "pyproject.toml", SCAN, "toml", MIB, "[tool.secreview]\n"),
        Kind(
            "baseline",
            "baseline.json",
            (*SCAN, "--baseline", "baseline.json"),
            "json",
            16 * MIB,
            BASELINE,
        ),
        Kind("config-baseline", "baseline.json", SCAN, "json", 16 * MIB, BASELINE, CONFIG_BASELINE),
        Kind(
            "models",
            "models/bad.toml",
            (*SCAN, "--models", "models"),
            "toml",
            MIB,
            "",
            named="models",
        ),
        Kind("config-models", "models/bad.toml", SCAN, "toml", MIB, "", CONFIG_MODELS, "models"),
        Kind("diff", "change.diff", (*REVIEW, "change.diff"), "text", 64 * MIB, GOOD_DIFF),
        Kind(
            "commit-message",
            "message.txt",
            (*REVIEW, "good.diff", "--commit-message", "message.txt"),
            "text",
            MIB,
            "Fix the thing",
        ),
    )
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "good.diff").write_text(GOOD_DIFF)
    (tmp_path / "models").mkdir()
    return tmp_path


def prepare(project: Path, kind: Kind) -> Path:
    """The path where `kind`'s bad file goes, with the configuration that names it written."""
    if kind.pyproject:
        (project / "pyproject.toml").write_text(kind.pyproject)
    return project / kind.file


def invoke(*args: str) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output, result.exception


def assert_one_clear_error(code: int, output: str, names: str) -> str:
    """Exit 2, no traceback, and exactly one error line, which names `names`; that line."""
    errors = [line for line in output.splitlines() if line.lower().startswith("error:")]
    assert code == 2, output
    assert "Traceback" not in output
    assert len(errors) == 1, output
    assert names in errors[0], errors[0]
    return errors[0]


def deep(fmt: str, opening: str, closing: str) -> bytes:
    body = opening * 100_000 + closing * 100_000
    return (body if fmt == "json" else f"a = {body}\n").encode()


CONTENT: dict[str, Callable[[str], bytes]] = {
    "invalid-utf8": lambda fmt: b"x = '\xff\xfe'\n",
    "nul-bytes": lambda fmt: b"x = 1\n\x00\x00\n",
    "binary": lambda fmt: bytes(range(256)) * 4,
    "deep-array": lambda fmt: deep(fmt, "[", "]"),
    "deep-table": lambda fmt: deep(fmt, '{"a":' if fmt == "json" else "{a=", "}"),
}


@pytest.mark.parametrize("shape", sorted(CONTENT))
@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_bad_content_is_one_clear_error(project: Path, kind_name: str, shape: str) -> None:
    kind = KINDS[kind_name]
    if kind.name == "commit-message" and shape.startswith("deep"):
        pytest.skip("any UTF-8 text is a commit message")
    prepare(project, kind).write_bytes(CONTENT[shape](kind.format))
    assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_a_file_over_the_limit_is_refused_unread(project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    with prepare(project, kind).open("wb") as handle:
        handle.truncate(kind.limit + 1)  # sparse: costs nothing to make
    line = assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)
    assert f"{kind.limit // MIB} MiB limit" in line


def make_directory(path: Path) -> None:
    path.mkdir()


def make_dev_null(path: Path) -> None:
    path.symlink_to("/dev/null")


NOT_FILES: dict[str, Callable[[Path], None]] = {
    "directory": make_directory,
    "dev-null": make_dev_null,
}


@pytest.mark.parametrize("shape", sorted(NOT_FILES))
@pytest.mark.parametrize("kind_name", sorted(set(KINDS) - {"pyproject"}))
def test_a_path_that_is_not_a_regular_file_is_one_clear_error(
    project: Path, kind_name: str, shape: str
) -> None:
    kind = KINDS[kind_name]
    if (kind.name, shape) == ("commit-message", "directory"):
        pytest.skip("a folder's name is taken as the message text")
    NOT_FILES[shape](prepare(project, kind))
    assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)


def test_a_pyproject_that_is_not_a_file_is_not_the_configuration(project: Path) -> None:
    (project / "pyproject.toml").symlink_to("/dev/null")
    code, output, _ = invoke(*SCAN)
    assert code == 0, output


@pytest.mark.parametrize(
    "kind_name",
    sorted(set(KINDS) - {"pyproject", "commit-message"}),  # neither is ever named
)
def test_a_missing_file_is_one_clear_error(project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    prepare(project, kind)
    if kind.named:
        shutil.rmtree(project / kind.target)
    line = assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.target).name)
    assert "not exist" in line


@pytest.fixture
def unreadable(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Makes a file unreadable: chmod, and for root (whom chmod does not stop, as in CI) an
    `os.open` that refuses that one path."""
    real_open = os.open

    def make(path: Path) -> None:
        path.chmod(0)
        if os.geteuid() == 0:

            def refusing_open(file: object, flags: int, *args: object, **kwargs: object) -> int:
                if os.path.realpath(os.fspath(file)) == os.path.realpath(path):  # type: ignore[arg-type]
                    raise PermissionError(13, "Permission denied", os.fspath(file))
                return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

            monkeypatch.setattr(os, "open", refusing_open)

    return make


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_a_permission_denied_file_is_one_clear_error(
    project: Path, kind_name: str, unreadable: Callable[[Path], None]
) -> None:
    kind = KINDS[kind_name]
    path = prepare(project, kind)
    path.write_text(kind.valid)
    unreadable(path)
    line = assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)
    assert "permission denied" in line


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail (rather than block the suite) when a command waits on a pipe: SIGALRM interrupts
    a blocking open or read with TimeoutError."""

    def interrupt(_signal: int, _frame: object) -> None:
        raise TimeoutError("the command blocked on a side file")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("kind_name", sorted(set(KINDS) - {"pyproject"}))
def test_a_named_pipe_is_refused_without_blocking(
    project: Path, kind_name: str, no_hang: None
) -> None:
    kind = KINDS[kind_name]
    os.mkfifo(prepare(project, kind))
    line = assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)
    assert "named pipe" in line


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
    project: Path, kind_name: str, shape: str
) -> None:
    kind = KINDS[kind_name]
    text, says = BASELINE_SHAPES[shape]
    prepare(project, kind).write_text(text)
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
    project: Path, kind_name: str, shape: str
) -> None:
    kind = KINDS[kind_name]
    text, says = MODEL_SHAPES[shape]
    prepare(project, kind).write_text(text + "\n")
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
def test_a_pyproject_of_the_wrong_shape_names_the_key(project: Path, shape: str) -> None:
    text, says, expected_code = CONFIG_SHAPES[shape]
    (project / "pyproject.toml").write_text(text + "\n")
    code, output, _ = invoke(*SCAN)
    if expected_code == 0:  # no [tool.secreview] table: not a secreview configuration
        assert code == 0, output
        return
    line = assert_one_clear_error(code, output, "pyproject.toml")
    assert says in line
    assert "[tool.secreview]" in line  # printed as text, not taken for rich markup


@pytest.mark.parametrize("target", ["fifo", "/dev/full", "directory"])
def test_baseline_create_refuses_an_output_that_is_not_a_regular_file(
    project: Path, target: str, no_hang: None
) -> None:
    output = {"fifo": "out.fifo", "/dev/full": "/dev/full", "directory": "models"}[target]
    if target == "fifo":
        os.mkfifo(project / output)
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
def test_dev_zero_is_refused_in_a_real_process(project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    prepare(project, kind).symlink_to("/dev/zero")
    completed = run_secreview(project, *kind.args)
    if kind.name == "pyproject":  # never named: a pyproject.toml that is not a file is skipped
        assert completed.returncode == 0, completed.stderr
        return
    assert_one_clear_error(completed.returncode, completed.stderr, Path(kind.file).name)
    assert "device" in completed.stderr


@pytest.mark.parametrize("kind_name", ["baseline", "pyproject"])
def test_a_named_pipe_does_not_block_a_real_process(project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    os.mkfifo(prepare(project, kind))
    completed = run_secreview(project, *kind.args)
    if kind.name == "pyproject":
        assert completed.returncode == 0, completed.stderr
        return
    assert_one_clear_error(completed.returncode, completed.stderr, Path(kind.file).name)


def test_baseline_create_to_a_pipe_does_not_block_a_real_process(project: Path) -> None:
    os.mkfifo(project / "out.fifo")
    completed = run_secreview(project, "baseline", "create", "app.py", "-o", "out.fifo")
    assert_one_clear_error(completed.returncode, completed.stderr, "out.fifo")


def test_an_oversized_diff_on_standard_input_is_refused(
    project: Path, monkeypatch: pytest.MonkeyPatch
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
def test_a_bad_bench_expected_results_file_is_one_clear_error(project: Path, shape: str) -> None:
    content, says = EXPECTED_SHAPES[shape]
    (project / "expected.csv").write_bytes(content)
    code, output, _ = invoke("bench", "models", "--expected", "expected.csv")
    assert says in assert_one_clear_error(code, output, "expected.csv")


def test_a_bench_expected_results_pipe_is_refused_without_blocking(
    project: Path, no_hang: None
) -> None:
    os.mkfifo(project / "expected.csv")
    code, output, _ = invoke("bench", "models", "--expected", "expected.csv")
    assert "named pipe" in assert_one_clear_error(code, output, "expected.csv")
