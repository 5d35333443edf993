"""Confidence of the data-dependent pattern rules follows where their data comes from.

High: untrusted input proven to reach the call; the rule's usual confidence: a value that cannot
be traced (a parameter); low or no finding: values only the program made. The message says which.
"""

from __future__ import annotations

import textwrap

from secreview.config import ScanConfig
from secreview.findings import Confidence, Finding
from secreview.pipeline import review_source


def _findings(source: str, rule_id: str) -> list[Finding]:
    report = review_source(textwrap.dedent(source), "app.py")
    assert report.error is None, report.error
    return [f for f in report.findings if f.rule_id == rule_id]


def test_stdlib_xml_is_reported_only_on_documents_traced_to_untrusted_input() -> None:
    """Expat 2.4+ caps entity amplification: untraced documents and the operator's own input are
    not reported, nor is a member of an archive nobody is shown to have sent; an HTTP response
    is network input (high)."""
    findings = _findings(
        """
        import sys
        import urllib.request
        import xml.etree.ElementTree as ET
        import zipfile

        def load(document, path):
            ET.fromstring(document)
            ET.fromstring(sys.stdin.read())
            with urllib.request.urlopen("https://example.com/a.xml") as response:
                ET.fromstring(response.read())
            with zipfile.ZipFile(path) as archive:
                ET.fromstring(archive.read("content.xml"))
        """,
        "xml-entity-expansion",
    )
    by_line = {f.location.line: f for f in findings}
    assert sorted(by_line) == [11]
    assert by_line[11].confidence is Confidence.HIGH
    assert "untrusted input from `response.read()`" in by_line[11].message


def test_the_expat_message_states_versions_as_conditions_of_the_target() -> None:
    [finding] = _findings(
        "import xml.etree.ElementTree as ET\nfrom flask import request\n"
        "def load():\n    return ET.fromstring(request.data)\n",
        "xml-entity-expansion",
    )
    assert "expat older than 2.4.0" in finding.message
    assert "before 2.6.0" in finding.message
    assert "If the Python running this code" in finding.message


def test_eval_of_a_parameter_is_medium_and_of_a_file_is_not_reported() -> None:
    findings = _findings(
        """
        def run(expression, path):
            value = eval(expression)
            with open(path) as handle:
                exec(handle.read())
            return value
        """,
        "eval-injection",
    )
    assert [(f.location.line, f.confidence) for f in findings] == [(3, Confidence.MEDIUM)]


def test_eval_of_the_operators_own_command_line_is_not_reported_by_default() -> None:
    source = """
        import sys

        def main():
            return eval(sys.argv[1])
        """
    assert _findings(source, "eval-injection") == []
    everything = review_source(textwrap.dedent(source), "app.py", ScanConfig(threat_model="all"))
    [finding] = [f for f in everything.findings if f.rule_id == "tainted-code"]
    assert (finding.location.line, finding.confidence) == (5, Confidence.LOW)


def test_program_made_code_and_pickle_round_trips_are_not_reported() -> None:
    source = """
        import inspect
        import pickle

        def clone(function, namespace, value):
            exec(inspect.getsource(function), namespace)
            return pickle.loads(pickle.dumps(value))
        """
    assert _findings(source, "eval-injection") == []
    assert _findings(source, "unsafe-deserialization") == []


def test_a_redos_pattern_on_remote_text_is_high_confidence() -> None:
    [finding] = _findings(
        """
        import re
        from flask import request

        def search():
            return re.match(r"^(\\w+\\s?)*$", request.args["q"])
        """,
        "regex-catastrophic-backtracking",
    )
    assert finding.confidence is Confidence.HIGH
    assert "Text matched: untrusted input from `request.args` reaches it" in finding.message


def test_a_compiled_redos_pattern_is_rated_by_the_text_of_its_uses() -> None:
    source = """
        import re
        from flask import request

        WORDS = re.compile(r"^(\\w+\\s?)*$")
        LABELS = re.compile(r"^(\\w+\\s?)*$")
        HIDDEN = re.compile(r"^(\\w+\\s?)*$")

        def search():
            return WORDS.match(request.args["q"])

        def label():
            return LABELS.match("a fixed label")

        def check(text):
            return HIDDEN.match(text)
        """
    findings = {f.location.line: f for f in _findings(source, "regex-catastrophic-backtracking")}
    assert sorted(findings) == [5, 7]
    assert findings[5].confidence is Confidence.HIGH
    assert "`request.args`" in findings[5].message
    assert findings[7].confidence is Confidence.LOW
    assert "could not be traced" in findings[7].message


def test_stdlib_xml_parsers_are_sinks_so_remote_documents_are_high_confidence() -> None:
    findings = _findings(
        """
        import xml.etree.ElementTree as ET
        from xml.dom import minidom
        from flask import request

        def upload():
            parser = ET.XMLPullParser()
            parser.feed(request.get_data())
            return ET.fromstring(request.data), minidom.parseString(request.data)
        """,
        "xml-entity-expansion",
    )
    assert [f.location.line for f in findings] == [8, 9, 9]
    assert all(f.confidence is Confidence.HIGH for f in findings)
    assert all("untrusted input from `request." in f.message for f in findings)


def test_code_rebuilt_from_its_own_ast_in_a_loop_is_program_made() -> None:
    source = """
        from ast import parse
        from inspect import getsource

        def rebuild(method, visitors, scope):
            node = parse(getsource(method))
            for visitor in visitors:
                node = visitor.visit(node)
            exec(compile(node, method.__name__, "exec"), scope)

        def typed(scope):
            text = input()
            text = text.strip()
            exec(text, scope)
        """
    assert _findings(source, "eval-injection") == []  # typed by the operator: trusted


