"""CWE-208: a login that hashes the password only when the user name exists.

A login written `if user is None: return None` then `elif check_password_hash(user.password,
password): ...` answers an unknown name at once and a known one only after a deliberately slow
password hash (PBKDF2, bcrypt, argon2: tens of milliseconds). The difference is easy to time over
the network, so anyone can list which user names exist (Flask-AppBuilder's CVE-2021-29621).
The fix spends the same work on the refusal: hash a dummy password (Django's `ModelBackend` calls
`set_password` on a throwaway user). The rule reads the shape within one function: a password
verification whose stored hash belongs to a user variable (`check_password_hash(user.password,
...)`, `bcrypt.checkpw(..., user.hash)`, `user.check_password(...)`), and before it a refusal
for that variable's absence (`if user is None ...: return`, `except User.DoesNotExist: return`)
whose branch neither hashes nor verifies anything, or a test that skips the verification for a
missing user by short-circuit (`if not user or not check_password_hash(user.password, pw):`,
`if user and user.check_password(pw):`) unless its refusal hashes a dummy password.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.secret_text import name_words
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_VERIFIERS = frozenset(
    {"check_password_hash", "check_password", "checkpw", "verify_password", "verify"}
    | {"verify_and_update", "check_encrypted_password", "compare_password"}
)
"""Last names of calls that compare a password with its stored hash (werkzeug, Django, bcrypt,
passlib, argon2, Flask-Security)."""
_VERIFIER_NAMED = lazy_pattern("|".join(sorted(_VERIFIERS)))
"""A function's text that names none of them holds no verification to judge."""
_HASHERS = _VERIFIERS | frozenset(
    {"generate_password_hash", "make_password", "set_password", "hashpw", "hash"}
    | {"hash_password", "encrypt_password", "pbkdf2_hmac", "scrypt", "derive"}
)
"""Calls that spend the hashing work: any of them on the refusal balances it."""
_HASH_WORDS = frozenset({"password", "passwd", "pwd", "hash", "hashed", "digest"})
_ABSENT_ERRORS = ("DoesNotExist", "NoResultFound", "UserNotFound")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_DEPENDENCY_MARKERS = frozenset({"Depends", "Security"})
"""FastAPI's markers of a parameter the framework resolves before the view runs."""


def _hash_holder(node: ast.expr) -> str | None:
    """The variable whose stored hash this is: `user` of `user.password`, `row["pw_hash"]`."""
    match node:
        case ast.Attribute(value=ast.Name(id=owner), attr=field):
            key = field
        case ast.Subscript(value=ast.Name(id=owner), slice=ast.Constant(value=str() as field)):
            key = field
        case _:
            return None
    return owner if set(name_words(key)) & _HASH_WORDS else None


def _verified_user(call: ast.Call) -> str | None:
    """The user variable a password verification checks against, if the call is one."""
    if last_name(call.func) not in _VERIFIERS:
        return None
    match call.func:
        case ast.Attribute(value=ast.Name(id=owner), attr="check_password" | "verify_password"):
            if call.args:
                return owner  # `user.check_password(password)`
    for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
        owner = _hash_holder(argument)
        if owner is not None:
            return owner
    return None


def _tests_absence(test: ast.expr, user: str) -> bool:
    """Whether the test holds when `user` is missing: `user is None`, `not user`, `... or ...`."""
    match test:
        case ast.BoolOp(op=ast.Or(), values=values):
            return any(_tests_absence(value, user) for value in values)
        case ast.UnaryOp(op=ast.Not(), operand=ast.Name(id=name)):
            return name == user
        case ast.Compare(left=ast.Name(id=name), ops=[ast.Is() | ast.Eq()], comparators=[right]):
            return name == user and isinstance(right, ast.Constant) and right.value is None
    return False


def _tests_presence(test: ast.expr, user: str) -> bool:
    """Whether the test holds only when `user` is there: `user`, `user is not None`."""
    match test:
        case ast.Name(id=name):
            return name == user
        case ast.Compare(
            left=ast.Name(id=name), ops=[ast.IsNot() | ast.NotEq()], comparators=[right]
        ):
            return name == user and isinstance(right, ast.Constant) and right.value is None
    return False


def _short_circuits(test: ast.expr, user: str) -> bool:
    """Whether a test skips the verification when `user` is missing: `not user or not
    check_password_hash(user.password, pw)`, `user and user.check_password(pw)`."""
    if not isinstance(test, ast.BoolOp):
        return False
    guard = _tests_absence if isinstance(test.op, ast.Or) else _tests_presence
    for index, value in enumerate(test.values):
        if guard(value, user):
            return any(
                isinstance(node, ast.Call) and _verified_user(node) == user
                for later in test.values[index + 1 :]
                for node in walk(later)
            )
    return False


