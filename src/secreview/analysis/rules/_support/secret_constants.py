"""Which string constants are hard-coded secrets, judged once per module for three rules.

A constant is judged first by its value (provider token formats, private key blocks, passwords
inside connection strings), then by the name it is bound to (assignment target, attribute, dict
key, keyword, parameter default, comparison, or the key argument of a crypto call). The verdict is
kept (by `context.derived`), so `hardcoded-credential`, `hardcoded-password` and
`hardcoded-crypto-key` each report the secrets of their own CWE without judging anything twice.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from secreview.analysis.rules._support.schema_examples import in_schema_example
from secreview.analysis.rules._support.secret_labels import is_enum_member_value, names_its_own_kind
from secreview.analysis.rules._support.secret_sequences import (
    is_word_list,
    labels_a_read_value,
    lists_names,
)
from secreview.analysis.rules._support.secret_text import (
    constant_text,
    literal_opening,
    redact,
    schema_detail,
    span_node,
)
from secreview.analysis.rules._support.test_doubles import in_test_double
from secreview.credentials import (
    AUTH_SCHEME,
    CREDENTIAL,
    CRYPTO_KEY,
    ENVIRONMENT_LOOKUPS,
    KEY_ARGUMENT_OF,
    PASSWORD,
    PASSWORD_ARGUMENT_OF,
    PLAIN_WORDS,
    NameVerdict,
    format_secret,
    is_not_a_secret,
    looks_random,
    name_verdict,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.facts import parameter_defaults

_KIND = {PASSWORD: "password", CREDENTIAL: "credential", CRYPTO_KEY: "cryptographic key"}
_SIZE_ATTRIBUTES = frozenset({"digest_size", "block_size"})


class _Binding(NamedTuple):
    """What a string constant is bound to: the name that says what it is, and where to point.

    `sink_cwe` is set when the place itself says what the value is (the key argument of
    `hmac.new`, the password of `HTTPBasicAuth`), whatever the name; `fallback` when the value is
    only used if an environment variable is missing.

    Nearly every string of a module is bound to something and nearly none is a secret, so the
    text shown and the node pointed at are only worked out for a secret (`place`): `where` is a
    template whose `{}` takes the code of `shown`, and a keyword `anchor` points at its name.
    """

    name: str
    anchor: ast.AST
    where: str
    sink_cwe: int | None = None
    fallback: bool = False
    verb: str = "is set to"
    shown: ast.AST | None = None

    def place(self, context: ModuleContext) -> tuple[ast.AST, str]:
        """The node the report points at and the words naming the place, for a secret."""
        anchor = _keyword_name(self.anchor) if isinstance(self.anchor, ast.keyword) else self.anchor
        if self.shown is None:
            return anchor, self.where
        return anchor, self.where.format(context.one_line(self.shown))


class Secret(NamedTuple):
    """One hard-coded secret, ready to be reported by the rule of its CWE."""

    cwe: int
    anchor: ast.AST
    message: str
    severity: Severity | None = None
    confidence: Confidence | None = None


# ----- where a constant is bound ----------------------------------------------------------------
def _index_of(
    child: ast.AST, items: list[ast.expr] | list[ast.expr | None], context: ModuleContext
) -> int | None:
    """Position of `child` among `items`, by identity (equal-looking nodes are different places).

    Each list is indexed once, so a table of n strings costs n look-ups, not n² comparisons
    (a 2 MB list literal took hours).
    """
    positions = context.derived(_new_position_tables)
    table = positions.get(id(items))
    if table is None:
        table = positions[id(items)] = {id(item): i for i, item in enumerate(items)}
    return table.get(id(child))


def _named(target: ast.AST, context: ModuleContext) -> _Binding | None:
    """The binding for a value stored into or compared with `target`, when it has a name."""
    match target:
        case ast.Name(id=name):
            return _Binding(name, target, f"`{name}`")
        case ast.Attribute(attr=name):
            return _Binding(name, target, "`{}`", shown=target)
        case ast.Subscript(slice=ast.Constant(value=str() as name)):
            return _Binding(name, target, "`{}`", shown=target)
        case ast.Call(func=ast.Attribute(attr="get"), args=[ast.Constant(value=str() as name), *_]):
            return _Binding(name, target, "`{}`", shown=target)
    return None


def _keyword_name(keyword: ast.keyword) -> ast.AST:
    """A node spanning just the name of `keyword`, so the report does not show its value."""
    name = keyword.arg or ""
    return span_node(keyword.lineno, keyword.col_offset, len(name.encode("utf-8")), name)


def _call_binding(call: ast.Call, child: ast.AST, context: ModuleContext) -> _Binding | None:
    """The binding when `child` is the key or password argument of a call that takes one."""
    name = context.call_name(call)
    if name in ENVIRONMENT_LOOKUPS and len(call.args) == 2 and call.args[1] is child:
        variable = call.args[0]
        if isinstance(variable, ast.Constant) and isinstance(variable.value, str):
            where = f"The fallback of `{name}({{}}, …)`"
            return _Binding(
                variable.value, call.func, where, fallback=True, verb="is", shown=variable
            )
        return None
    for table, cwe in ((KEY_ARGUMENT_OF, CRYPTO_KEY), (PASSWORD_ARGUMENT_OF, PASSWORD)):
        if name in table:
            position, keyword = table[name]
            if context.argument(call, position, keyword) is child:
                if _only_measured(call, context):
                    return None
                where = f"The {keyword.replace('_', ' ')} argument of `{name}`"
                return _Binding(keyword, call.func, where, sink_cwe=cwe, verb="is")
    if (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "login"
        and len(call.args) >= 2
        and call.args[1] is child
    ):
        where = "The password argument of `{}`"
        return _Binding("password", call.func, where, sink_cwe=PASSWORD, verb="is", shown=call.func)
    return None


def _only_measured(call: ast.Call, context: ModuleContext) -> bool:
    """`len(hmac.new(b'x', b'x', sha1).digest())`: a key used to learn the digest's size."""
    node: ast.AST = call
    parent = context.parent(node)
    if isinstance(parent, ast.Attribute) and parent.attr in _SIZE_ATTRIBUTES:
        return True
    if isinstance(parent, ast.Attribute) and parent.attr in {"digest", "hexdigest"}:
        node = context.parent(parent) or parent  # the `.digest()` call
        parent = context.parent(node)
    return isinstance(parent, ast.Call) and context.call_name(parent) == "len"


