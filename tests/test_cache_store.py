"""The cache file and its values are untrusted input: whatever they hold, a miss and a warning."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from secreview.analysis.taint.summaries import ExternalSummary, ReturnEffect, SinkEffect
from secreview.cache import IncrementalCache, ScanCache
from secreview.cache import store as store_module
from secreview.cache.codec import DecodeError, decode, encode
from secreview.cache.store import CACHE_FILE
from secreview.config import ScanConfig
from secreview.findings import (
    Confidence,
    ErrorKind,
    EvidenceStep,
    FileError,
    FileReport,
    Finding,
    LlmJudgement,
    Location,
    Severity,
)
from secreview.index.facts import ModuleFacts
from secreview.sources.discovery import SourceFile

FINDING = Finding(
    rule_id="tainted-command",
    cwe=78,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    location=Location("app/views.py", 12, 4, 12, 30),
    message="Request data reaches a shell \udcff command.",
    fix="Pass a list.",
    evidence=(EvidenceStep(Location("app/views.py", 10), "request.args['q'] é"),),
    fingerprint="abc",
    tags=("test-code", "note"),
    snippet="os.system(q)",
    llm=LlmJudgement("static", "confirmed", "because", 0.6666666666666666),
)
REPORT = FileReport(
    path="app/views.py",
    findings=(FINDING,),
    error=FileError("app/views.py", "line 3: invalid syntax", ErrorKind.SYNTAX),
    is_test=True,
    parsed_with_fallback=True,
    unrecoverable_lines=(3, 9),
    notes=("function too large",),
    facts=ModuleFacts(
        "app.views",
        True,
        frozenset({"flask", "app.helpers"}),
        parser_fields=(("parser", "app.etree.PARSER"), ("xml_parser", "")),
    ),
    hidden_cwes=(327,),
)
SUMMARY = ExternalSummary(
    "app.helpers.run",
    ("name", "flag"),
    (ReturnEffect(None, frozenset({"sql", "html"}), "remote", "input"), ReturnEffect(0)),
    (SinkEffect(0, "command", "os.system", "app/helpers.py:5", origins=frozenset({"web"})),),
    is_method=True,
)


def test_values_come_back_equal_and_encode_to_one_text() -> None:
    assert decode(encode(REPORT), FileReport) == REPORT
    assert decode(encode(SUMMARY), ExternalSummary) == SUMMARY
    assert encode(decode(encode(REPORT), FileReport)) == encode(REPORT)
    assert encode(REPORT).isascii()


@pytest.mark.parametrize(
    "text",
    ["not json", "[" * 100_000, "[]", '{"path": "a.py"}', '{"path": "a.py", "findings": []}'],
)
def test_anything_but_an_encoding_is_a_decode_error(text: str) -> None:
    with pytest.raises(DecodeError):
        decode(text, FileReport)


@pytest.mark.parametrize(
    ("stored", "planted"),
    [
        ('"is_test":true', '"is_test":1'),
        ('"cwe":78', '"cwe":true'),
        ('"severity":3', '"severity":9'),
        ('"kind":"syntax"', '"kind":"worse"'),
        ('"path":"app/views.py"', '"path":null'),
        ('"unrecoverable_lines":[3,9]', '"unrecoverable_lines":[3,"9"]'),
        ('"agreement":0.6666666666666666', '"agreement":"high"'),
        ('{"error"', '{"extra":1,"error"'),
        ('["parser","app.etree.PARSER"]', '["parser"]'),
        ('["parser","app.etree.PARSER"]', '["parser","app.etree.PARSER",""]'),
        ('["parser","app.etree.PARSER"]', '["parser",7]'),
    ],
)
def test_a_tampered_field_is_a_decode_error(stored: str, planted: str) -> None:
    text = encode(REPORT)
    assert stored in text
    with pytest.raises(DecodeError):
        decode(text.replace(stored, planted, 1), FileReport)


def test_a_tampered_summary_is_a_decode_error() -> None:
    text = encode(SUMMARY)
    assert '"parameters":["name","flag"]' in text
    with pytest.raises(DecodeError):
        decode(text.replace('"parameters":["name","flag"]', '"parameters":"nf"'), ExternalSummary)


def _store(folder: Path, warnings: list[str]) -> ScanCache:
    return ScanCache(folder, warnings.append)


def test_a_foreign_database_is_left_alone_with_one_warning(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE users (name TEXT)")
    connection.close()
    before = path.read_bytes()
    warnings: list[str] = []
    store = _store(tmp_path, warnings)
    assert not store.enabled
    assert store.get_many(["key"]) == {}
    store.put_many({"key": "value"})
    assert len(warnings) == 1 and "not a secreview scan cache" in warnings[0]
    assert path.read_bytes() == before


def test_a_cache_another_run_is_opening_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite answers a second run's switch of a new file to WAL "database is locked" at once;
    the run tries again rather than going on without its cache. Other errors are not retried."""
    opened = store_module._open
    calls: list[int] = []

    def locked_twice(path: Path) -> sqlite3.Connection:
        calls.append(1)
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        return opened(path)

    monkeypatch.setattr(store_module, "_open", locked_twice)
    monkeypatch.setattr(store_module.time, "sleep", lambda _seconds: None)
    store = _store(tmp_path, warnings := [])
    assert store.enabled and not warnings and len(calls) == 3

    def broken(path: Path) -> sqlite3.Connection:
        calls.append(1)
        raise sqlite3.OperationalError("disk I/O error")

    calls.clear()
    monkeypatch.setattr(store_module, "_open", broken)
    store = _store(tmp_path / "other", warnings := [])
    assert not store.enabled and len(calls) == 1 and "disk I/O error" in warnings[0]


