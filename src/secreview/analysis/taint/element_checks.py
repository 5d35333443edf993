"""Path validators that check a path one element at a time, and what their element check refuses.

Version-control and archive code checks a path by splitting it on `/` and refusing it when one
element is bad: `for part in path.split(b"/"): if not element_ok(part): return False` then
`return True` (or `return all(element_ok(p) for p in path.split("/"))`). The element check is
often handed in as a callback, a parameter whose default is the project's own check
(`element_validator=validate_element_default`) or a function named at the call. What such a
validator proves of its path is what its element check refuses: a path none of whose elements
is `..` climbs no folder, and one none of whose elements is empty does not start with `/`.

`split_loop` reads the validator's shape from its syntax; `Probe` then decides whether the
element check refuses a given element by folding it with that element in place of the loop
name: constants, the module's constants, membership and equality, `not`/`and`/`or`, the pure
case and strip methods of text, and the project's own straight-line helpers (read as
`guard_helpers.inlined_check` reads them) or a lambda. Anything else is unknown and proves
nothing, so a callback the scan cannot see (a parameter with no default, a function a factory
returns) leaves the path as unchecked as before.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from secreview.analysis.taint.guard_helpers import MAX_HELPER_STATEMENTS, inlined_check
from secreview.analysis.taint.results import FunctionNode
from secreview.index.context import UNKNOWN

_TEXT_METHODS = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip"})
"""Pure methods of `str`/`bytes` a probe computes (on its own constant element only)."""
_COLLECTIONS = frozenset({"frozenset", "set", "tuple", "list"})
_MAX_DEPTH = 12

Callee = FunctionNode | ast.Lambda
"""A function an element check calls: one of the module's, or a lambda written at the call."""


@dataclass(frozen=True)
class ElementLoop:
    """A validator's shape: the parameter holding the path, the separator expression it is
    split on, the loop name bound to each element, and the test under which an element
    refuses the whole path."""

    path: str
    separator: ast.expr
    element: str
    refused: ast.expr