_BINDING_PARENTS = frozenset((ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.keyword, ast.Dict))
_BINDING_PARENTS |= {ast.Compare, ast.arguments, ast.Call}  # exact types: the parser's own


def _binding(node: ast.Constant, context: ModuleContext) -> _Binding | None:
    """What `node` is bound to: assignment, keyword, dict key, default, comparison or sink."""
    child: ast.AST = node
    parent = context.parent(node)
    # Items of a sequence share its name (`PASSWORDS = [...]`), except pairs unpacked into
    # names and the (user, password) pair given as `auth=`. One level only: the strings of
    # nested tables (`tokens = [(r"regex", Token), ...]`) are not what the name names.
    if isinstance(parent, ast.Tuple | ast.List | ast.Set):
        if lists_names(parent, context) or is_word_list(parent):
            return None  # `SECRET_KEYS = {"accountkey", "password"}`: keys to redact, by name
        if schema_detail(parent, child):
            return None
        grand = context.parent(parent)
        if (
            isinstance(grand, ast.Assign)
            and grand.value is parent
            and (index := _index_of(child, parent.elts, context)) is not None
        ):
            for target in grand.targets:
                if isinstance(target, ast.Tuple | ast.List) and len(target.elts) == len(
                    parent.elts
                ):
                    return _named(target.elts[index], context)
        if isinstance(grand, ast.keyword) and grand.arg == "auth" and len(parent.elts) == 2:
            if _index_of(child, parent.elts, context) != 1:
                return None
            where = "The password of `auth=`"
            return _Binding("password", grand, where, sink_cwe=PASSWORD, verb="is")
        if labels_a_read_value(parent):
            return None  # `("SABnzbd", "sab_password", self.SAB_PASSWORD)`: its labels
        child, parent = parent, grand
    if parent.__class__ not in _BINDING_PARENTS:
        return None  # most strings (docstrings, operands, subscripts): no case below matches
    match parent:
        case ast.Assign(targets=targets, value=value) if value is child:
            return next((found for target in targets if (found := _named(target, context))), None)
        case (
            ast.AnnAssign(target=target, value=value) | ast.NamedExpr(target=target, value=value)
        ) if value is child:
            return _named(target, context)
        case ast.keyword(arg=str() as name):
            call = context.parent(parent)
            if isinstance(call, ast.Call) and (found := _call_binding(call, child, context)):
                return found
            return _Binding(name, parent, f"`{name}=`")
        case ast.Dict(keys=keys, values=values):
            index = _index_of(child, values, context)
            key = keys[index] if index is not None else None
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return _Binding(key.value, key, "The dict key `{}`", shown=key)
        case ast.Compare(left=left, ops=[ast.Eq() | ast.NotEq()], comparators=[right]):
            other = right if left is child else left
            found = _named(other, context)
            return found._replace(verb="is compared with") if found else None
        case ast.arguments():
            return _default_binding(parent, child)
        case ast.Call():
            return _call_binding(parent, child, context)
    return None