def _dependency_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Parameters FastAPI fills from a dependency: `account: Account = Depends(current_account)`
    or `Annotated[Account, Depends(...)]`.

    Such an account is the signed-in user the dependency found from the session or token, not
    one looked up by a name the request submits; refusing it when absent tells no user names.
    A parameter the function binds again (`account = find(data.username)`) is a lookup again.
    """
    rebound = {
        node.id
        for node in walk(function)
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    pairs = [
        *zip(positional, [*defaults, *arguments.defaults], strict=True),
        *zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True),
    ]
    found: set[str] = set()
    for argument, default in pairs:
        markers = [default, argument.annotation]
        if any(
            isinstance(node, ast.Call) and last_name(node.func) in _DEPENDENCY_MARKERS
            for marker in markers
            if marker is not None
            for node in walk(marker)
        ):
            found.add(argument.arg)
    return found - rebound


def _exits(body: list[ast.stmt]) -> bool:
    """Whether the branch leaves the function: it ends in `return` or `raise`."""
    return bool(body) and isinstance(body[-1], ast.Return | ast.Raise)


def _hashes(body: list[ast.stmt]) -> bool:
    """Whether the branch spends hashing work (a verification or a hash of any password)."""
    return any(
        isinstance(node, ast.Call) and last_name(node.func) in _HASHERS
        for statement in body
        for node in walk(statement)
    )


def _refusal_balanced(test: ast.If, user: str) -> bool:
    """Whether the refusal of a short-circuit test hashes too: `if not user or not
    user.check_password(pw):` whose body verifies the password against a dummy hash when the
    user is missing (`if not user: dummy.check_password(pw)`), or the `else` of `if user and
    user.check_password(pw):` that does.

    The refusal runs for a missing user and for a wrong password alike; work spent there on
    anything but the user's own hash (which a missing user has not) is the dummy hash that makes
    both answers take as long.
    """
    assert isinstance(test.test, ast.BoolOp)
    refusal = test.body if isinstance(test.test.op, ast.Or) else test.orelse
    return any(
        isinstance(node, ast.Call)
        and last_name(node.func) in _HASHERS
        and _verified_user(node) != user
        for statement in refusal
        for node in walk(statement)
    )


def _unbalanced_refusals(
    function: ast.FunctionDef | ast.AsyncFunctionDef, user: str, before: int
) -> Iterator[ast.AST]:
    """Refusals of a missing `user` before line `before` whose branch does no hashing."""
    for node in walk(function):
        if isinstance(node, ast.If) and _short_circuits(node.test, user):
            if not _refusal_balanced(node, user):
                yield node.test
            continue
        if getattr(node, "lineno", before) >= before:
            continue
        if isinstance(node, ast.If) and _tests_absence(node.test, user):
            if _exits(node.body) and not _hashes(node.body):
                yield node.test
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = ast.unparse(node.type)
            absent = any(error in caught for error in _ABSENT_ERRORS)
            if absent and _exits(node.body) and not _hashes(node.body):
                yield node


@rule(
    id="password-hashed-only-for-known-user",
    name="Login hashes the password only when the user exists (user names told by timing)",
    cwe=208,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="A login refuses an unknown user at once but verifies a known user's password with "
    "a slow hash, so the response time tells which user names exist.",
    fix="Spend the same hashing work on the refusal: verify the password against a fixed dummy "
    "hash (`check_password_hash(DUMMY_HASH, password)`) before returning for an unknown user.",
    what_it_does="Within one function, finds a password verification against a user's stored "
    "hash (`check_password_hash(user.password, pw)`, `bcrypt.checkpw(pw, user.pw_hash)`, "
    "`user.check_password(pw)`) and reports each earlier refusal of that user's absence (`if "
    "user is None or not user.is_active: return None`, `except User.DoesNotExist: return`) "
    "whose branch verifies or hashes nothing, and tests that skip the verification for a missing "
    "user by short-circuit (`if not user or not check_password_hash(user.password, pw):`). A "
    "refusal that hashes a dummy password is quiet.",
    why_bad="Password hashes are slow on purpose; a refusal that skips the hash answers in a "
    "fraction of the time, so timing the login lists the accounts that exist, the first step "
    "of password guessing and phishing (CWE-208, an observable timing discrepancy).",
    example="user = find_user(username)\nif user is None:\n    return None\n"
    "if check_password_hash(user.password, password):\n    return user",
    use_instead="user = find_user(username)\nif user is None:\n"
    "    check_password_hash(DUMMY_HASH, password)\n    return None\n"
    "if check_password_hash(user.password, password):\n    return user",
    references=(
        "https://cwe.mitre.org/data/definitions/208.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html"
        "#authentication-and-error-messages",
        "https://nvd.nist.gov/vuln/detail/CVE-2021-29621",
    ),
    visits=_FUNCTIONS,
    text_words=tuple(sorted(_VERIFIERS)),  # `_VERIFIER_NAMED`, asked of the module first
)
def password_hashed_only_for_known_user(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report refusals of a missing user that skip the hashing its verification does."""
    assert isinstance(node, _FUNCTIONS)
    if not _VERIFIER_NAMED.search(context.segment(node)):
        return  # the cheap test first: every function of every module comes here
    last: dict[str, int] = {}
    for inner in walk(node):
        user = _verified_user(inner) if isinstance(inner, ast.Call) else None
        if user is not None:
            last[user] = max(last.get(user, 0), inner.lineno)
    for resolved in _dependency_parameters(node) if last else ():
        last.pop(resolved, None)
    seen: set[int] = set()
    for user, line in sorted(last.items()):
        for refusal in _unbalanced_refusals(node, user, line):
            if refusal.lineno in seen or _nested_function(node, refusal):
                continue
            seen.add(refusal.lineno)
            yield Hit(
                node=refusal,
                message=f"`{context.one_line(refusal)}` refuses an unknown `{user}` without "
                f"hashing, while a known `{user}`'s password is verified by a slow hash (line "
                f"{line}): the response time tells which user names exist.",
            )


def _nested_function(function: ast.AST, target: ast.AST) -> bool:
    """Whether `target` sits in a function nested in `function` (reported there instead)."""
    for inner in walk(function):
        nested = inner is not function and isinstance(inner, _FUNCTIONS)
        if nested and any(each is target for each in walk(inner)):
            return True
    return False
