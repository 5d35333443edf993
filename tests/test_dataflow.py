"""The taint engine beyond the annotated fixtures: evidence, sanitiser kinds, budgets, models."""

from __future__ import annotations

import ast
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from secreview.analysis.models import ModelError, default_models, load_models
from secreview.analysis.taint import AnalysisContext, TaintSetup, taint_events
from secreview.analysis.taint.interpreter import ModuleAnalysis
from secreview.analysis.taint.markers import APPENDED
from secreview.analysis.taint.values import Flow, Value, join, merge_flows
from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.pipeline import review_source


def events(code: str, setup: TaintSetup | None = None) -> list[tuple[str, int, str]]:
    """(sink kind, line, origin) of every reported flow in `code`."""
    text = textwrap.dedent(code)
    context = AnalysisContext(
        path="app.py", text=text, tree=ast.parse(text), taint_setup=setup or TaintSetup()
    )
    return [
        (e.kind, e.node.lineno, e.flow.origin)  # type: ignore[attr-defined]
        for e in taint_events(context).events
    ]


FLASK = "from flask import request\nimport os, subprocess, html, shlex\n"
ALL = TaintSetup.for_threat_model("all")
"""The `all` threat model: the operator's command line and input are reported too."""


def test_sanitiser_protects_only_its_own_sink_kind() -> None:
    code = FLASK + textwrap.dedent(
        """
        def view():
            name = html.escape(request.args["n"])
            os.system("echo " + name)
            subprocess.run("echo " + shlex.quote(request.args["n"]), shell=True)
        """
    )
    assert events(code) == [("command", 6, "remote")]


def test_evidence_runs_from_source_to_sink() -> None:
    text = FLASK + textwrap.dedent(
        """
        def view():
            raw = request.args["n"]
            command = "echo " + raw
            os.system(command)
        """
    )
    report = review_source(text, "app.py")
    (finding,) = [f for f in report.findings if f.rule_id == "tainted-command"]
    lines = [step.location.line for step in finding.evidence]
    assert lines == [5, 5, 6, 7]
    assert "request.args" in finding.evidence[0].note
    assert finding.evidence[-1].note.startswith("reaches `os.system`")
    assert "request.args" in finding.message and "os.system" in finding.message


def test_operator_input_is_tracked_but_reported_only_under_the_all_threat_model() -> None:
    assert events("import os\nos.system(os.environ['CMD'])\n") == []
    assert events("import os, sys\nos.system(sys.argv[1])\n") == []
    assert events("import os, sys\nos.system(sys.argv[1])\n", ALL) == [("command", 2, "local")]


def test_local_sources_are_reported_with_low_confidence() -> None:
    config = ScanConfig(threat_model="all")
    report = review_source("import os, sys\nos.system(sys.argv[1])\n", "tool.py", config)
    (finding,) = [f for f in report.findings if f.rule_id == "tainted-command"]
    assert finding.confidence.label == "low"


def test_guard_that_returns_cleans_the_rest_of_the_function() -> None:
    code = FLASK + textwrap.dedent(
        """
        ALLOWED = ("a", "b")
        def view():
            value = request.args["v"]
            if value not in ALLOWED:
                return "no"
            os.system(value)
        """
    )
    assert events(code) == []


def test_condition_on_tainted_data_keeps_both_branches() -> None:
    code = FLASK + textwrap.dedent(
        """
        def view():
            value = request.args["v"]
            if len(value) > 3:
                command = value
            else:
                command = "ls"
            os.system(command)
        """
    )
    assert events(code) == [("command", 10, "remote")]


def test_loop_carried_taint_reaches_a_fixpoint() -> None:
    code = FLASK + textwrap.dedent(
        """
        def view():
            a, b, c = "x", "y", "z"
            for _ in range(3):
                c = b
                b = a
                a = request.args["v"]
            os.system(c)
        """
    )
    assert events(code) == [("command", 10, "remote")]


