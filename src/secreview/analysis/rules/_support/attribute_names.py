"""Attribute names built with the author's own text: `getattr(self, "do_" + command)` and
`setattr(self, f"opt_{key}", value)` reach only attributes named for that use, whatever the
sender's part says (`unsafe-reflection`, `mass-assignment`). So do the keys of what a schema
validated (`FlightSchema().load(body)`, a pydantic model's `model_dump()`, DRF's
`validated_data`): only the fields the author declared. And under the `library` threat
model, a name a caller passes is the API's contract, but a key parsed out of a document the
caller hands over (`json.loads(state)`) is that document's data."""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.function_flow import expression_key
from secreview.analysis.taint.context import LIBRARY_ORIGIN
from secreview.analysis.taint.values import Flow
from secreview.index.context import ModuleContext

_DOCUMENT_PARSERS = frozenset(
    {"json.loads", "json.load", "simplejson.loads", "ujson.loads", "orjson.loads"}
    | {"yaml.safe_load", "yaml.load", "tomllib.loads", "tomllib.load", "toml.loads"}
)


def chosen_by_sender(flow: Flow, context: ModuleContext) -> bool:
    """Whether the sender of the data, not the code calling the library, chose the name: any
    flow but a public function's argument (the caller's contract: a column, a field), and
    an argument parsed as a document on the way (Mesop's state JSON, walked key by key)."""
    if flow.origin != LIBRARY_ORIGIN:
        return True
    return any(
        isinstance(node, ast.Call) and context.call_name(node) in _DOCUMENT_PARSERS
        for node, _ in flow.steps
    )


def spelled_with_fixed_text(name: ast.expr, context: ModuleContext, depth: int = 0) -> bool:
    """Whether the attribute name holds fixed text of the author's besides the input
    (`f"{command}_file"`, `"%s_%s" % (method, kind)`, a name every assignment in the function
    builds so): it reaches only attributes named for that use, as a fixed prefix does."""
    match name:
        case ast.JoinedStr(values=values):
            return any(isinstance(v, ast.Constant) and v.value for v in values)
        case ast.BinOp(op=ast.Add() | ast.Mod(), left=left, right=right):
            return _has_text(left) or (isinstance(name.op, ast.Add) and _has_text(right))
        case ast.Call(func=ast.Attribute(value=template, attr="format")):
            return _has_text(template)
        case ast.Name(id=variable) if depth == 0:
            scope = context.enclosing_function(name)
            values = [
                node.value
                for node in (ast.walk(scope) if scope is not None else ())
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
            ]
            return bool(values) and all(
                spelled_with_fixed_text(value, context, depth + 1) for value in values
            )
    return False


