"""Run the LLM stage over a finished scan: review each file, triage each finding.

The stage takes a ScanResult and gives one back: static findings are never removed (only
re-rated by triage), LLM findings are added, and `extra['llm']` says what the stage spent and
refused. Requests of all files go through one client, so the concurrency limit, the token budget
and the cache hold for the whole run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from secreview.analysis.rules import ALL_RULES
from secreview.config.llm import LlmSettings
from secreview.findings import FileReport, Finding, ScanResult
from secreview.llm.callees import ProjectCalls
from secreview.llm.chunks import Chunk, chunks_of
from secreview.llm.client import ChatClient, open_client
from secreview.llm.inference import Inference
from secreview.llm.prompts import ReviewedFile, review_messages, reviewed_file, triage_messages
from secreview.llm.review import Tally, as_finding, grounded_samples, vote
from secreview.llm.summary import LLM_KEY, LlmSummary
from secreview.llm.triage import decide, judged, lines_for
from secreview.review.model import REVIEW_KEY, review_info


@dataclass(frozen=True, slots=True)
class _Request:
    """One prompt, one sample; `finding` is the index of the triaged finding (-1: review)."""

    file: int
    chunk: int
    finding: int
    sample: int
    messages: list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class _File:
    report: FileReport
    shown: ReviewedFile
    chunks: tuple[Chunk, ...]


def _files(
    result: ScanResult,
    read: Callable[[str], str | None],
    message: str,
    project: ProjectCalls | None,
) -> list[_File]:
    """The reviewed files that can still be read, masked, with their chunks (each with the
    summaries of the project functions it calls, when `project` has them)."""
    files = []
    for report in result.files:
        if not report.reviewed:
            continue
        text = read(report.path)
        if not text:  # unreadable now, or empty: nothing to show a model
            continue
        shown = reviewed_file(report.path, text, report.findings, message)
        chunks = chunks_of(text, len(shown.lines))
        if project is not None:
            calls = project.calls_in(report.path, text)
            chunks = [
                dataclasses.replace(chunk, calls=project.summaries_for(calls, chunk.lines))
                for chunk in chunks
            ]
        files.append(_File(report, shown, tuple(chunks)))
    return files


def _requests(files: list[_File], settings: LlmSettings) -> list[_Request]:
    """Every prompt of the run, each `samples` times: reviews first, then triage."""
    rule_cwes = sorted({rule.cwe for rule in ALL_RULES})
    requests: list[_Request] = []
    if "review" in settings.roles:
        for f, file in enumerate(files):
            for c, chunk in enumerate(file.chunks):
                messages = review_messages(file.shown, chunk, settings.style, rule_cwes)
                requests.extend(_Request(f, c, -1, s, messages) for s in range(settings.samples))
    if "triage" in settings.roles:
        for f, file in enumerate(files):
            for i, finding in enumerate(file.report.findings):
                if finding.is_note:
                    continue
                messages = triage_messages(file.shown, finding, lines_for(finding, file.chunks))
                requests.extend(_Request(f, -1, i, s, messages) for s in range(settings.samples))
    return requests


def run_llm_stage(
    result: ScanResult,
    settings: LlmSettings,
    read: Callable[[str], str | None],
    *,
    commit_message: str = "",
    keep: Callable[[Finding], bool] = lambda _finding: True,
    client: ChatClient | None = None,
    inference: Inference | None = None,
    project: ProjectCalls | None = None,
) -> ScanResult:
    """`result` with the LLM's grounded defects that `keep` accepts added, and its verdicts on
    the static findings.

    `client` is the run's client when the model-inference role already used it (its usage and
    budget then cover the whole run; the caller closes it), `inference` what that role did, and
    `project` the summaries of the project's functions the prompts show with each chunk.
    """
    own_client = client is None
    client = client or open_client(settings)
    files = _files(result, read, commit_message, project)
    requests = _requests(files, settings)
    try:
        answers = client.map(
            lambda r: a.text if (a := client.ask(r.messages, r.sample)) else None, requests
        )
    finally:
        if own_client:
            client.close()
    by_prompt: dict[tuple[int, int, int], list[str | None]] = {}
    for request, answer in zip(requests, answers, strict=True):
        by_prompt.setdefault((request.file, request.chunk, request.finding), []).append(answer)
    tally = Tally()
    verdicts = VerdictCounts()
    reports = []
    for f, file in enumerate(files):
        added: list[Finding] = []
        for c in range(len(file.chunks)):
            samples = grounded_samples(by_prompt.get((f, c, -1), []), file.shown, tally)
            for voted in vote(samples, settings.votes_needed, tally):
                finding = as_finding(voted, file.shown)
                if keep(finding) and all(
                    finding.fingerprint != other.fingerprint for other in added
                ):
                    added.append(finding)
        triaged = [
            verdicts.apply(finding, by_prompt.get((f, -1, i)), settings.votes_needed)
            for i, finding in enumerate(file.report.findings)
        ]
        reports.append(file.report._replace(findings=(*triaged, *added)))
    changed = {report.path: report for report in reports}
    usage = client.usage
    summary = LlmSummary(
        model=settings.model,
        style=settings.style,
        samples=settings.samples,
        votes_needed=settings.votes_needed,
        roles=settings.roles,
        requests=usage.requests,
        cached=usage.cached,
        tokens=usage.tokens,
        token_budget=settings.token_budget,
        budget_spent=usage.budget_spent,
        offline_misses=usage.offline_misses,
        failures=tuple(sorted(usage.failures)),
        stopped=usage.stopped,
        claims=tally.claims,
        kept=tally.kept,
        rejected=tuple(sorted(tally.rejected.items())),
        agreement_rate=round(tally.votes / tally.possible_votes, 3)
        if tally.possible_votes
        else None,
        confirmed=verdicts.confirmed,
        disputed=verdicts.disputed,
        undecided=verdicts.undecided,
        inference=inference,
    )
    extra: dict[str, object] = {**result.extra, LLM_KEY: summary}
    review = review_info(result)
    if review is not None:  # the LLM's findings block a change only as --llm-fail-on says
        extra[REVIEW_KEY] = dataclasses.replace(review, llm_fail_on=settings.fail_on)
    return dataclasses.replace(
        result,
        files=tuple(changed.get(report.path, report) for report in result.files),
        extra=extra,
    )


@dataclass(slots=True)
class VerdictCounts:
    """Verdicts given in the run: confirmed, disputed, undecided."""

    confirmed: int = 0
    disputed: int = 0
    undecided: int = 0

    def apply(self, finding: Finding, answers: list[str | None] | None, needed: int) -> Finding:
        """`finding` re-rated by the verdict its answers agree on (unchanged when none)."""
        if answers is None:
            return finding
        verdict, votes, answered = decide(answers, needed)
        if verdict is None:
            self.undecided += 1
            return finding
        if verdict.verdict == "confirmed":
            self.confirmed += 1
        else:
            self.disputed += 1
        return judged(finding, verdict, votes, answered)
