"""Format strings: which conversions leave no attacker-chosen line breaks (or no text at all).

`"%r" % value`, `f"{value!r}"`, `"{!r}".format(value)` and `logger.info("%r", value)` insert
`repr(value)`, which writes a line break as the two characters `\\n`: the result can no longer
forge a log entry or split a header. A numeric conversion (`%d`, `%.2f`, `{:x}`, `f"{n:d}"`)
inserts digits, a sign, a point or an exponent, or raises: no quote, separator or markup, so the
value is harmless to every injection sink (`NUMBER_SAFE_KINDS`); a number can still be a
predictable token, an integer host (`http://%d/`) or a quantity, so those kinds keep its flows.
A value used by any other conversion keeps its taint; so does every value of a format the engine
cannot read (`%*d`).

Wherever it is inserted, a value placed after a `?` (or `#`) of the format's fixed text is in a
URL's query string or fragment (`f"{base}search?q={term}"`), and one placed after a path segment
of it (`f"{base}files/{name}"`) is in the path (`url_text`): it cannot choose the host the URL
reaches, so it is no server-side request forgery nor open redirect by itself.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable

from secreview.analysis.taint.container_types import is_typed_dict
from secreview.analysis.taint.flows import FORMATTED_WHOLE
from secreview.analysis.taint.markers import ITEM_READ
from secreview.analysis.taint.values import Flow, Value, has_query_mark
from secreview.patterns import lazy_pattern

LINE_BREAK_KINDS = frozenset({"log", "header"})
"""The sink kinds a line break is the danger of."""
NUMBER_SAFE_KINDS = frozenset(
    {"command", "sql", "code", "path", "regex", "regex-text", "html", "ldap", "xpath", "nosql",
     "log", "header", "template", "xml", "xxe", "deserialization", "kql"}
)  # fmt: skip
"""The injection sink kinds whose syntax no formatted number can change."""
_NOT_WHOLE = frozenset({FORMATTED_WHOLE, ITEM_READ})
"""Markers that keep `_whole` from marking a flow: already marked, or an item of the parameter."""
_NUMERIC_CONVERSIONS = frozenset("diouxXeEfFgG")
_NUMERIC_SPEC_TYPES = frozenset("bdoxXneEfFgG%")
"""Presentation types of a format spec (`{:08.3f}`) that only take numbers."""
QUERY_KINDS = frozenset({"ssrf", "redirect"})
"""The sink kinds only a URL's scheme and host are the danger of (see `semantics.HOST_SENSITIVE`):
data in the query string or fragment is harmless to them."""
_PERCENT_FIELD = lazy_pattern(
    r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?(?:\.(?P<precision>\*|\d+))?[hlL]?"
    r"(?P<conversion>[diouxXeEfFgGcrsab%])"
)


def conversion_kinds(conversion: str) -> frozenset[str]:
    """The sink kinds a value is safe for once formatted with `conversion` (`r`, `s`, `d`...)."""
    if conversion in ("r", "a"):
        return LINE_BREAK_KINDS
    return NUMBER_SAFE_KINDS if conversion in _NUMERIC_CONVERSIONS else frozenset()


def spec_kinds(spec: str | None) -> frozenset[str]:
    """What a format spec (`08.3f`, `x`) makes its value safe for: a numeric presentation type
    only takes numbers; a nested field (`{:{width}}`) or anything else, nothing."""
    if not spec or "{" in spec or spec[-1] not in _NUMERIC_SPEC_TYPES:
        return frozenset()
    return NUMBER_SAFE_KINDS


def fstring_kinds(node: ast.FormattedValue) -> frozenset[str]:
    """What an f-string field's `!r` / `!a` conversion, or its numeric spec (`{n:d}`), makes
    its value safe for."""
    kinds = conversion_kinds(chr(node.conversion)) if node.conversion > 0 else frozenset()
    spec = node.format_spec
    if isinstance(spec, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in spec.values):
        kinds |= spec_kinds("".join(str(v.value) for v in spec.values))  # type: ignore[attr-defined]
    return kinds


def field_kinds(conversion: str, before: str) -> frozenset[str]:
    """What a field with `conversion`, after the fixed text `before`, makes its value safe for."""
    kinds = conversion_kinds(conversion)
    return kinds | QUERY_KINDS if has_query_mark(before) else kinds


ENCODED = "builtins.bytes"
"""The type of `text.encode(...)`: bytes (`encoded_type`)."""
_CODEC_NAME = lazy_pattern(r"^[A-Za-z][A-Za-z0-9_.-]*$")
"""A codec or error handler name as `str.encode` takes it (`utf-8`, `ascii`, `ignore`)."""
BYTES_TYPES = frozenset(
    {
        f"{response}.{attribute}"
        for response in ("http.ClientResponse", "http.ServiceResponse")
        for attribute in ("content", "data")
    }
    | {"web.Request.body", "web.Request.data", ENCODED}
)
"""Typed sources that hold `bytes` (an HTTP client response's `content`, urllib3's `data`, a
request's raw `body`: Django's, WebOb's, Sanic's, Starlette's `await request.body()`; Flask's
and Quart's `request.data`, which in Django REST framework is the parsed body, a dict or a
`QueryDict` whose `repr` escapes line breaks as well) and text encoded (`ENCODED`): `str` of
bytes is their `repr`, `b'...\\n...'`, with every line break written as `\\n`. Only the value
itself: `.decode()` of it, an item of it, or JSON parsed from it, is text again (another type).
`get_data()` is left out: `as_text=True` makes it text."""


def encoded_type(method: str, args: list[Value], kwargs: dict[str, Value]) -> str | None:
    """`ENCODED` for `text.encode()` or `text.encode("utf-8", errors=...)`: `str.encode` names
    at most a codec and an error handler. An `encode` taking anything else is another class's
    (`json.JSONEncoder().encode(obj)`, `jwt.encode(payload, key)`), whose result may be text."""
    if method != "encode" or len(args) > 2 or set(kwargs) - {"encoding", "errors"}:
        return None
    named = [*args, *kwargs.values()]
    return ENCODED if all(_CODEC_NAME.match(str(v.const or "")) for v in named) else None


def formatted(value: Value, kinds: frozenset[str], node: ast.AST) -> Value:
    """`value` as a format inserts it: its flows made safe for `kinds`, and for line breaks when
    it is a list, tuple, set or dict the code built (its text is the `repr` of its items) or
    `bytes` (`BYTES_TYPES`: their `repr` too)."""
    container = is_plain_container(value)
    as_bytes = value.type in BYTES_TYPES
    if container or as_bytes:
        kinds |= LINE_BREAK_KINDS
    elif value.flows and any(f.parameter is not None and not f.within for f in value.flows):
        value = value.mapped(_whole)
    if not kinds or not value.all_flows():
        return value
    if kinds >= NUMBER_SAFE_KINDS:
        note = "formatted as a number"
    elif container:
        note = "formatted as a container (the `repr` of its items)"
    elif as_bytes:
        note = "formatted as bytes (their `repr`)"
    elif kinds & LINE_BREAK_KINDS:
        note = "formatted with `!r`"
    else:
        note = "after the URL's host (in its path or query string)"
    escaped = value.mapped(lambda f: f.then(node, note).sanitised(kinds))
    return Value(flows=escaped.all_flows())


def as_field_reprs(value: Value, node: ast.AST) -> Value:
    """An object as its text writes it, each field's `repr` or no data
    (`ChoiceTypes.writes_field_reprs`): its flows made safe for line breaks."""
    return _line_breaks_escaped(value, node, "formatted whole (its fields' `repr`s, or no data)")


def _line_breaks_escaped(value: Value, node: ast.AST, note: str) -> Value:
    """`value`'s flows, each through `node` with `note`, made safe for line breaks."""
    escaped = value.mapped(lambda f: f.then(node, note).sanitised(LINE_BREAK_KINDS))
    return Value(flows=escaped.all_flows())


