"""Every file and folder name, encoding and file type becomes a review or one clear error."""

from __future__ import annotations

import ast
import encodings.aliases
import json
import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.config import ScanConfig
from secreview.findings import ErrorKind
from secreview.sources.discovery import discover
from secreview.sources.reading import UnreadableSourceError, decode_source, read_source

VULNERABLE = "def run(cmd):\n    return eval(cmd)\n"


def scan(*args: str, output_format: str = "json") -> tuple[int, str]:
    """Exit code and output of `secreview scan` run in this process (one job, so patches hold)."""
    result = CliRunner().invoke(
        cli, ["scan", "--format", output_format, "--no-progress", "-j", "1", *args]
    )
    return result.exit_code, result.output


def scan_json(*args: str) -> tuple[int, dict]:
    code, output = scan(*args)
    return code, json.loads(output)


def errors_by_name(payload: dict) -> dict[str, tuple[str, str]]:
    return {Path(e["path"]).name: (e["kind"], e["message"]) for e in payload["errors"]}


def flagged(payload: dict) -> list[str]:
    return sorted(Path(f["path"]).name for f in payload["findings"])


# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "codec", ["punycode", "undefined", "idna", "rot13", "hex", "base64", "zlib", "bz2", "uu"]
)
def test_a_codec_python_cannot_decode_source_with_is_one_encoding_error(codec: str) -> None:
    data = f"# -*- coding: {codec} -*-\n{VULNERABLE}".encode() + b"# \xff\n"
    with pytest.raises(SyntaxError):
        compile(data, "declared.py", "exec")  # Python refuses the file: so do we, clearly
    with pytest.raises(UnreadableSourceError) as raised:
        decode_source(data)
    assert raised.value.kind is ErrorKind.ENCODING
    assert codec in str(raised.value)


@pytest.mark.parametrize("codec", ["rot13", "hex", "base64", "zlib"])
def test_non_text_codecs_are_refused_not_applied(codec: str) -> None:
    with pytest.raises(UnreadableSourceError, match="not a text encoding"):
        decode_source(f"# coding: {codec}\nx = 1\n".encode())


def test_a_declared_codec_is_applied_as_python_would() -> None:
    """UTF-7 hides a newline and a call in a comment; Python runs the call, so we see it."""
    data = b"# coding: utf-7\nx = 1  #+AAo-eval(input())\n"
    text = decode_source(data)
    assert text == "# coding: utf-7\nx = 1  #\neval(input())\n"
    compile(data, "hidden.py", "exec")  # Python itself accepts the file


CODECS = sorted(
    set(encodings.aliases.aliases.values())
    | {"punycode", "idna", "undefined", "utf_7", "unicode_escape", "raw_unicode_escape"}
)
SAMPLES = (
    b"x = 1\ny = 'abc'\n",
    b"x = '\xe9\xe8'\n",
    b"import os  # +AAo-os.system(input())\n",
    b"s = '\\u0041'\n",
)


def python_reads(data: bytes) -> str | None:
    try:
        return ast.dump(ast.parse(data))
    except (SyntaxError, ValueError, UnicodeError):
        return None


def secreview_reads(data: bytes) -> str | None:
    try:
        return ast.dump(ast.parse(decode_source(data)))
    except (UnreadableSourceError, SyntaxError):
        return None


@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_reads_exactly_what_python_reads(codec: str) -> None:
    """Python refuses the file: one clear error; Python accepts it: the same tree, never a crash."""
    for sample in SAMPLES:
        data = f"# coding: {codec}\n".encode() + sample
        assert secreview_reads(data) == python_reads(data), sample


def test_a_bom_contradicting_the_declaration_is_an_encoding_error() -> None:
    with pytest.raises(UnreadableSourceError, match="byte-order mark") as raised:
        decode_source(b"\xef\xbb\xbf# coding: latin-1\nx = 1\n")
    assert raised.value.kind is ErrorKind.ENCODING


def test_codec_errors_inside_a_folder_do_not_stop_the_scan(tmp_path: Path) -> None:
    (tmp_path / "puny.py").write_bytes(b"# -*- coding: punycode -*-\n" + VULNERABLE.encode())
    (tmp_path / "undef.py").write_bytes(b"# -*- coding: undefined -*-\n" + VULNERABLE.encode())
    (tmp_path / "good.py").write_text(VULNERABLE)
    code, payload = scan_json(str(tmp_path))
    assert code == 1
    assert flagged(payload) == ["good.py"]
    errors = errors_by_name(payload)
    assert set(errors) == {"puny.py", "undef.py"}
    assert {kind for kind, _ in errors.values()} == {"encoding"}