def test_ten_thousand_statements_are_analysed() -> None:
    body = "\n".join(f"    v{i} = v{i - 1} + 'x'" for i in range(1, 10_000))
    text = f"import os, sys\ndef big():\n    v0 = sys.argv[1]\n{body}\n    os.system(v9999)\n"
    started = time.perf_counter()
    assert events(text, ALL) == [("command", 10_003, "local")]
    assert time.perf_counter() - started < 30


def test_pathological_function_is_given_up_in_bounded_time() -> None:
    body = "\n".join(f"    if v{i - 1}:\n        v{i} = v{i - 1} + 'x'" for i in range(1, 10_000))
    text = f"import os, sys\ndef big(v0):\n{body}\n    os.system(v9999)\n"
    context = ModuleContext(path="big.py", text=text, tree=ast.parse(text))
    started = time.perf_counter()
    analysis = ModuleAnalysis(context, default_models())
    results = analysis.run()
    assert time.perf_counter() - started < 30
    assert any(r.gave_up for r in results)
    assert analysis.notes and "given up" in analysis.notes[0]


def test_deep_nesting_does_not_crash() -> None:
    text = "import os, sys\ndef f():\n    x = sys.argv[1]\n"
    for depth in range(1, 60):
        text += "    " * depth + "if x:\n"
    text += "    " * 60 + "os.system(x)\n"
    assert events(text, ALL) == [("command", 63, "local")]


def test_cross_module_summaries_through_the_project_index() -> None:
    from secreview.analysis.taint import build_project_index

    helpers = textwrap.dedent(
        """
        import os
        def build_query(name):
            return "SELECT * FROM t WHERE name = '" + name + "'"
        def run(command):
            os.system(command)
        def safe(name):
            return int(name)
        class Repo:
            def find(self, name):
                return "SELECT " + name
        """
    )
    views = textwrap.dedent(
        """
        from flask import request
        from helpers import build_query, run, safe, Repo
        from . import helpers as sibling
        def view(cursor):
            q = request.args["q"]
            cursor.execute(build_query(q))
            cursor.execute(build_query("fixed"))
            run(q)
            cursor.execute(safe(q))
            cursor.execute(Repo().find(q))
            sibling.run(q)
        """
    )
    index = build_project_index(
        {
            "helpers": ast.parse(helpers),
            "app.views": ast.parse(views),
            "app.helpers": ast.parse(helpers),
        }
    )
    assert index.get("helpers.build_query") is not None
    assert index.get("helpers.run").sinks[0].kind == "command"  # type: ignore[union-attr]
    found = events(views, TaintSetup(project=index, module_name="app.views"))
    assert found == [
        ("sql", 7, "remote"),
        ("command", 9, "remote"),
        ("sql", 11, "remote"),  # `Repo.find` is the project's code: no MongoDB `*.find`
        ("command", 12, "remote"),
    ]
    # Without the index, helpers are unknown calls: their results carry their arguments (so the
    # cast in `safe` is missed) and sinks inside them are not seen.
    assert events(views) == [("sql", 7, "remote"), ("sql", 10, "remote"), ("nosql", 11, "remote")]


def test_a_callee_that_decodes_gives_back_what_the_source_ruled_out() -> None:
    """Tornado's raw `request.uri` holds no line break, but a helper in another module that
    `parse_qsl`s its query hands back text where `%0A` is one (and its `sinks` likewise)."""
    from secreview.analysis.taint import build_project_index

    helpers = textwrap.dedent(
        """
        import logging
        from urllib.parse import parse_qsl, urlsplit, unquote
        def params(uri):
            return dict(parse_qsl(urlsplit(uri).query))
        def route(uri):
            return urlsplit(uri).path
        def note(uri):
            logging.warning("bad %s", unquote(uri))
        """
    )
    views = textwrap.dedent(
        """
        import logging
        import tornado.web
        from helpers import params, route, note
        class Handler(tornado.web.RequestHandler):
            def get(self):
                logging.warning("agent %s", params(self.request.uri)["agent"])
                logging.warning("route %s", route(self.request.uri))
                note(self.request.uri)
        """
    )
    index = build_project_index({"helpers": ast.parse(helpers), "views": ast.parse(views)})
    found = events(views, TaintSetup(project=index, module_name="views"))
    assert [(kind, line) for kind, line, _ in found] == [("log", 7), ("log", 9)]


