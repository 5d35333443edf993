"""`secreview pre-commit FILES`: the pre-commit hook, reviewing exactly the files it is given.

pre-commit passes the file names its filters chose. Which review they get follows from git:

- `PRE_COMMIT_FROM_REF`/`PRE_COMMIT_TO_REF` set (`pre-commit run --from-ref/--to-ref`, the
  pre-push stage): the change between them;
- every named file has a staged change (a `git commit`): the staged change, limited to them;
- otherwise (`pre-commit run --all-files`, `--files`, pre-commit.ci, nothing staged): a full
  review of the named files, so a repository full of vulnerabilities cannot pass.

The review runs as `secreview review` or `secreview scan` with the hook's own options.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from secreview.commands.common import fail
from secreview.commands.options import FAIL_ON_CHOICE, SEVERITY_CHOICE
from secreview.sources.git import repository as git
from secreview.sources.git.errors import GitError


def _staged_paths() -> set[str] | None:
    """Paths (new and old names) the index changes against HEAD; None outside git."""
    try:
        repository = git.Repository.open(Path("."))
        if repository is None:
            return None
        with repository:
            head_tree = repository.tree_of(repository.head_or_empty_tree())
            changes = repository.changes(head_tree, repository.tree_with([]))
    except GitError as error:
        fail(str(error))
    return {path for change in changes for path in (change.old_path, change.new_path) if path}


def review_arguments(files: list[str], staged: set[str] | None, options: list[str]) -> list[str]:
    """The `secreview` command line for these files (see the module's rules)."""
    from_ref = os.environ.get("PRE_COMMIT_FROM_REF")
    to_ref = os.environ.get("PRE_COMMIT_TO_REF")
    named = {Path(f).as_posix() for f in files}
    if staged is not None and from_ref and to_ref:
        return ["review", "--base", from_ref, "--head", to_ref, *options]
    if staged is not None and named and named <= staged:
        # Limited to the named files: staged files the hook's filters left out stay out.
        return ["review", "--staged", *options, "--", *sorted(named)]
    return ["scan", "--no-progress", *options, "--", *files]


@click.command("pre-commit")
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--fail-on", type=FAIL_ON_CHOICE, help="Block from this severity [config, low].")
@click.option("--min-severity", type=SEVERITY_CHOICE, help="Hide below this severity.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Settings file.")
def precommit_command(
    files: tuple[str, ...], fail_on: str | None, min_severity: str | None, config_path: str | None
) -> None:
    """Review the files pre-commit names: their staged change, or all of them (--all-files)."""
    options: list[str] = []
    for flag, value in (
        ("--fail-on", fail_on),
        ("--min-severity", min_severity),
        ("--config", config_path),
    ):
        if value:
            options.extend([flag, value])
    if not files:
        click.echo("No files to review.")
        return
    group = click.get_current_context().find_root().command  # `secreview`, this command's group
    group.main(review_arguments(list(files), _staged_paths(), options), prog_name="secreview")
