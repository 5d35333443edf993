"""`secreview review`: review a change (a diff, a commit, base..head, the working tree)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import tempfile
from pathlib import Path, PurePath

import click

from secreview.commands.common import (
    REVIEW_RENDERERS,
    configure,
    emit,
    exit_code_for,
    fail,
    gerrit_options,
    output_destination,
    report_options,
    wants_html,
    with_baseline,
)
from secreview.commands.llm_stage import llm_run
from secreview.commands.options import shared_options
from secreview.commands.progress import error_console, phase_bar, wants_progress
from secreview.config import ConfigError, FileSettings
from secreview.index.facts import module_name_for
from secreview.review.changes import Change, from_diff
from secreview.review.configuration import review_settings
from secreview.review.git_changes import from_git
from secreview.review.model import SkippedFile
from secreview.review.project import BaseFiles, base_files, disk_files
from secreview.review.run import review_change
from secreview.sources.diff import DiffError
from secreview.sources.git import repository as git
from secreview.sources.git.errors import GitError
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


def _limited_to(change: Change, paths: tuple[str, ...], folder: Path, top: Path) -> Change:
    """`change` with only the files under `paths` (relative to `folder`, as a user types them
    there); the others are listed as skipped, so nothing is left out unsaid."""
    if not paths:
        return change
    limits = []
    for path in paths:
        relative = os.path.relpath(os.path.abspath(folder / path), top).replace(os.sep, "/")
        limits.append("" if relative == "." else relative)

    def wanted(changed: str) -> bool:
        return any(
            not limit or changed == limit or changed.startswith(f"{limit}/") for limit in limits
        )

    kept = tuple(c for c in change.files if wanted(c.diff.path))
    skipped = tuple(
        SkippedFile(c.diff.path, "outside the paths given") for c in change.files if c not in kept
    )
    return dataclasses.replace(change, files=kept, skipped=change.skipped + skipped)


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
        if repository is not None and repository.location.bare and not base:
            raise click.UsageError(
                "a diff is applied to --base in a bare repository (it has no working tree)"
            )
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
    if repository.location.bare and not (commit or head):
        raise click.UsageError(
            f"{repository.root} is a bare repository, with no working tree or index to review; "
            "give --commit, or --head (and --base)"
        )
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


def _project_base(
    repository: git.Repository | None,
    governing: git.Revision | None,
    diff_file: str | None,
    base: str | None,
    folder: Path,
    max_bytes: int,
) -> BaseFiles:
    """The project's Python files before the change, for `--project` or `review-project`: the
    base revision's, or for a diff fitted to the disk (no `--base`) the disk's, under the
    folder the diff was fitted to."""
    if diff_file is not None and not base:
        return disk_files(repository.root if repository is not None else folder, max_bytes)
    if repository is None or governing is None:  # `_change_to_review` refused this already
        raise click.UsageError("--project needs a git change, or --diff")
    return base_files(repository, governing, max_bytes)


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
    "--project",
    "in_project",
    is_flag=True,
    help="Review the change inside the whole project at the base revision, so flows across "
    "modules count (slower: the project is scanned before and after the change).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(REVIEW_RENDERERS), case_sensitive=False),
    default="text",
    show_default=True,
    help="Output format (gerrit, github, gitlab: ready for those review systems' APIs).",
)
@shared_options
@report_options
@gerrit_options
def review_command(
    diff_file: str | None,
    base: str | None,
    head: str | None,
    commit: str | None,
    staged: bool,
    commit_message: str | None,
    show_all: bool,
    in_project: bool,
    output_format: str,
    paths: tuple[str, ...],
    directory: Path,
    output: str | None,
    jobs: int | None,
    quiet: bool,
    isolated: bool,
    strict: bool,
    **_options: object,
) -> None:
    """Review a change: report what it introduces and what it resolves.

    Each changed Python file is reviewed whole, before and after the change; a finding is new
    when its fingerprint (which holds no line number) occurs more often after than before, so
    moved and renamed code does not look new. With --project the whole project is scanned
    before and after, so flows across modules count. Nothing is checked out or run. PATHS
    limit the review to the changed files under them.
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
                if repository is not None:
                    change = _limited_to(change, paths, directory, repository.root)
                else:
                    change = _limited_to(change, paths, directory, directory)
                if isolated:
                    settings, configuration = FileSettings(), "none (--isolated)"
                else:
                    settings, configuration = review_settings(
                        repository,
                        governing,
                        context.params["config_path"],
                        directory,
                        Path(scratch),
                    )
                project_base = (
                    _project_base(repository, governing, diff_file, base, directory, max_bytes)
                    if in_project or settings.review_project
                    else None
                )
        except (GitError, ConfigError) as error:
            fail(str(error))
        except DiffError as error:  # named after the diff file, as every side-file error is
            if diff_file is None:
                fail(str(error))
            fail(f"{'standard input' if diff_file == '-' else shown(diff_file)}: {error}")
        except UnreadableSourceError as error:
            fail(f"a changed file {error}")
        config = configure(context, directory, settings)
        message = _message_from(commit_message) if commit_message else own_message
        after_change = {changed.diff.path: changed.after for changed in change.files}
        texts = [
            (path, text, module_name_for(PurePath(path))) for path, text in after_change.items()
        ]
        # Only a project review is long enough to need a bar (it scans the project twice).
        with_bar = project_base is not None and wants_progress(context.params["no_progress"], quiet)
        with (
            llm_run(config, lambda: texts) as llm,
            phase_bar(error_console()) if with_bar else contextlib.nullcontext() as bar,
        ):
            result = review_change(
                change,
                llm.config,
                show_all=show_all,
                commit_message=message,
                configuration=configuration,
                jobs=jobs,
                project_base=project_base,
                progress=bar,
            )
            result = with_baseline(result, config)
            result = llm.finish(result, after_change.get, message or "")
    if wants_html(output_format):  # the page shows the reviewed version's code
        from secreview.report.html.code import with_code  # only HTML runs load the template

        after = {changed.diff.path: changed.after for changed in change.files}
        added = {changed.diff.path: changed.diff.added_lines for changed in change.files}
        result = with_code(result, after.get, added)
    emit(result, output_format.lower(), destination, REVIEW_RENDERERS, quiet=quiet)
    sys.exit(exit_code_for(result, config, strict))
