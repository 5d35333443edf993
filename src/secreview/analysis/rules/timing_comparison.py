"""CWE-208: secrets compared with `==`, which returns as soon as one byte differs.

String and bytes equality in CPython stops at the first difference, so how long a comparison
takes says how long a guess's correct prefix is; an attacker who can time many requests learns a
token, an HMAC or a signature byte by byte. What counts as a secret is judged from the value:
an HMAC digest (`hmac.new(...).hexdigest()`), a hash whose input was built from a password or
another secret (`md5("%s:%s" % (ha1, nonce))`), what a function named for making a digest or a
signature returns when handed a secret (`calculate_digest(ip, secret)`), or a read named like a
credential (`signature`, `api_key`, `csrf_token`, `password`, `X-Api-Token` header). A bare
`token`, `digest`, `hash` or `sig` is everyday vocabulary (lexers, checksums, signal numbers), so it
counts only when the other side is secret too; a `key` without a credential word (`fides_key`,
`k.key`) names a look-up, a record's identifier, and never counts. Comparisons with constants,
`None`, lengths and types tell nothing; nor do comparisons with a named constant that is not
named like a secret (`signal.SIGCHLD`, an enum member, `self.WAKEUP_REQUEST`): a timing attack
needs a secret on the other side.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.enum_members import is_member_of_named_type
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.own_scope import own_method_returns
from secreview.analysis.rules._support.query_expressions import builds_query
from secreview.analysis.rules._support.secret_files import name_read
from secreview.analysis.rules._support.secret_text import name_words
from secreview.analysis.rules._support.sequence_containers import is_sequence
from secreview.analysis.rules._support.timing_names import USER_PAIR_WORDS, Secret, name_strength
from secreview.analysis.rules._support.timing_operands import typed_twice, untimeable
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_UNWRAPPING_METHODS = frozenset({"encode", "decode", "strip", "lower", "upper", "hex"})
_UNWRAPPING_CALLS = frozenset({"str", "bytes", "bytearray"})
_HMAC_CONSTRUCTORS = frozenset({"hmac.new", "hmac.HMAC"})
_HMAC_FUNCTIONS = frozenset({"hmac.digest"})
_DIGEST_METHODS = frozenset({"hexdigest", "digest"})
# last words of a function named for making a digest or signature: `calculate_digest`, `sign`
_SIGNING_WORDS = frozenset({"digest", "signature", "sign", "hmac", "mac"})
_HASHED_PARTS_BUDGET = 16  # expressions followed back from a hash's input before giving up
_BLIND_CALLS = frozenset({"len", "type", "isinstance", "bool", "int", "hash", "id"})
_EQUALITY_METHODS = frozenset({"__eq__", "__ne__", "__hash__", "__lt__", "__le__"})


def _read_name(node: ast.AST) -> str | None:
    """The name a value is read under: `token`, `user.password`, `headers['X-Api-Key']`, or the
    key of a `.get("X-Api-Key")`."""
    if (name := name_read(node)) is not None or not isinstance(node, ast.Call):
        return name
    if (
        isinstance(node.func, ast.Attribute)
        and node.func.attr in {"get", "getenv", "get_header", "getheader"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def _unwrap(node: ast.expr, context: ModuleContext) -> ast.expr:
    """`token.encode()`, `str(token)`, `token.strip()` -> `token` (same secret, other type)."""
    for _ in range(4):
        if not isinstance(node, ast.Call):
            break
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _UNWRAPPING_METHODS:
            node = func.value
        elif context.call_name(node) in _UNWRAPPING_CALLS and len(node.args) == 1:
            node = node.args[0]
        else:
            break
    return node


def _digest_strength(call: ast.Call, context: ModuleContext, depth: int) -> Secret:
    """An HMAC digest, or a hash of a password, is derived from a secret."""
    name = context.call_name(call)
    if name in _HMAC_FUNCTIONS:
        return Secret.DERIVED
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in _DIGEST_METHODS):
        return Secret.NONE
    maker = assigned_value(func.value, context)
    if not isinstance(maker, ast.Call):
        return Secret.NONE
    maker_name = context.call_name(maker) or ""
    if maker_name in _HMAC_CONSTRUCTORS:
        return Secret.DERIVED
    if maker_name.startswith("hashlib.") and depth < 2:
        hashed = [_hashed_strength(a, context) for a in maker.args]
        return Secret.DERIVED if any(s >= Secret.NAMED for s in hashed) else Secret.NONE
    return Secret.NONE


def _hashed_strength(node: ast.expr, context: ModuleContext) -> Secret:
    """How secret the input of a hash is, following it back through the local values and the
    string formatting that built it: `chk = "%s:%s" % (ha1, nonce)` then `chk.encode()` hashes
    a secret as surely as `sha256(password)` does. Every value a name may hold counts (one
    branch building the input from a secret is enough); a budget bounds the walk."""
    best, pending, followed = Secret.NONE, [node], 0
    while pending and followed < _HASHED_PARTS_BUDGET:
        followed += 1
        current = _unwrap(pending.pop(), context)
        best = max(best, _strength(current, context, depth=2))
        if isinstance(current, ast.Name):
            pending.extend(v for v, _ in assigned_values(context, current) if v is not current)
        elif isinstance(current, ast.BinOp):
            pending.extend((current.left, current.right))
        elif isinstance(current, ast.Tuple | ast.List):
            pending.extend(current.elts)
        elif isinstance(current, ast.JoinedStr):
            pending.extend(v.value for v in current.values if isinstance(v, ast.FormattedValue))
    return best


def _signing_strength(call: ast.Call, context: ModuleContext, depth: int) -> Secret:
    """`calculate_digest(ip, timestamp, secret, ...)`, `auth.request_digest(ha1)`: a function
    named for making a digest or a signature, handed a secret, returns a value derived from it
    (the project's own HMAC or signing helper, whose body the rule does not read)."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    words = name_words(name)
    if not words or words[-1] not in _SIGNING_WORDS or depth >= 2:
        return Secret.NONE
    given = [*call.args, *(keyword.value for keyword in call.keywords)]
    if any(_strength(value, context, depth + 1) >= Secret.NAMED for value in given):
        return Secret.DERIVED
    return Secret.NONE


def _own_digest_method(call: ast.Call, context: ModuleContext, depth: int) -> Secret:
    """`self.sign(msg)` where the class's own `sign` returns `hmac.new(key, msg, ...).digest()`:
    the key is an attribute the caller never passes, so only the method's body shows that its
    result is an HMAC. Every `return` of the method must be such a digest."""
    returned = own_method_returns(context, call) if depth < 2 else []
    derived = [
        isinstance(v, ast.Call) and _digest_strength(v, context, depth + 1) for v in returned
    ]
    return Secret.DERIVED if derived and all(derived) else Secret.NONE


def _strength(node: ast.expr, context: ModuleContext, depth: int = 0) -> Secret:
    """How surely `node`'s value is a secret."""
    node = _unwrap(node, context)
    if context.is_constant(node):
        return Secret.NONE
    if isinstance(node, ast.BinOp | ast.JoinedStr) and depth < 2:
        parts = [node.left, node.right] if isinstance(node, ast.BinOp) else node.values
        inner = [p.value if isinstance(p, ast.FormattedValue) else p for p in parts]
        return max((_strength(p, context, depth + 1) for p in inner), default=Secret.NONE)
    if isinstance(node, ast.Call):
        if context.call_name(node) in _BLIND_CALLS:
            return Secret.NONE
        derived = (
            _digest_strength(node, context, depth)
            or _signing_strength(node, context, depth)
            or _own_digest_method(node, context, depth)
        )
        if derived:
            return derived
    if isinstance(node, ast.Tuple) and depth < 2:  # `(username, password) == credentials`
        return max((_strength(e, context, depth + 1) for e in node.elts), default=Secret.NONE)
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Constant) and depth < 2:
        return _strength(node.value, context, depth + 1)  # `signature[i]`: one character of it
    zipped = _zipped_from(node, context) if isinstance(node, ast.Name) else None
    if zipped is not None and depth < 2:
        return _strength(zipped, context, depth + 1)
    name = _read_name(node)
    by_name = name_strength(name) if name is not None else Secret.NONE
    if isinstance(node, ast.Name) and depth < 2:
        value = assigned_value(node, context)
        if value is not node:
            return max(by_name, _strength(value, context, depth + 1))
    return by_name


