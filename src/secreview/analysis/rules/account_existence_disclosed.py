"""CWE-204: a sign-in, sign-up or password-recovery answer that says whether an account exists.

A login form that answers "Unknown email address." for an address with no account (and sends a
link or asks for the password otherwise), or a sign-up form that answers "An account with this
email address already exists.", tells anyone who types addresses in which of them hold accounts
(healthchecks' GHSA-frxj-v529-jv6w). The rule reads the shape within one function of such a flow
(its name, or its class's, says sign-in, sign-up, registration or password recovery): an error
raised, returned or shown with a message saying the account is unknown or already exists, in a
branch decided by looking the account up by the submitted address or name (`if
User.objects.filter(email=v).exists():`, `except User.DoesNotExist:`, `if user is None:` after
`user = User.query.filter_by(email=e).first()`). A user name that is taken is the sign-up's
own business (names are public and must be unique): only an address said to exist is reported.
An account looked up by its internal id (`get_user(uuid.UUID(data["user.id"]))`, an id the
application issued, often read from a token it signed) is no address anyone types in.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_UNKNOWN = lazy_pattern(
    r"(?i)(\bunknown\b|\bunrecogni[sz]ed\b|\bnot (been )?(found|registered|recogni[sz]ed)\b|"
    r"\bdo(es)? ?n[o']?t exist|\bno (such )?(user|account)\b|\bno (user|account) (with|for)\b)"
)
_EXISTS = lazy_pattern(
    r"(?i)(\balready (exists?|registered|in use|taken|used|signed up)\b|"
    r"\bis (already )?(registered|taken|in use)\b|\bexists already\b)"
)
_SUBJECT = lazy_pattern(r"(?i)\b(e-?mail|address|account|user(name)?|login|phone)\b")
_GENERIC = lazy_pattern(r"(?i)\b(or|and|/)\s+(the\s+)?(password|passcode|pin)\b")
"""`Unknown user name or password`: the one answer for both failures, which tells nothing."""
_FLOW = lazy_pattern(
    r"(?i)(log_?in|sign_?in|sign_?up|register|registration_?(form|view)|forgot|reset|recover|"
    r"lost_?pass|magic_?link|identity|authenticat|password|passwd)"
)
_LOGGING_WORDS = frozenset({"log", "logger", "logging", "syslog", "audit", "print"})
"""Words of a call that writes its message to a log or the console, not to the requester."""
_STAFF_FLOW = lazy_pattern(r"(?i)(admin|manage|staff|moderat|import|export|csv)")
"""Scopes where staff act on other people's accounts (accepting a registration request,
importing rows): telling them an address is taken discloses nothing to an outsider."""
_ADDRESS_WORDS = frozenset({"email", "mail", "address", "identity", "phone", "mobile"})
_ACCOUNT_WORDS = _ADDRESS_WORDS | frozenset({"username", "login", "user", "name", "handle"})
_LOOKUPS = frozenset(
    {"get", "filter", "filter_by", "exists", "first", "one", "one_or_none", "count", "find"}
    | {"find_one", "get_or_none", "scalar", "where"}
)
_ID_WORDS = frozenset({"id", "pk", "uuid"})
_ABSENT_ERRORS = ("DoesNotExist", "NoResultFound", "UserNotFound", "NotFound")


def _lookup_key(node: ast.AST) -> frozenset[str] | None:
    """The words of the field an account lookup in `node` matches on (`email` of
    `User.objects.filter(email=v)`, of `get_user_by_email(v)`), or None if `node` looks
    nothing up."""
    for inner in walk(node):
        if not isinstance(inner, ast.Call):
            continue
        name = last_name(inner.func) or ""
        if name in _LOOKUPS:
            for keyword in inner.keywords:
                words = words_of(keyword.arg or "") & _ACCOUNT_WORDS
                if words:
                    return frozenset(words)
        words = words_of(name)
        if words & {"user", "account", "member"} and words & {"get", "find", "lookup", "by"}:
            if not words & _ACCOUNT_WORDS - {"user"} and _by_internal_id(inner):
                continue
            return frozenset(words & _ACCOUNT_WORDS) | {"user"}
    return None


def _by_internal_id(call: ast.Call) -> bool:
    """Whether the account is looked up by its internal id (`get_user(uuid.UUID(data["user.id"]))`,
    `get_user(user_id)`): an id the application issued, often inside a token it signed, not an
    address or a name anyone can type in to probe."""
    texts = [
        text
        for argument in call.args
        for inner in walk(argument)
        for text in (
            inner.id if isinstance(inner, ast.Name) else None,
            inner.attr if isinstance(inner, ast.Attribute) else None,
            inner.value if isinstance(inner, ast.Constant) else None,
        )
        if isinstance(text, str)
    ]
    said = set().union(*(words_of(t) for t in texts)) if texts else set()
    return bool(said & _ID_WORDS) and not said & _ADDRESS_WORDS - {"identity"}


def _assigned_lookups(function: ast.AST) -> dict[str, frozenset[str]]:
    """Variables the function assigns an account lookup to: `user` of `user =
    User.query.filter_by(email=e).first()`, with the words of the field looked up."""
    found: dict[str, frozenset[str]] = {}
    for inner in walk(function):
        if isinstance(inner, ast.Assign) and len(inner.targets) == 1:
            target = inner.targets[0]
            key = _lookup_key(inner.value)
            if key is not None and isinstance(target, ast.Name | ast.Attribute):
                found[target.id if isinstance(target, ast.Name) else target.attr] = key
    return found


def _deciding_lookup(
    statement: ast.stmt, function: ast.AST, context: ModuleContext
) -> frozenset[str] | None:
    """The field of the account lookup that decides whether `statement` runs: an `if` testing
    it (or a variable holding it), or an `except` for the account's absence around it."""
    assigned = _assigned_lookups(function)
    child: ast.AST = statement
    for ancestor in context.ancestors(statement):
        if ancestor is function:
            return None
        if isinstance(ancestor, ast.If) and child is not ancestor.test:
            key = _lookup_key(ancestor.test)
            if key is None:
                read = {n.id for n in walk(ancestor.test) if isinstance(n, ast.Name)}
                read |= {n.attr for n in walk(ancestor.test) if isinstance(n, ast.Attribute)}
                keys = [assigned[name] for name in sorted(read) if name in assigned]
                key = keys[0] if keys else None
            if key is not None:
                return key
        if isinstance(ancestor, ast.ExceptHandler) and ancestor.type is not None:
            caught = context.segment(ancestor.type)
            try_node = context.parent(ancestor)
            if caught.endswith(_ABSENT_ERRORS) and isinstance(try_node, ast.Try):
                keys = [_lookup_key(s) for s in try_node.body]
                return next((k for k in keys if k is not None), None)
        child = ancestor
    return None


