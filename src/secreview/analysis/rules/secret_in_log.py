"""CWE-532: the value of a credential written to a log (`secret-in-log`).

The rule looks for a *value* going somewhere it should not: the value of a variable, attribute
or key named like a credential reaching a log call. Its twin for exception text sent to clients
is `exception_details.py`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assignments import assigned_value
from secreview.analysis.rules._support.call_names import read_name
from secreview.analysis.rules._support.log_calls import LOG_METHODS, is_log_call
from secreview.analysis.rules._support.own_scope import nodes_owned_by
from secreview.analysis.rules._support.secret_text import name_words
from secreview.credentials import mentions_authentication
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# Last word of an identifier that names a secret value ('db_password', 'refresh_token').
_SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "credentials", "credential", "creds"}
)
# Two-word names whose last word ('key') alone means nothing.
_SECRET_KEYS = frozenset({"api", "private", "secret", "signing", "encryption", "access"})
# HTTP headers whose value is a credential, as dict keys: `headers['Authorization'] = ...`.
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
_JOINED_SECRET_WORDS = frozenset({"apikey", "privatekey", "secretkey", "accesstoken", "authtoken"})
# Tokens that are positions or handles, not credentials: pagination, polling cursors
# (`last_poll_token`), lexers, cancellation, and a tokenizer's special tokens
# (`tokenizer.eos_token` is the text `</s>`).
_PLAIN_TOKEN_KINDS = frozenset(
    {"next", "page", "continuation", "pagination", "sync", "cancel", "cancellation", "current"}
    | {"prev", "previous", "last", "first", "start", "starting", "end", "lexer", "parser"}
    | {"acquire", "release", "poll"}
    | {"eos", "bos", "pad", "unk", "sep", "cls", "mask"}
)
# Words before the credential word that make the name a setting about credentials, not one:
# a flag or a rule (`permit_create_token`, `use_password`, `default_permissions_create_token`).
_SETTING_WORDS = frozenset(
    {"permit", "allow", "enable", "disable", "require", "use", "is", "has", "can", "should"}
    | {"permission", "permissions"}
)
# Words just before the credential word that make the name a way of doing something
# (`collection_by_token`, `login_with_password`): a mode or its switch, not the credential.
_MODE_WORDS = frozenset({"by", "via", "with", "without", "per"})
# Expressions whose value contains their parts' values (f-strings, `%`, `+`, containers).
_VALUE_CARRIERS = (
    ast.JoinedStr,
    ast.FormattedValue,
    ast.BinOp,
    ast.BoolOp,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Starred,
)
# Calls that hand their argument's value on unchanged (or as text).
_PASSTHROUGH_CALLS = frozenset({"str", "repr", "format", "ascii", "dict", "list", "tuple"})
_PASSTHROUGH_METHODS = frozenset(
    {"format", "join", "encode", "decode", "strip", "lower", "upper", "get_secret_value"}
)


def _secret_name_strength(name: str) -> Confidence | None:
    """How surely an identifier names a secret value: 'password' HIGH, 'token' MEDIUM, else None.

    Only the last word decides, so `password_length`, `token_count` and `secret_name` describe a
    secret without holding it; the words before it may make the name a setting about secrets
    (`permit_create_token`, `collection_by_token`). A bare `token` is also a lexer's or
    tokenizer's everyday word.
    """
    words = name_words(name)
    if not words:
        return None
    last = words[-1]
    if last in _JOINED_SECRET_WORDS or (
        last == "key" and len(words) > 1 and words[-2] in _SECRET_KEYS
    ):
        return Confidence.HIGH
    if last not in _SECRET_WORDS:
        return None
    if last == "token" and len(words) > 1 and words[-2] in _PLAIN_TOKEN_KINDS:
        return None
    if set(words[:-1]) & _SETTING_WORDS or (len(words) > 2 and words[-2] in _MODE_WORDS):
        return None  # `permit_create_token`, `collection_by_token`: settings, not secrets
    return Confidence.MEDIUM if words == ["token"] else Confidence.HIGH


def _plain_token(read: ast.AST, call: ast.Call, context: ModuleContext) -> bool:
    """A bare `token` in code that never speaks of authentication: a lexer's or parser's token."""
    if name_words(_read_name(read) or "") != ["token"]:
        return False
    scope = context.enclosing_function(call)
    text = context.segment(scope) if scope else "\n".join(context.lines)
    return not mentions_authentication(text)


_FILE_OPENERS = frozenset({"open", "io.open", "pathlib.Path", "os.path.exists", "os.path.isfile"})
"""Calls whose first argument names a file (`open(settings.DB_ENCRYPTION_KEY, "rb")`)."""


def _names_a_file(read: ast.AST, call: ast.Call, context: ModuleContext) -> bool:
    """Whether the secret-named value is a file's path: the same function opens it
    (`open(settings.DB_ENCRYPTION_KEY, "rb")` after logging where the key is loaded from), so
    the log shows where the key is kept, not the key."""
    scope = context.enclosing_function(call)
    if scope is None:
        return False
    shown = context.one_line(read)
    return any(
        isinstance(n, ast.Call)
        and n.args
        and context.call_name(n) in _FILE_OPENERS
        and context.one_line(n.args[0]) == shown
        for n in ast.walk(scope)
    )


def _caught_exception(read: ast.AST, call: ast.Call, context: ModuleContext) -> bool:
    """Whether the secret-named value is the exception an enclosing `except ... as name` caught
    (ragflow's `except Exception as e_api_token:` while loading a user by API token): the name
    says what failed, the value is the error, not the credential."""
    if not isinstance(read, ast.Name):
        return False
    node: ast.AST | None = context.parent(call)
    while node is not None and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if isinstance(node, ast.ExceptHandler) and node.name == read.id:
            return True
        node = context.parent(node)
    return False


def _read_name(node: ast.AST) -> str | None:
    """The name a value is read under: `password`, `user.password`, `creds['api_key']`."""
    name = read_name(node)
    if name is not None:
        return name
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"get", "getenv"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value  # `config.get("password")`, `os.getenv("API_TOKEN")`
    return None


def _secret_reads(node: ast.AST, context: ModuleContext) -> Iterator[tuple[ast.AST, Confidence]]:
    """Reads of secret-named values whose text ends up in `node`'s value.

    Follows f-strings, `%` and `+`, containers, conditional expressions and value-preserving
    calls (`str(...)`, `'...'.format(...)`); stops at any other call (`len(password)`,
    `mask(token)`), comparisons and slices, which do not reveal the value.
    """
    name = _read_name(node)
    if name is not None:
        strength = _secret_name_strength(name)
        if strength is not None and not _masked(node, context):
            yield node, strength
            return
        if strength is not None:
            return
    if isinstance(node, ast.Name):
        yield from _stored_secrets(node, context)
        return
    if isinstance(node, ast.Call):
        called = context.call_name(node)
        method = node.func.attr if isinstance(node.func, ast.Attribute) else None
        if called in _PASSTHROUGH_CALLS:
            parts: list[ast.AST] = [*node.args, *(k.value for k in node.keywords)]
        elif method in _PASSTHROUGH_METHODS and isinstance(node.func, ast.Attribute):
            parts = [node.func.value, *node.args, *(k.value for k in node.keywords)]
        else:
            return
    elif isinstance(node, ast.Dict):
        parts = []
        for key, value in zip(node.keys, node.values, strict=True):
            key_name = key.value if isinstance(key, ast.Constant) else None
            strength = _secret_name_strength(key_name) if isinstance(key_name, str) else None
            if strength is not None and not context.is_constant(value) and _reveals(value, context):
                yield value, strength
            else:
                parts.append(value)
    elif isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, _VALUE_CARRIERS):
        parts = list(ast.iter_child_nodes(node))
    else:
        return
    for part in parts:
        yield from _secret_reads(part, context)


def _masked(node: ast.AST, context: ModuleContext) -> bool:
    """Whether `node` is a local assigned once from slices of a value and fixed text only
    (`short_token = token[:5] + "..." + token[-5:]`): a masked form, whose name still says
    token but whose text reveals a few characters of it, not the credential."""
    value = assigned_value(node, context) if isinstance(node, ast.Name) else node
    if value is node:
        return False
    pieces = value.values if isinstance(value, ast.JoinedStr) else [value]
    while any(isinstance(p, ast.BinOp) and isinstance(p.op, ast.Add) for p in pieces):
        pieces = [
            part
            for p in pieces
            for part in ((p.left, p.right) if isinstance(p, ast.BinOp) else (p,))
        ]
    pieces = [p.value if isinstance(p, ast.FormattedValue) else p for p in pieces]
    return any(isinstance(p, ast.Subscript) for p in pieces) and all(
        isinstance(p, ast.Constant)
        or (isinstance(p, ast.Subscript) and isinstance(p.slice, ast.Slice))
        for p in pieces
    )


def _key_strength(key: ast.AST | None) -> Confidence | None:
    """How surely a constant dict key names a credential: `'password'`, `'api_key'`, and the
    HTTP headers that carry one (`'Authorization'`, `'Proxy-Authorization'`)."""
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    if key.value.lower() in _CREDENTIAL_HEADERS:
        return Confidence.HIGH
    return _secret_name_strength(key.value)


def _stored_secrets(name: ast.Name, context: ModuleContext) -> Iterator[tuple[ast.AST, Confidence]]:
    """A dict logged whole after the function stored a credential in it: `headers['Authorization']
    = self.auth_header` (or `headers = {'Authorization': ...}`) earlier in the same function, with
    no later rebinding of the name, constant store under that key, `del` or `pop` of it."""
    function = context.enclosing_function(name)
    if function is None:
        return
    held: dict[str, tuple[ast.AST, Confidence]] = {}
    before = (name.lineno, name.col_offset)
    writes = nodes_owned_by(context, function, (ast.Assign, ast.Delete, ast.Call))
    for statement in sorted(writes, key=_position):
        if _position(statement) >= before:
            break
        for target, value in _stores(statement):
            if isinstance(target, ast.Name) and target.id == name.id:
                held = {}  # rebound: only what a dict literal holds is known
                for key, item in zip(*_dict_items(value), strict=True):
                    if (strength := _key_strength(key)) and not context.is_constant(item):
                        held[str(getattr(key, "value", ""))] = (item, strength)
            elif _on_name(target, name.id) and (strength := _key_strength(target.slice)):
                key_text = str(getattr(target.slice, "value", ""))
                held.pop(key_text, None)
                if (
                    value is not None
                    and not context.is_constant(value)
                    and _reveals(value, context)
                ):
                    held[key_text] = (value, strength)
    yield from held.values()


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _stores(node: ast.AST) -> Iterator[tuple[ast.AST, ast.AST | None]]:
    """(target, value) pairs a statement writes; `del d[k]` and `d.pop(k)` write None."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield target, node.value
    elif isinstance(node, ast.Delete):
        for target in node.targets:
            yield target, None
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "pop"
        and node.args
    ):
        yield ast.Subscript(value=node.func.value, slice=node.args[0]), None