def _default_binding(arguments: ast.arguments, child: ast.AST) -> _Binding | None:
    """The parameter whose default value is `child`."""
    for parameter, default in parameter_defaults(arguments):
        if default is child:
            return _Binding(parameter.arg, parameter, f"The default of parameter `{parameter.arg}`")
    return None


# ----- the analysis -----------------------------------------------------------------------------
def _secret_in_constant(node: ast.Constant, context: ModuleContext) -> Secret | None:
    """The hard-coded secret string constant `node` holds, judged by its value, then its name."""
    text = constant_text(node.value)
    parent = context.parent(node)
    if not text or isinstance(parent, ast.JoinedStr):
        return None
    binding = _binding(node, context)
    recognised = format_secret(text, prose=isinstance(parent, ast.Expr))
    if recognised is not None and in_schema_example(node, context):
        recognised = format_secret(text, prose=True)  # an example payload reads as prose does
    if recognised is not None:
        what, shown = recognised.label, redact(recognised.secret)
        cwe, severity, confidence = recognised.cwe, recognised.severity, recognised.confidence
        if binding is not None:
            anchor, where = binding.place(context)
        else:
            anchor, where = literal_opening(node, context.lines), "This string"
        return Secret(
            cwe,
            anchor,
            f"{where} holds what looks like {what}, {shown}; anyone who can read the code or "
            "its history can use it until it is revoked.",
            severity,
            confidence,
        )
    if binding is None:
        return None
    if binding.sink_cwe == CRYPTO_KEY:
        if context.is_test and not looks_random(text):
            return None  # a fixed key in a test is test data, not a leaked key
        anchor, where = binding.place(context)
        return Secret(
            CRYPTO_KEY,
            anchor,
            f"{where} is a hard-coded key, {redact(text)}; anyone with the source can "
            "forge or decrypt whatever it protects.",
            confidence=Confidence.HIGH,
        )
    verdict = (
        NameVerdict(binding.sink_cwe, decisive=True)
        if binding.sink_cwe is not None
        else name_verdict(binding.name)
    )
    scheme = AUTH_SCHEME.match(text)
    value = text[scheme.end() :] if scheme else text
    if verdict is None or is_not_a_secret(value, binding.name) or in_schema_example(node, context):
        return None
    if is_enum_member_value(node, context) or names_its_own_kind(value, binding.name):
        return None  # `PW = "passwdresolver"` in an Enum, `X_CREDENTIAL = "fido2_credential"`
    random = looks_random(value)
    if not random and (context.is_test or not verdict.decisive or in_test_double(node, context)):
        return None  # weak names need key-like values; tests are full of made-up passwords
    compared = binding.verb == "is compared with"
    if not random and (
        (verdict.cwe == CREDENTIAL and not any(c.isdigit() for c in value))
        or (compared and verdict.cwe == CRYPTO_KEY and PLAIN_WORDS.fullmatch(value))
    ):
        return None  # tokens set to 'optional' or compared with '#bygroup': API and parser words
    confidence = (
        Confidence.HIGH
        if verdict.decisive and random
        else Confidence.MEDIUM
        if verdict.decisive
        else Confidence.LOW
    )
    anchor, where = binding.place(context)
    if binding.fallback:
        return Secret(
            verdict.cwe,
            anchor,
            f"{where} {binding.verb} a hard-coded {_KIND[verdict.cwe]}, "
            f"{redact(value)}; wherever the variable is not set, the application silently runs "
            "with a secret everyone who has the code knows.",
            Severity.MEDIUM,
            confidence,
        )
    return Secret(
        verdict.cwe,
        anchor,
        f"{where} {binding.verb} a hard-coded {_KIND[verdict.cwe]}, {redact(value)}; "
        "anyone who can read the code or its history has it, and changing it needs a new release.",
        confidence=confidence,
    )


