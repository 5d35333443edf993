"""`secreview review` on repositories whose own git configuration tries to run programs or to
make the review look away.

Each mechanism gets a repository of its own, built with real git and then armed: every program
it names is a shell script that leaves a marker file. Every review input mode is run on every
armed repository; no marker may appear, the planted injection must be reported, and the
repository's index must be left as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli

SAFE = (
    "import subprocess\n\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
    '@app.route("/run")\ndef run():\n    return str(len(request.args["x"]))\n'
)
VULNERABLE = SAFE.replace('len(request.args["x"])', 'eval(request.args["x"])')
STAGED = (
    "import subprocess\n\nfrom flask import request\n\nfrom app import app\n\n\n"
    '@app.route("/ping")\ndef ping():\n    subprocess.run(request.args["host"], shell=True)\n'
    '    return "ok"\n'
)
HOOK_NAMES = (
    "applypatch-msg",
    "pre-applypatch",
    "post-applypatch",
    "pre-commit",
    "pre-merge-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-rebase",
    "post-checkout",
    "post-merge",
    "pre-push",
    "pre-receive",
    "update",
    "proc-receive",
    "post-receive",
    "post-update",
    "reference-transaction",
    "push-to-checkout",
    "pre-auto-gc",
    "post-rewrite",
    "sendemail-validate",
    "fsmonitor-watchman",
    "p4-changelist",
    "p4-prepare-changelist",
    "p4-post-changelist",
    "p4-pre-submit",
    "post-index-change",
)
FAKE_SIGNATURE = (
    "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n"
)


def clean_environment() -> dict[str, str]:
    """git for building the fixtures: no inherited GIT_* variable, a fixed identity."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    return {**kept, **identity, "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=repo, env=clean_environment(), input=stdin, capture_output=True
    )
    assert completed.returncode == 0, completed.stderr.decode()
    return completed.stdout.decode()


def script(path: Path, marker: Path) -> str:
    """An executable that records that it ran (and passes stdin through, like a filter)."""
    path.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat 2>/dev/null\nexit 0\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def config(repo: Path, *pairs: tuple[str, str]) -> None:
    for key, value in pairs:
        git(repo, "config", key, value)


@dataclass(frozen=True)
class Armed:
    """A built repository: the folder, where markers land, and the diff of its change."""

    repo: Path
    markers: Path
    diff_file: Path

    def ran(self) -> list[str]:
        return sorted(p.name for p in self.markers.iterdir())


def build(root: Path, attributes: str = "") -> Armed:
    """main: a safe handler; feature (checked out): the handler evaluates a request argument,
    in a commit that looks signed; staged: a new module running a shell command."""
    repo, markers = root / "repo", root / "markers"
    repo.mkdir()
    markers.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "app.py").write_text(SAFE)
    if attributes:
        (repo / ".gitattributes").write_text(attributes)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Safe handler")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "app.py").write_text(VULNERABLE)
    git(repo, "commit", "-q", "-am", "Evaluate the argument")
    unsigned = git(repo, "cat-file", "commit", "HEAD")
    header, _, message = unsigned.partition("\n\n")
    signed = f"{header}\n{FAKE_SIGNATURE}\n{message}".encode()
    signed_id = git(repo, "hash-object", "-t", "commit", "-w", "--stdin", stdin=signed).strip()
    git(repo, "update-ref", "refs/heads/feature", signed_id)
    diff_file = root / "change.diff"
    diff_file.write_text(git(repo, "diff", "--text", "--no-textconv", "main", "feature"))
    (repo / "staged.py").write_text(STAGED)
    git(repo, "add", "staged.py")
    return Armed(repo, markers, diff_file)


