"""Guards: conditions that prove a variable safe on one branch (`if x in ALLOWED:`).

A guard cleans a variable (for every sink kind, or for some: a path checked to stay under a base
directory is safe for path sinks only) in the branch where the condition holds; `if`, `while`,
`assert`, comprehension filters, match guards and conditional expressions all apply them, and a
branch that returns, raises or aborts leaves the rest of the function with the other outcome.
Checks are read in the forms real code writes them: stored in a boolean first (`ok = check(x)`),
on a parsed URL (`urlparse(u).netloc in ALLOWED`), on a normalised path however it is wrapped
(`str(p.resolve()).startswith(str(BASE))`, its `os.path.commonprefix` spelling, `ROOT in
p.resolve().parents`, a `p.resolve().relative_to(ROOT)` that completes), as delimiters rejected
(`".." in name or "/" in name`), as a regex allow-list matched whole (`matched_alphabets.py`:
safe for the sink kinds none of whose dangerous characters it lets through), as a project
helper whose name says it decides a URL's host (`is_safe_redirect_url(u)`) or, when the scan did
not read it, a path (`is_safe_filesystem_path_component(name)`), as membership in a fixed
container or the object's own registry (`guard_helpers.fixed_container`), as equality with the
object's own state (`name == self.filename`: `guard_helpers.receiver_held`), or against the
request's own host (`host_guards.py`).
Path checks leave markers on the flow (see `guard_shapes.py`); once the markers together prove
containment, the flow is safe for path sinks. Separate from expressions because a guard reads a
condition for what it proves, not for the value it computes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from itertools import chain

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint import guard_helpers as helpers
from secreview.analysis.taint.address_screens import AddressScreens
from secreview.analysis.taint.definitions import impossible
from secreview.analysis.taint.element_guards import ElementGuards
from secreview.analysis.taint.environments import READ
from secreview.analysis.taint.external_checks import external_guards
from secreview.analysis.taint.found_keys import FoundKeys
from secreview.analysis.taint.guard_shapes import (
    RELATIVE,
    contained,
    is_error_class,
    is_none,
    kinds_proven_safe,
    names_a_path_attack_check,
    names_a_path_check,
    names_an_internal_address_check,
    reached_by_nothing,
    url_check_kinds,
)
from secreview.analysis.taint.host_guards import (
    EMPTY_KINDS,
    Guard,
    common_guards,
    exactly,
    matched,
)
from secreview.analysis.taint.matched_groups import is_match_call
from secreview.analysis.taint.normalised_forms import normalised_guards
from secreview.analysis.taint.path_guards import ATTRIBUTE_NAME_KINDS, PathGuards
from secreview.analysis.taint.semantics import NORMALISED_PATH, STRING_TESTS
from secreview.analysis.taint.split_path_guards import split_path_guards
from secreview.analysis.taint.true_flags import left_true
from secreview.analysis.taint.values import CLEAN, constant

_NORMALISED = frozenset({NORMALISED_PATH})
_REDIRECT = frozenset({"redirect"})
_SSRF = frozenset({"ssrf"})
_NOT_EMPTY = ("bind-password",)
"""What a test of a value's truth proves: it is not empty, which is all a bind password needs."""


