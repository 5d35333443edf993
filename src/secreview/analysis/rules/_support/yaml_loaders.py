"""PyYAML loader classes and how much each constructs, for `unsafe-yaml-load`.

`yaml.load(data, Loader=X)` is as safe as X: the safe and base loaders build plain values, the
full loader imports and builds Python objects, the unsafe ones run whatever a tag names. The
loader is often a module constant, a `getattr(yaml, "CSafeLoader", yaml.SafeLoader)` fallback or a
subclass defined in the module, so it is looked up through those. ruamel.yaml's PyYAML-style
module functions (`ruamel.yaml.load(stream, Loader=...)`, before 0.18) take the same loaders
under its own package, plus the round-trip ones, which build plain values.
"""

from __future__ import annotations

import ast
from enum import Enum

from secreview.analysis.rules._support.local_bindings import single_value
from secreview.index.context import ModuleContext


class YamlLoader(Enum):
    """How much a PyYAML loader builds: plain values, Python objects, or anything it is told."""

    SAFE = 0
    FULL = 1
    UNSAFE = 2


YAML_LOADERS: dict[str, YamlLoader] = {
    **{
        f"yaml{module}.{name}": YamlLoader.SAFE
        for module in ("", ".loader", ".cyaml")
        for name in ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader")
    },
    **{
        f"yaml{module}.{name}": YamlLoader.FULL
        for module in ("", ".loader", ".cyaml")
        for name in ("FullLoader", "CFullLoader")
    },
    **{
        f"yaml{module}.{name}": YamlLoader.UNSAFE
        for module in ("", ".loader", ".cyaml")
        for name in ("Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader")
    },
    **{
        f"ruamel.yaml{module}.{name}": YamlLoader.SAFE
        for module in ("", ".loader", ".cyaml")
        for name in ("SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader", "RoundTripLoader")
    },
    **{
        f"ruamel.yaml{module}.{name}": YamlLoader.UNSAFE
        for module in ("", ".loader", ".cyaml")
        for name in ("Loader", "UnsafeLoader", "CLoader")
    },
}


def loader_kind(context: ModuleContext, expr: ast.expr, depth: int = 0) -> YamlLoader | None:
    """How much a PyYAML loader class constructs; None when the rule cannot tell."""
    if depth > 5:
        return None
    resolved = context.resolve(expr)
    if resolved in YAML_LOADERS:
        return YAML_LOADERS[resolved]
    if (  # getattr(yaml, "CSafeLoader", yaml.SafeLoader): the worse of the two
        isinstance(expr, ast.Call)
        and context.call_name(expr) == "getattr"
        and len(expr.args) in (2, 3)
        and context.resolve(expr.args[0]) == "yaml"
    ):
        attribute = context.constant_value(expr.args[1])
        kinds = [YAML_LOADERS.get(f"yaml.{attribute}")]
        if len(expr.args) == 3:
            kinds.append(loader_kind(context, expr.args[2], depth + 1))
        known = [k for k in kinds if k is not None]
        return max(known, key=lambda k: k.value) if len(known) == len(kinds) else None
    if not isinstance(expr, ast.Name):
        return None
    value = single_value(context, expr)
    if value is not expr:
        return loader_kind(context, value, depth + 1)
    if expr.id in context.module_constants:
        return loader_kind(context, context.module_constants[expr.id], depth + 1)
    for statement in context.tree.body:  # class MyLoader(yaml.SafeLoader): ...
        if isinstance(statement, ast.ClassDef) and statement.name == expr.id:
            kinds = [loader_kind(context, base, depth + 1) for base in statement.bases]
            known = [k for k in kinds if k is not None]
            return max(known, key=lambda k: k.value) if known else None
    return None
