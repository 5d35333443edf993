"""`[[entry]]` models: functions a framework calls with client data, described as data.

The annotated fixtures (tests/fixtures/rules/taint_<framework>.py) show each built-in entry model
finding a flow; these tests show what the fixtures cannot: that an entry point's evidence names
why its parameter is remote, that a user's model file adds a framework, and that a wrong entry
model is refused with the file and key named.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from secreview.analysis.models import ModelError, load_models
from secreview.analysis.taint import AnalysisContext, TaintSetup, taint_events


def _flows(code: str, setup: TaintSetup | None = None) -> list[tuple[str, int, str]]:
    """(sink kind, line, first step of the evidence) of every reported flow in `code`."""
    text = textwrap.dedent(code)
    context = AnalysisContext(
        path="app.py", text=text, tree=ast.parse(text), taint_setup=setup or TaintSetup()
    )
    return [
        (event.kind, event.node.lineno, event.flow.steps[0][1])  # type: ignore[attr-defined]
        for event in taint_events(context).events
    ]


def test_a_registered_rpc_function_names_why_its_argument_is_remote() -> None:
    code = """
        import os
        from xmlrpc.server import SimpleXMLRPCServer

        def remove(name):
            os.remove(name)

        SimpleXMLRPCServer(("", 8000)).register_function(remove)
    """
    assert _flows(code) == [
        ("path", 6, "`name`: argument of a remotely callable function (RPC) (remote)")
    ]


def test_an_unregistered_function_is_not_an_entry_point() -> None:
    code = """
        import os
        from xmlrpc.server import SimpleXMLRPCServer

        def remove(name):
            os.remove(name)

        SimpleXMLRPCServer(("", 8000)).register_function(len)
    """
    assert _flows(code) == []


def test_a_users_entry_model_adds_a_framework(tmp_path: Path) -> None:
    (tmp_path / "ourweb.toml").write_text(
        '[[entry]]\nimports = ["ourweb"]\nfunctions = ["handle_*"]\nskip = 1\n'
        'note = "field of an ourweb form"\n',
        encoding="utf-8",
    )
    code = """
        import os
        import ourweb

        def handle_upload(session, file_name):
            os.remove(session)
            os.remove(file_name)

        def helper(file_name):
            os.remove(file_name)
    """
    assert _flows(code) == []
    setup = TaintSetup(models=load_models([tmp_path]))
    assert _flows(code, setup) == [("path", 7, "`file_name`: field of an ourweb form (remote)")]


def test_a_wrong_entry_model_is_refused_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[[entry]]\nskip = "two"\n', encoding="utf-8")
    with pytest.raises(ModelError, match=r"bad\.toml: \[\[entry\]\] #1\.skip must be"):
        load_models([tmp_path])


def test_the_parsed_built_in_models_are_those_of_the_toml_files() -> None:
    """`parsed.json` is what start-up reads instead of the TOML files; it must be regenerated
    (`python scripts/generate_parsed_models.py`) after any edit of a model file."""
    import json
    from importlib import resources

    from secreview.analysis.models import files

    package = resources.files("secreview.analysis.models")
    texts = [
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in sorted(package.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    ]
    stored = json.loads(package.joinpath(files.PARSED_BUILTINS).read_text(encoding="utf-8"))
    assert stored["digest"] == files.model_texts_digest(texts), "parsed.json is stale"
    parsed = [(name, files.parsed_model_file(text, name)) for name, text in texts]
    assert json.dumps(files.builtin_model_documents()) == json.dumps(parsed)  # key order too
    assert [name for name, _ in stored["documents"]] == [name for name, _ in texts]


def test_a_function_flagged_exposed_is_an_entry_only_where_cherrypy_is_imported() -> None:
    body = """
        import os

        def remove(name):
            os.remove(name)

        remove.exposed = True

        def keep(name):
            os.remove(name)
    """
    with_cherrypy = "import cherrypy\n" + textwrap.dedent(body)
    note = "`name`: parameter of an exposed CherryPy handler (query or form field) (remote)"
    assert _flows(with_cherrypy) == [("path", 6, note)]
    assert _flows(body) == []
