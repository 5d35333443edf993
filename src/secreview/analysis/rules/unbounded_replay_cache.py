"""CWE-770: a replay cache of nonces that only ever grows (`unbounded-replay-cache`).

Replay protection remembers every nonce (OAuth 1 and LTI `oauth_nonce`, a JWT's `jti`) it has
accepted and refuses one it has seen. Kept in a module- or class-level `dict`, `set` or list that
lives as long as the process, with nothing that ever removes an entry, the cache grows by one
entry per request: anyone who can send requests with fresh nonces (often before the signature is
even checked) fills the server's memory. The timestamp window that makes old nonces useless is
also what makes them safe to forget, so the fix is to expire them: a `cachetools.TTLCache`, or
pruning the entries older than the window.

Only a container the module creates empty and keeps (a module global or a class attribute) is
judged, only when the module both tests membership in it (`nonce in seen`) and adds to it in a
function, and only when its name or the added value names a nonce, a `jti` or a replay. Any
removal anywhere in the module (`del`, `pop`, `popitem`, `clear`, `remove`, `discard`, binding
a new value), any `len(...)` of it (a size bound) or handing it to another function (which may
prune it) keeps the rule quiet, as do bounded types (`TTLCache(...)`, `deque(maxlen=...)`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.taint.name_words import last_word, words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_EMPTY_CONSTRUCTORS = frozenset({"dict", "set", "list", "OrderedDict", "Counter"})
"""Calls that make an empty unbounded container when given no argument."""
_REPLAY_WORDS = frozenset({"nonce", "nonces", "jti", "jtis", "replay", "replays"})
"""Words that say a container or a value is replay-protection state."""
_GROWING = frozenset({"add", "append", "setdefault", "update", "insert", "extend"})
_SHRINKING = frozenset(
    {"pop", "popitem", "clear", "remove", "discard", "popleft", "difference_update"}
)


def _call_name(call: ast.Call) -> str:
    """`set` of `set()`, `OrderedDict` of `collections.OrderedDict()`."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _is_empty_container(value: ast.expr | None) -> bool:
    """`{}`, `[]`, `set()`, `OrderedDict()`, `defaultdict(set)`: a container with no bound."""
    if isinstance(value, ast.Dict | ast.List | ast.Set):
        return not getattr(value, "keys", getattr(value, "elts", None))
    if not isinstance(value, ast.Call) or value.keywords:
        return False
    name = _call_name(value)
    if name == "defaultdict":
        return len(value.args) <= 1
    return name in _EMPTY_CONSTRUCTORS and not value.args


def _kept_containers(tree: ast.Module) -> Iterator[tuple[_Kept, ast.stmt]]:
    """Each empty container a module body (a global) or a class body (a class attribute)
    creates, with its definition."""
    bodies: list[tuple[ast.ClassDef | None, list[ast.stmt]]] = [(None, tree.body)]
    bodies += [(n, n.body) for n in tree.body if isinstance(n, ast.ClassDef)]
    for owner, body in bodies:
        for statement in body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign):
                target, value = statement.target, statement.value
            else:
                continue
            if isinstance(target, ast.Name) and _is_empty_container(value):
                yield _Kept(owner, target.id), statement


class _Kept:
    """One kept container: its owner ("" for a module global, else the class), its name, and
    the nodes of its class, where `self.name` and `cls.name` mean it."""

    def __init__(self, owner: ast.ClassDef | None, name: str) -> None:
        self.owner = owner.name if owner else ""
        self.name = name
        self.members = {id(n) for n in ast.walk(owner)} if owner else set()

    def refers_to(self, node: ast.AST) -> bool:
        """`nonces` for a global; `Cls.nonces` anywhere, `self.nonces` in `Cls`, for a class's."""
        if not self.owner:
            return isinstance(node, ast.Name) and node.id == self.name
        if not (
            isinstance(node, ast.Attribute)
            and node.attr == self.name
            and isinstance(node.value, ast.Name)
        ):
            return False
        holder = node.value.id
        return holder == self.owner or (holder in {"self", "cls"} and id(node) in self.members)

    def container_of(self, node: ast.AST) -> bool:
        """The container itself or one of its entries (`nonces[ts]`)."""
        if isinstance(node, ast.Subscript):
            node = node.value
        return self.refers_to(node)


def _names_replay(node: ast.AST) -> bool:
    """A value named for a nonce or `jti`: `nonce`, `self.jti`, `args["oauth_nonce"]`."""
    if isinstance(node, ast.Name):
        return last_word(node.id) in _REPLAY_WORDS
    if isinstance(node, ast.Attribute):
        return last_word(node.attr) in _REPLAY_WORDS
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return isinstance(node.slice.value, str) and last_word(node.slice.value) in _REPLAY_WORDS
    return False


class _Uses:
    """What a module does with one kept container."""

    def __init__(self) -> None:
        self.tested = False
        self.bounded = False
        self.growth: list[tuple[ast.AST, list[ast.expr]]] = []


_READ = (ast.Compare, ast.Delete, ast.Call, ast.Assign, ast.AugAssign, ast.AnnAssign)
"""The nodes that can test, grow, shrink or rebind a container."""


