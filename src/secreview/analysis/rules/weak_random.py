"""CWE-338: security values (tokens, passwords, salts, keys) drawn from a predictable PRNG.

Only uses whose *destination* says "secret" are reported: `random.choice(colors)` in a game is
fine, `reset_token = "".join(random.choice(alphabet) for _ in range(32))` is not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.crypto_names import (
    Phrase,
    bound_values,
    destination,
    name_words,
    phrase_at_end,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import UNKNOWN, ModuleContext
from secreview.index.node_types import nodes_of

_RANDOM_METHODS = frozenset(
    {
        "choice",
        "choices",
        "getrandbits",
        "randbytes",
        "randint",
        "random",
        "randrange",
        "sample",
        "shuffle",
        "uniform",
    }
)
_NUMPY_FUNCTIONS = frozenset(
    f"numpy.random.{name}" for name in ("bytes", "choice", "rand", "randint", "random")
)

_KEY_QUALIFIERS = (
    "access",
    "aes",
    "api",
    "auth",
    "encryption",
    "hmac",
    "master",
    "private",
    "secret",
    "session",
    "shared",
    "signing",
)
_CODE_QUALIFIERS = (
    "activation",
    "auth",
    "authorization",
    "backup",
    "confirmation",
    "invite",
    "login",
    "mfa",
    "otp",
    "pin",
    "recovery",
    "reset",
    "security",
    "sms",
    "verification",
    "verify",
)
_SECURITY_PHRASES: tuple[Phrase, ...] = (
    *(
        (word,)
        for word in (
            "apikey",
            "authenticator",
            "challenge",
            "csrf",
            "hotp",
            "iv",
            "nonce",
            "otp",
            "passphrase",
            "passwd",
            "password",
            "pwd",
            "salt",
            "secret",
            "sessionid",
            "token",
            "totp",
            "xsrf",
        )
    ),
    ("session", "id"),
    *((qualifier, "key") for qualifier in _KEY_QUALIFIERS),
    *((qualifier, "code") for qualifier in _CODE_QUALIFIERS),
)
"""Head nouns of names that hold a security value. Bare `key` and `code` are left out on purpose:
`key = random.choice(list(cache))` and `code = random.choice(colors)` are everyday code."""

_NON_MAKING_VERBS = frozenset(
    {
        "check",
        "clear",
        "compare",
        "decode",
        "delete",
        "expire",
        "has",
        "is",
        "parse",
        "remove",
        "revoke",
        "test",
        "validate",
        "verify",
    }
)
"""First words of functions that look at a security value instead of making one."""
_PREPOSITIONS = frozenset({"by", "for", "from", "in", "of", "to", "with"})


def _is_security_name(name: str) -> bool:
    """Whether `name` holds a security value (`reset_token_hex`, `csrf`; not `sort_key`)."""
    return phrase_at_end(name_words(name), _SECURITY_PHRASES) is not None


def _function_makes_secret(name: str) -> bool:
    """`generate_token`, `new_session_id`, `make_reset_code_for(user)`; not `verify_token`."""
    words = name_words(name)
    if not words or words[0] in _NON_MAKING_VERBS:
        return False
    for index, word in enumerate(words):
        if word in _PREPOSITIONS:
            words = words[:index]
            break
    return phrase_at_end(words, _SECURITY_PHRASES) is not None


def _random_instances(context: ModuleContext) -> frozenset[str]:
    """Receivers (`rng`, `self._random`) only ever bound to `random.Random(...)` in the module."""
    return context.derived(_find_random_instances)


def _find_random_instances(context: ModuleContext) -> frozenset[str]:
    """`_random_instances`, computed (once per module)."""
    return frozenset(
        receiver
        for receiver, values in bound_values(context.tree, context).items()
        if all(
            isinstance(value, ast.Call) and context.call_name(value) == "random.Random"
            for value in values
        )
    )


def _predictable_source(call: ast.Call, context: ModuleContext) -> str | None:
    """What predictable generator `call` draws from, or None for anything else."""
    name = context.call_name(call)
    if name is not None:
        if name.startswith("random.") and name.removeprefix("random.") in _RANDOM_METHODS:
            return "the `random` module's Mersenne Twister"
        if name in _NUMPY_FUNCTIONS:
            return "NumPy's legacy Mersenne Twister"
        return None
    if not (isinstance(call.func, ast.Attribute) and call.func.attr in _RANDOM_METHODS):
        return None
    receiver = call.func.value
    if isinstance(receiver, ast.Call) and context.call_name(receiver) == "random.Random":
        return "a `random.Random` Mersenne Twister"
    if context.segment(receiver) in _random_instances(context):
        return f"`{context.segment(receiver)}` (a `random.Random` Mersenne Twister)"
    return None


@rule(
    id="insecure-random-token",
    name="Security value from a predictable random generator",
    cwe=338,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A token, password, salt, nonce or key is generated with the `random` module.",
    fix="Use the secrets module: secrets.token_urlsafe(32) or secrets.token_hex(16) for tokens, "
    "secrets.choice(alphabet) / secrets.randbelow(n) to pick characters or numbers, "
    "os.urandom(16) for salts and IVs (or random.SystemRandom() where an API needs a Random).",
    what_it_does="Reports calls to the `random` module (`random.random`, `randint`, `choice`, "
    "`choices`, `randrange`, `getrandbits`, `randbytes`, `sample`, `shuffle`, `uniform`), to "
    "methods of `random.Random()` instances and to `numpy.random` when the value ends up in a "
    "name, attribute, keyword argument, dict key or subscript that names a security value "
    "(token, password, passwd, secret, salt, nonce, iv, otp, session id, csrf, authenticator, "
    "challenge, api/secret/"
    "signing key, reset/verification/confirmation code...), or inside a function whose name "
    "says it makes one (`generate_token`, `make_password`, `new_session_id`). Names are judged "
    "by their head noun, so `sort_key`, `cache_key`, `key_func`, `password_length` and `tokens` "
    "stay quiet, and so does every other use of `random` (games, sampling, jitter, tests). "
    "`random.SystemRandom()` and `secrets` read the operating system's CSPRNG and are never "
    "reported. The rule is filed under CWE-338 (weak PRNG) rather than its parent CWE-330 "
    "because the defect is precisely the choice of a non-cryptographic generator: the values "
    "are random enough statistically, but predictable to an adversary.",
    why_bad="`random` is a Mersenne Twister: its whole state can be rebuilt from 624 observed "
    "32-bit outputs (tools such as randcrack do it in seconds), and code that calls "
    "`random.seed` with a guessable value makes every output guessable. An attacker who "
    "collects a few of your tokens, or your own password-reset emails, can then predict the "
    "next reset token, session id or one-time code and take over other accounts.",
    example="import random, string\n\n"
    "reset_token = ''.join(random.choice(string.ascii_letters) for _ in range(32))",
    use_instead="import secrets\n\nreset_token = secrets.token_urlsafe(32)",
    references=(
        "https://docs.python.org/3/library/random.html",
        "https://docs.python.org/3/library/secrets.html",
        "https://peps.python.org/pep-0506/",
        "https://cwe.mitre.org/data/definitions/338.html",
    ),
    call_imports=("random", "numpy"),
)
def insecure_random_token(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report predictable random values that flow into something named like a secret."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(("random", "numpy")):
        return
    source = _predictable_source(node, context)
    if source is None:
        return
    where = destination(node, context)
    field = _field_name(node, context)
    if field is not None and not _is_security_name(field):
        return  # `{"jti": random...}` inside a token: the draw fills that field, not the token
    for name in where.names:
        if _is_security_name(name):
            yield Hit(
                node=node,
                message=f"`{context.one_line(node)}` draws from {source} to make "
                f"`{name}`; its output can be predicted from earlier values, so an attacker can "
                "guess the next one.",
            )
            return
    function = context.enclosing_function(node)
    if function is not None and _function_makes_secret(function.name):
        returned = ", which returns the result" if where.returned else ""
        yield Hit(
            node=node,
            message=f"`{context.one_line(node)}` draws from {source} inside "
            f"`{function.name}`{returned}; values it makes can be predicted from earlier ones, "
            "so an attacker can guess the next one.",
            confidence=None if where.returned else Confidence.LOW,
        )


def _field_name(node: ast.expr, context: ModuleContext) -> str | None:
    """The constant key of the nearest dict entry whose value carries `node` in the same
    statement (`"jti"` in `jwt.encode({"jti": "".join(random.choice(...))})`), else None."""
    child: ast.AST = node
    for parent in context.ancestors(node):
        if isinstance(parent, ast.stmt | ast.Lambda | ast.Compare):
            return None
        if isinstance(parent, ast.Dict):
            for key, value in zip(parent.keys, parent.values, strict=True):
                if value is child and isinstance(key, ast.Constant) and isinstance(key.value, str):
                    return key.value
            return None
        child = parent
    return None


def _security_draws(context: ModuleContext) -> tuple[ast.Call, ...]:
    """The calls in the module that `insecure-random-token` reports, in source order."""
    return context.derived(_find_security_draws)


def _find_security_draws(context: ModuleContext) -> tuple[ast.Call, ...]:
    """`_security_draws`, computed (once per module)."""
    draws = (
        node
        for node in nodes_of(context, ast.Call)
        if next(insecure_random_token.check(node, context), None)
    )
    return tuple(sorted(draws, key=lambda call: (call.lineno, call.col_offset)))


def _draw_after(seed: ast.Call, context: ModuleContext) -> ast.Call | None:
    """The security draw the evidence names for `seed`: the first after it in its own function,
    else the first after it in the module, else the first in the module (a seed at import
    time fixes what every later draw makes; a draw elsewhere, earlier in the file, may still
    run after it)."""
    draws = _security_draws(context)
    if not draws:
        return None
    place = (seed.lineno, seed.col_offset)
    later = [draw for draw in draws if (draw.lineno, draw.col_offset) > place]
    function = context.enclosing_function(seed)
    own = [draw for draw in later if context.enclosing_function(draw) is function]
    return (own or later or draws)[0]


def _seeded_value(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The seed of `random.seed(x)`, `random.Random(x)` or `rng.seed(x)` on a `random.Random`."""
    name = context.call_name(call)
    if name in ("random.seed", "random.Random"):
        return context.argument(call, 0, "a" if name == "random.seed" else "x")
    if (
        name is None
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "seed"
        and context.segment(call.func.value) in _random_instances(context)
    ):
        return context.argument(call, 0, "a")
    return None