def _on_name(target: ast.AST, name: str) -> bool:
    return (
        isinstance(target, ast.Subscript)
        and isinstance(target.value, ast.Name)
        and target.value.id == name
    )


def _dict_items(value: ast.AST | None) -> tuple[list[ast.expr | None], list[ast.expr]]:
    if isinstance(value, ast.Dict):
        return value.keys, value.values
    return [], []


def _reveals(value: ast.AST, context: ModuleContext) -> bool:
    """Whether a value logged under a secret key is the raw value (not `mask(x)` or `len(x)`).

    Text built by formatting (`"[%d redacted]" % (len(key),)`, an f-string, `+`) reveals the
    secret only through a part that does: fixed text and derived values around it do not.
    """
    if isinstance(value, ast.Call):
        return context.call_name(value) in _PASSTHROUGH_CALLS
    if isinstance(value, ast.Constant):
        return False
    if isinstance(value, ast.BinOp | ast.JoinedStr | ast.FormattedValue | ast.Tuple | ast.List):
        return any(_reveals(part, context) for part in _formatted_parts(value))
    return not isinstance(value, ast.Compare | ast.Subscript) or _read_name(value) is not None


def _formatted_parts(value: ast.AST) -> list[ast.AST]:
    """The parts whose text a formatted value shows: operands, f-string pieces, elements
    (a conversion's format spec is fixed text and shows nothing of the value)."""
    if isinstance(value, ast.FormattedValue):
        return [value.value]
    return [part for part in ast.iter_child_nodes(value) if isinstance(part, ast.expr)]