def arm_hooks(armed: Armed, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for name in HOOK_NAMES:
        script(folder / name, armed.markers / f"hook-{name}")


def stat_dirty(armed: Armed) -> None:
    """An old timestamp on an unchanged file: `git diff` would refresh and write the index,
    running post-index-change."""
    os.utime(armed.repo / "app.py", (1, 1))


def _hooks(armed: Armed) -> None:
    arm_hooks(armed, armed.repo / ".git" / "hooks")
    stat_dirty(armed)


def _hooks_path(armed: Armed) -> None:
    arm_hooks(armed, armed.repo.parent / "elsewhere-hooks")
    config(armed.repo, ("core.hooksPath", str(armed.repo.parent / "elsewhere-hooks")))
    stat_dirty(armed)


def _program(armed: Armed, name: str) -> str:
    return script(armed.repo.parent / name, armed.markers / name)


def _clean_filter(armed: Armed) -> None:
    config(
        armed.repo,
        ("filter.evil.clean", _program(armed, "clean")),
        ("filter.evil.smudge", _program(armed, "smudge")),
        ("filter.evil.required", "true"),
    )


def _process_filter(armed: Armed) -> None:
    config(armed.repo, ("filter.evil.process", _program(armed, "process")))


def _gpg(armed: Armed) -> None:
    config(armed.repo, ("gpg.program", _program(armed, "gpg")), ("log.showSignature", "true"))


def _fsmonitor(armed: Armed) -> None:
    config(armed.repo, ("core.fsmonitor", _program(armed, "fsmonitor")))


def _textconv(armed: Armed) -> None:
    config(armed.repo, ("diff.evil.textconv", _program(armed, "textconv")))


def _external_diff(armed: Armed) -> None:
    config(armed.repo, ("diff.external", _program(armed, "external")))


def _diff_command(armed: Armed) -> None:
    config(armed.repo, ("diff.evil.command", _program(armed, "command")))


def _promisor_ssh(armed: Armed) -> None:
    config(
        armed.repo,
        ("core.repositoryformatversion", "1"),
        ("extensions.partialClone", "origin"),
        ("remote.origin.url", "ssh://git@example.invalid/repo.git"),
        ("remote.origin.promisor", "true"),
        ("core.sshCommand", _program(armed, "ssh")),
    )


def _pager(armed: Armed) -> None:
    config(armed.repo, ("core.pager", _program(armed, "pager")), ("pager.diff", "true"))


def _evil_config(armed: Armed, name: str) -> Path:
    included = armed.repo.parent / f"{name}.cfg"
    included.write_text(
        f"[core]\n\tfsmonitor = {_program(armed, name + '-fsmonitor')}\n"
        f"\tpager = {_program(armed, name + '-pager')}\n"
        f"\thooksPath = {armed.repo.parent / 'elsewhere-hooks'}\n"
        f"[diff]\n\texternal = {_program(armed, name + '-external')}\n"
        f'[filter "evil"]\n\tclean = {_program(armed, name + "-clean")}\n'
    )
    arm_hooks(armed, armed.repo.parent / "elsewhere-hooks")
    return included


def _include(armed: Armed) -> None:
    config(armed.repo, ("include.path", str(_evil_config(armed, "include"))))


def _include_if(armed: Armed) -> None:
    condition = f"includeIf.gitdir:{armed.repo}/.path"
    config(armed.repo, (condition, str(_evil_config(armed, "includeif"))))


def _core_worktree(armed: Armed) -> None:
    """git would review a decoy folder holding the safe version instead of the work tree."""
    decoy = armed.repo.parent / "decoy"
    decoy.mkdir()
    (decoy / "app.py").write_text(SAFE)
    config(armed.repo, ("core.worktree", str(decoy)))


def _core_bare(armed: Armed) -> None:
    config(armed.repo, ("core.bare", "true"))


def _replace_ref(armed: Armed) -> None:
    """A replace ref would show git the safe commit in place of the one under review."""
    safe = git(armed.repo, "rev-parse", "main").strip()
    git(armed.repo, "replace", "-f", git(armed.repo, "rev-parse", "feature").strip(), safe)


MECHANISMS: dict[str, tuple[str, Callable[[Armed], None]]] = {
    "hooks": ("", _hooks),
    "core.hooksPath": ("", _hooks_path),
    "clean filter": ("*.py filter=evil\n", _clean_filter),
    "process filter": ("*.py filter=evil\n", _process_filter),
    "gpg.program": ("", _gpg),
    "core.fsmonitor": ("", _fsmonitor),
    "textconv": ("*.py diff=evil\n", _textconv),
    "diff.external": ("", _external_diff),
    "diff.X.command": ("*.py diff=evil\n", _diff_command),
    "promisor + core.sshCommand": ("", _promisor_ssh),
    "core.pager": ("", _pager),
    "include": ("*.py filter=evil\n", _include),
    "includeIf": ("*.py filter=evil\n", _include_if),
    "core.worktree": ("", _core_worktree),
    "core.bare": ("", _core_bare),
    "replace ref": ("", _replace_ref),
    "-diff attribute": ("*.py -diff\n", lambda armed: None),
    "binary attribute": ("*.py binary\n", lambda armed: None),
}

APP = ("tainted-code", "app.py", 10)
SHELL = ("tainted-command", "staged.py", 10)
MODES: dict[str, tuple[list[str], set[tuple[str, str, int]]]] = {
    "working tree": ([], {APP, SHELL}),
    "--staged": (["--staged"], {SHELL}),
    "--commit": (["--commit", "HEAD"], {APP}),
    "--base/--head": (["--base", "main", "--head", "HEAD"], {APP}),
    "--diff FILE": (["--diff", "{diff}"], {APP}),
    "--diff FILE --base": (["--diff", "{diff}", "--base", "main"], {APP}),
    "--diff -": (["--diff", "-"], {APP}),
}


@pytest.fixture(autouse=True)
def _no_inherited_git_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests may themselves run inside a git hook, which sets GIT_DIR or GIT_INDEX_FILE."""
    for name in [n for n in os.environ if n.startswith("GIT_")]:
        monkeypatch.delenv(name)


@pytest.fixture(scope="module", params=sorted(MECHANISMS))
def armed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Armed:
    attributes, arm = MECHANISMS[request.param]
    built = build(tmp_path_factory.mktemp("hostile"), attributes)
    arm(built)
    return built


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("mode", sorted(MODES))
def test_no_program_runs_and_the_injection_is_reported(armed: Armed, mode: str) -> None:
    arguments, expected = MODES[mode]
    arguments = [a.replace("{diff}", str(armed.diff_file)) for a in arguments]
    stdin = armed.diff_file.read_text() if arguments[-1:] == ["-"] else None
    index_before = _digest(armed.repo / ".git" / "index")
    ran_before = armed.ran()
    result = CliRunner().invoke(
        cli, ["review", "-C", str(armed.repo), "--format", "json", *arguments], input=stdin
    )
    assert armed.ran() == ran_before == []
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    reported = {(f["rule_id"], f["path"], f["line"]) for f in findings}
    assert expected <= reported
    assert _digest(armed.repo / ".git" / "index") == index_before


def test_the_signed_looking_commit_is_read_without_gpg(tmp_path: Path) -> None:
    """The commit message comes from the commit object, not from `git log`."""
    armed = build(tmp_path)
    _gpg(armed)
    result = CliRunner().invoke(cli, ["review", "-C", str(armed.repo), "--commit", "HEAD"])
    assert "Commit message: Evaluate the argument" in result.output
    assert armed.ran() == []


@pytest.fixture
def plain(tmp_path: Path) -> Iterator[Armed]:
    yield build(tmp_path)


def test_the_old_porcelain_calls_would_have_run_the_hook(plain: Armed) -> None:
    """The fixture is armed for real: git's own `git diff` runs post-index-change."""
    arm_hooks(plain, plain.repo / ".git" / "hooks")
    stat_dirty(plain)
    git(plain.repo, "diff", "--stat")
    assert "hook-post-index-change" in plain.ran()
