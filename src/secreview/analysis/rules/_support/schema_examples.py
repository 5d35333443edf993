"""Literals that document an API schema by example rather than configure anything.

pydantic, FastAPI and Litestar let a model or a parameter show an example payload in the
generated OpenAPI document: `model_config = ConfigDict(json_schema_extra={"example": {...}})`,
pydantic 1's `class Config: schema_extra = {...}`, `Field(examples=[...])`,
`Body(openapi_examples={...})`. A login or password-change model's example holds a made-up
password or token (`"new_password": "NewSecureP@ss456!"`) that nothing ever authenticates
with; it is read by people browsing the API documentation, like a docstring's usage example.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

# Keyword arguments and dict keys whose value is an example payload or the extra schema that
# holds one, and the class-body names pydantic reads the extra schema from.
_EXAMPLE_KEYS = frozenset(
    {"example", "examples", "openapi_examples", "json_schema_extra", "schema_extra"}
)
# Only literal containers and the calls that build one lie between an example and its key.
_CONTAINERS = (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Call, ast.keyword)
_MOST_LEVELS = 12


def in_schema_example(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` lies inside the value of an example key of an API schema (see module doc)."""
    child, parent = node, context.parent(node)
    for _ in range(_MOST_LEVELS):
        match parent:
            case ast.keyword(arg=str() as name) if name in _EXAMPLE_KEYS:
                return True
            case ast.Dict(keys=keys, values=values):
                key = next((k for k, v in zip(keys, values, strict=True) if v is child), None)
                if isinstance(key, ast.Constant) and key.value in _EXAMPLE_KEYS:
                    return True
            case ast.Assign(targets=targets) | ast.AnnAssign(target=ast.Name() as targets):
                names = targets if isinstance(targets, list) else [targets]
                return any(isinstance(t, ast.Name) and t.id in _EXAMPLE_KEYS for t in names)
        if not isinstance(parent, _CONTAINERS):
            return False
        child, parent = parent, context.parent(parent)
    return False