def _whole(flow: Flow) -> Flow:
    """A flow of a whole parameter marked as written as text (`FORMATTED_WHOLE`)."""
    if flow.parameter is None or flow.within or flow.safe_for & _NOT_WHOLE:
        return flow
    return flow.sanitised({FORMATTED_WHOLE})


def formatted_whole(
    argument: Value, safe_for: frozenset[str], within: tuple[object, ...], flows: frozenset[Flow]
) -> frozenset[Flow]:
    """A caller's `flows` for a callee's parameter flow (its `safe_for` and `within`): escaped
    for line breaks when the callee wrote the whole parameter as text and the caller passes a
    container it built (`db.match(sql, (author_id,))` into `log.error("args: %s" % args)`: a
    tuple's `repr`), in this module or another."""
    if FORMATTED_WHOLE in safe_for and not within and is_plain_container(argument):
        return frozenset(f.sanitised(LINE_BREAK_KINDS) for f in flows)
    return flows


def is_plain_container(value: Value) -> bool:
    """Whether `value` is a list, tuple, set or dict built in the code whose known items are no
    objects of the project, or a dict known by its type (`is_typed_dict`: a model dump, a
    WSGI environ): `str` of it writes each item's `repr`, where a string's line break is the
    two characters `\\n` (a project object's `__repr__` could write anything)."""
    if is_typed_dict(value):
        return True
    if value.shape not in ("list", "tuple", "set", "dict"):
        return False
    return not any(
        part.function is not None or (part.type or "").startswith("class:")
        for part in value.parts.values()
    )


def _common(uses: Iterable[frozenset[str]]) -> frozenset[str]:
    """What every use of one value makes it safe for (nothing, if one use is a plain `%s`)."""
    result: frozenset[str] | None = None
    for kinds in uses:
        result = kinds if result is None else result & kinds
    return result or frozenset()


