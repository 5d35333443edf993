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
from collections.abc import Callable
from pathlib import Path

import pytest
from side_file_cases import (  # noqa: F401 (fixtures are used by name)
    GOOD_DIFF,
    KINDS,
    MIB,
    SCAN,
    assert_one_clear_error,
    invoke,
    prepare,
)


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
def test_bad_content_is_one_clear_error(side_project: Path, kind_name: str, shape: str) -> None:
    kind = KINDS[kind_name]
    if kind.name == "commit-message" and shape.startswith("deep"):
        pytest.skip("any UTF-8 text is a commit message")
    prepare(side_project, kind).write_bytes(CONTENT[shape](kind.format))
    assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)


@pytest.mark.parametrize("kind_name", sorted(KINDS))
def test_a_file_over_the_limit_is_refused_unread(side_project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    with prepare(side_project, kind).open("wb") as handle:
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
    side_project: Path, kind_name: str, shape: str
) -> None:
    kind = KINDS[kind_name]
    if (kind.name, shape) == ("commit-message", "directory"):
        pytest.skip("a folder's name is taken as the message text")
    NOT_FILES[shape](prepare(side_project, kind))
    assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)


def test_a_pyproject_that_is_not_a_file_is_not_the_configuration(side_project: Path) -> None:
    (side_project / "pyproject.toml").symlink_to("/dev/null")
    code, output, _ = invoke(*SCAN)
    assert code == 0, output


@pytest.mark.parametrize(
    "kind_name",
    sorted(set(KINDS) - {"pyproject", "commit-message"}),  # neither is ever named
)
def test_a_missing_file_is_one_clear_error(side_project: Path, kind_name: str) -> None:
    kind = KINDS[kind_name]
    prepare(side_project, kind)
    if kind.named:
        shutil.rmtree(side_project / kind.target)
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
    side_project: Path, kind_name: str, unreadable: Callable[[Path], None]
) -> None:
    kind = KINDS[kind_name]
    path = prepare(side_project, kind)
    path.write_text(kind.valid)
    unreadable(path)
    line = assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)
    assert "permission denied" in line


@pytest.mark.parametrize("kind_name", sorted(set(KINDS) - {"pyproject"}))
def test_a_named_pipe_is_refused_without_blocking(
    side_project: Path, kind_name: str, no_hang: None
) -> None:
    kind = KINDS[kind_name]
    os.mkfifo(prepare(side_project, kind))
    line = assert_one_clear_error(*invoke(*kind.args)[:2], Path(kind.file).name)
    assert "named pipe" in line
