"""The project functions a module hands the request to (`index/request_handoffs.py`)."""

from __future__ import annotations

import ast
import textwrap

from secreview.index.context import ModuleContext
from secreview.index.request_handoffs import request_handoffs, request_helpers

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
    assert request_helpers(handoffs, routed, lambda name: name) == {"shop.tasks.push"}