def test_a_public_parameter_is_medium_only_under_the_library_threat_model() -> None:
    source = textwrap.dedent(
        """
        import re

        def words(text):
            return re.match(r"^(\\w+\\s?)*$", text)
        """
    )
    rule = "regex-catastrophic-backtracking"
    library = review_source(source, "lib.py", ScanConfig(threat_model="library")).findings
    web = review_source(source, "lib.py").findings
    [as_library] = [f for f in library if f.rule_id == rule]
    [as_web] = [f for f in web if f.rule_id == rule]
    assert as_library.confidence is Confidence.MEDIUM
    assert "a parameter of a public function" in as_library.message
    assert as_web.confidence is Confidence.LOW
    assert "could not be traced" in as_web.message


def test_a_file_the_module_pickles_itself_is_low_and_another_folder_medium() -> None:
    """The same folder name and file-name tail as a `pickle.dump` of the module: its own
    artefact, rated as a file at a fixed path; the same tail in another folder is untraced."""
    findings = _findings(
        """
        import pickle

        class Cache:
            def write(self, name, tree):
                with open(self.doctreedir / f"{name}.doctree", "wb") as f:
                    pickle.dump(tree, f)

            def read(self, env):
                with open(env.doctreedir / f"{env.docname}.doctree", "rb") as f:
                    return pickle.load(f)

            def read_bytes(self, env):
                data = open(env.doctreedir / f"{env.docname}.doctree", "rb").read()
                return pickle.loads(data)

            def read_other(self, name):
                with open(self.uploads / f"{name}.doctree", "rb") as f:
                    return pickle.load(f)
        """,
        "unsafe-deserialization",
    )
    rated = {f.location.line: f.confidence for f in findings}
    assert rated == {11: Confidence.LOW, 15: Confidence.LOW, 19: Confidence.MEDIUM}
    assert "this module itself writes with pickle" in findings[0].message


def test_a_class_that_dumps_its_state_to_a_kept_path_reads_its_own_file() -> None:
    """`self._state_path` written by the class's `dump` and read by its `load`: its own
    artefact (low). Another class reading a path it keeps under the same name is medium."""
    findings = _findings(
        """
        import pickle

        class Scheduler:
            def dump(self):
                with open(self._state_path, "wb") as fobj:
                    pickle.dump(self._tasks, fobj)

            def load(self):
                with open(self._state_path, "rb") as fobj:
                    return pickle.load(fobj)

        class Importer:
            def load(self):
                with open(self._state_path, "rb") as fobj:
                    return pickle.load(fobj)
        """,
        "unsafe-deserialization",
    )
    rated = {f.location.line: f.confidence for f in findings}
    assert rated == {11: Confidence.LOW, 16: Confidence.MEDIUM}


def test_a_private_helper_reads_the_file_every_call_of_the_module_passes_it() -> None:
    """`_load(self, filename)` is only called in its module: what its callers all pass is its
    file. One caller passing another file, or a public helper (callers elsewhere), is untraced."""
    findings = _findings(
        """
        import pickle

        ENV = "environment.pickle"

        class App:
            def save(self, env):
                with open(self.doctreedir / ENV, "wb") as f:
                    pickle.dump(env, f)

            def _load(self, filename):
                with open(filename, "rb") as f:
                    return pickle.load(f)

            def start(self):
                return self._load(self.doctreedir / ENV)

            def _load_any(self, filename):
                with open(filename, "rb") as f:
                    return pickle.load(f)

            def restore(self, upload):
                self._load_any(self.doctreedir / ENV)
                return self._load_any(upload)

            def load(self, filename):
                with open(filename, "rb") as f:
                    return pickle.load(f)

            def boot(self):
                return self.load(self.doctreedir / ENV)
        """,
        "unsafe-deserialization",
    )
    rated = {f.location.line: f.confidence for f in findings}
    assert rated == {13: Confidence.LOW, 20: Confidence.MEDIUM, 28: Confidence.MEDIUM}


def test_a_callback_given_a_workers_pickle_is_not_reported() -> None:
    """A task runner hands `merge` what `work` returns: a pickle of the process's own object.
    Called directly with a parameter, the same callback is untraced."""
    findings = _findings(
        """
        import pickle

        def build(tasks, env, chunks, payload):
            def work(docs):
                return pickle.dumps(env)

            def merge(docs, data):
                return pickle.loads(data)

            tasks.add_task(work, chunks, merge)

        def build_and_merge(tasks, env, chunks, payload):
            def work(docs):
                return pickle.dumps(env)

            def merge(docs, data):
                return pickle.loads(data)

            tasks.add_task(work, chunks, merge)
            return merge(chunks, payload)
        """,
        "unsafe-deserialization",
    )
    assert [(f.location.line, f.confidence) for f in findings] == [(18, Confidence.MEDIUM)]


def test_a_flow_s_danger_names_who_chooses_data_of_its_origin() -> None:
    """A danger sentence written for a request names the archive's maker for a member name and
    the sender for a server's reply: neither was sent by anyone requesting anything here."""
    source = """
        import importlib
        import os
        import tarfile
        import requests
        from flask import request

        def extract(path, target):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    open(os.path.join(target, member.name), "wb")

        def plugin():
            reply = requests.get("https://example.com/plugin", timeout=5).json()
            importlib.import_module(reply["module"])

        def view():
            importlib.import_module(request.args["module"])
        """
    [member_path] = _findings(source, "path-traversal")
    assert "lets whoever made the archive read or write" in member_path.message
    codes = {f.location.line: f.message for f in _findings(source, "tainted-code")}
    assert "the sender chooses the Python code" in codes[15]
    assert "the requester chooses the Python code" in codes[18]