def test_models_are_user_extendable(tmp_path: Path) -> None:
    (tmp_path / "internal.toml").write_text(
        '[[sink]]\nkind = "command"\ncalls = ["ourlib.run_shell"]\nargs = [0]\n', encoding="utf-8"
    )
    models = load_models([tmp_path])
    assert "ourlib.run_shell" in models.sinks
    assert "subprocess.run" in models.sinks
    (tmp_path / "broken.toml").write_text("[[sink]\n", encoding="utf-8")
    with pytest.raises(ModelError, match=r"broken\.toml"):
        load_models([tmp_path])


def test_flows_are_bounded_per_origin_and_sanitisation() -> None:
    node = ast.Name(id="x")
    short = Flow("remote", ((node, "a"),))
    long = Flow("remote", ((node, "a"), (node, "b")))
    assert merge_flows([long], [short]) == frozenset({short})
    joined = join(
        Value(flows=frozenset({long})), Value(flows=frozenset({short.sanitised(["html"])}))
    )
    assert len(joined.flows) == 2


def test_a_parameter_flow_with_text_built_around_it_and_without_are_one_flow() -> None:
    """Merged, `p` and `p + "x"` of one parameter keep one flow, marked `APPENDED`: a caller's
    one-name argument is then no longer one name, as through either (and summaries of many
    small helpers do not double at each join)."""
    node = ast.Name(id="p")
    plain = Flow("param:0", ((node, "a"),))
    appended = Flow("param:0", ((node, "a"), (node, "b")), frozenset({APPENDED}))
    for merged in (merge_flows([plain], [appended]), merge_flows([appended], [plain])):
        assert merged == frozenset({Flow("param:0", plain.steps, frozenset({APPENDED}))})
    sanitised = plain.sanitised(["html"])
    assert len(merge_flows([sanitised], [appended])) == 2  # other marks still tell flows apart


def test_methods_super_class_and_static_methods_closures_and_lambdas() -> None:
    code = FLASK + textwrap.dedent(
        """
        class Base:
            def run(self, cmd):
                os.system(cmd)
        class Child(Base):
            def run(self, cmd):
                super().run(cmd)
            @staticmethod
            def clean(value):
                return "fixed"
            @classmethod
            def build(cls, value):
                return "ls " + value
        def view():
            data = request.args["d"]
            def inner():
                os.system(data)
            inner()
            twice = lambda v: v + v
            os.system(twice(data))
            os.system(Child.clean(data))
            os.system(Child.build(data))
            Child().run(data)
        """
    )
    assert [line for _, line, _ in events(code)] == [6, 19, 22, 24]


def test_match_comprehension_generator_and_with() -> None:
    code = FLASK + textwrap.dedent(
        """
        def view():
            data = request.args["d"]
            match data:
                case "reset":
                    os.system(data)
                case other:
                    os.system(other)
            with open("/etc/motd") as handle:
                os.system(handle.read())
            os.system(next(x for x in [data]))
            os.system({k: k for k in ("a", "b")}["a"])
        """
    )
    assert [line for _, line, _ in events(code)] == [10, 13]


def test_consuming_sinks_and_container_edits() -> None:
    code = FLASK + textwrap.dedent(
        """
        import sqlite3
        def view():
            name = request.args["n"]
            cursor = sqlite3.connect("db").cursor()
            cursor.execute("SELECT * FROM t WHERE name = ?", (name,))
            os.system(str(cursor.fetchall()))
            os.system(os.popen("echo " + name).read())
            settings = {"a": name, "b": "ls"}
            del settings["a"]
            os.system(settings.get("a", "ls"))
            pending = [name]
            pending.clear()
            pending.append("ls")
            os.system(pending[0])
        """
    )
    assert events(code) == [("command", 10, "remote"), ("command", 10, "remote")]