def _secret_at_key_argument(call: ast.Call, context: ModuleContext) -> Secret | None:
    """A crypto call keyed with a module constant that was not already reported where defined."""
    name = context.call_name(call)
    if name not in KEY_ARGUMENT_OF or context.is_test or _only_measured(call, context):
        return None
    position, keyword = KEY_ARGUMENT_OF[name]
    argument = context.argument(call, position, keyword)
    if argument is None or isinstance(argument, ast.Constant):
        return None  # literal keys are judged as constants
    text = constant_text(context.constant_value(argument))
    if not text:
        return None
    if isinstance(argument, ast.Name):
        definition = context.module_constants.get(argument.id)
        if isinstance(definition, ast.Constant) and secret_at(definition, context):
            return None  # already reported where the constant is assigned
    return Secret(
        CRYPTO_KEY,
        argument,
        f"`{name}` is keyed with `{context.one_line(argument)}`, a hard-coded key {redact(text)}; "
        "anyone with the source can forge or decrypt whatever it protects.",
        confidence=Confidence.HIGH,
    )


def _new_secret_table(context: ModuleContext) -> dict[int, Secret | None]:
    """An empty table of secrets by node id, filled as the rules ask (one per module): each
    secret is judged on first use and shared by the three rules."""
    return {}


_UNJUDGED = object()
"""`secret_at`'s miss in the table (None is an answer: no secret there)."""


def _new_position_tables(context: ModuleContext) -> dict[int, dict[int, int]]:
    """An empty table of list positions (list id -> item id -> index), one per module."""
    return {}


def secret_at(node: ast.AST, context: ModuleContext) -> Secret | None:
    """The secret reported at `node` (a string constant or a crypto call), judged once."""
    constant = isinstance(node, ast.Constant)
    if constant and not isinstance(node.value, (str, bytes)):  # type: ignore[attr-defined]
        return None  # not memoised: a 2 MB table of numbers would cost a 60 MB memo of Nones
    found = context.derived(_new_secret_table)
    secret = found.get(id(node), _UNJUDGED)
    if secret is _UNJUDGED:
        if constant:
            secret = _secret_in_constant(node, context)  # type: ignore[arg-type]
        elif isinstance(node, ast.Call):
            secret = _secret_at_key_argument(node, context)
        else:
            secret = None
        found[id(node)] = secret
    return secret  # type: ignore[return-value]
