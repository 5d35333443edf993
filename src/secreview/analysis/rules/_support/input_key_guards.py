"""Where indexing request data cannot raise: the key was tested, read before, or schema-checked.

The unhandled-input-error rule reports `data["key"]` that raises KeyError when the client leaves
the field out; these guards recognise the code that has already made sure the key is there
(`"key" in data`, `if data.get("key"):`, an earlier unguarded read, a schema's load, or an
early exit when `data.get("key")` is missing or of the wrong type).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.request_values import caught_by
from secreview.analysis.rules._support.web_handlers import scope_nodes
from secreview.index.context import ModuleContext

Function = ast.FunctionDef | ast.AsyncFunctionDef
KEY_ERRORS = frozenset(
    {"KeyError", "LookupError", "Exception", "BaseException", "MultiValueDictKeyError"}
)
"""The exceptions a handler for a missing key can name."""
_HEADER_CONTAINERS = frozenset({"headers", "META", "environ"})


def key_checked(subscript: ast.Subscript, function: Function, context: ModuleContext) -> bool:
    """Whether the function tests `"key" in ...` for the constant key it indexes, or an
    enclosing `if` tests `param in request.GET` or `data.get("key")` for the very key and
    container it indexes (a missing key is None there, so the body never indexes it), or the
    read is in the `else` of an `if` true when the key is missing (`if not data.get("key"):`,
    `if data.get("key") is None or ...:`)."""
    key = context.constant_value(subscript.slice)
    keys = _spellings(key, subscript.value)
    if keys and any(
        any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
        and _spellings(context.constant_value(node.left), node.comparators[-1]) & keys
        for node in scope_nodes(function.body)
        if isinstance(node, ast.Compare)
    ):
        return True
    wanted = (ast.dump(subscript.slice), ast.dump(subscript.value))
    child: ast.AST = subscript
    for ancestor in context.ancestors(subscript):
        if ancestor is function:
            break
        if isinstance(ancestor, ast.If) and any(s is child for s in ancestor.body):
            for test in ast.walk(ancestor.test):
                if isinstance(test, ast.Compare) and _membership(test) == wanted:
                    return True
                if _got(test) == wanted:
                    return True
        if (  # the `else` of `if not data.get("k"):`, where the key is there
            isinstance(ancestor, ast.If)
            and any(s is child for s in ancestor.orelse)
            and any(_missing(each) == wanted for each in _disjuncts(ancestor.test))
        ):
            return True
        child = ancestor
    return _exits_when_missing(subscript, wanted, function, context)


def _spellings(key: object, container: ast.AST) -> frozenset[str]:
    """The names a constant key goes by: itself, and for a header of a `headers`, `META` or
    `environ` container (or a `HTTP_...` key anywhere) its one normalised spelling, since
    Django builds `request.headers` from the environ's `HTTP_` keys: `"HTTP_AUTHORIZATION" in
    request.META` makes `request.headers["Authorization"]` present."""
    if not isinstance(key, str):
        return frozenset()
    in_headers = isinstance(container, ast.Attribute) and container.attr in _HEADER_CONTAINERS
    if not (in_headers or key.startswith("HTTP_")):
        return frozenset({key})
    return frozenset({key, "header:" + key.upper().replace("-", "_").removeprefix("HTTP_")})


def _exits_when_missing(
    subscript: ast.Subscript, wanted: tuple[str, str], function: Function, context: ModuleContext
) -> bool:
    """Whether an `if` that runs first raises or returns when the key is missing: `if not
    isinstance(data.get("ids"), list): raise ...`, `if data.get("k") is None: return ...`,
    `if "k" not in data: abort(...)`, alone or as one of `or`-ed conditions; or, in the loop
    the read is in, goes on to the next item (`if header not in request.META: continue`).
    Past it the key is present, so indexing it cannot raise."""
    for node in scope_nodes(function.body):
        if (
            isinstance(node, ast.If)
            and node.body
            and (
                isinstance(node.body[-1], ast.Raise | ast.Return)
                or (
                    isinstance(node.body[-1], ast.Continue | ast.Break)
                    and _same_loop(node, subscript, context)
                )
            )
            and any(_missing(each) == wanted for each in _disjuncts(node.test))
            and _runs_first(node.test, subscript, context)
        ):
            return True
    return False


def _same_loop(guard: ast.If, read: ast.AST, context: ModuleContext) -> bool:
    """Whether no loop stands between `read` and the block holding `guard`, so the guard's
    `continue` or `break` leaves the very iteration the read is in."""
    block = context.parent(guard)
    for ancestor in context.ancestors(read):
        if ancestor is block:
            return True
        if isinstance(ancestor, ast.For | ast.AsyncFor | ast.While):
            return False
    return False


def _disjuncts(test: ast.expr) -> list[ast.expr]:
    """The conditions of `a or b or c`, any of which sends the `if` into its body."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return [part for value in test.values for part in _disjuncts(value)]
    return [test]


def _missing(test: ast.expr) -> tuple[str, str] | None:
    """(key, container) of a condition true when the key is absent: `not data.get(k)`,
    `not isinstance(data.get(k), T)`, `data.get(k) is None`, `k not in data`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        operand = test.operand
        if (
            isinstance(operand, ast.Call)
            and isinstance(operand.func, ast.Name)
            and operand.func.id == "isinstance"
            and operand.args
        ):
            operand = operand.args[0]
        return _got(operand)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        if isinstance(test.ops[0], ast.Is) and _is_none(test.comparators[0]):
            return _got(test.left)
        if isinstance(test.ops[0], ast.NotIn):
            return ast.dump(test.left), ast.dump(test.comparators[0])
    return None


def _is_none(node: ast.expr) -> bool:
    """Whether `node` is the literal None."""
    return isinstance(node, ast.Constant) and node.value is None


def read_before(subscript: ast.Subscript, function: Function, context: ModuleContext) -> bool:
    """Whether the same key of the same container was read unguarded by a statement that runs
    before this read whenever it runs: in the same block earlier, or in the header (test,
    iterable, context) of a statement this read is in the body of. Only that first read can
    raise; a later one finds the key present (djblets reads `request.META["HTTP_AUTHORIZATION"]`
    again in its `except` to log it)."""
    wanted = (ast.dump(subscript.slice), ast.dump(subscript.value))
    for earlier in scope_nodes(function.body):
        if (
            isinstance(earlier, ast.Subscript)
            and earlier is not subscript
            and isinstance(earlier.ctx, ast.Load)
            and (earlier.lineno, earlier.col_offset) < (subscript.lineno, subscript.col_offset)
            and (ast.dump(earlier.slice), ast.dump(earlier.value)) == wanted
            and not caught_by(earlier, KEY_ERRORS, context)
            and _runs_first(earlier, subscript, context)
        ):
            return True
    return False


_MAY_NOT_RUN = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
"""Expressions whose parts run later, many times or never: no read in them runs first."""


def _runs_first(earlier: ast.AST, later: ast.AST, context: ModuleContext) -> bool:
    """Whether `earlier`, an expression, always runs (to completion or raising) before `later`:
    no condition, loop body or nested function stands between it and its statement, and that
    statement comes before `later`'s in a block enclosing `later`, or `later` is in the body
    of the compound statement whose header holds `earlier`."""
    child: ast.AST = earlier
    statement: ast.AST | None = None
    for ancestor in context.ancestors(earlier):
        if isinstance(ancestor, ast.stmt):
            statement = ancestor
            break
        conditional = (
            (isinstance(ancestor, ast.BoolOp) and child is not ancestor.values[0])
            or (isinstance(ancestor, ast.IfExp) and child is not ancestor.test)
            or isinstance(ancestor, _MAY_NOT_RUN)
        )
        if conditional:
            return False
        child = ancestor
    if statement is None or isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    header = isinstance(statement, ast.If | ast.While | ast.For | ast.AsyncFor | ast.With)
    lineage = [later, *context.ancestors(later)]
    if statement in lineage:  # `later` is inside it: only a header read comes first
        inner = lineage[lineage.index(statement) - 1]
        return header and isinstance(inner, ast.stmt)
    block = context.parent(statement)
    if block is None or block not in lineage:
        return False
    inner = lineage[lineage.index(block) - 1]
    for field in ("body", "orelse", "finalbody", "handlers"):
        statements = getattr(block, field, None)
        if isinstance(statements, list) and statement in statements:
            return inner in statements and statements.index(statement) < statements.index(inner)
    return False


def _got(node: ast.AST) -> tuple[str, str] | None:
    """(key, container) shapes of `container.get(key)`, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and len(node.args) == 1
        and not node.keywords
    ):
        return ast.dump(node.args[0]), ast.dump(node.func.value)
    return None


def schema_checked(subscript: ast.Subscript, function: Function, context: ModuleContext) -> bool:
    """Whether a schema validated the indexed body before: `errors = schema.validate(data)`
    (marshmallow's answer is tested next, a 400 when it fails) or `schema.load(data)`, which
    raises. A schema that requires the field makes the key present."""
    container = ast.dump(subscript.value)
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("validate", "load")
        and "schema" in context.one_line(node.func.value).lower()
        and any(ast.dump(a) == container for a in node.args)
        and (node.end_lineno or 0) < subscript.lineno
        for node in scope_nodes(function.body)
    )


def _membership(node: ast.Compare) -> tuple[str, str] | None:
    """(key, container) shapes of `key in container`, else None (`not in` guards the other
    branch, which an enclosing `if` body is not)."""
    if len(node.ops) == 1 and isinstance(node.ops[0], ast.In):
        return ast.dump(node.left), ast.dump(node.comparators[0])
    return None


def routed_only_with_key(
    subscript: ast.Subscript, attribute: str, function: Function, context: ModuleContext
) -> bool:
    """Whether a Pyramid view predicate makes the key present: `@view_config(request_param="add")`
    (or `"add=1"`, or a tuple of them; on the function or the class's `@view_defaults`) calls
    the view only for requests whose `request.params` hold the key, so indexing
    `request.params["add"]` there cannot raise. Only `params`: the key may be in either the query
    string or the form, so `GET["add"]` can still be missing."""
    key = context.constant_value(subscript.slice)
    if attribute != "params" or not isinstance(key, str):
        return False
    owner = context.parent(function)
    decorators = list(function.decorator_list)
    if isinstance(owner, ast.ClassDef):
        decorators += owner.decorator_list
    for decorator in decorators:
        if not isinstance(decorator, ast.Call):
            continue
        value = context.keyword(decorator, "request_param")
        listed = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
        for item in listed:
            text = context.constant_value(item) if item is not None else None
            if isinstance(text, str) and text.partition("=")[0].strip() == key:
                return True
    return False