@rule(
    id="secret-in-log",
    name="Secret written to a log",
    cwe=532,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A password, token, API key or other credential is passed to a logging call or print.",
    fix="Log that the event happened and whose it was, never the secret: drop the value, or log "
    "a redacted form (`'***'`, the last four characters, a key id).",
    what_it_does="Reports `logging`/logger calls (`debug`, `info`, `warning`, `error`, "
    "`exception`, `critical`, `log`) and `print` whose arguments include, directly or through "
    "f-strings, `%`/`.format` formatting, containers or `str()`, a value read from a variable, "
    "attribute, key or setting named like a secret (`password`, `passwd`, `secret`, `token`, "
    "`api_key`, `private_key`, `credentials`). Names that describe a secret without holding it "
    "(`password_length`, `token_count`), derived values (`len(password)`) and masked forms (a "
    "local built from slices and fixed text only, `short = token[:5] + '...' + token[-5:]`) "
    "are not reported, "
    "nor is a bare `token` in a function that never speaks of authentication (auth, bearer, "
    "session, login, credentials, API keys): there it is a lexer's or header parser's token.",
    why_bad="Logs are copied to aggregation services, backups, support tickets and developer "
    "laptops, are kept for months and are readable by many more people than the credential "
    "store. A password or token written there is exposed to all of them, usually without "
    "anyone noticing, and stays valid until it is rotated.",
    example="logger.info('login for %s with password %s', username, password)",
    use_instead="logger.info('login for %s', username)",
    references=(
        "https://docs.python.org/3/library/logging.html",
        "https://docs.python.org/3/howto/logging-cookbook.html#using-filters-to-impart-contextual-information",
        "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/532.html",
    ),
    calls=frozenset({"print"}),
    methods=LOG_METHODS,
)
def secret_in_log(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report log and print calls that write the value of a secret-named variable."""
    assert isinstance(node, ast.Call)
    if not is_log_call(node, context):
        return
    reads: list[tuple[ast.AST, Confidence]] = []
    for argument in node.args:
        reads.extend(_secret_reads(argument, context))
    for keyword in node.keywords:
        if keyword.arg in {"exc_info", "stack_info", "stacklevel", "file", "sep", "end", "flush"}:
            continue
        strength = _secret_name_strength(keyword.arg) if keyword.arg else None
        if strength is not None and not context.is_constant(keyword.value):
            if not _masked(keyword.value, context):
                reads.append((keyword.value, strength))  # structlog: log.info("login", token=t)
        else:
            reads.extend(_secret_reads(keyword.value, context))
    if not reads:
        return
    printed = context.call_name(node) == "print"
    if printed:
        # print is also how command-line tools show a user their own new token, and how a
        # tokenizer's author looks at a bare `token`: only clearer names count, at MEDIUM.
        reads = [(r, Confidence.MEDIUM) for r, strength in reads if strength > Confidence.MEDIUM]
        if not reads:
            return
    reads = [
        (r, s)
        for r, s in reads
        if not _plain_token(r, node, context)
        and not _names_a_file(r, node, context)
        and not _caught_exception(r, node, context)
    ]
    if not reads:
        return
    secret, strength = max(reads, key=lambda read: read[1])
    sink = "prints" if printed else "logs"
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` {sink} the value of `{context.one_line(secret)}`; "
        "everyone who can read the logs (operators, log services, backups) gets the credential.",
        confidence=strength,
    )