# --- names that are not valid UTF-8 ---------------------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="Linux file names are any bytes")
@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "markdown"])
def test_a_file_name_that_is_not_utf8_is_reviewed_and_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.chdir(tmp_path)
    with open(b"bad\xff.py", "w", encoding="utf-8") as handle:
        handle.write(VULNERABLE)
    code, output = scan(".", output_format=output_format)
    assert code == 1, output
    assert "eval" in output
    if output_format == "json":
        (finding,) = json.loads(output)["findings"]
        assert finding["path"] == "bad\\xff.py"
        assert json.loads(output)["errors"] == []
    elif output_format == "sarif":
        (result,) = json.loads(output)["runs"][0]["results"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "bad%5Cxff.py"  # one file name, never a folder `bad/`
    else:
        assert "bad\\xff.py" in output


def test_control_characters_in_names_are_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("evil\n\x1b[2Jname.py").write_text(VULNERABLE)
    sources, errors = discover(["."], ScanConfig().excludes)
    assert [s.shown_as for s in sources] == ["evil\\n\\x1b[2Jname.py"]
    assert sources[0].path.name == "evil\n\x1b[2Jname.py" and errors == []


# --- folders that cannot be listed ----------------------------------------------------------


def deny_listing(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    """Make `denied` unlistable even for root (chmod 000 does not stop root)."""
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if isinstance(path, (str, os.PathLike)) and Path(os.fspath(path)) == denied:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


def test_a_folder_that_cannot_be_listed_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "hidden.py").write_text(VULNERABLE)
    (tmp_path / "open.py").write_text(VULNERABLE)
    deny_listing(monkeypatch, tmp_path / "locked")
    code, payload = scan_json(str(tmp_path))
    assert code == 1 and flagged(payload) == ["open.py"]
    assert errors_by_name(payload) == {
        "locked": (
            "unreadable",
            "cannot be listed (permission denied); its files were not reviewed",
        )
    }


def test_a_named_folder_that_cannot_be_listed_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deny_listing(monkeypatch, tmp_path)
    code, payload = scan_json(str(tmp_path), "--strict")
    assert code == 2
    assert [(e["kind"], e["message"]) for e in payload["errors"]] == [
        ("unreadable", "cannot be listed (permission denied); its files were not reviewed")
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_a_chmod_000_folder_is_one_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text(VULNERABLE)
    locked.chmod(0)
    try:
        _, payload = scan_json(str(tmp_path))
    finally:
        locked.chmod(0o755)
    assert errors_by_name(payload)["locked"][0] == "unreadable"


# --- paths longer than PATH_MAX -------------------------------------------------------------


def test_a_file_deeper_than_path_max_is_reviewed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    component = "d" * 200
    depth = 25  # 25 * 201 bytes: well over PATH_MAX (4096)
    folder = os.open(".", os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(component, dir_fd=folder)
            inner = os.open(component, os.O_RDONLY, dir_fd=folder)
            os.close(folder)
            folder = inner
        handle = os.open("deep.py", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=folder)
        os.write(handle, VULNERABLE.encode())
        os.close(handle)
    finally:
        os.close(folder)
    code, payload = scan_json(".")
    assert code == 1, payload["errors"]
    (finding,) = payload["findings"]
    assert finding["path"] == "/".join([component] * depth + ["deep.py"])
    assert len(finding["path"]) > 4096


def test_a_name_longer_than_name_max_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "ok.py").write_text(VULNERABLE)
    code, payload = scan_json(str(tmp_path), str(tmp_path / ("n" * 300 + ".py")))
    assert code == 1
    ((kind, message),) = errors_by_name(payload).values()
    assert kind == "unreadable" and "name too long" in message.lower()


# --- things that are not regular files ------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """In a child process with a timeout, so that a hang (opening a FIFO) fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "secreview", "scan", "--format", "json", "--no-progress", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_pipes_devices_and_sockets_are_errors_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "named.py")
    os.mkfifo(tmp_path / "tool")  # extension-less: the shebang sniff must not open it
    (tmp_path / "inside").mkdir()
    os.mkfifo(tmp_path / "inside" / "script")
    os.mkfifo(tmp_path / "inside" / "pipe.py")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "inside" / "sock.py"))
        (tmp_path / "good.py").write_text(VULNERABLE)
        done = run_cli(
            str(tmp_path / "named.py"),
            str(tmp_path / "tool"),
            "/dev/null",
            str(tmp_path / "inside"),
            str(tmp_path / "good.py"),
        )
    payload = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr
    errors = errors_by_name(payload)
    assert set(errors) == {"named.py", "tool", "null", "pipe.py", "sock.py"}
    assert errors["null"] == ("unreadable", "is not a regular file (a character device)")
    assert errors["tool"] == ("unreadable", "is not a regular file (a named pipe)")
    assert errors["sock.py"] == ("unreadable", "is not a regular file (a socket)")
    assert flagged(payload) == ["good.py"]


def test_reading_is_bounded_even_when_the_size_lies() -> None:
    """/proc files report size 0; reading stops at the limit instead of trusting the size."""
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("needs /proc")
    with pytest.raises(UnreadableSourceError) as raised:
        read_source(status, max_bytes=64)
    assert raised.value.kind is ErrorKind.TOO_LARGE


