"""Properties: reading `obj.name` of a `@property` runs its getter.

A class that wraps a request, a form or a parsed document often hands out what it holds through
properties (`@property def name(self): return self.request.args["n"]`); `functools.cached_property`,
Pyramid's `reify` and a project's own `lazyproperty` do the same, once. Reading such an attribute
is a call of the getter with the object as `self`, so it is applied as one: the getter's summary,
from this module's class or another module's (`ExternalSummary.is_property`), with the object's
parts. An attribute the object holds itself (set by its constructor, or assigned, a setter's
included) is read as held before any getter is asked, as Python finds an instance's cached value.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.decorator_names import is_property_getter
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.type_unions import UNION
from secreview.analysis.taint.values import FunctionRef, Value


class PropertyRules(FrameState):
    """Attribute reads that run a property's getter."""

    def property_read(self, base: Value, node: ast.Attribute) -> Value | None:
        """`base.attr` when `attr` is a property of the class `base` is an instance of: what the
        getter returns with `base` as `self`. None when it is no property, or `base` is the
        class itself (`Doc.name` is the property object)."""
        kind = base.type
        if not kind or UNION in kind or kind.removeprefix("class:") in base.classes:
            return None
        if kind.startswith("class:"):
            getter = self.analysis.find_method(kind.removeprefix("class:"), node.attr)
            if getter is not None:
                if not is_property_getter(getter):
                    return None
                return self.apply_function(FunctionRef(getter), _as_call(node), base, [], {})
        summary = self.analysis.method_summary(kind, node.attr)
        if summary is None or not summary.is_property:
            return None
        return self.apply_external(summary, _as_call(node), [base], {})


def _as_call(node: ast.Attribute) -> ast.Call:
    """`obj.name` as the call `obj.name()` its getter is applied at (the evidence's place); made
    only once a getter is found, as most attribute reads are of no property."""
    return ast.copy_location(ast.Call(func=node, args=[], keywords=[]), node)