def _zipped_from(name: ast.Name, context: ModuleContext) -> ast.expr | None:
    """`expected` for `a` in `for a, b in zip(expected, provided):` (a character-by-character
    comparison loop), else None."""
    for ancestor in context.ancestors(name):
        if not isinstance(ancestor, ast.For):
            continue
        target, source = ancestor.target, ancestor.iter
        if not (
            isinstance(target, ast.Tuple)
            and isinstance(source, ast.Call)
            and context.call_name(source) == "zip"
            and len(source.args) == len(target.elts)
        ):
            continue
        for element, iterable in zip(target.elts, source.args, strict=True):
            if isinstance(element, ast.Name) and element.id == name.id:
                return iterable
    return None


def _describe(strength: Secret) -> str:
    if strength is Secret.DERIVED:
        return "a value derived from a secret (an HMAC, a signature or a hash of a secret)"
    return "a secret"


@rule(
    id="timing-unsafe-comparison",
    name="Secret compared with == instead of a constant-time comparison",
    cwe=208,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A token, HMAC, signature, API key or password is compared with `==`/`!=`, whose "
    "running time reveals how much of a guess is right.",
    fix="Compare secrets with `hmac.compare_digest(expected, provided)` (or "
    "`secrets.compare_digest`), both as bytes or both as ASCII text; for passwords store a "
    "slow hash and check it with the hashing library's verify function.",
    what_it_does="Reports `==` and `!=` comparisons in which one side is an HMAC digest "
    "(`hmac.new(...).hexdigest()`, `hmac.digest()`), a hash of a value built from a "
    "password or secret (through local names and string formatting: `chk = '%s:%s' % (ha1, "
    "nonce)`), the result of a function named for making a digest or signature that is handed "
    "a secret (`calculate_digest(ip, secret)`, `auth.request_digest(ha1)`), or a read named "
    "like a credential (`signature`, `password`, `secret`, `api_key`, "
    "`csrf_token`, `auth_token`, a `X-Api-Key` header), and the other side is not a "
    "constant, `None`, a length or a type, nor a named constant not named like a secret "
    "(`sig == signal.SIGCHLD`, `state == Color.RED`, `x != self.WAKEUP_REQUEST`). A plain "
    "`token`, `digest`, `hash` or `sig` counts only when the other side is "
    "secret-named too (`token == expected_token`); a `key` never does without a credential "
    "word (`k.key == key`, `Rule.key == rule_key` look a record up by its identifier; "
    "`api_key`, `secret_key` still count). Names that "
    "pair two user-supplied values (`password == password_confirm`, `new_password`) and "
    "`__eq__` methods are left alone. Character-by-character loops count too: "
    "`for a, b in zip(signature, expected): if a != b: return False`. A credential looked up "
    "with `in`/`not in` in a list or tuple the code builds (`basic_auth not in "
    "self.allowed`, where `self.allowed = [...]`) counts as well: the search runs `==` on each "
    "item; a set or dict, hashed, does not.",
    why_bad="`==` on strings and bytes returns at the first differing character, so a guess "
    "with a correct first byte takes measurably longer to reject than one without. Repeating "
    "requests and averaging the response times, an attacker recovers a webhook signature, "
    "an API key or a reset token one byte at a time instead of guessing it whole; such "
    "remote timing attacks have been shown over LANs and against cloud neighbours.",
    example="expected = hmac.new(secret, body, hashlib.sha256).hexdigest()\n"
    "if expected != request.headers['X-Signature']:\n    abort(403)",
    use_instead="expected = hmac.new(secret, body, hashlib.sha256).hexdigest()\n"
    "if not hmac.compare_digest(expected, request.headers['X-Signature']):\n    abort(403)",
    references=(
        "https://docs.python.org/3/library/hmac.html#hmac.compare_digest",
        "https://docs.python.org/3/library/secrets.html#secrets.compare_digest",
        "https://cwe.mitre.org/data/definitions/208.html",
    ),
    visits=(ast.Compare,),
)
def timing_unsafe_comparison(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report `==`/`!=` between a secret and a value that is not a constant."""
    assert isinstance(node, ast.Compare)
    if len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn):
        yield from _membership(node, context)
        return
    if len(node.ops) != 1 or not isinstance(node.ops[0], ast.Eq | ast.NotEq):
        return
    function = context.enclosing_function(node)
    if function is not None and function.name in _EQUALITY_METHODS:
        return
    if builds_query(node, context):
        return  # `.filter(Session.token == token)`: a clause the database evaluates
    left, right = node.left, node.comparators[0]
    if _is_fixed(_unwrap(left, context), context) or _is_fixed(_unwrap(right, context), context):
        return
    pair = typed_twice(left, right) or any(_user_pair(side, context) for side in (left, right))
    if pair or any(untimeable(side, context) for side in (left, right)):
        return  # typed by the user twice, at the local prompt, or a number: nothing to time
    if is_member_of_named_type(right, left) or is_member_of_named_type(left, right):
        return  # `session.flow == SessionFlow.PASSWORD`: an enumerated field and its member
    left_strength, right_strength = _strength(left, context), _strength(right, context)
    strongest = max(left_strength, right_strength)
    if strongest < Secret.NAMED and min(left_strength, right_strength) < Secret.WEAK:
        return
    if ast.dump(_unwrap(left, context)) == ast.dump(_unwrap(right, context)):
        return  # `token.strip() != token` asks about the text's shape, not its value
    if min(left_strength, right_strength) is Secret.NONE and _is_blind(left, right, context):
        return
    secret_side = left if left_strength >= right_strength else right
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` compares `{context.one_line(secret_side)}`, "
        f"{_describe(strongest)}, with an early-exit equality; the time it takes tells an "
        "attacker how many leading characters of a guess are right.",
        confidence=Confidence.HIGH if strongest is Secret.DERIVED else None,
    )


def _is_fixed(node: ast.expr, context: ModuleContext) -> bool:
    """Whether `node` is a value fixed in the program, so no secret is on its side of the test.

    Besides literals and module constants of literals, a named constant that is not itself
    named like a secret: an imported one (`signal.SIGCHLD`, `from errno import EINTR`), an enum
    member or class constant (`Color.RED`, `self.WAKEUP_REQUEST`). A module-level ALL_CAPS
    name bound to something else (`EXPECTED = os.environ[...]`) is not fixed.
    """
    if context.is_constant(node):
        return True
    if not isinstance(node, ast.Name | ast.Attribute):
        return False
    last = node.id if isinstance(node, ast.Name) else node.attr
    if not (last.isupper() and any(c.isalpha() for c in last)) or name_strength(last):
        return False
    if isinstance(node, ast.Name):
        return not context.is_local_name(node) and node.id in context.import_aliases
    return isinstance(node.value, ast.Name | ast.Attribute)


def _is_blind(left: ast.expr, right: ast.expr, context: ModuleContext) -> bool:
    """Whether the non-secret side is a call whose result reveals nothing (len, type, ...)."""
    return any(
        isinstance(side, ast.Call) and context.call_name(side) in _BLIND_CALLS
        for side in (left, right)
    )


def _user_pair(side: ast.expr, context: ModuleContext) -> bool:
    """`password_confirm`, `new_password`: the other half of two values the user typed."""
    name = _read_name(_unwrap(side, context))
    return name is not None and bool(set(name_words(name)) & USER_PAIR_WORDS)


def _membership(node: ast.Compare, context: ModuleContext) -> Iterator[Hit]:
    """`provided not in self.allowed_credentials`: a list is searched with `==` item by item."""
    element, container = node.left, node.comparators[0]
    if _is_fixed(_unwrap(element, context), context) or _user_pair(element, context):
        return
    if _strength(element, context) < Secret.NAMED or not is_sequence(container, context):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` looks `{context.one_line(element)}`, a secret, up "
        f"in the list `{context.one_line(container)}` with `==` on each item; the time it takes "
        "tells an attacker how many leading characters of a guess are right.",
    )
