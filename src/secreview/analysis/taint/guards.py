"""Guards: conditions that prove a variable safe on one branch (`if x in ALLOWED:`).

A guard cleans a variable (for every sink kind, or for some: a path checked to stay under a base
directory is safe for path sinks only) in the branch where the condition holds; `if`, `while`,
`assert`, comprehension filters and match guards all apply them. Separate from expressions because a
guard reads a condition for what it proves, not for the value it computes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.semantics import NORMALISED_PATH, STRING_TESTS, safe_regex
from secreview.analysis.taint.values import Value, constant
from secreview.index.context import UNKNOWN


class GuardRules(FrameState):
    """Guards: what a condition proves about the variables it tests."""

    def apply_guard(self, test: ast.expr, outcome: bool) -> None:
        """Clean the variables a condition proves safe on the branch where it has `outcome`."""
        for name, kinds, value in self._guards(test, outcome):
            if self.env is None:
                return
            if value is not None:
                self.env[name] = value
                continue
            current = self.lookup(ast.Name(id=name, ctx=ast.Load()))
            self.env[name] = current.mapped(
                lambda f, k=kinds: f.then(test, "checked by this condition").sanitised(k)
            )

    def _guards(
        self, test: ast.expr, outcome: bool
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        """(name, sink kinds it is now safe for, exact value if known) implied by `test`."""
        match test:
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                yield from self._guards(operand, not outcome)
            case ast.BoolOp(op=ast.And(), values=values) if outcome:
                for value in values:
                    yield from self._guards(value, True)
            case ast.BoolOp(op=ast.Or(), values=values) if not outcome:
                for value in values:
                    yield from self._guards(value, False)
            case ast.Compare(left=ast.Name(id=name), ops=[op], comparators=[right]):
                other = self.expr(right)
                membership = isinstance(op, ast.In | ast.NotIn)
                equality = isinstance(op, ast.Eq | ast.NotEq | ast.Is | ast.IsNot)
                if membership and not other.all_flows() and outcome == isinstance(op, ast.In):
                    yield name, (ALL_KINDS,), None
                elif equality and other.is_constant and outcome == isinstance(op, ast.Eq | ast.Is):
                    yield name, (ALL_KINDS,), constant(other.const)
            case ast.Compare(left=left, ops=[ast.Eq() | ast.Is()], comparators=[ast.Name(id=name)]):
                other = self.expr(left)
                if outcome and other.is_constant:
                    yield name, (ALL_KINDS,), constant(other.const)
            case ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr=method), args=args):
                if outcome and method in STRING_TESTS:
                    yield name, (ALL_KINDS,), None
                elif outcome and method in ("startswith", "is_relative_to") and args:
                    checked = self.lookup(ast.Name(id=name, ctx=ast.Load()))
                    flows = checked.all_flows()
                    if (
                        flows
                        and all(NORMALISED_PATH in f.safe_for for f in flows)
                        and not self.expr(args[0]).all_flows()
                    ):
                        yield name, ("path",), None
                elif outcome and method in ("fullmatch", "match"):
                    yield from self._regex_guard(test, args, method)
            case ast.Call(
                func=ast.Attribute(
                    value=ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr=normaliser)),
                    attr="startswith" | "is_relative_to",
                ),
                args=[base],
            ) if (
                outcome
                and normaliser in ("resolve", "absolute")
                and not self.expr(base).all_flows()
            ):
                yield name, ("path",), None  # `path.resolve().is_relative_to(BASE)`
            case ast.Compare(
                left=ast.Call(func=func, args=[ast.List(elts=paths) | ast.Tuple(elts=paths)]),
                ops=[ast.Eq() | ast.NotEq() as op],
                comparators=[base],
            ) if outcome == isinstance(op, ast.Eq) and (self.qualified(func) or "").endswith(
                ".commonpath"
            ):
                yield from self._commonpath_guard(paths, base)
            case ast.Call(func=func, args=args):
                yield from self._call_guard(test, func, args, outcome)

    def _commonpath_guard(
        self, paths: list[ast.expr], base: ast.expr
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        """`os.path.commonpath([BASE, os.path.realpath(p)]) == BASE` keeps `p` under BASE."""
        if self.expr(base).all_flows():
            return
        for path in paths:
            inner = path.args[0] if isinstance(path, ast.Call) and path.args else path
            normalised = isinstance(path, ast.Call) and (self.qualified(path.func) or "").endswith(
                ("realpath", "abspath", "normpath")
            )
            if isinstance(inner, ast.Name):
                flows = self.lookup(inner).all_flows()
                if normalised or all(NORMALISED_PATH in f.safe_for for f in flows):
                    yield inner.id, ("path",), None

    def _regex_guard(
        self, test: ast.Call, args: list[ast.expr], method: str
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        """`PATTERN.fullmatch(x)` with a module-level `re.compile` of a narrow constant pattern."""
        receiver = test.func.value if isinstance(test.func, ast.Attribute) else None
        if not (isinstance(receiver, ast.Name) and args and isinstance(args[0], ast.Name)):
            return
        compiled = self.context.module_constants.get(receiver.id)
        if (
            isinstance(compiled, ast.Call)
            and self.analysis.qualified(compiled.func) == "re.compile"
        ):
            pattern = self.context.constant_value(compiled.args[0]) if compiled.args else UNKNOWN
            if safe_regex(pattern, method == "fullmatch"):
                yield args[0].id, (ALL_KINDS,), None

    def _call_guard(
        self, test: ast.Call, func: ast.expr, args: list[ast.expr], outcome: bool
    ) -> Iterator[tuple[str, tuple[str, ...], Value | None]]:
        """Checking calls: `re.fullmatch` of a narrow pattern, `isinstance(x, int)`, safe-URL
        checks of Django and Werkzeug."""
        name = self.qualified(func) or ""
        if not outcome or not args:
            return
        first = args[0] if isinstance(args[0], ast.Name) else None
        if name in ("re.fullmatch", "re.match") and len(args) > 1 and isinstance(args[1], ast.Name):
            pattern = self.expr(args[0]).const
            if safe_regex(pattern, name == "re.fullmatch"):
                yield args[1].id, (ALL_KINDS,), None
        elif first is None:
            return
        elif name == "isinstance" and len(args) > 1:
            kinds = self.analysis.shown(args[1])
            if all(
                t in ("int", "float", "bool", "uuid.UUID", "UUID")
                for t in re.findall(r"[\w.]+", kinds)
            ):
                yield first.id, (ALL_KINDS,), None
        elif name.endswith(("url_has_allowed_host_and_scheme", "is_safe_url")):
            yield first.id, ("redirect", "ssrf"), None