def _answer(node: ast.Constant, context: ModuleContext) -> ast.stmt | None:
    """The statement that gives the message as an answer: a `raise`, a `return`, or a call
    (`self.add_error(...)`, `messages.error(...)`, `flash(...)`); a call named for logging
    (`auth_log(...)`, `logger.warning(...)`, `print`) writes it for the operator, not the client."""
    for ancestor in context.ancestors(node):
        if isinstance(ancestor, ast.Raise | ast.Return):
            return ancestor
        if isinstance(ancestor, ast.Expr) and isinstance(ancestor.value, ast.Call):
            logs = words_of(context.segment(ancestor.value.func)) & _LOGGING_WORDS
            return None if logs else ancestor
        if isinstance(ancestor, ast.stmt):
            return None
    return None


@rule(
    id="account-existence-disclosed",
    name="Sign-in or sign-up answer tells whether an account exists",
    cwe=204,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    summary="A login, sign-up or password-recovery handler answers 'unknown email' or 'this "
    "address is already registered' after looking the account up: anyone can list the "
    "accounts that exist.",
    fix="Give the same answer whether the account exists or not ('If an account exists for "
    "this address, we have sent it a link'), and tell the owner by e-mail instead (for a "
    "sign-up, mail the existing account a notice rather than refusing the form).",
    what_it_does="In a function whose name, or class's name, says sign-in, sign-up, "
    "registration or password recovery (`EmailLoginForm.clean_identity`, "
    "`forgot_password`), reports an error raised, returned or shown (`raise "
    "ValidationError(...)`, `self.add_error`, `messages.error`, `flash`) whose message says "
    "the account is unknown, not found or does not exist, or that an address is already "
    "registered, when the branch it is in is decided by looking the account up by the "
    "submitted value (`if User.objects.filter(email=v).exists():`, `except "
    "User.DoesNotExist:`, `if user is None:` after `user = ...filter_by(email=e).first()`). "
    "A message naming the password too (`Unknown user name or password`) is the one answer for "
    "both failures and is not reported, nor is a user name said to be taken, nor an answer in "
    "a scope (or a class with a base) named for staff work: admin, manage, import, export.",
    why_bad="The two answers differ only by whether the account exists, so a script that "
    "submits addresses lists the site's users: the first step of password guessing, "
    "credential stuffing and targeted phishing (CWE-204, OWASP's authentication cheat sheet).",
    example="try:\n    self.user = User.objects.get(email=v)\nexcept User.DoesNotExist:\n"
    "    raise forms.ValidationError('Unknown email address.')",
    use_instead="try:\n    self.user = User.objects.get(email=v)\nexcept User.DoesNotExist:\n"
    "    self.user = None  # the view answers 'check your inbox' either way",
    references=(
        "https://cwe.mitre.org/data/definitions/204.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html"
        "#authentication-and-error-messages",
        "https://github.com/healthchecks/healthchecks/security/advisories/GHSA-frxj-v529-jv6w",
    ),
    visits=(ast.Constant,),
    constants=(str,),
)
def account_existence_disclosed(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report answers saying an account looked up by the submitted value is unknown or taken."""
    assert isinstance(node, ast.Constant)
    text = node.value
    if not isinstance(text, str) or len(text) > 200 or not _SUBJECT.search(text):
        return
    unknown, exists = bool(_UNKNOWN.search(text)), bool(_EXISTS.search(text))
    if not (unknown or exists) or _GENERIC.search(text):
        return
    statement = _answer(node, context)
    function = context.enclosing_function(node)
    if statement is None or function is None:
        return
    scope = context.qualified_scope(node)
    bases = [
        context.segment(base)
        for ancestor in context.ancestors(node)
        if isinstance(ancestor, ast.ClassDef)
        for base in ancestor.bases
    ]
    if not _FLOW.search(scope) or _STAFF_FLOW.search(" ".join([scope, *bases])):
        return
    key = _deciding_lookup(statement, function, context)
    if key is None or (exists and not unknown and not key & _ADDRESS_WORDS):
        return  # a user name taken at sign-up: names are public and unique
    said = "is unknown" if unknown else "already has an account"
    yield Hit(
        node=statement,
        message=f"`{context.one_line(statement)}` tells the requester that the address or name "
        f"they sent {said}, after looking the account up: the other answer says the opposite, "
        "so anyone can list the accounts that exist.",
    )
