"""The pre-passes run together read every file once and start one pool of workers, and give the
configuration each gives alone: the project's pickled files, debug and quiet helpers, shims,
constants and JSON logging, from a project that has each of them (one file wanted by three)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from secreview import project_prepasses
from secreview.config import ScanConfig
from secreview.project_aliases import ShimsPass, with_project_shims
from secreview.project_constants import ConstantsPass, with_project_constants
from secreview.project_facts import FactsPass, with_project_facts
from secreview.project_log_format import LogFormatPass, with_project_log_format
from secreview.sources.discovery import SourceFile, discover

FILES = {
    "app/__init__.py": "",
    "app/compat.py": """
        import pickle
        try:
            from lxml import etree
        except ImportError:
            import xml.etree.ElementTree as etree
        TABLE = "cache"

        class Builder:
            def write(self, name, state):
                with open(self.cachedir / f"{name}.pickle", "wb") as out:
                    pickle.dump(state, out)
        """,
    "app/logs.py": """
        import logging.config
        from pythonjsonlogger import jsonlogger

        def setup_logging():
            logging.config.dictConfig(
                {"version": 1,
                 "formatters": {"json": {"()": jsonlogger.JsonFormatter}},
                 "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "json"}},
                 "loggers": {"": {"handlers": ["default"]}}}
            )
        """,
    "app/views.py": """
        from flask import Flask, request
        from app.compat import TABLE, etree
        DEBUG = False

        def shown(message, error):
            if DEBUG:
                return message
            return "error"

        def page():
            return TABLE + request.args["q"]
        """,
}


def _project(root: Path) -> list[SourceFile]:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    sources, _ = discover([str(root)], (), False)
    return sources


def _alone(sources: list[SourceFile]) -> ScanConfig:
    config = with_project_facts(ScanConfig(), sources, pickles=True, debug=True)
    config = with_project_shims(config, sources)
    config = with_project_constants(config, sources)
    return with_project_log_format(config, sources)


def _together(sources: list[SourceFile], config: ScanConfig) -> ScanConfig:
    passes = [
        FactsPass(pickles=True, debug=True),
        ShimsPass(sources),
        ConstantsPass(sources, config),
        LogFormatPass(sources),
    ]
    return project_prepasses.with_prepasses(config, sources, passes)


def test_together_they_give_what_each_gives_alone(tmp_path: Path) -> None:
    sources = _project(tmp_path)
    alone = _alone(sources)
    assert alone.project_shims and alone.project_constants and alone.project_pickle_files
    assert alone.project_debug_helpers and alone.project_logs_json
    assert _together(sources, ScanConfig()) == alone


def test_every_file_is_read_once_and_one_pool_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent reads each text once (the constants' defining module once more, when the
    wanted names are known); the workers are started once, each candidate parsed once."""
    sources = _project(tmp_path)
    reads: list[Path] = []
    pools: list[int] = []
    real_read, real_runner = project_prepasses.read_source, project_prepasses.runner_for

    def counted_read(path: Path, limit: int) -> str:
        reads.append(path)
        return real_read(path, limit)

    def counted_runner(config: ScanConfig):  # type: ignore[no-untyped-def]
        runner = real_runner(config)

        def run(tasks, *args, **kwargs):  # type: ignore[no-untyped-def]
            pools.append(len(tasks))
            return runner(tasks, *args, **kwargs)

        return run

    monkeypatch.setattr(project_prepasses, "read_source", counted_read)
    monkeypatch.setattr(project_prepasses, "runner_for", counted_runner)
    _together(sources, ScanConfig())
    assert sorted(reads) == sorted(s.path for s in sources)
    assert pools == [3]  # compat.py (three pre-passes), logs.py, views.py (its debug helper)