@rule(
    id="constant-random-seed",
    name="Random generator seeded with a constant where it makes security values",
    cwe=337,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="`random` is seeded with a constant in a module that draws tokens, passwords or "
    "keys from it.",
    fix="Remove the seed and make security values with the secrets module "
    "(secrets.token_urlsafe, secrets.choice); keep fixed seeds for simulations and tests only.",
    what_it_does="Reports `random.seed(<constant>)`, `random.Random(<constant>)` and "
    "`rng.seed(<constant>)` on a `random.Random` instance, when the same module also draws a "
    "value that `insecure-random-token` reports (a token, password, salt or key made with "
    "`random`). A seed of `None`, a seed read at run time, and constant seeds in modules that "
    "use `random` only for games, sampling or tests are not reported.",
    why_bad="A Mersenne Twister seeded with a constant produces the same sequence on every run: "
    "the tokens, passwords or keys it makes are not merely guessable from earlier outputs, they "
    "are the same for every installation and can be computed by anyone who reads the source.",
    example="random.seed(42)\napi_key = ''.join(random.choice(alphabet) for _ in range(32))",
    use_instead="import secrets\n\napi_key = secrets.token_urlsafe(32)",
    references=(
        "https://docs.python.org/3/library/random.html#random.seed",
        "https://docs.python.org/3/library/secrets.html",
        "https://cwe.mitre.org/data/definitions/337.html",
    ),
    call_imports=("random",),
)
def constant_random_seed(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report constant seeds of `random` in modules that make security values with it."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(("random",)):
        return
    seed = _seeded_value(node, context)
    if seed is None or context.constant_value(seed) in (None, UNKNOWN):
        return
    draw = _draw_after(node, context)
    if draw is None:
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` fixes the sequence of `random`, and "
        f"`{context.one_line(draw)}` (line {draw.lineno}) makes a security value from it: "
        "every run, everywhere, produces the same value.",
        evidence=((draw, "a security value drawn from the seeded generator"),),
    )
