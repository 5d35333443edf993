"""Pyramid routes (`index/pyramid_routes.py`) and what they let `request.matchdict` keys hold
in the views they name, across modules (`route_kinds.matchdict_kinds`)."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest
from annotated_projects import annotation_problems

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.route_kinds import matchdict_kinds
from secreview.index.context import ModuleContext
from secreview.index.pyramid_routes import pyramid_routes, route_regex


def routes_of(source: str, module: str = "app.views") -> tuple[str, ...]:
    text = textwrap.dedent(source)
    context = ModuleContext(path="app/views.py", text=text, tree=ast.parse(text), package="app")
    return pyramid_routes(context, module)


@pytest.mark.parametrize("jobs", [1, 2])
def test_matchdict_keys_a_route_pattern_constrains_are_safe_for_what_it_allows(
    tmp_path: Path, jobs: int
) -> None:
    checked, problems = annotation_problems("pyramidroutes", tmp_path, jobs)
    assert checked >= 8 and not problems, problems


@pytest.mark.parametrize(
    ("pattern", "path", "captured"),
    [
        (r"/p/{id:\d+}/x", "/p/42/x", {"id": "42"}),
        ("/f/{name}.json", "/f/report.json", {"name": "report"}),
        ("/y/{year:\\d{4}}", "/y/2026", {"year": "2026"}),
        ("/raw/*rest", "/raw/a/b", {"rest": "a/b"}),
    ],
)
def test_route_patterns_match_as_pyramid_matches_them(
    pattern: str, path: str, captured: dict[str, str]
) -> None:
    regex = route_regex(pattern)
    assert regex is not None
    match = re.match(regex, path)
    assert match is not None and match.groupdict() == captured


def test_a_segment_placeholder_holds_no_slash_and_an_unclosed_brace_is_unread() -> None:
    segment = route_regex("/f/{name}")
    assert segment is not None and re.match(segment, "/f/a/b") is None
    assert route_regex("/f/{name") is None
    assert route_regex(None) is None


def test_routes_and_views_are_recorded_with_their_names() -> None:
    routes = routes_of(
        """
        from pyramid.view import view_config, view_defaults

        def includeme(config):
            config.add_route("item", r"/item/{iid:\\d+}")
            config.add_view(legacy, route_name="item")
            config.add_view("app.views.old", route_name="item")

        @view_config(route_name="item")
        def item(request): ...

        @view_config(context=Exception)
        def failed(request): ...

        @view_defaults(route_name="item")
        class Items:
            @view_config(request_method="POST")
            def post(self): ...

        def legacy(request): ...
        """
    )
    assert set(routes) == {
        "route item ^/item/(?P<iid>\\d+)$",
        "view item app.views.legacy",
        "view item app.views.old",
        "view item app.views.item",
        "view item app.views.Items.post",
    }


def test_a_route_name_declared_twice_differently_constrains_nothing() -> None:
    digits = "route item ^/item/(?P<iid>\\d+)$"
    kinds = matchdict_kinds({"app": (digits,), "app.views": ("view item app.views.item",)})
    assert kinds == {"app.views.item": {"iid": (ALL_KINDS,)}}
    anything = "route item ^/item/(?P<iid>.+)$"
    twice = {"app": (digits,), "other": (anything,), "app.views": ("view item app.views.item",)}
    assert matchdict_kinds(twice) == {}
