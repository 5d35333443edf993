"""Calls through a base class's stub method, on values declared as the base: what the
project's subclasses do in its place (`taint/overrides.py`), and declared types
(`declared_types.annotated_class`)."""

from __future__ import annotations

import ast
from pathlib import Path

from test_cross_module import scan_app

from secreview.analysis.taint.declared_types import annotated_class
from secreview.findings import ScanResult

PARTS = """\
from django.urls import reverse


class Participant:
    def signup_url(self, shift):
        raise NotImplementedError

    def describe(self, text):
        raise NotImplementedError

    def export(self, name):
        raise NotImplementedError


class LocalParticipant(Participant):
    def signup_url(self, shift):
        return reverse("signup", kwargs={"pk": shift.pk})

    def describe(self, text):
        return "local: " + text

    def export(self, name):
        return open("/srv/exports/" + name).read()


class GuestParticipant(Participant):
    def signup_url(self, shift):
        return reverse("guest-signup", kwargs={"pk": shift.pk})

    def describe(self, text):
        raise NotImplementedError
"""

PLUGINS = """\
class Plugin:
    def target(self, value):
        raise NotImplementedError
"""

VIEWS = """\
from typing import Optional

from django.shortcuts import redirect
from django.views.generic import View

from app.parts import Participant
from app.plugins import Plugin


class SignupView(View):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.participant: Participant = kwargs["participant"]

    def post(self, request, *args, **kwargs):
        return redirect(self.participant.signup_url(request.GET["shift"]))


class DescribeView(View):
    def get(self, request, participant: Optional["Participant"] = None):
        return redirect(participant.describe(request.GET["next"]))


class ExportView(View):
    def get(self, request, participant: Participant):
        return participant.export(request.GET["name"])


class PluginView(View):
    def get(self, request, plugin: Plugin):
        return redirect(plugin.target(request.GET["next"]))
"""


def _lines(result: ScanResult, rule: str) -> list[int]:
    """Lines of `app/views.py` holding a finding of `rule`."""
    return sorted(
        f.location.line
        for f in result.findings
        if f.rule_id == rule and f.location.path.endswith("views.py")
    )


def test_a_call_through_a_stub_does_what_the_subclasses_implementations_do(
    tmp_path: Path,
) -> None:
    result = scan_app(tmp_path, {"parts": PARTS, "plugins": PLUGINS, "views": VIEWS})
    # `signup_url`: every implementation returns a route's URL, not the argument.
    # `describe`: one implementation returns its argument's data (another only raises).
    # `target`: no subclass implements it, so the call is read as an unknown one.
    assert _lines(result, "open-redirect") == [21, 31]
    exports = [f for f in result.findings if f.rule_id == "path-traversal"]
    assert [(Path(f.location.path).name, f.location.line) for f in exports] == [("views.py", 26)]
    assert "parts.py:23" in " ".join(step.note for step in exports[0].evidence)


def test_without_the_subclasses_module_the_stub_is_an_unknown_call(tmp_path: Path) -> None:
    result = scan_app(tmp_path, {"parts": PARTS.split("class LocalParticipant")[0], "views": VIEWS})
    assert 16 in _lines(result, "open-redirect")


PLUGIN_BASES = """\
from app.plugins import Plugin


class HomePlugin(Plugin):
    pass
"""

PLUGIN_IMPLEMENTATIONS = """\
from app.plugin_bases import HomePlugin


class DashboardPlugin(HomePlugin):
    def target(self, value):
        return "/dashboard"
"""


def test_implementations_in_modules_nobody_imports_are_read(tmp_path: Path) -> None:
    # Plugins register themselves: the views import only the base, and the implementing
    # modules import the base (one through an intermediate subclass), never the reverse.
    result = scan_app(
        tmp_path,
        {
            "parts": PARTS,
            "plugins": PLUGINS,
            "plugin_bases": PLUGIN_BASES,
            "plugin_implementations": PLUGIN_IMPLEMENTATIONS,
            "views": VIEWS,
        },
    )
    assert _lines(result, "open-redirect") == [21]


EXPORTERS = """\
import subprocess

from flask import url_for

REGISTRY = {}


class Exporter:
    def destination(self, name):
        return url_for("exports", name=name)

    def run(self, command):
        return subprocess.call(command, shell=True)


def exporter_for(kind) -> "Exporter":
    return REGISTRY[kind]


def default_exporter():
    return Exporter()
"""

EXPORT_VIEWS = """\
from flask import Flask, redirect, request

from app.exporters import default_exporter, exporter_for

app = Flask(__name__)


@app.route("/export")
def export():
    exporter_for(request.args["kind"]).run(request.args["command"])
    return redirect(exporter_for("csv").destination(request.args["name"]))


@app.route("/default")
def default():
    return redirect(default_exporter().destination(request.args["name"]))
"""


def test_a_project_function_returning_a_class_types_its_result_across_modules(
    tmp_path: Path,
) -> None:
    # By its return annotation (a registry look-up) or by what its body returns.
    result = scan_app(tmp_path, {"exporters": EXPORTERS, "export_views": EXPORT_VIEWS})
    found = sorted(
        (f.rule_id, Path(f.location.path).name, f.location.line)
        for f in result.findings
        if f.rule_id in ("open-redirect", "tainted-command")
    )
    assert found == [("tainted-command", "export_views.py", 10)]


CONNECTORS = """\
import requests


class WebhookConnector:
    def execute(self, body):
        return requests.post("https://hooks.example.com/send", json=body, timeout=10)
"""

HOOKS = """\
from flask import Flask, request

from app.connectors import WebhookConnector

app = Flask(__name__)


def connector_for(name):
    return CONNECTORS[name]


@app.route("/notify", methods=["POST"])
def notify():
    connector: WebhookConnector = connector_for(request.form["kind"])
    connector.execute({"text": request.form["text"]})
    return "sent"
"""


def test_a_project_classs_own_method_is_read_as_code_not_matched_by_its_name(
    tmp_path: Path,
) -> None:
    result = scan_app(tmp_path, {"connectors": CONNECTORS, "hooks": HOOKS})
    assert not [f for f in result.findings if f.rule_id == "tainted-sql"]


def test_a_declared_type_names_a_project_class_or_nothing() -> None:
    imported = {"Repo": "pkg.repo.Repo", "Path": "pathlib.Path"}

    def declared(text: str) -> str | None:
        annotation = ast.parse(text, mode="eval").body
        return annotated_class(
            annotation,
            {"Local"},
            lambda node: imported.get(ast.unparse(node)),
            {"pkg.repo.Repo"},
        )

    assert declared("Local") == "class:Local"
    assert declared("Repo") == "pkg.repo.Repo"
    assert declared("Optional[Repo]") == "pkg.repo.Repo"
    assert declared("Annotated[Repo | None, Depends(get_repo)]") == "pkg.repo.Repo"
    assert declared("'Repo'") == "pkg.repo.Repo"
    assert declared("'Repo['") is None  # a string that is no expression
    assert declared("Path") is None  # a library type is the models' business
    assert declared("list[Repo]") is None  # a container holds many, it is none of them
    assert declared("Repo | Local") is None  # a union names no single class
