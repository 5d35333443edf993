"""The project functions a module hands the request to (`index/request_handoffs.py`)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from secreview.config import ScanConfig
from secreview.index.context import ModuleContext
from secreview.index.request_handoffs import request_handoffs, request_helpers
from secreview.scanner import scan

VIEWS = """
from django.shortcuts import render
from . import tasks
from .helpers import audit, preview

def order(request, pk):
    tasks.push(request, pk)
    audit(request=request, action="order")
    notify(pk, request)
    return render(request, "order.html")

class Account:
    def get(self, request):
        preview(self.request, "x")
        return tasks.export(req=request)
"""


def test_calls_handing_the_request_first_are_named_through_the_imports() -> None:
    text = textwrap.dedent(VIEWS)
    context = ModuleContext(path="shop/views.py", text=text, tree=ast.parse(text), package="shop")
    assert request_handoffs(context, "shop.views") == (
        "django.shortcuts.render",
        "shop.helpers.audit",
        "shop.helpers.preview",
        "shop.tasks.export",
        "shop.tasks.push",
    )


def test_only_the_projects_unrouted_functions_are_helpers() -> None:
    handoffs = {
        "shop.views": ("django.shortcuts.render", "shop.helpers.preview", "shop.tasks.push"),
        "shop.helpers": (),
        "shop.tasks": (),
    }
    routed = {"shop.helpers.preview"}
    assert request_helpers(handoffs, routed, lambda name: name, {}) == {"shop.tasks.push"}


PLUGINS = """
from django.http import HttpResponseRedirect
from .systems import AUTH_SYSTEMS

def start(request, system_name):
    system = AUTH_SYSTEMS[system_name]
    url = system.get_auth_url(request, redirect_url="/after")
    view = system.view_class()
    view.get(request)
    self_like = system
    return HttpResponseRedirect(url)
"""


def test_a_call_through_a_local_name_stands_for_each_plugin_module_defining_it() -> None:
    text = textwrap.dedent(PLUGINS)
    context = ModuleContext(path="auth/views.py", text=text, tree=ast.parse(text), package="auth")
    handoffs = request_handoffs(context, "auth.views")
    assert handoffs == ("*.get_auth_url",)
    modules = {
        "auth.views": handoffs,
        "auth.systems.github": (),
        "auth.systems.cas": (),
        "auth.systems.ldap": (),
    }
    bindings = {
        "auth.systems.github": ("requests", "get_auth_url", "get_user_info"),
        "auth.systems.cas": ("get_auth_url=auth.common.get_auth_url",),
        "auth.systems.ldap": ("get_user_info",),
    }
    assert request_helpers(modules, set(), lambda name: name, bindings) == {
        "auth.systems.github.get_auth_url"
    }


SYSTEM = """
from django.http import HttpResponseRedirect


def get_auth_url(request, redirect_url):
    request.session["redirect_url"] = redirect_url
    return "https://idp.example/login"


def remember(request, next_url):
    request.session["next_url"] = next_url
"""

AUTH_VIEWS = """
from django.http import HttpResponseRedirect

from auth.systems import github

AUTH_SYSTEMS = {"github": github}


def start(request, system_name):
    system = AUTH_SYSTEMS[system_name]
    return HttpResponseRedirect(system.get_auth_url(request, redirect_url="/after"))
"""


def test_a_plugin_modules_function_handed_the_request_is_a_helper_not_a_view(
    tmp_path: Path,
) -> None:
    for package in ("auth", "auth/systems"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "auth/systems/github.py").write_text(SYSTEM)
    (tmp_path / "auth/views.py").write_text(AUTH_VIEWS)
    result = scan([str(tmp_path)], ScanConfig(), jobs=1)
    stored = {
        (Path(report.path).name, f.location.line)
        for report in result.files
        for f in report.findings
        if f.rule_id == "trust-boundary"
    }
    # `remember` is no plugin function anyone hands the request to: still read as a view.
    assert stored == {("github.py", 11)}