class GuardRules(PathGuards, AddressScreens, FoundKeys, ElementGuards):
    """Guards: what a condition proves about the variables it tests."""

    def apply_guard(self, test: ast.expr, outcome: bool | None) -> None:
        """Clean the variables a condition proves safe on the branch where it has `outcome`
        (None: past a call of another module's validator that raises unless its check holds)."""
        guards = (  # past a validator that raises: another module's, or the module's own screen
            chain(external_guards(self, test, None), self._raised_screen(test))
            if outcome is None
            else self._guards(test, outcome, 0)
        )
        self._clean_guarded(test, guards)

    def _clean_guarded(self, test: ast.expr, guards: Iterator[Guard]) -> None:
        """Clean what `guards` (each proved by `test`) say is safe."""
        changed: set[str] = set()
        for name, kinds, value in guards:
            if self.env is None:
                return
            if isinstance(name, tuple):
                self._clean_part(name, kinds, test)
                continue
            if value is not None:
                self.env[name] = value
                continue
            if name[0] == READ:  # a read checked as it is spelled (`environments.py`)
                current = self.read_value(name)
            else:
                current = self.lookup(ast.Name(id=name, ctx=ast.Load()))
            if not current.all_flows():
                continue
            if kinds == _NOT_EMPTY:  # says nothing of the content: no step in the evidence
                self.env[name] = current.mapped(lambda f: f.sanitised(_NOT_EMPTY))
                continue
            self.env[name] = current.mapped(
                lambda f, k=kinds: f.then(test, "checked by this condition").sanitised(k)
            )
            changed.add(name)
        for name in sorted(changed):  # markers that together prove a path stays in its folder
            if self.env is None:
                return
            if name in self.env:  # a later read (a property of `self`) may have forgotten it
                self.env[name] = self.env[name].mapped(lambda f: contained(f, _NORMALISED))

    def _guards(self, test: ast.expr, outcome: bool, depth: int) -> Iterator[Guard]:
        """What `test` having `outcome` proves about the variables it reads."""
        if depth > 8:
            return
        inlined = self._helper_check(test)
        if inlined is not None:  # `is_safe_path(BASE, name)`: the module's own check helper
            yield from self._guards(inlined, outcome, depth + 1)  # and what its name says
        else:  # another module's validator, from its summary
            yield from external_guards(self, test, outcome)
        if outcome:  # `validate_path(p, element_ok)`: every element of `p` checked
            yield from split_path_guards(self, test)
        yield from self._screened_addresses(test, outcome)  # `if not _is_safe_url(u): raise`
        yield from self.found_key_guards(test, outcome)  # `if not Model.get(key_id): raise`
        if outcome and isinstance(test, ast.Call):
            # A predicate holding of the parsed host (`validators.domain(parsed.netloc)`,
            # `is_allowed_host(urlparse(u).hostname)`) is the program's decision on the server;
            # not one that holds of internal addresses (`is_private_ip`): that is the danger.
            for argument in [] if self._internal_address_test(test) else test.args:
                yield from self._host_guard(argument)
            yield from self._host_text_guard(test)  # `.endswith(".example.com")`
        match test:
            case ast.Name(id=name):
                defined = self.defined_as(name)
                if defined is not None:
                    yield from self._guards(defined, outcome, depth + 1)
                if not outcome and self._untyped(name):  # `if not query:` (None, "", [])
                    yield name, EMPTY_KINDS, None  # an object may be false and hold data
                elif defined is None:  # `if password:` (or past `if not password: return`)
                    yield name, _NOT_EMPTY, None
            case ast.IfExp(body=body, orelse=orelse):  # a flag set its own way on each branch
                choices = [c for c in (body, orelse) if not impossible(c, outcome)]
                yield from common_guards(
                    [list(self._guards(c, outcome, depth + 1)) for c in choices]
                )
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                yield from self._guards(operand, not outcome, depth + 1)
            case ast.BoolOp(op=ast.And(), values=values) if outcome:
                for value in values:
                    yield from self._guards(value, True, depth + 1)
            case ast.BoolOp(op=ast.Or(), values=values) if not outcome:
                for value in values:
                    yield from self._guards(value, False, depth + 1)
            case ast.BoolOp(op=ast.Or(), values=values):  # holds: what every alternative proves
                yield from common_guards([list(self._guards(v, True, depth + 1)) for v in values])
            case ast.BoolOp(op=ast.And(), values=values):  # fails: what each part failing proves
                fail = [v for v in values if not left_true(self, v)]
                if len(fail) == 1:  # `if check and not valid(x)`, `check` always true
                    yield from self._guards(fail[0], False, depth + 1)
                else:
                    yield from common_guards(
                        [list(self._guards(v, False, depth + 1)) for v in fail]
                    )
            case ast.Call(func=ast.Name(id="bool"), args=[inner]) | ast.Await(value=inner):
                yield from self._guards(inner, outcome, depth + 1)  # `bool(re.fullmatch(...))`
            case ast.Compare(left=ast.Call() as found, ops=[ast.IsNot() | ast.Is() as op]) if (
                is_match_call(found) and is_none(test.comparators[0])
            ):  # a match object is never false: `m is not None` is `m`
                yield from self._guards(found, outcome == isinstance(op, ast.IsNot), depth + 1)
            case ast.Compare(left=left, ops=[op], comparators=[right]):
                yield from self._comparison(left, op, right, outcome)
            case ast.Call(func=ast.Attribute(value=receiver, attr=method), args=args) if method in (
                "startswith",
                "is_relative_to",
            ):
                yield from self._prefix_guard(receiver, method, args, outcome)
            case ast.Call(
                func=ast.Attribute(value=ast.Name(id=name), attr="endswith"), args=[end]
            ) if (
                not outcome and self.expr(end).const == "__"
            ):  # `if key.startswith("__") and key.endswith("__"): raise`: no special attribute
                yield name, ATTRIBUTE_NAME_KINDS, None
            case ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr=method)) if (
                outcome and method in STRING_TESTS
            ):
                yield name, (ALL_KINDS,), None
            case ast.Call(func=ast.Attribute(value=ast.Name(id=name), attr=method), args=args) if (
                outcome
                and method in ("fullmatch", "match")
                and name in self.context.module_constants
            ):  # `PATTERN.fullmatch(x)`; `re.fullmatch(p, x)` is a call guard below
                yield from self._regex_guard(test, args, method)
            case ast.Call(func=ast.Name(id="any" | "all" as which)) if outcome:
                yield from self._element_guards(test, which, depth)
            case ast.Call(func=func, args=args):
                yield from self._call_guard(test, func, args, outcome)

    def _untyped(self, name: str) -> bool:
        """Whether `name` holds text, a number or a container rather than an object of a known
        type, which may define its own truth (a failed HTTP response is false)."""
        value = self.env.get(name) if self.env is not None else None
        return value is None or not value.type

    def _helper_check(self, test: ast.expr) -> ast.expr | None:
        """The condition a call of a module function, or of this class's method on `self`,
        returns (see `guard_helpers.py`), or None for any other test, or when a module name it
        reads is a local of this frame."""
        return self._read_helper(test, id(test), helpers.inlined_check)

    def _read_helper(
        self,
        test: ast.expr,
        key: int,
        read: Callable[[ast.Call, helpers.FunctionNode, bool], ast.expr | None],
    ) -> ast.expr | None:
        """What `read` makes of the helper `test` calls (a module function, or this class's
        method on `self`), kept under `key`; None when `test` calls no such helper, `read`
        makes nothing of it, or a module name the helper reads is a local of this frame."""
        if not isinstance(test, ast.Call):
            return None
        method = False
        match test.func:
            case ast.Name(id=name) if self.env is None or name not in self.env:
                helper = self._named_function(name)
            case ast.Attribute(value=ast.Name(id="self"), attr=name) if self.class_name:
                helper, method = self.analysis.find_method(self.class_name, name), True
            case _:
                return None
        if helper is None:
            return None
        if key not in self.analysis.inlined_checks:
            self.analysis.inlined_checks[key] = read(test, helper, method)
        inlined = self.analysis.inlined_checks[key]
        if inlined is None:
            return None
        free = helpers.free_names(helper) - ({"self"} if method else set())
        if self.env is not None and free & self.env.keys():
            return None
        return inlined

    def _internal_address_test(self, test: ast.Call) -> bool:
        """Whether `test` calls a predicate named for detecting an address inside the server's
        network (`is_private_ip(host)`, `self._is_internal_host(h)`)."""
        func = test.func
        name = self.qualified(func) or (func.id if isinstance(func, ast.Name) else "")
        if not name and isinstance(func, ast.Attribute):
            name = func.attr
        return names_an_internal_address_check(name)

    def _named_function(self, name: str) -> helpers.FunctionNode | None:
        """The function `name` calls: one the enclosing function defines (a route's helper
        nested beside it, read through the closure) or one of the module's."""
        if name in self.closure:
            ref = self.closure[name].function
            node = ref.node if ref is not None else None
            return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None
        return self.analysis.functions.get(name)

    def _comparison(
        self, left: ast.expr, op: ast.cmpop, right: ast.expr, outcome: bool
    ) -> Iterator[Guard]:
        """`x in ALLOWED`, `x == "a"`, `".." not in x`, `urlparse(u).netloc in HOSTS`,
        `os.path.commonpath([BASE, p]) == BASE`."""
        membership = isinstance(op, ast.In | ast.NotIn)
        holds = outcome == isinstance(op, ast.In | ast.Eq | ast.Is)
        equality = isinstance(op, ast.Eq | ast.NotEq | ast.Is | ast.IsNot)
        # First: the host's own guard below cleans `host`, which ends its definition.
        if (membership or equality) and holds and not self.expr(right).all_flows():
            yield from self._host_guard(left)
        elif equality and holds and self._own_host(right):
            yield from self._host_guard(left, _REDIRECT)
        if equality and holds and self._own_host(left):
            yield from self._host_guard(right, _REDIRECT)
        if equality and is_none(right) and not holds:  # `row is not None`, past `row is None`
            yield from self.found_not_none(left)
        if isinstance(left, ast.Name) and equality and not holds and self._text(right) == "":
            yield left.id, _NOT_EMPTY, None  # `password != ""`, past `if password == "": ...`
        subject = left.id if isinstance(left, ast.Name) else self.checked_read(left)
        subject = subject or (helpers.affixed_name(left) if membership else None)
        if subject is not None:  # a variable, or a read spelled again after the check
            other = self.expr(right)
            if membership and holds and helpers.fixed_container(right, other):
                yield subject, (ALL_KINDS,), None
            elif equality and holds and other.is_constant:
                yield subject, exactly(other.const), constant(other.const)
            elif equality and holds and helpers.receiver_held(right, other):
                yield subject, (ALL_KINDS,), None  # `name == self.filename`: the object's own
            elif (equality or membership) and holds and reached_by_nothing(other):
                yield subject, (ALL_KINDS,), None  # `if p[0] == choice`: the program's own value
        if equality and holds and subject is None:  # `normalize(uri) == normalize(CALLBACK)`
            yield from normalised_guards(left, self.expr(right))
        if isinstance(right, ast.Name) and equality and holds:
            other = self.expr(left)
            if other.is_constant:
                yield right.id, exactly(other.const), constant(other.const)
            elif helpers.receiver_held(left, other) or reached_by_nothing(other):
                yield right.id, (ALL_KINDS,), None
        if membership and not holds:  # `".." not in name`, `".." not in p.parts`
            yield from self._delimiter_guard(left, right)
        if membership and holds and isinstance(right, ast.Attribute) and right.attr == "parents":
            yield from self._under_base(right.value, left)  # `ROOT in p.resolve().parents`
        if equality and holds:  # `commonpath([BASE, p]) == BASE`, `p.resolve().parent == BASE`
            yield from self._equal_to_base(left, right)

    def apply_completed_check(self, node: ast.expr) -> None:
        """A call that raises unless its check holds proves the check on the path that goes on:
        `p.resolve().relative_to(ROOT)` raises ValueError outside ROOT, whether a handler then
        aborts or the request fails (a handler that carries on joins the unchecked value back).
        So does the module's own validator called for its exception (`validate_url(u)` whose
        body is `if urlparse(u).hostname not in ALLOWED: raise ValueError(...)`): its raising
        conditions are false past the call (kept under the call's negated id, apart from the
        condition the same call returns)."""
        self._clean_guarded(node, self.completed_key_guards(node))  # `get_object_or_404`
        raising = self._read_helper(node, -id(node), helpers.raising_check)
        if raising is not None:
            self.apply_guard(raising, False)
        elif isinstance(node, ast.Call):  # another module's, from its summary
            self.apply_guard(node, None)
        match node:
            case ast.Call(func=ast.Attribute(value=path, attr="relative_to"), args=[base]):
                test = ast.Call(
                    func=ast.Attribute(value=path, attr="is_relative_to", ctx=ast.Load()),
                    args=[base],
                    keywords=[],
                )
                self.apply_guard(ast.copy_location(test, node), True)

    def _regex_guard(self, test: ast.Call, args: list[ast.expr], method: str) -> Iterator[Guard]:
        """`PATTERN.fullmatch(x)` with a module-level `re.compile` of a constant pattern."""
        receiver = test.func.value if isinstance(test.func, ast.Attribute) else None
        target = self._target(args[0]) if args else None
        if not (isinstance(receiver, ast.Name) and target is not None):
            return
        compiled = self.context.module_constants.get(receiver.id)
        if (
            isinstance(compiled, ast.Call)
            and self.analysis.qualified(compiled.func) == "re.compile"
            and compiled.args
            and not compiled.keywords
            and len(compiled.args) == 1
        ):
            pattern = self.context.constant_value(compiled.args[0])
            yield from matched(target, pattern, method == "fullmatch")

    def _call_guard(
        self, test: ast.Call, func: ast.expr, args: list[ast.expr], outcome: bool
    ) -> Iterator[Guard]:
        """Checking calls: `re.fullmatch` of a narrow pattern, `isinstance(x, int)`, safe-URL
        checks of Django and Werkzeug (by position or keyword), `isabs`, `samefile`."""
        name = self.qualified(func) or (func.id if isinstance(func, ast.Name) else "")
        if not name and isinstance(func, ast.Attribute):  # `self.is_safe_url(u)`
            name = func.attr
        keywords = {k.arg: k.value for k in test.keywords if k.arg}
        first_node = args[0] if args else keywords.get("url")
        first = first_node.id if isinstance(first_node, ast.Name) else None
        if name.endswith(("os.path.isabs", "posixpath.isabs")) and first and not outcome:
            yield first, (RELATIVE,), None
        if not outcome and self._guessed_path_check(func, names_a_path_attack_check):
            yield from self._paths_checked(args)  # `if is_path_traversal(name): continue`
        if not outcome and self._internal_address_test(test):
            for argument in args:  # `if is_private_ip(urlparse(u).hostname): raise ...`
                yield from self._host_guard(argument, _SSRF)
        if not outcome or first_node is None:
            return
        if name.endswith(("os.path.samefile", "posixpath.samefile")) and len(args) == 2:
            yield from self._equal_to_base(args[0], args[1], same_file=True)
        if name in ("re.fullmatch", "re.match") and len(args) > 1 and len(args) + len(keywords) < 3:
            target = self._target(args[1])
            if target is not None:
                yield from matched(target, self.expr(args[0]).const, name == "re.fullmatch")
        elif name == "isinstance" and len(args) > 1:
            classes = re.findall(r"[\w.]+", self.analysis.shown(args[1]))
            if first and classes and all(map(is_error_class, classes)):
                yield first, (ALL_KINDS,), CLEAN  # an error object, no longer what it joined
            elif first and classes and (kinds := kinds_proven_safe(classes)):
                yield first, kinds, None  # no text of the sender's; or a buffer, no file
        elif url_check_kinds(name):
            target = self._target(first_node)
            if target is not None:
                yield target, tuple(sorted(url_check_kinds(name))), None
        elif self._guessed_path_check(func, names_a_path_check):  # `(name)`, `(base, name)`
            yield from self._paths_checked(args)