def test_project_index_pickles_and_module_names() -> None:
    import pickle
    from pathlib import PurePath

    from secreview.analysis.taint import build_project_index, module_name_for

    index = build_project_index({"pkg.util": ast.parse("def f(x):\n    return x\n")})
    assert pickle.loads(pickle.dumps(index)) == index
    assert module_name_for(PurePath("src/pkg/helpers.py")) == "pkg.helpers"
    assert module_name_for(PurePath("pkg/__init__.py")) == "pkg"
    assert module_name_for(PurePath("tool.py")) == "tool"


def test_untrusted_data_stored_in_a_global() -> None:
    code = FLASK + textwrap.dedent(
        """
        COMMAND = "ls"
        def run():
            os.system(COMMAND)
        def configure():
            global COMMAND
            COMMAND = request.args["c"]
        """
    )
    assert events(code) == [("command", 6, "remote")]


def test_environment_can_be_reported_and_models_replaced(tmp_path: Path) -> None:

    code = "import os\nimport ourlib\nos.system(os.environ['CMD'])\nourlib.run_shell(input())\n"
    assert events(code) == []  # ourlib is unknown to the built-in models
    with_env = events(code, TaintSetup(reported=frozenset({"remote", "local", "env"})))
    assert with_env == [("command", 3, "env")]
    (tmp_path / "ourlib.toml").write_text(
        '[[sink]]\nkind = "command"\ncalls = ["ourlib.run_shell"]\nargs = [0]\n', encoding="utf-8"
    )
    custom = events(code, TaintSetup.for_threat_model("all", models=load_models([tmp_path])))
    assert custom == [("command", 3, "env"), ("command", 4, "local")]


def test_alphabet_filters_and_argument_lists() -> None:
    code = FLASK + textwrap.dedent(
        """
        import re
        def view():
            value = request.args["v"]
            os.system("echo " + re.sub(r"[^a-zA-Z0-9_]", "", value))
            os.system("echo " + re.sub(r"[^a-z;|]", "", value))
            subprocess.run(["grep", "-r"] + shlex.split(value))
            subprocess.run(shlex.split(value))
        """
    )
    # `re.sub` is also a sink of the text it matches (kind `regex-text`); count commands only.
    # A filter that keeps `;` or `|` leaves shell syntax; letters, `.` and `/` alone would not.
    assert [line for kind, line, _ in events(code) if kind == "command"] == [8, 10]


def test_methods_that_change_the_object_they_are_called_on() -> None:
    code = FLASK + textwrap.dedent(
        """
        class Query:
            def __init__(self):
                self.table = "users"
                self.condition = "1 = 1"
            def where(self, condition):
                self.condition = condition
                return self
            def sql(self):
                return "SELECT * FROM " + self.table + " WHERE " + self.condition
        def view(cursor):
            query = Query()
            cursor.execute(query.sql())
            query.where("name = '" + request.args["n"] + "'")
            cursor.execute(query.sql())
        """
    )
    assert events(code) == [("sql", 17, "remote")]


def test_functions_called_from_the_module_body_see_earlier_globals() -> None:
    code = textwrap.dedent(
        """
        import os, sys
        TARGET = sys.argv[1]
        def main():
            os.system("ping " + TARGET)
        if __name__ == "__main__":
            main()
        """
    )
    assert events(code, ALL) == [("command", 5, "local")]