def split_loop(helper: FunctionNode) -> ElementLoop | None:
    """The element loop of `helper` when its body is only early refusals (`if c: return
    False`), the split assigned to a local, one loop whose body refuses (`if t(part): return
    False`) followed by `return True` (in the loop's `else` or after it), or a last `return
    all(check(p) for p in path.split(sep))`; None for anything else."""
    body = list(helper.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body or len(body) > MAX_HELPER_STATEMENTS:
        return None
    splits: dict[str, ast.Call] = {}
    loop: ElementLoop | None = None
    for index, statement in enumerate(body):
        last = index == len(body) - 1
        if _refusal(statement) is not None and not last:
            continue
        if isinstance(statement, ast.Assign) and _split_assignment(statement, splits):
            continue
        if isinstance(statement, ast.For) and loop is None:
            loop = _for_loop(statement, splits, last)
            if loop is None:
                return None
            continue
        if last and loop is not None and _returns(statement, True):
            continue
        if last and loop is None and isinstance(statement, ast.Return):
            return _all_loop(statement.value, splits)
        return None
    return loop


def _refusal(statement: ast.stmt) -> ast.expr | None:
    """The test of `if test: return False` (no `else`), else None."""
    if (
        isinstance(statement, ast.If)
        and not statement.orelse
        and len(statement.body) == 1
        and _returns(statement.body[0], False)
    ):
        return statement.test
    return None


def _returns(statement: ast.stmt, answer: bool) -> bool:
    """Whether `statement` is `return True` / `return False` (`answer`), the only answers a
    validator's shape may give: any other value could be a truthy path."""
    return (
        isinstance(statement, ast.Return)
        and isinstance(statement.value, ast.Constant)
        and statement.value.value is answer
    )


def _split_assignment(statement: ast.Assign, splits: dict[str, ast.Call]) -> bool:
    """`parts = path.split(sep)`: recorded so the loop may iterate over `parts`."""
    target = statement.targets[0] if len(statement.targets) == 1 else None
    if isinstance(target, ast.Name) and _split_of(statement.value) is not None:
        assert isinstance(statement.value, ast.Call)
        splits[target.id] = statement.value
        return True
    return False


def _split_of(node: ast.expr | None) -> tuple[str, ast.expr] | None:
    """(parameter, separator) of `param.split(sep)`, else None."""
    match node:
        case ast.Call(
            func=ast.Attribute(value=ast.Name(id=name), attr="split"), args=[separator], keywords=[]
        ):
            return name, separator
    return None


def _iterated(node: ast.expr, splits: Mapping[str, ast.Call]) -> tuple[str, ast.expr] | None:
    """(parameter, separator) of what a loop iterates: the split itself or a local holding it."""
    if isinstance(node, ast.Name) and node.id in splits:
        node = splits[node.id]
    return _split_of(node)


def _for_loop(statement: ast.For, splits: Mapping[str, ast.Call], last: bool) -> ElementLoop | None:
    """`for part in path.split(sep): if t(part): return False` [`else: return True`]."""
    split = _iterated(statement.iter, splits)
    if split is None or not isinstance(statement.target, ast.Name) or len(statement.body) != 1:
        return None
    refused = _refusal(statement.body[0])
    if refused is None:
        return None
    if statement.orelse and not (
        last and len(statement.orelse) == 1 and _returns(statement.orelse[0], True)
    ):
        return None
    if last and not statement.orelse:
        return None  # falls off the end: returns None, which is no answer of a check
    return ElementLoop(split[0], split[1], statement.target.id, refused)


def _all_loop(node: ast.expr | None, splits: Mapping[str, ast.Call]) -> ElementLoop | None:
    """`return all(check(p) for p in path.split(sep))`."""
    match node:
        case ast.Call(func=ast.Name(id="all"), args=[ast.GeneratorExp() as generator], keywords=[]):
            pass
        case _:
            return None
    if len(generator.generators) != 1:
        return None
    loop = generator.generators[0]
    split = _iterated(loop.iter, splits)
    if split is None or loop.ifs or loop.is_async or not isinstance(loop.target, ast.Name):
        return None
    refused = ast.UnaryOp(op=ast.Not(), operand=generator.elt)
    return ElementLoop(split[0], split[1], loop.target.id, refused)


class Probe:
    """Folds an element check with a constant element in place of its loop name (see the
    module docstring). `functions` are the module's functions by name, `constant` folds the
    expression a module constant was assigned."""

    def __init__(
        self,
        functions: Mapping[str, FunctionNode],
        constants: Mapping[str, ast.expr],
        constant: Callable[[ast.expr], object],
    ) -> None:
        self.functions = functions
        self.constants = constants
        self.constant = constant

    def value(self, node: ast.expr, names: Mapping[str, object], depth: int = 0) -> object:
        """The value of `node` with `names` bound (constants, or callees), else UNKNOWN."""
        if depth > _MAX_DEPTH:
            return UNKNOWN
        match node:
            case ast.Constant(value=value):
                return value
            case ast.Name(id=name):
                return self._name(name, names, depth)
            case ast.Tuple(elts=items) | ast.List(elts=items) | ast.Set(elts=items):
                values = [self.value(item, names, depth + 1) for item in items]
                return UNKNOWN if any(v is UNKNOWN for v in values) else tuple(values)
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                answer = self.value(operand, names, depth + 1)
                return UNKNOWN if answer is UNKNOWN else not answer
            case ast.BoolOp(op=op, values=values):
                return self._bool(isinstance(op, ast.And), values, names, depth)
            case ast.Compare(left=left, ops=[op], comparators=[right]):
                return _compared(
                    self.value(left, names, depth + 1), op, self.value(right, names, depth + 1)
                )
            case ast.Call():
                return self._call(node, names, depth)
            case ast.Lambda():
                return node
        return UNKNOWN

    def _name(self, name: str, names: Mapping[str, object], depth: int) -> object:
        if name in names:
            return names[name]
        if name in self.functions:
            return self.functions[name]
        if name in self.constants:
            folded = self.value(self.constants[name], {}, depth + 1)
            return folded if folded is not UNKNOWN else self.constant(self.constants[name])
        return UNKNOWN

    def _bool(
        self, conjunction: bool, values: list[ast.expr], names: Mapping[str, object], depth: int
    ) -> object:
        """`a and b` / `a or b`, short-circuited: an unknown part leaves the answer unknown
        unless an earlier known part decided it."""
        for part in values:
            answer = self.value(part, names, depth + 1)
            if answer is UNKNOWN:
                return UNKNOWN
            if bool(answer) != conjunction:
                return answer
        return answer

    def _call(self, node: ast.Call, names: Mapping[str, object], depth: int) -> object:
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            return UNKNOWN
        arguments = [self.value(a, names, depth + 1) for a in node.args]
        if any(a is UNKNOWN or isinstance(a, Callee) for a in arguments):
            return UNKNOWN
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _TEXT_METHODS:
            receiver = self.value(func.value, names, depth + 1)
            if not isinstance(receiver, str | bytes):
                return UNKNOWN
            try:
                return getattr(receiver, func.attr)(*arguments)
            except (TypeError, ValueError):
                return UNKNOWN
        if isinstance(func, ast.Name) and func.id in _COLLECTIONS and func.id not in names:
            single = len(arguments) == 1 and isinstance(arguments[0], tuple)
            return arguments[0] if single else UNKNOWN
        callee = self.value(func, names, depth + 1)
        if isinstance(callee, ast.Lambda):
            parameters = [a.arg for a in callee.args.args]
            if callee.args.vararg or callee.args.kwarg or len(parameters) != len(arguments):
                return UNKNOWN
            return self.value(callee.body, dict(zip(parameters, arguments, strict=True)), depth + 1)
        if isinstance(callee, ast.FunctionDef | ast.AsyncFunctionDef):
            call = ast.Call(
                func=ast.Name(id=callee.name, ctx=ast.Load()),
                args=[ast.Constant(value=a) for a in arguments],
                keywords=[],
            )
            answer = inlined_check(call, callee)
            return UNKNOWN if answer is None else self.value(answer, {}, depth + 1)
        return UNKNOWN


def _compared(left: object, op: ast.cmpop, right: object) -> object:
    """`left op right` for constants (membership, equality, identity with None)."""
    if left is UNKNOWN or right is UNKNOWN or isinstance(left, Callee) or isinstance(right, Callee):
        return UNKNOWN
    try:
        match op:
            case ast.In():
                return left in right  # type: ignore[operator]
            case ast.NotIn():
                return left not in right  # type: ignore[operator]
            case ast.Eq():
                return left == right
            case ast.NotEq():
                return left != right
            case ast.Is() if right is None:
                return left is None
            case ast.IsNot() if right is None:
                return left is not None
    except TypeError:
        return UNKNOWN
    return UNKNOWN
