"""What the project's routes say about its views, read once for the cross-module pass.

Routes are declared in one module and constrain views in others: a Django URLconf's patterns
constrain the view's arguments (`route_kinds.route_kinds`), a Pyramid configuration's the keys
its views read off `request.matchdict` (`route_kinds.matchdict_kinds`), and a function another
module calls with the request, no route naming it, is a helper rather than a view
(`request_handoffs.request_helpers`). The modules defining any of these are reviewed again with
the project's index (`route_kinds.defining_modules`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from secreview.analysis.taint.route_kinds import matchdict_kinds, route_kinds, routed_views
from secreview.index.facts import ModuleFacts
from secreview.index.request_handoffs import request_helpers


class ProjectRoutes(NamedTuple):
    """The project's routes as the cross-module pass uses them (see the module docstring)."""

    arguments: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Django view -> argument -> the sink kinds it is safe for."""
    matchdict: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Pyramid view -> `matchdict` key -> the sink kinds it is safe for."""
    helpers: frozenset[str]
    """Functions that take the request from another module and no route names."""

    @property
    def functions(self) -> list[str]:
        """Every function named here: their modules are worth reviewing again."""
        return [*self.arguments, *self.matchdict, *self.helpers]


def project_routes(
    facts: Sequence[ModuleFacts], defining_name: Callable[[str], str]
) -> ProjectRoutes:
    """The `ProjectRoutes` of the modules whose `facts` are given."""
    routes_by_module = {f.module: f.url_routes for f in facts}
    helpers = request_helpers(
        {f.module: f.request_handoffs for f in facts},
        routed_views(routes_by_module, defining_name),
        defining_name,
        {f.module: f.bindings for f in facts},
    )
    return ProjectRoutes(
        route_kinds(routes_by_module, defining_name),
        matchdict_kinds({f.module: f.pyramid_routes for f in facts}),
        helpers,
    )