def test_reading_is_bounded_when_a_file_grows_after_its_size_was_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grown = tmp_path / "grown.py"
    grown.write_text("x = 1\n" * 100)
    real_fstat = os.fstat

    def stale_fstat(handle: int) -> os.stat_result:
        fields = list(real_fstat(handle))
        fields[stat.ST_SIZE] = 6  # the size it had when it was measured
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", stale_fstat)
    with pytest.raises(UnreadableSourceError, match="over the 64-byte limit") as raised:
        read_source(grown, max_bytes=64)
    assert raised.value.kind is ErrorKind.TOO_LARGE


@pytest.mark.skipif(not hasattr(signal, "SIGALRM") or not hasattr(os, "mkfifo"), reason="POSIX")
def test_reading_a_fifo_swapped_in_after_discovery_never_blocks(tmp_path: Path) -> None:
    """The open itself must not wait for a writer; the alarm turns a hang into a failure."""
    os.mkfifo(tmp_path / "late.py")

    def hung(signum: int, frame: object) -> None:
        raise TimeoutError("opening the FIFO blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with pytest.raises(UnreadableSourceError, match=r"not a regular file \(a named pipe\)"):
            read_source(tmp_path / "late.py")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_directory_given_to_read_source_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableSourceError, match="is a directory"):
        read_source(tmp_path)


# --- symbolic links -------------------------------------------------------------------------


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A project with links inside, to the outside, to a folder outside, and to its own root."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (elsewhere / "lib").mkdir(parents=True)
    (elsewhere / "secret.py").write_text(VULNERABLE)
    (elsewhere / "lib" / "helper.py").write_text(VULNERABLE)
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "real.py").write_text(VULNERABLE)
    (project / "alias.py").symlink_to(project / "pkg" / "real.py")
    (project / "again").symlink_to(project / "pkg")
    (project / "loop").symlink_to(project)
    (project / "stolen.py").symlink_to(elsewhere / "secret.py")
    (project / "vendor").symlink_to(elsewhere / "lib")
    return project


def test_links_inside_are_reviewed_once_links_outside_are_reported(linked: Path) -> None:
    code, payload = scan_json(str(linked))
    assert code == 1
    assert flagged(payload) == ["real.py"]
    errors = errors_by_name(payload)
    assert set(errors) == {"stolen.py", "vendor"}
    kind, message = errors["stolen.py"]
    assert kind == "outside"
    assert message == (
        "is a symbolic link to a file outside the scanned folder "
        f"({linked.parent / 'elsewhere' / 'secret.py'}); not read without --follow-symlinks"
    )
    assert errors["vendor"][0] == "outside" and "not entered" in errors["vendor"][1]


def test_follow_symlinks_reads_outside_and_never_loops(linked: Path) -> None:
    code, payload = scan_json(str(linked), "--follow-symlinks")
    assert code == 1 and payload["errors"] == []
    shown = sorted(Path(f["path"]).relative_to(linked).as_posix() for f in payload["findings"])
    assert shown == ["pkg/real.py", "stolen.py", "vendor/helper.py"]


def test_a_symlink_named_on_the_command_line_is_followed(linked: Path) -> None:
    code, payload = scan_json(str(linked / "stolen.py"), str(linked / "vendor"))
    assert code == 1 and payload["errors"] == []
    assert flagged(payload) == ["helper.py", "stolen.py"]


def test_discovery_is_sorted_and_unique(linked: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(linked)
    (linked / "b.py").write_text("x = 1\n")
    (linked / "a.py").write_text("x = 1\n")
    sources, _ = discover([".", "pkg", "b.py", "pkg/real.py"], ScanConfig().excludes)
    assert [s.shown_as for s in sources] == ["a.py", "b.py", "pkg/real.py"]
    assert [s.module for s in sources] == ["a", "b", "pkg.real"]


def test_a_folder_named_inside_an_excluded_one_is_reviewed_from_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`secreview scan venv/lib/site-packages/pkg` from the folder above: the user named it, so
    the default `site-packages` exclude does not empty it; excludes still apply inside it."""
    package = tmp_path / "venv" / "lib" / "site-packages" / "pkg"
    (package / "build").mkdir(parents=True)
    (package / "app.py").write_text(VULNERABLE)
    (package / "build" / "generated.py").write_text(VULNERABLE)
    monkeypatch.chdir(tmp_path)
    excludes = ScanConfig().excludes
    sources, errors = discover(["venv/lib/site-packages/pkg"], excludes)
    assert [s.shown_as for s in sources] == ["venv/lib/site-packages/pkg/app.py"]
    assert errors == []
    monkeypatch.chdir(package)
    sources, _ = discover(["."], excludes)
    assert [s.shown_as for s in sources] == ["app.py"]  # `build` below the root: excluded