def test_untrusted_input_reaches_gives_pattern_rules_a_verdict() -> None:
    from secreview.analysis.taint import untrusted_input_reaches

    text = FLASK + textwrap.dedent(
        """
        def view():
            value = request.args["v"]
            os.system("echo " + value)
            os.system("echo " + shlex.quote(value))
            os.system("echo " + str(int(value)))
        def helper(command):
            os.system(command)
        """
    )
    context = AnalysisContext(path="app.py", text=text, tree=ast.parse(text))
    calls = [
        n
        for n in ast.walk(context.tree)
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "os.system"
    ]
    verdicts = [untrusted_input_reaches(context, c) for c in sorted(calls, key=lambda c: c.lineno)]
    assert verdicts == [True, False, False, None]
    other = AnalysisContext(path="lib.py", text="import os\nos.system('ls')\n", tree=ast.parse("x"))
    assert untrusted_input_reaches(other, calls[0]) is None  # never analysed


_NAMES = ("a", "b", "items", "request.args['q']", "sys.argv[1]", "self.x", "d['k']")
_EXPRESSIONS = st.recursive(
    st.sampled_from([*_NAMES, "'text'", "3", "None", "[a, b]", "{'k': a}", "f'{a}'"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "%", "*", " if a else "]), inner).map(
            lambda t: f"({t[0]}{t[1]}{t[2]})" if "if" not in t[1] else f"({t[0]} if a else {t[2]})"
        ),
        st.tuples(st.sampled_from(["str", "helper", "html.escape", "os.path.join"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        inner.map(lambda e: f"({e}).strip()"),
        inner.map(lambda e: f"[v for v in {e} if v]"),
        inner.map(lambda e: f"(lambda v: v)({e})"),
    ),
    max_leaves=6,
)
_STATEMENTS = st.recursive(
    st.one_of(
        st.tuples(st.sampled_from(["a", "b", "d['k']", "self.x", "items"]), _EXPRESSIONS).map(
            lambda t: [f"{t[0]} = {t[1]}"]
        ),
        _EXPRESSIONS.map(lambda e: [f"os.system({e})"]),
        _EXPRESSIONS.map(lambda e: [f"items.append({e})"]),
        st.just(["return a"]),
        st.just(["break"]),
    ),
    lambda inner: st.one_of(
        st.tuples(_EXPRESSIONS, st.lists(inner, min_size=1, max_size=3)).map(
            lambda t: [f"if {t[0]}:"] + ["    " + line for block in t[1] for line in block]
        ),
        st.tuples(_EXPRESSIONS, st.lists(inner, min_size=1, max_size=3)).map(
            lambda t: [f"for a in {t[0]}:"] + ["    " + line for block in t[1] for line in block]
        ),
        st.lists(inner, min_size=1, max_size=3).map(
            lambda blocks: (
                ["try:"]
                + ["    " + line for block in blocks for line in block]
                + ["except Exception as b:", "    pass"]
            )
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_STATEMENTS, min_size=1, max_size=6))
def test_any_program_is_analysed_without_crashing(blocks: list[list[str]]) -> None:
    body = "\n".join("        " + line for block in blocks for line in block)
    text = (
        "import html, os, sys\nfrom flask import request\n"
        "def helper(v):\n    return v\n"
        "class C:\n    def m(self, a, b, items, d):\n"
        f"{body}\n        return b\n"
    )
    context = AnalysisContext(path="gen.py", text=text, tree=ast.parse(text))
    outcome = taint_events(context)
    assert all(event.kind == "command" for event in outcome.events)


# ----- dedicated origins: passwords and predictable tokens ----------------------------------------


def test_dedicated_origins_reach_only_the_sinks_that_name_them() -> None:

    code = FLASK + textwrap.dedent(
        """
        import hashlib, random, sqlite3
        def view():
            password = request.form["password"]
            sqlite3.connect("a.db").execute("SELECT 1 WHERE p = '" + password + "'")
            os.system("sleep " + str(random.randint(1, 5)))
            hashlib.md5(password.encode())
            hashlib.md5(request.form["name"].encode())
        """
    )
    expected = [("sql", 7, "remote"), ("weak-hash", 9, "secret")]
    assert events(code) == expected
    # Even asked for by name, a dedicated origin stays out of the other sinks.
    everything = frozenset({"remote", "local", "secret", "weak-random", "weak-token"})
    assert events(code, TaintSetup(reported=everything)) == expected


def test_labels_come_from_keys_attributes_parameters_variables_and_functions() -> None:
    code = textwrap.dedent(
        """
        import hashlib, random, getpass
        from flask import Flask, request, make_response, session
        app = Flask(__name__)
        @app.route("/a", methods=["POST"])
        def a(pin):
            body = request.get_json()
            hashlib.sha1(body.get("newPassword", "").encode())
            hashlib.sha1(request.authorization.password.encode())
            hashlib.sha1(str(pin).encode())
            hashlib.sha1(body["password_reset_url"].encode())
            resp = make_response("ok")
            resp.set_cookie("theme", str(random.random()))
            resp.set_cookie("remember_token", str(random.random()))
            return resp
        def new_api_key():
            return str(random.getrandbits(64))
        @app.route("/b")
        def b():
            session["key"] = new_api_key()
            session["ab_bucket"] = random.choice("ab")
            return {"apiKey": random.random()}
        """
    )
    assert events(code) == [
        ("weak-hash", 8, "secret"),
        ("weak-hash", 9, "secret"),
        ("weak-hash", 10, "secret"),
        ("token", 14, "weak-token"),
        ("token", 20, "weak-token"),
        ("token", 22, "weak-token"),
    ]


def test_casts_and_digests_keep_dedicated_origins_only() -> None:
    code = FLASK + textwrap.dedent(
        """
        import hashlib, random
        from flask import make_response
        def view():
            token = hashlib.sha256(str(random.random()).encode()).hexdigest()
            os.system(str(int(request.args["n"])))
            make_response(int(token, 16))
            picked = random.choice(request.args.getlist("names"))
            os.system(picked)
        """
    )
    assert events(code) == [("token", 9, "weak-token"), ("command", 11, "remote")]


def test_cookie_flags_must_be_missing_or_constant_false() -> None:
    code = textwrap.dedent(
        """
        from flask import make_response, request
        OPTIONS = {"secure": True}
        def view():
            value = request.args["v"]
            resp = make_response("ok")
            resp.set_cookie("a", value, secure=False, httponly=0)
            resp.set_cookie("a", value, secure=request.is_secure, httponly=True)
            resp.set_cookie("a", value, **OPTIONS)
            resp.set_cookie("a", "constant")
            return resp
        """
    )
    flagged = [("cookie-insecure", 7, "remote"), ("cookie-script-readable", 7, "remote")]
    assert events(code) == flagged


def test_token_path_is_the_evidence() -> None:
    text = textwrap.dedent(
        """
        import random
        from flask import Flask, make_response
        app = Flask(__name__)
        @app.route("/login")
        def login():
            value = "".join(random.choice("abc") for _ in range(20))
            reset_token = value.upper()
            resp = make_response("ok")
            resp.set_cookie("r", reset_token, secure=True, httponly=True)
            return resp
        """
    )
    report = review_source(text, "app.py")
    (finding,) = [f for f in report.findings if f.rule_id == "predictable-token"]
    assert finding.cwe == 330 and finding.location.line == 10
    notes = [step.note for step in finding.evidence]
    assert "random.choice" in notes[0] and "(weak-random)" in notes[0]
    assert any("`reset_token` names a security token" in note for note in notes)
    assert notes[-1].startswith("reaches `resp.set_cookie`")


def test_dedicated_origins_cross_functions_and_modules() -> None:
    from secreview.analysis.taint import build_project_index

    helpers = textwrap.dedent(
        """
        import hashlib, random
        def make_session_id():
            return "%x" % random.getrandbits(64)
        def digest(value):
            return hashlib.md5(value.encode()).hexdigest()
        def shell(value):
            import os
            os.system(value)
        """
    )
    views = textwrap.dedent(
        """
        from flask import Flask, request, make_response
        from helpers import make_session_id, digest, shell
        app = Flask(__name__)
        @app.route("/login", methods=["POST"])
        def login():
            digest(request.form["password"])
            digest(request.form["username"])
            shell(make_session_id())
            resp = make_response("ok")
            resp.set_cookie("prefs", make_session_id(), secure=True, httponly=True)
            return resp
        """
    )
    index = build_project_index({"helpers": ast.parse(helpers), "views": ast.parse(views)})
    (effect,) = index.get("helpers.digest").sinks  # type: ignore[union-attr]
    assert effect.origins == frozenset({"secret"})
    found = events(views, TaintSetup(project=index, module_name="views"))
    assert found == [("weak-hash", 7, "secret"), ("token", 11, "weak-token")]


def test_label_models_are_checked(tmp_path: Path) -> None:
    (tmp_path / "labels.toml").write_text(
        '[[label]]\norigin = "secret"\nfrom = ["remote"]\nnames = ["(unclosed"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="bad pattern"):
        load_models([tmp_path])
    (tmp_path / "labels.toml").write_text(
        '[[label]]\norigin = "secret"\nnames = ["pin"]\n', encoding="utf-8"
    )
    with pytest.raises(ModelError, match="needs `from` and `names`"):
        load_models([tmp_path])
    (tmp_path / "labels.toml").write_text(
        '[[label]]\norigin = "secret"\nnote = "a badge number"\nfrom = ["remote"]\n'
        'names = ["(?:\\\\w+_)?badge"]\n',
        encoding="utf-8",
    )
    models = load_models([tmp_path])
    assert [label.note for label in models.labels_for("employeeBadge")] == ["a badge number"]
    assert models.labels_for("badge_url") == ()


def test_responses_are_known_by_constructor_annotation_hook_or_middleware() -> None:
    code = textwrap.dedent(
        """
        from fastapi import Response
        from flask import Flask, request
        app = Flask(__name__)
        class LanguageMiddleware:
            def __init__(self, get_response):
                self.get_response = get_response
            def __call__(self, request):
                response = self.get_response(request)
                response.set_cookie("lang", request.GET["lang"], httponly=True)
                return response
        @app.after_request
        def remember(response):
            response.set_cookie("lang", request.args["lang"], httponly=True)
            return response
        def annotated(response: Response, lang: str):
            response.set_cookie("lang", request.args["lang"], httponly=True)
        def add_meta(response):
            response["user"] = request.args["user"]
            response.set_cookie("lang", request.args["lang"], httponly=True)
            return response
        """
    )
    assert [line for _, line, _ in events(code)] == [10, 14, 17]


def test_pop_from_the_end_of_a_worklist_keeps_what_was_pushed() -> None:
    # `stack.pop(-1)` removes the last element; it used to shift the others to index -1, so
    # what a later round pushed was lost.
    code = FLASK + textwrap.dedent(
        """
        def walk():
            pending = ["root"]
            while pending:
                name = pending.pop(-1)
                open(name)
                pending.extend([request.args["next"]])
        """
    )
    assert ("path", 8, "remote") in events(code)


def test_data_written_into_a_file_does_not_choose_its_name() -> None:
    code = FLASK + textwrap.dedent(
        """
        import io, tempfile
        def save():
            with tempfile.NamedTemporaryFile(delete=False) as temp:
                temp.write(request.data)
            os.replace(temp.name, "/srv/upload.bin")
            buffer = io.BytesIO()
            buffer.write(request.data)
            os.system(buffer.getvalue())
        """
    )
    assert events(code) == [("command", 11, "remote")]


def test_an_object_returned_beside_untyped_data_keeps_its_class() -> None:
    # One path returns the object, another an error value (checked with isinstance): a method
    # called on the result still runs the class's code.
    code = FLASK + textwrap.dedent(
        """
        class LoadError(Exception):
            pass
        class Job:
            def __init__(self, spec):
                self.spec = spec
            def run(self):
                os.system(self.spec["command"])
        def job_for(spec):
            if isinstance(spec, LoadError):
                return spec
            return Job(spec)
        def view():
            job_for(request.get_json()).run()
        """
    )
    assert ("command", 10, "remote") in events(code)