def percent_fields(template: str) -> list[tuple[str | None, frozenset[str]]] | None:
    """(mapping key or None, what it makes its value safe for) of each field of a `%` format;
    None when a width or a precision is itself an argument (`%*d`), so fields and arguments no
    longer pair up."""
    fields: list[tuple[str | None, frozenset[str]]] = []
    for match in _PERCENT_FIELD.finditer(template):
        if match["conversion"] == "%":
            continue
        if "*" in (match["width"], match["precision"]):
            return None
        kinds = field_kinds(match["conversion"], template[: match.start()])
        fields.append((match["key"], kinds))
    return fields


def percent_arguments(template: str, arguments: list[Value], node: ast.AST) -> list[Value]:
    """The positional arguments of `template % tuple(arguments)` (or a logging call's
    arguments after its message) as the format inserts them."""
    fields = percent_fields(template)
    if fields is None or any(key is not None for key, _ in fields):
        return arguments
    return [
        formatted(value, fields[i][1], node) if i < len(fields) else unused(value, node)
        for i, value in enumerate(arguments)
    ]


def unused(value: Value, node: ast.AST) -> Value:
    """An argument the format has no field for: `"%s" % (a, b)` raises, and a logging call
    whose message has too few fields (`logging.debug("SEND TO", peer, text)`) reports the
    formatting error with the arguments' `repr` instead of writing them into the entry, so
    the value can forge no log line or header."""
    if not value.all_flows():
        return value
    return _line_breaks_escaped(value, node, "not written: the message has no field for it")


def percent_result(template: str, right: Value, node: ast.AST) -> Value | None:
    """What `template % right` carries of `right`, or None to keep all of it."""
    fields = percent_fields(template)
    if not fields:
        return None
    if all(key is not None for key, _ in fields) and right.parts and right.shape == "dict":
        uses: dict[object, list[frozenset[str]]] = {}
        for key, kinds in fields:
            uses.setdefault(key, []).append(kinds)
        values = [formatted(right.part(k), _common(u), node) for k, u in uses.items()]
        return Value(flows=Value(parts=dict(enumerate(values))).all_flows())
    if right.shape == "tuple" and right.exact:
        ordered = [right.parts[i] for i in sorted(k for k in right.parts if isinstance(k, int))]
        values = percent_arguments(template, ordered, node)
        return Value(flows=Value(parts=dict(enumerate(values))).all_flows())
    if len(fields) == 1 and fields[0][0] is None and right.shape != "tuple":
        return formatted(right, fields[0][1], node)  # `"%s" % items` writes `str(items)`
    return None


def brace_arguments(
    template: str, args: list[Value], kwargs: dict[str, Value], node: ast.AST
) -> tuple[list[Value], dict[str, Value]]:
    """The arguments of `template.format(*args, **kwargs)` as the format inserts them."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return args, kwargs
    uses: dict[object, list[frozenset[str]]] = {}
    automatic = 0
    before = ""
    for literal, field, spec, conversion in parsed:
        before += literal
        if field is None:
            continue
        name = re.split(r"[.\[]", field, maxsplit=1)[0]
        key: object
        if name == "":
            key, automatic = automatic, automatic + 1
        else:
            key = int(name) if name.isdigit() else name
        kinds = field_kinds(conversion if conversion and field == name else "", before)
        if field == name and not conversion:
            kinds |= spec_kinds(spec)
        uses.setdefault(key, []).append(kinds)
        before += "{}"
    new_args = [formatted(v, _common(uses.get(i, ())), node) for i, v in enumerate(args)]
    new_kwargs = {k: formatted(v, _common(uses.get(k, ())), node) for k, v in kwargs.items()}
    return new_args, new_kwargs


def percent_prefix(template: str, right: Value) -> str:
    """The text `template % right` starts with: the template's up to its first field, or, when
    that field opens the template as a bare `%s`, the known text of the value put there
    (`"%s%s/send" % (self.base_url, token)` starts as `base_url` does)."""
    if not template.startswith("%s"):
        return template.split("%", 1)[0]
    first = right.parts.get(0, Value()) if right.shape == "tuple" else right
    return first.prefix if isinstance(first, Value) else ""


def brace_prefix(template: str, args: list[Value], kwargs: dict[str, Value]) -> str:
    """The text `template.format(...)` starts with: the template's up to its first field, or,
    when a bare first field opens it (`"{}{}"`, `"{0}/x"`, `"{base}/x"`), the known text of the
    argument put there."""
    head, brace, rest = template.partition("{")
    if head or not brace or rest.startswith("{"):
        return head
    field = rest.split("}", 1)[0]
    if field in ("", "0"):
        return args[0].prefix if args else ""
    return kwargs[field].prefix if field.isidentifier() and field in kwargs else ""