def _has_text(node: ast.expr) -> bool:
    """Whether `node` is a string literal holding more than a placeholder (`"%s_%s"`)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    return bool(node.value.replace("%s", "").replace("{}", ""))


def checked_for_membership(name: ast.expr, call: ast.AST, context: ModuleContext) -> bool:
    """Whether `call` runs only where an enclosing `if` found the name in a container
    (`if request.method.lower() in self.http_method_names: getattr(self,
    request.method.lower())`): the same expression, spelled again, that the engine does not
    follow as a variable."""
    shown = expression_key(name)
    child: ast.AST = call
    for ancestor in context.ancestors(call):
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return False  # the check of the function's own body, not of where it is defined
        if isinstance(ancestor, ast.If) and child in ancestor.body:
            for test in _conjuncts(ancestor.test):
                if (
                    isinstance(test, ast.Compare)
                    and isinstance(test.ops[0], ast.In)
                    and expression_key(test.left) == shown
                ):
                    return True
        child = ancestor
    return False


def _conjuncts(test: ast.expr) -> list[ast.expr]:
    """The conditions that all hold where `test` does (`a and b`: both; `a or b`: neither)."""
    if isinstance(test, ast.BoolOp):
        return list(test.values) if isinstance(test.op, ast.And) else []
    return [test]


_VALIDATED_ATTRIBUTES = frozenset(
    {"validated_data", "cleaned_data", "model_fields_set", "__fields_set__"}
)
"""What DRF's serializers and Django's forms keep after validating (`validated_data`,
`cleaned_data`), and the fields a pydantic model was given: declared fields only."""
_VALIDATED_DUMPS = frozenset({"model_dump"})
"""A pydantic model's fields as a dict (`model_dump()`; v1's `dict()` is also Django's
`QueryDict.dict()`, the sender's keys, so only the engine's types tell them apart)."""
_SCHEMA_LOADS = frozenset({"load", "loads", "validate_python", "validate_json"})
"""A marshmallow schema's `load`, a pydantic `TypeAdapter`'s `validate_*`: only declared
fields come out (marshmallow refuses unknown keys unless told `unknown=INCLUDE`)."""
_MAX_HOPS = 5


def named_by_a_schema(name: ast.expr, context: ModuleContext) -> bool:
    """Whether the attribute name is a key of what a schema validated, through the function's
    loops and assignments: `for key, value in d.items()`, `d` an element of `data =
    FlightSchema(partial=True).load(body, many=True).data`; `for f in body.model_fields_set`."""
    return _keys_validated(name, context, 0)


def _keys_validated(node: ast.expr, context: ModuleContext, hops: int) -> bool:
    if hops > _MAX_HOPS:
        return False
    if _validated(node, context) or _fixed_names(node):
        return True
    match node:
        case ast.Name():
            sources = _sources(node, context)
            return bool(sources) and all(_keys_validated(s, context, hops + 1) for s in sources)
        case ast.Call(func=ast.Attribute(value=mapping, attr="keys" | "items"), args=[]):
            return _keys_validated(mapping, context, hops + 1)
        case ast.ListComp(generators=[generator]) | ast.GeneratorExp(generators=[generator]):
            return _keys_validated(generator.iter, context, hops + 1)
    return False


def _validated(node: ast.expr, context: ModuleContext) -> bool:
    """`serializer.validated_data`, `model.model_dump()`, `Schema().load(body)` (with
    marshmallow 2's `.data` of its result)."""
    if isinstance(node, ast.Attribute) and node.attr == "data":
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr in _VALIDATED_ATTRIBUTES
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    if node.func.attr in _VALIDATED_DUMPS:
        return not node.args
    if node.func.attr not in _SCHEMA_LOADS or any(k.arg == "unknown" for k in node.keywords):
        return False
    schema = node.func.value
    if isinstance(schema, ast.Name):
        made = [s for s in _sources(schema, context) if isinstance(s, ast.Call)]
        schema = made[0].func if len(made) == 1 else schema
    elif isinstance(schema, ast.Call):
        schema = schema.func
    named = last_name(schema) or ""
    return named.endswith(("Schema", "schema", "Adapter", "adapter"))


def _fixed_names(node: ast.expr) -> bool:
    """A tuple, list or set of names the code writes out (`for key in ("takeoff_time", ...)`)."""
    return isinstance(node, ast.Tuple | ast.List | ast.Set) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    )


def _sources(name: ast.Name, context: ModuleContext) -> list[ast.expr]:
    """What the function binds `name` to: assigned values, and the iterables of the loops and
    comprehensions whose target is the name (an element of them) or the first of a pair
    iterated from `.items()` (a key). None when some binding is another shape (a pair's second
    element is a value, not a key)."""
    scope = context.enclosing_function(name)
    if scope is None:
        return []
    found: list[ast.expr] = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and any(_binds(t, name.id) for t in node.targets):
            found.append(node.value)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            if isinstance(node.target, ast.Name) and node.target.id == name.id:
                found.append(node.iter)
            elif isinstance(node.target, ast.Tuple) and _binds(node.target, name.id):
                first = node.target.elts[0]
                if not (isinstance(first, ast.Name) and first.id == name.id):
                    return []
                found.append(node.iter)
    return found


def _binds(target: ast.expr, variable: str) -> bool:
    """Whether assigning to `target` binds `variable` (`d[key] = ...` only reads `key`)."""
    return any(
        isinstance(n, ast.Name) and n.id == variable and isinstance(n.ctx, ast.Store)
        for n in ast.walk(target)
    )
