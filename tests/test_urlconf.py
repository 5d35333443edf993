"""Django URLconf routes (`index/urlconf.py`) and what they let view arguments hold across a
project (`taint/route_kinds.py`)."""

from __future__ import annotations

import ast
import textwrap

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.route_kinds import defining_modules, route_kinds
from secreview.index.context import ModuleContext
from secreview.index.urlconf import url_routes


def routes_of(source: str, module: str = "app.urls") -> tuple[str, ...]:
    text = textwrap.dedent(source)
    context = ModuleContext(path="app/urls.py", text=text, tree=ast.parse(text), package="app")
    return url_routes(context, module)


def test_routes_name_their_views_and_translate_path_converters() -> None:
    routes = routes_of(
        """
        from django.urls import path, re_path, include
        from django.conf.urls import url
        from . import views
        from django.contrib.auth.decorators import login_required

        def local(request, x): ...

        urlpatterns = [
            path("i/<int:iid>/", views.image),
            re_path(r"^(?P<name>.+)$", login_required(views.raw)),
            url(r"^old/(?P<k>\\d+)$", "app.views.old"),
            path("s/<uuid:key>/", views.Share.as_view()),
            path("l/<x>/", local),
            path("c/<custom:y>/", views.custom),
            re_path(PATTERN, views.variable),
            path("api/", include("app.api")),
        ]
        """
    )
    assert set(routes) == {
        "app.views.image ^i/(?P<iid>[0-9]+)/",
        "app.views.raw ^(?P<name>.+)$",
        "app.views.old ^old/(?P<k>\\d+)$",
        "app.views.Share ^s/(?P<key>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/",
        "app.urls.local ^l/(?P<x>[^/]+)/",
        "app.views.custom ",
        "app.views.variable ",
        "* ^api/",
    }


def test_a_module_that_does_not_spell_django_declares_no_route() -> None:
    assert routes_of("from flask import path\npath('x', view)\n") == ()


def test_every_route_of_a_view_and_every_include_prefix_must_allow_a_kind() -> None:
    kinds = route_kinds(
        {
            "app.urls": (
                "app.views.image ^(?P<iid>[0-9]+)/(?P<level>[0-9]+)$",
                "app.views.album ^(?P<aid>[0-9]+)$",
                "app.views.album ^(?P<aid>[^/]+)$",
                "app.views.tag ^(?P<t>[\\w.]+)$",
                "app.views.unknown ^(?P<u>[0-9]+)$",
                "app.views.unknown ",
                "app.views.positional ^([0-9]+)$",
                "app.views.positional ^(?P<p>[0-9]+)$",
            ),
            "site.urls": ("* ^(?P<level>.+)/",),
        },
        lambda name: name,
    )
    assert kinds["app.views.image"] == {"iid": (ALL_KINDS,)}
    assert "app.views.album" not in kinds and "app.views.unknown" not in kinds
    assert "app.views.positional" not in kinds
    assert "log" in kinds["app.views.tag"]["t"] and "path" not in kinds["app.views.tag"]["t"]
    assert defining_modules(kinds, {"app.views", "app"}) == {"app.views"}


def test_extra_keywords_every_route_gives_a_view_are_the_programs_own() -> None:
    routes = routes_of(
        """
        from django.urls import path, re_path
        from . import views

        urlpatterns = [
            path("r/", views.register, kwargs={"next_page": "/", **EXTRA}),
            re_path(r"^j$", views.catalog, {"packages": ["app"], "domain": "js"}),
            path("o/<path:next_page>", views.logout, kwargs=EXTRA),
        ]
        """
    )
    assert set(routes) == {
        "app.views.register+next_page ^r/",
        "app.views.catalog+domain,packages ^j$",
        "app.views.logout ^o/(?P<next_page>.+)",
    }
    kinds = route_kinds(
        {
            "app.urls": (
                *routes,
                "app.views.register+next_page ",
                "app.views.logout+next_page ^o/",
            )
        },
        lambda name: name,
    )
    assert kinds["app.views.register"] == {"next_page": (ALL_KINDS,)}
    assert kinds["app.views.catalog"] == {"domain": (ALL_KINDS,), "packages": (ALL_KINDS,)}
    assert "app.views.logout" not in kinds
