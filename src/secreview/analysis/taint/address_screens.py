"""A module's own SSRF screen: a helper that refuses addresses inside the server's network.

The usual defence against server-side request forgery is a small function of the project's own
(`_is_safe_url(url)`, `validate_webhook_url(u)`): it resolves the URL's host and answers no when
an address is private, loopback, link-local or otherwise not globally routable (the
`ipaddress` classifications), yes otherwise, sometimes with a reason beside the answer
(`return False, "blocked"`). Its body is too branchy for `guard_helpers.inlined_check`, and
its name alone does not say which answer is the safe one. What it does say is in its body: a
refusal under a test of those classifications (`if not ip.is_global: return False`, `if
ip.is_private: return False, reason`). Past a check of such a helper holding (`if not
_is_safe_url(url): raise`, or `ok, why = _is_safe_url(url)` then `if not ok: raise`), the URL
points to a public address, which is all SSRF asks; it proves nothing for other sink kinds.
A URL re-serialised from a parsed one (`url = parsed.geturl()`) is checked with its parse.
A screen may also refuse by raising, called for its exception (`_validate_url(src)` whose body,
however it nests its `try` blocks and loops over the resolved addresses, raises under such a
test, `if ip.is_private or ip.is_loopback: raise ValueError(...)`, and returns no answer): past
that call the URL points to a public address as well.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from secreview.analysis.taint.host_guards import Guard, HostGuards
from secreview.analysis.taint.results import FunctionNode

_SSRF = ("ssrf",)
_Functions = Mapping[str, FunctionNode] | None
"""The module's functions by name, where a screen's test may call a predicate of its own."""
_Judgement = TypeVar("_Judgement")
_INTERNAL = frozenset(
    {"is_private", "is_loopback", "is_link_local", "is_reserved", "is_multicast"}
    | {"is_unspecified", "is_site_local"}
)
"""`ipaddress` classifications that hold of addresses a server must not be steered to."""
_PUBLIC = frozenset({"is_global"})
"""The classification that holds only of addresses the internet routes."""
_RESERIALISE = frozenset({"geturl", "unsplit"})
"""Methods of a parsed URL that give back its text: a check of the text checks the parse."""


class AddressScreens(HostGuards):
    """Guards from a call of the module's own address screen (see the module docstring)."""

    def _screened_addresses(self, test: ast.expr, outcome: bool) -> Iterator[Guard]:
        """What `test` (a call of a screen, or `call[0]` of one answering a pair) having
        `outcome` proves: the URLs passed to it point to public addresses when it answered
        the safe way."""
        pair = isinstance(test, ast.Subscript) and _is_zero(test.slice)
        call = test.value if isinstance(test, ast.Subscript) and pair else test
        if not isinstance(call, ast.Call) or not call.args:
            return
        helper = self._screen_helper(call)
        if helper is None:
            return
        functions = self.analysis.functions
        screen = _judged(self.analysis.address_screens, helper, lambda h: _screen(h, functions))
        if screen is None or screen[1] != pair or outcome != screen[0]:
            return
        for argument in call.args:
            yield from self._screened_url(argument)

    def _raised_screen(self, call: ast.expr) -> Iterator[Guard]:
        """Past a call of the module's own screen that raises for internal addresses (see the
        module docstring), the URLs passed to it point to public addresses."""
        if not isinstance(call, ast.Call) or not call.args:
            return
        helper = self._screen_helper(call)
        if helper is None:
            return
        functions = self.analysis.functions
        if _judged(
            self.analysis.raising_screens, helper, lambda h: _raises_for_internal(h, functions)
        ):
            for argument in call.args:
                yield from self._screened_url(argument)

    def remember_answer(self, name: str, call: ast.Call) -> None:
        """Keep `name` of `name, why = call` as `call[0]`, the answer of a helper that gives a
        reason beside it, while neither `name` nor what `call` reads has changed (as
        `remember_definition` keeps a check stored in a boolean)."""
        if self.env is None:
            return
        answer = ast.Subscript(value=call, slice=ast.Constant(value=0), ctx=ast.Load())
        read = {n.id for n in ast.walk(call) if isinstance(n, ast.Name)}
        snapshot = {n: self.env[n] for n in sorted(read) if n in self.env}
        self.definitions[name] = (ast.copy_location(answer, call), self.env.get(name), snapshot)

    def _screen_helper(self, call: ast.Call) -> FunctionNode | None:
        """The module function (or this class's method on `self`) `call` calls, if any."""
        match call.func:
            case ast.Name(id=name) if self.env is None or name not in self.env:
                return self.analysis.functions.get(name)
            case ast.Attribute(value=ast.Name(id="self"), attr=name) if self.class_name:
                return self.analysis.find_method(self.class_name, name)
        return None

    def _screened_url(self, argument: ast.expr) -> Iterator[Guard]:
        """The URL passed to a screen, and the parsed URL it was re-serialised from."""
        target = self._target(argument)
        if target is None:
            return
        # Read the definition first: cleaning `argument` ends it (see `defined_as`).
        defined = self.defined_as(argument.id) if isinstance(argument, ast.Name) else None
        yield target, _SSRF, None
        match defined:
            case ast.Call(func=ast.Attribute(value=ast.Name(id=parsed), attr=method), args=[]) if (
                method in _RESERIALISE
            ):
                yield parsed, _SSRF, None


