"""A file another module of the scanned project pickles is the program's own artefact too."""

from __future__ import annotations

import textwrap
from pathlib import Path

from secreview.config import ScanConfig
from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source
from secreview.project_facts import with_project_facts
from secreview.scanner import scan
from secreview.sources.discovery import discover

WRITER = """
import pickle


class Builder:
    def write_doctree(self, docname, doctree):
        with open(self.doctreedir / f"{docname}.doctree", "wb") as f:
            pickle.dump(doctree, f, pickle.HIGHEST_PROTOCOL)
"""
READER = """
import pickle


class Environment:
    def get_doctree(self, docname):
        try:
            serialised = self._cache[docname]
        except KeyError:
            filename = self.doctreedir / f"{docname}.doctree"
            with open(filename, "rb") as f:
                serialised = self._cache[docname] = f.read()
        return pickle.loads(serialised)

    def get_upload(self, name):
        with open(self.uploads / f"{name}.pickle", "rb") as f:
            return pickle.load(f)

    def get_mixed(self, docname, blob):
        try:
            serialised = self._cache[docname]
        except KeyError:
            serialised = blob
        return pickle.loads(serialised)
"""


def _write_project(root: Path) -> None:
    package = root / "docs_tool"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "builder.py").write_text(WRITER)
    (package / "environment.py").write_text(READER)


def _pickle_findings(findings: tuple[Finding, ...] | list[Finding]) -> dict[int, Finding]:
    return {f.location.line: f for f in findings if f.rule_id == "unsafe-deserialization"}


def test_a_read_of_a_file_another_module_pickles_is_low(tmp_path: Path) -> None:
    """The builder writes `doctreedir/*.doctree`; the environment reads it back through a memo
    of its reads: low, saying so. A read of another folder, or a memo also given a parameter,
    keeps medium."""
    _write_project(tmp_path)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    findings = _pickle_findings([f for r in result.files for f in r.findings])
    rated = {line: f.confidence for line, f in findings.items()}
    assert rated == {13: Confidence.LOW, 17: Confidence.MEDIUM, 24: Confidence.MEDIUM}
    assert "another module of this project writes with pickle" in findings[13].message


def test_alone_the_reading_module_is_medium() -> None:
    """Without the project, nothing shows who writes the doctree files."""
    report = review_source(textwrap.dedent(READER), "environment.py")
    rated = {line: f.confidence for line, f in _pickle_findings(report.findings).items()}
    assert rated[13] is Confidence.MEDIUM


def test_the_project_keys_are_the_files_its_modules_pickle_into(tmp_path: Path) -> None:
    _write_project(tmp_path)
    sources, _ = discover([str(tmp_path)], (), False)
    config = with_project_facts(ScanConfig(), sources, pickles=True, debug=False)
    assert config.project_pickle_files == frozenset({"doctreedir/*.doctree"})
    (tmp_path / "docs_tool" / "builder.py").write_text("import pickle\n")
    assert with_project_facts(ScanConfig(), sources, pickles=True, debug=False) == ScanConfig()


SHARED_NAME_WRITER = """
import pickle

from docs_tool.app import ENV_PICKLE


class Builder:
    def save(self, env):
        with open(self.doctreedir / ENV_PICKLE, "wb") as f:
            pickle.dump(env, f)
"""
SHARED_NAME_READER = """
import pickle

ENV_PICKLE = "environment.pickle"


class App:
    def _init_env(self):
        filename = self.doctreedir / ENV_PICKLE
        return self._load_env(filename)

    def _load_env(self, filename):
        with open(filename, "rb") as f:
            return pickle.load(f)

    def load_upload(self):
        with open(self.uploads / ENV_PICKLE, "rb") as f:
            return pickle.load(f)
"""


def test_a_file_named_by_a_constant_another_module_imports_is_the_same_file(
    tmp_path: Path,
) -> None:
    """The writer imports the file name's constant, whose value it cannot see; the reader
    defines it and reads through a private helper: the same folder and constant name are the
    same file (low). The same constant under another folder stays medium."""
    package = tmp_path / "docs_tool"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "builder.py").write_text(SHARED_NAME_WRITER)
    (package / "app.py").write_text(SHARED_NAME_READER)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    findings = _pickle_findings([f for r in result.files for f in r.findings])
    rated = {line: f.confidence for line, f in findings.items()}
    assert rated == {14: Confidence.LOW, 18: Confidence.MEDIUM}
