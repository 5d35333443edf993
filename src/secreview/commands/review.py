"""`secreview review`: review a change (a diff, a commit, base..head, the working tree)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from secreview.commands.common import (
    REVIEW_RENDERERS,
    SEVERITY_CHOICE,
    configure,
    emit,
    exit_code_for,
    fail,
    output_destination,
    parse_size,
    settings_options,
    with_baseline,
)
from secreview.config_file import ConfigError
from secreview.review.changes import Change, from_diff
from secreview.review.configuration import review_settings
from secreview.review.git_changes import from_git
from secreview.review.run import review_change
from secreview.sources import git
from secreview.sources.diff import DiffError
from secreview.sources.reading import UnreadableSourceError
from secreview.sources.sidefiles import (
    MIB,
    SideFileError,
    read_side_file,
    read_side_stream,
    read_side_text,
    shown,
)

DIFF_MAX_BYTES = 64 * MIB
MESSAGE_MAX_BYTES = 1 * MIB


def _shared_scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """The file, rule and severity options `review` takes with the same meaning as in `scan`."""
    for option in reversed(
        (
            click.option("--exclude", multiple=True, metavar="GLOB", help="Skip matching files."),
            click.option("--no-default-excludes", is_flag=True, help="Also review build dirs..."),
            click.option("--min-severity", type=SEVERITY_CHOICE, default="low", help="Hide below."),
            click.option(
                "--fail-on",
                type=SEVERITY_CHOICE,
                default="low",
                show_default=True,
                help="Exit 1 when a new finding at or above this severity is reported.",
            ),
            click.option("--include-tests", is_flag=True, help="Count test-code findings."),
            click.option(
                "--max-file-size",
                default="2M",
                show_default=True,
                callback=parse_size,
                help="Larger files are reported as errors, not reviewed.",
            ),
            click.option("--disable", multiple=True, metavar="RULE-ID", help="Skip this rule."),
            click.option(
                "--strict", is_flag=True, help="Exit 2 when a file could not be reviewed."
            ),
        )
    ):
        command = option(command)
    return command


def _message_from(value: str) -> str:
    """`--commit-message` is a file's text when it names an existing path other than a folder
    (a pipe or device there is an error, never read), else the text itself."""
    if not os.path.exists(value) or os.path.isdir(value):
        return value
    try:
        return read_side_text(
            value, what="commit message file", max_bytes=MESSAGE_MAX_BYTES
        ).rstrip()
    except SideFileError as error:
        fail(str(error))


def _change_to_review(
    repository: git.Repository | None,
    folder: Path,
    diff_file: str | None,
    base: str | None,
    head: str | None,
    commit: str | None,
    staged: bool,
    max_bytes: int,
) -> tuple[Change, str | None, git.Revision | None]:
    """What to review, the commit message git has for it (None for uncommitted work), and the
    revision whose configuration governs the review (None without git)."""
    if diff_file is not None:
        if head or commit or staged:
            raise click.UsageError("--diff cannot be combined with --head, --commit or --staged")
        if base and repository is None:
            raise click.UsageError("--base needs a git repository; run inside one or use -C")
        text = _read_diff(diff_file)
        label = "the diff on standard input" if diff_file == "-" else diff_file
        base_revision = repository.resolve(base) if base and repository else None
        change = from_diff(
            text,
            label,
            repository.root if repository else folder,
            base=base_revision,
            repository=repository,
            max_bytes=max_bytes,
        )
        governing = base_revision or (repository.head_or_empty_tree() if repository else None)
        return change, None, governing
    if repository is None:
        raise click.UsageError(f"{folder.resolve()} is not in a git repository; give --diff FILE")
    if commit:
        if base or head or staged:
            raise click.UsageError("--commit cannot be combined with --base, --head or --staged")
        commit_revision = repository.resolve(commit)
        head_revision: git.Revision | None = commit_revision
        base_revision = repository.parent_of(commit_revision)
    else:
        if head and staged:
            raise click.UsageError("--staged reviews the index; it cannot be combined with --head")
        head_revision = repository.resolve(head) if head else None
        if base:
            against = head_revision or repository.resolve("HEAD")
            base_revision = repository.merge_base(repository.resolve(base), against)
        elif staged:
            base_revision = repository.head_or_empty_tree()  # what the commit being made adds
        else:
            base_revision = repository.default_base(head_revision)
    change = from_git(repository, base_revision, head_revision, staged=staged, max_bytes=max_bytes)
    message = repository.commit_message(head_revision) if head_revision else None
    return change, message, base_revision


def _read_diff(path: str) -> str:
    """The diff in the file at `path`, or on standard input for '-'."""
    try:
        if path == "-":
            data = read_side_stream(
                sys.stdin.buffer,
                shown_as="standard input",
                what="diff",
                max_bytes=DIFF_MAX_BYTES,
            )
        else:
            data = read_side_file(path, what="diff", max_bytes=DIFF_MAX_BYTES)
    except SideFileError as error:
        fail(str(error))
    return data.decode("utf-8", errors="surrogateescape")


@click.command("review")
@click.option(
    "--diff",
    "diff_file",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Review this unified diff ('-' for standard input) instead of asking git.",
)
@click.option("--base", help="Compare with this revision [merge-base with the default branch].")
@click.option("--head", help="Review this revision [the working tree, staged and unstaged].")
@click.option("--commit", help="Review this one commit against its parent.")
@click.option("--staged", is_flag=True, help="Review the index (what `git commit` would record).")
@click.option(
    "--commit-message",
    metavar="TEXT|FILE",
    help="The change's description, recorded in the review [the commit's own message].",
)
@click.option("--all", "show_all", is_flag=True, help="Also show pre-existing findings (tagged).")
@click.option(
    "-C",
    "--directory",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    help="Run as if started in this folder.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REVIEW_RENDERERS), case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format (gerrit, github, gitlab: ready for those review systems' APIs).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here.")
@_shared_scan_options
@settings_options
def review_command(
    diff_file: str | None,
    base: str | None,
    head: str | None,
    commit: str | None,
    staged: bool,
    commit_message: str | None,
    show_all: bool,
    directory: Path,
    output_format: str,
    output: str | None,
    strict: bool,
    **_options: object,
) -> None:
    """Review a change: report what it introduces and what it resolves.

    Each changed Python file is reviewed whole, before and after the change; a finding is new
    when its fingerprint (which holds no line number) occurs more often after than before, so
    moved and renamed code does not look new. Nothing is checked out or run.
    """
    context = click.get_current_context()
    max_bytes = context.params["max_file_size"]
    read_files = [diff_file if diff_file != "-" else None]
    destination = output_destination(
        output,
        [directory],
        [*read_files, context.params["config_path"], context.params["baseline"]],
    )
    with tempfile.TemporaryDirectory(prefix="secreview-base-") as scratch:
        try:
            with git.Repository.open(directory) or contextlib.nullcontext() as repository:
                change, own_message, governing = _change_to_review(
                    repository, directory, diff_file, base, head, commit, staged, max_bytes
                )
                settings, configuration = review_settings(
                    repository, governing, context.params["config_path"], directory, Path(scratch)
                )
        except (git.GitError, ConfigError) as error:
            fail(str(error))
        except DiffError as error:  # named after the diff file, as every side-file error is
            if diff_file is None:
                fail(str(error))
            fail(f"{'standard input' if diff_file == '-' else shown(diff_file)}: {error}")
        except UnreadableSourceError as error:
            fail(f"a changed file {error}")
        config = configure(context, directory, settings)
        message = _message_from(commit_message) if commit_message else own_message
        result = review_change(
            change, config, show_all=show_all, commit_message=message, configuration=configuration
        )
        result = with_baseline(result, config)
    if output_format.lower() == "html":  # the page shows the reviewed version's code
        from secreview.report.html.code import with_code  # only HTML runs load the template

        after = {changed.diff.path: changed.after for changed in change.files}
        added = {changed.diff.path: changed.diff.added_lines for changed in change.files}
        result = with_code(result, after.get, added)
    emit(result, output_format.lower(), destination, REVIEW_RENDERERS)
    sys.exit(exit_code_for(result, config.fail_on, strict))