def _is_zero(node: ast.expr) -> bool:
    """Whether a subscript reads the first item (`check(u)[0]`: a pair's answer), not `False`."""
    return isinstance(node, ast.Constant) and node.value == 0 and not isinstance(node.value, bool)


def _screen(helper: FunctionNode, functions: _Functions) -> tuple[bool, bool] | None:
    """`(safe answer, answers a pair)` when `helper` is an address screen: every `return` gives
    a constant yes/no (alone, or first of a tuple), at least one refusal sits under a test of
    the `ipaddress` classifications, all such refusals agree, and some other return gives the
    safe answer; None otherwise."""
    returns = [n for n in _own_nodes(helper) if isinstance(n, ast.Return)]
    verdicts = [v for r in returns if (v := _verdict(r.value)) is not None]
    shapes = {pair for _, pair in verdicts}
    if not verdicts or len(verdicts) != len(returns) or len(shapes) != 1:
        return None
    safe: set[bool] = set()
    for node in _own_nodes(helper):
        if not isinstance(node, ast.If):
            continue
        internal = _says_internal(node.test, functions)
        answer = _direct_answer(node.body)
        if internal is not None and answer is not None:
            safe.add(not answer if internal else answer)
    if len(safe) != 1:
        return None
    (safe_answer,) = safe
    if not any(answer == safe_answer for answer, _ in verdicts):
        return None
    return safe_answer, shapes.pop()


def _judged(
    table: dict[int, _Judgement], helper: FunctionNode, judge: Callable[[FunctionNode], _Judgement]
) -> _Judgement:
    """What `judge` makes of `helper`, read once per module (`table` keeps it by id)."""
    if id(helper) not in table:
        table[id(helper)] = judge(helper)
    return table[id(helper)]


def _raises_for_internal(helper: FunctionNode, functions: _Functions) -> bool:
    """Whether `helper` refuses internal addresses by raising: it gives no answer (every
    `return` is bare), and some `if` whose test says an address is internal starts its body
    with a `raise` of an exception."""
    if any(isinstance(n, ast.Return) and n.value is not None for n in _own_nodes(helper)):
        return False
    return any(
        isinstance(node, ast.If)
        and _says_internal(node.test, functions) is True
        and isinstance(node.body[0], ast.Raise)
        and node.body[0].exc is not None
        for node in _own_nodes(helper)
    )


def _own_nodes(helper: FunctionNode) -> Iterator[ast.AST]:
    """The nodes of `helper`'s body, not those of functions or lambdas defined inside it."""
    stack: list[ast.AST] = list(reversed(helper.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _verdict(value: ast.expr | None) -> tuple[bool, bool] | None:
    """`(answer, in a pair)` for `return True`, `return False, reason`; None for anything else."""
    if isinstance(value, ast.Tuple) and value.elts:
        first = value.elts[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, bool):
            return first.value, True
        return None
    if isinstance(value, ast.Constant) and isinstance(value.value, bool):
        return value.value, False
    return None


def _direct_answer(body: list[ast.stmt]) -> bool | None:
    """The answer a branch gives at once (its first `return`), or None."""
    for statement in body:
        if isinstance(statement, ast.Return):
            verdict = _verdict(statement.value)
            return verdict[0] if verdict is not None else None
    return None


def _says_internal(test: ast.expr, functions: _Functions = None) -> bool | None:
    """Whether `test` holding means an address is internal (True), public (False), or says
    nothing of it (None): `ip.is_private`, `not ip.is_global`, `any(a.is_loopback for ...)`,
    `any((ip.is_private, ip.is_loopback))`, or a call of a module function of one argument
    whose every `return` says so (`_is_non_public_ip(ip)`: the tests one call further down;
    looked into once, not through a further call)."""
    match test:
        case ast.Attribute(attr=attr) if attr in _INTERNAL:
            return True
        case ast.Attribute(attr=attr) if attr in _PUBLIC:
            return False
        case ast.UnaryOp(op=ast.Not(), operand=operand):
            inner = _says_internal(operand, functions)
            return None if inner is None else not inner
        case ast.BoolOp(op=ast.Or(), values=values):
            found = {_says_internal(v, functions) for v in values} - {None}
            return found.pop() if found == {True} else None
        case ast.Call(func=ast.Name(id="any"), args=[ast.GeneratorExp(elt=element)]):
            return True if _says_internal(element, functions) else None
        case ast.Call(func=ast.Name(id="any"), args=[ast.Tuple(elts=elts) | ast.List(elts=elts)]):
            found = {_says_internal(e, functions) for e in elts} - {None}
            return True if found == {True} else None
        case ast.Call(func=ast.Name(id="all"), args=[ast.GeneratorExp(elt=element)]):
            return False if _says_internal(element, functions) is False else None
        case ast.Call(func=ast.Name(id=name), args=[_], keywords=[]) if functions:
            predicate = functions.get(name)
            return _predicate_says(predicate) if predicate is not None else None
    return None


def _predicate_says(predicate: FunctionNode) -> bool | None:
    """What a module predicate holding says of the address it is given: what every `return`
    of its own says (`_says_internal`), when they all agree; None otherwise."""
    returns = [n for n in _own_nodes(predicate) if isinstance(n, ast.Return)]
    found = {_says_internal(r.value) if r.value is not None else None for r in returns}
    return found.pop() if len(found) == 1 else None