def test_values_survive_a_reopen(tmp_path: Path) -> None:
    store = _store(tmp_path, warnings := [])
    store.put_many({"a": "1", "b": "2"})
    store.close()
    again = _store(tmp_path, warnings)
    assert again.get_many(["a", "b", "c"]) == {"a": "1", "b": "2"}
    again.close()
    assert warnings == []


def test_a_garbage_row_is_a_miss_reviewed_again_and_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    sources = [SourceFile("a.py", tmp_path / "a.py", "a")]
    warnings: list[str] = []

    def review(misses: list[SourceFile]) -> list[FileReport]:
        return [FileReport(path=source.shown_as, notes=("fresh",)) for source in misses]

    def run() -> list[FileReport]:
        store = _store(tmp_path / "cache", warnings)
        try:
            return IncrementalCache(store, ScanConfig()).reports(sources, review)
        finally:
            store.close()

    expected = run()
    with sqlite3.connect(tmp_path / "cache" / CACHE_FILE) as connection:
        connection.execute("UPDATE entries SET value = '{\"path\": 1}'")
    connection.close()
    assert run() == expected
    assert len(warnings) == 1 and "unusable value" in warnings[0]
    assert run() == expected and len(warnings) == 1  # replaced by the fresh value


def test_budget_and_internal_errors_are_never_stored(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    sources = [SourceFile("a.py", tmp_path / "a.py", "a")]
    calls: list[int] = []

    def review(misses: list[SourceFile]) -> list[FileReport]:
        calls.append(len(misses))
        error = FileError("a.py", "took longer than 60 s", ErrorKind.BUDGET)
        return [FileReport(path="a.py", error=error, reviewed=False)]

    for _ in range(2):
        store = _store(tmp_path / "cache", [])
        IncrementalCache(store, ScanConfig()).reports(sources, review)
        store.close()
    assert calls == [1, 1]


def test_entries_unused_for_a_month_are_dropped_and_used_ones_kept(tmp_path: Path) -> None:
    day = 86_400.0
    first = ScanCache(tmp_path, clock=lambda: 100 * day)
    first.put_many({"old": "1", "kept": "2"})
    first.close()
    later = ScanCache(tmp_path, clock=lambda: 120 * day)
    assert later.get_many(["kept"]) == {"kept": "2"}  # used on day 120
    later.close()
    month_on = ScanCache(tmp_path, clock=lambda: 140 * day)
    assert month_on.get_many(["old", "kept"]) == {"kept": "2"}
    month_on.close()


def test_past_the_entry_limit_the_least_recently_used_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("secreview.cache.store.MAX_ENTRIES", 2)
    day = 86_400.0
    store = ScanCache(tmp_path, clock=lambda: 10 * day)
    store.put_many({"a": "1"})
    store.close()
    store = ScanCache(tmp_path, clock=lambda: 11 * day)
    store.put_many({"b": "2", "c": "3"})
    store.close()
    reopened = ScanCache(tmp_path, clock=lambda: 12 * day)
    assert reopened.get_many(["a", "b", "c"]) == {"b": "2", "c": "3"}
    reopened.close()


def test_the_previous_version_file_is_removed(tmp_path: Path) -> None:
    old = tmp_path / "scan-cache-v1.sqlite3"
    old.write_bytes(b"an old cache")
    ScanCache(tmp_path).close()
    assert not old.exists()
    assert (tmp_path / CACHE_FILE).is_file()