def _read_uses(nodes: list[ast.AST], context: ModuleContext, kept: _Kept) -> _Uses:
    """Membership tests, additions in functions, and anything that removes or bounds."""
    uses = _Uses()
    for node in nodes:
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.In | ast.NotIn) and kept.container_of(right)
            for op, right in zip(node.ops, node.comparators, strict=False)
        ):
            uses.tested = True
        elif isinstance(node, ast.Delete) and any(
            kept.container_of(target) for target in node.targets
        ):
            uses.bounded = True
        elif isinstance(node, ast.Call):
            _read_call(node, context, kept, uses)
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            _read_assignment(node, context, kept, uses)
    return uses


def _read_call(node: ast.Call, context: ModuleContext, kept: _Kept, uses: _Uses) -> None:
    """`c.add(v)` grows, `c.pop(k)` shrinks, `len(c)` or `prune(c)` may bound."""
    func = node.func
    if any(kept.refers_to(arg) for arg in node.args):
        uses.bounded = True  # len(c), or another function that may prune it
    if not isinstance(func, ast.Attribute) or not kept.container_of(func.value):
        return
    if func.attr in _SHRINKING:
        uses.bounded = True
    elif func.attr in _GROWING and context.enclosing_function(node) is not None:
        uses.growth.append((node, list(node.args)))


def _read_assignment(
    node: ast.Assign | ast.AugAssign | ast.AnnAssign,
    context: ModuleContext,
    kept: _Kept,
    uses: _Uses,
) -> None:
    """`c[k] = v` in a function grows; binding the name anew (outside its definition) resets."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    inside = context.enclosing_function(node) is not None
    for target in targets:
        if isinstance(target, ast.Subscript) and kept.refers_to(target.value):
            if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Sub):
                uses.bounded = True
            elif inside:
                uses.growth.append((node, [target.slice, node.value] if node.value else []))
        elif kept.refers_to(target) and (inside or isinstance(node, ast.AugAssign)):
            uses.bounded = True


@rule(
    id="unbounded-replay-cache",
    name="Replay cache of nonces that never forgets",
    cwe=770,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Every nonce accepted is kept in a process-wide container that nothing empties, so "
    "requests with fresh nonces grow memory without bound.",
    fix="Keep seen nonces only for the timestamp window that makes older ones invalid: a "
    "`cachetools.TTLCache(maxsize, ttl)`, or delete the entries older than the window on "
    "each check.",
    what_it_does="Reports the addition (`seen.add(nonce)`, `nonces.setdefault(ts, set()).add("
    "...)`, `used[jti] = ...`) to a module global or class attribute created empty (`{}`, "
    "`set()`, `OrderedDict()`, `defaultdict(set)`) that the module also tests membership of, "
    "when the container or the value is named for a nonce, `jti` or replay and the module never "
    "removes from it (no `del`, `pop`, `popitem`, `clear`, `remove`, `discard`, new binding, "
    "`len(...)` bound or hand-off to a pruning function). Bounded types such as `TTLCache` "
    "and containers local to a function are quiet.",
    why_bad="A replay check runs for every request, often before the signature is verified: an "
    "attacker who sends requests with new nonces adds an entry each time, and a cache that "
    "never expires them exhausts the server's memory (CWE-770, CWE-401).",
    example="class LaunchValidator:\n"
    "    nonces = OrderedDict()\n\n"
    "    def validate(self, args):\n"
    '        if args["oauth_nonce"] in self.nonces.get(ts, ()):\n'
    '            raise HTTPError(401, "nonce reused")\n'
    '        self.nonces.setdefault(ts, set()).add(args["oauth_nonce"])',
    use_instead="class LaunchValidator:\n"
    "    nonces = TTLCache(maxsize=35, ttl=35.0)  # entries live as long as the time window",
    references=(
        "https://cwe.mitre.org/data/definitions/770.html",
        "https://datatracker.ietf.org/doc/html/rfc5849#section-3.3",
        "https://cachetools.readthedocs.io/en/stable/#cachetools.TTLCache",
    ),
    visits=(ast.Module,),
    text_words=("nonce", "jti", "replay", "Nonce", "NONCE", "JTI"),
)
def unbounded_replay_cache(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report the additions to a never-emptied, process-wide replay cache."""
    if not isinstance(node, ast.Module):
        return
    nodes: list[ast.AST] | None = None
    for kept, definition in _kept_containers(node):
        if nodes is None:
            nodes = [each for each in ast.walk(node) if isinstance(each, _READ)]
        uses = _read_uses(nodes, context, kept)
        if not uses.tested or uses.bounded or not uses.growth:
            continue
        named = bool(words_of(kept.name) & _REPLAY_WORDS)
        for growth, values in uses.growth:
            if not named and not any(_names_replay(value) for value in values):
                continue
            shown = kept.name
            yield Hit(
                node=growth,
                message=f"`{shown}` keeps every nonce it is given for as long as the process "
                "runs and nothing in the module removes an entry, so requests with fresh nonces "
                "grow it without bound.",
                evidence=((definition, f"`{shown}` created empty, with no size or time limit"),),
            )
