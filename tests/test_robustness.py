"""Bad input is normal input: each bad file becomes one clear error and the scan goes on."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.pipeline import review_source

VULNERABLE = "def run(cmd):\n    return eval(cmd)\n"


def scan_json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["scan", "--format", "json", "--no-progress", *args])
    return result.exit_code, json.loads(result.output)


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text(VULNERABLE)
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "latin.py").write_bytes(b"name = '\xe9t\xe9'\n")
    (tmp_path / "declared_latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n" + VULNERABLE.encode()
    )
    (tmp_path / "binary.py").write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    (tmp_path / "huge.py").write_text("x = 1\n" * 50_000)
    (tmp_path / "dangling.py").symlink_to(tmp_path / "missing-target.py")
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + VULNERABLE.encode())
    (tmp_path / "crlf.py").write_bytes(VULNERABLE.replace("\n", "\r\n").encode())
    os.mkfifo(tmp_path / "pipe.py")
    return tmp_path


def test_every_bad_file_is_one_clear_error_and_the_rest_is_reviewed(messy: Path) -> None:
    code, payload = scan_json(str(messy), "--max-file-size", "100K", "-j", "2")
    assert code == 1
    errors = {Path(e["path"]).name: e["message"] for e in payload["errors"]}
    assert set(errors) == {
        "broken.py",
        "latin.py",
        "binary.py",
        "huge.py",
        "dangling.py",
        "pipe.py",
    }
    assert "syntax error at line 1" in errors["broken.py"]
    assert "not valid utf-8" in errors["latin.py"]
    assert "binary" in errors["binary.py"]
    assert "100K" in errors["huge.py"] or "102,400" in errors["huge.py"]
    assert "broken symbolic link" in errors["dangling.py"]
    assert "not a regular file" in errors["pipe.py"]
    flagged = sorted(Path(f["path"]).name for f in payload["findings"])
    assert flagged == ["bom.py", "crlf.py", "declared_latin.py", "good.py"]
    lines = {Path(f["path"]).name: f["line"] for f in payload["findings"]}
    assert lines["declared_latin.py"] == 4 and lines["crlf.py"] == 2


def test_errors_keep_exit_code_by_findings_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "ok.py").write_text("x = 1\n")
    assert scan_json(str(tmp_path))[0] == 0
    assert scan_json(str(tmp_path), "--strict")[0] == 2


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "secret.py"
    target.write_text("x = 1\n")

    real_open = os.open

    def deny(path: str | os.PathLike[str], *args: object, **kwargs: object) -> int:
        """chmod 000 would not stop root (and CI runs as root): refuse the open instead."""
        if Path(os.fspath(path)) == target:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    code, payload = scan_json(str(target), "-j", "1")
    assert code == 0
    assert payload["errors"] == [
        {
            "path": payload["errors"][0]["path"],
            "message": "cannot be read (permission denied)",
            "kind": "unreadable",
        }
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "(" * 200 + ")" * 200,
        "x = " + "[" * 5000 + "]" * 5000,
        "def f():\n" + "    if x:\n" * 1 + "        pass\n",
        "\x0c\x0b",
        "'''unterminated",
        "a = 1 +" + " 1 +" * 20000 + " 1\n",
    ],
)
def test_review_source_never_raises(text: str) -> None:
    report = review_source(text, "weird.py")
    assert report.path == "weird.py"


def test_newer_syntax_and_partly_broken_files_are_reviewed_and_counted(tmp_path: Path) -> None:
    """Files the host Python rejects are parsed by the fallback, never silently skipped."""
    (tmp_path / "modern.py").write_text(
        'import os\n\ndef run[T](d: dict) -> None:\n    os.system(f"ls {d["path"]}")\n'
    )
    (tmp_path / "half.py").write_text(
        "def broken(:\n    pass\n\ndef run(cmd):\n    return eval(cmd)\n"
    )
    code, payload = scan_json(str(tmp_path), "-j", "1")
    assert code == 1 and payload["parse_fallbacks"] == 2
    lines = {(Path(f["path"]).name, f["line"], f["rule_id"]) for f in payload["findings"]}
    assert ("modern.py", 4, "shell-command-injection") in lines
    assert ("half.py", 5, "eval-injection") in lines
    regions = {Path(r["path"]).name: r["lines"] for r in payload["unrecoverable_regions"]}
    assert regions == {"half.py": [1]}


def test_a_partly_reviewed_file_without_findings_is_never_called_clean(tmp_path: Path) -> None:
    (tmp_path / "half.py").write_text("x = 1\ndef broken(:\n    pass\ny = 2\n")
    for output_format in ("text", "markdown"):
        result = CliRunner().invoke(
            cli, ["scan", str(tmp_path), "-j", "1", "--format", output_format, "--no-progress"]
        )
        assert "syntax error at line 2" in result.output
        assert "part of the code that could be reviewed" in result.output
        assert "No security defects are detected in the code." not in result.output


def test_an_overlong_name_as_the_only_path_is_one_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(tmp_path / ("a" * 300)), "--no-progress"])
    assert result.exit_code == 2
    assert "nothing to review" in result.output
    assert "Errno" not in result.output and "internal error" not in result.output


def test_a_huge_try_body_is_given_up_with_a_note_not_copied_for_minutes() -> None:
    """Each rebinding statement of a `try` body keeps a state for the handler; copying those
    states counts against the function's step budget, so 3,000 assignments end in a note."""
    body = "\n".join(f"        v{i} = request.args['a{i}']" for i in range(3000))
    handler = "    except ValueError:\n        pass\n"
    text = f"from flask import request\ndef f():\n    try:\n{body}\n{handler}"
    report = review_source(text, "huge_try.py")
    assert report.error is None, report.error
    assert any("given up" in note for note in report.notes), report.notes
