"""What Python operations and library conventions do to abstract values: the interpreter's rules.

Constant folding, string prefixes that pin a URL's host, argument vectors, a callee's flows
spliced at call sites: small pure functions the interpreter applies (joins of environments are in
`environments.py`, a callee's return value at a call site in `substitution.py`).
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from secreview.analysis.models import SourceModel
from secreview.analysis.taint.url_text import fixes_configured_host
from secreview.analysis.taint.values import CLEAN, PROGRAM, Flow, Value, narrowed
from secreview.index.context import UNKNOWN
from secreview.index.folded_calls import bounded_multiply
from secreview.patterns import lazy_pattern

if TYPE_CHECKING:
    from secreview.analysis.taint.callee_reads import CalleeReads

HOST_SENSITIVE = frozenset({"redirect", "ssrf"})
SHELL_CALL = "*(shell=True)"
"""The pseudo-call the models name for any call passing `shell=True` that no model knows."""
SHELL_DEFAULT_CALL = "*(shell=True by default)"
"""... and for a call leaving `shell` to a default of True (`def run(cmd, shell=True)`)."""
NORMALISED_PATH = "normalised-path"
LF_REMOVED = "lf-removed"
CR_REMOVED = "cr-removed"
SLASH_REMOVED = "slash-removed"
_FIXED_HOST = lazy_pattern(r"^(?:/[^/\\]|[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\@]+[/?#])")
STRING_TESTS = frozenset(
    {"isdigit", "isnumeric", "isdecimal", "isalnum", "isalpha", "isidentifier"}
)
"""Tests that pass only for letters and digits: a value they hold for carries no delimiter of
any sink (`isascii` is not one: quotes, `;`, `/` and `..` are ASCII)."""
CLEAN_METHODS = frozenset(
    {"count", "find", "rfind", "index", "rindex", "startswith", "endswith", "fileno", "isatty"}
    | {"isascii", "getsockname"}
    | STRING_TESTS
)
"""Methods whose result carries none of the receiver's text: a position, a test, a descriptor,
or a socket's own address (`getsockname`: what the program bound, whatever handed it the
socket)."""
HEX_DIGESTS = frozenset({"hexdigest"})
"""A hash's hex digest (`h.update(chunk)` then `h.hexdigest()`): only `0-9a-f`, whatever was
fed in, as the digest of `hashlib.sha256(data)` is (a content-addressed store naming its files
by it, dulwich's LFS `write_object`); a predictable input's digest is still predictable, so
dedicated origins go on."""
TEXT_KEEPING_METHODS = frozenset(
    {"strip", "lstrip", "rstrip", "lower", "upper", "title", "capitalize", "casefold"}
    | {"encode", "decode", "zfill", "center", "ljust", "rjust", "expandtabs", "swapcase"}
    | {"removeprefix", "removesuffix"}
)
"""String methods whose result is the receiver's text with its case, padding, encoding or ends
changed: every character that mattered to a sink may still be there."""
MARKUP_RENDERERS = frozenset({"markdown.markdown", "markdown2.markdown", "commonmark.commonmark"})
"""Markdown renderers that keep raw HTML and any link scheme: they make new markup from text, so
tags stripped or escaped before the render (`strip_tags`, `escape`) do not protect what it
returns (`[x](javascript:...)` becomes `<a href="javascript:...">`)."""
_DECODER_NAMES = frozenset(
    {"urllib.parse.unquote", "urllib.parse.unquote_plus", "urllib.parse.unquote_to_bytes"}
    | {"urllib.parse.parse_qs", "urllib.parse.parse_qsl", "urllib.unquote", "urllib.unquote_plus"}
    | {"urlparse.parse_qs", "urlparse.parse_qsl", "cgi.parse_qs", "html.unescape", "json.loads"}
    | {"xml.sax.saxutils.unescape", "base64.b64decode", "base64.urlsafe_b64decode"}
    | {"base64.b32decode", "base64.b16decode", "base64.b85decode", "base64.a85decode"}
    | {"base64.decodebytes", "binascii.unhexlify", "binascii.a2b_base64", "codecs.decode"}
    | {"quopri.decodestring"}
)
TEXT_DECODERS: dict[str, str] = {
    **{name: f"decoded by `{name}` (its escapes are characters again)" for name in _DECODER_NAMES},
    **{
        name: f"rendered by `{name}` (its links and raw HTML become markup)"
        for name in MARKUP_RENDERERS
    },
}
"""Calls that decode text (percent-escapes, entities, JSON escapes, base64), with what the
evidence says they did: `%0A` becomes a line break and `%2F` a slash again, so what a source or a
check had ruled out of the encoded text may be in the decoded one (`Flow.decoded`); a Markdown
render makes new markup of it the same way."""
WRITTEN = "(written)"
"""The part of a file or buffer object that holds what was written into it: its content, which
comes back from reading it but never chooses the file's name."""
MUTATORS = frozenset(
    {"append", "extend", "add", "update", "insert", "appendleft", "extendleft", "set", "put"}
    | {"push", "write", "writelines", "put_nowait", "add_section", "read_string", "feed"}
)
"""Methods that store their arguments in the receiver (lists, sets, dicts, buffers, configs)."""
KEYED_READS = frozenset(
    {"get", "pop", "setdefault", "getlist", "getone", "get_one", "getfirst", "getvalue"}
    | {"get_argument", "get_query_argument", "get_body_argument", "get_cookie", "get_param"}
)
"""Methods that read a value by its name (`form.get("password")`), so the name says what it is."""
_SHELLS = frozenset(
    {"sh", "bash", "zsh", "dash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/bash", "cmd"}
    | {"cmd.exe", "powershell", "powershell.exe", "pwsh"}
)
"""Programs whose `-c` argument is itself a command line."""
TERMINATORS = frozenset({"flask.abort", "sys.exit", "exit", "quit", "os._exit", "abort"})
COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_MAX_CONSTANT_LENGTH = 10_000
ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: partial(bounded_multiply, longest=_MAX_CONSTANT_LENGTH),
    ast.Mod: operator.mod,
    ast.FloorDiv: operator.floordiv,
    ast.Div: operator.truediv,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor,
}
BUILTINS = frozenset(dir(builtins))


def source_flow(
    node: ast.AST,
    model: SourceModel,
    shown: str,
    imports_any: Callable[[tuple[str, ...]], bool] | None = None,
) -> Flow:
    """A new flow starting at `node`, described for the evidence; already harmless for the
    model's `safe_for` kinds when the module imports a framework of its `safe_in` (asked through
    `imports_any`; without it only models that hold under every framework apply)."""
    flow = Flow(model.origin, ((node, f"`{shown}` is {model.note} ({model.origin})"),))
    if model.safe_for and (
        not model.safe_in or (imports_any is not None and imports_any(model.safe_in))
    ):
        return flow.sanitised(model.safe_for)
    return flow


def fixes_host(prefix: str, configured: bool = False) -> bool:
    """Whether a URL starting with `prefix` can only point to one host (a path, scheme://host/,
    or with `configured`, a configured base and then `/`: `url_text.CONFIGURED_BASE`). Only a
    server's request needs a scheme and a host (`//evil.net` fails in `requests`), so only
    server-side requests take a configured base, which may be empty, as fixing the host: a
    redirect to `"" + "/" + "/evil.net"` leaves the site."""
    return bool(_FIXED_HOST.match(prefix)) or (configured and fixes_configured_host(prefix))


def without_line_breaks(flow: Flow, removed: str, node: ast.AST) -> Flow:
    """A flow after `.replace` removed LF and/or CR: safe for logs once LF is gone, for headers
    once both are."""
    marks = {mark for char, mark in (("\n", LF_REMOVED), ("\r", CR_REMOVED)) if char in removed}
    done = flow.sanitised(marks)
    kinds = {"log"} if LF_REMOVED in done.safe_for else set()
    if {LF_REMOVED, CR_REMOVED} <= done.safe_for:
        kinds.add("header")
    return done.then(node, "line breaks replaced").sanitised(kinds)


def without_path_parts(flow: Flow, removed: str, replacement: str, node: ast.AST) -> Flow:
    """A flow after `.replace(removed, replacement)`: once every `/` is gone, removing `..` as
    well leaves a single name that cannot leave its folder. The order matters: `..` removed
    first lets `..././` collapse to `../` when the slashes go afterwards."""
    if removed == "/" and "/" not in replacement:
        return flow.sanitised({SLASH_REMOVED})
    if removed == ".." and SLASH_REMOVED in flow.safe_for and not set(replacement) & set("./"):
        return flow.then(node, "`/` and `..` removed").sanitised({"path"})
    return flow


CODE_COMPILERS = frozenset({"compile", "builtins.compile"})
"""Calls whose result is the code of their first argument (`source`) alone: the file name of
`compile(source, filename, mode)` is a label for tracebacks, so `exec(compile(open(path).read(),
path, "exec"))` runs what the file holds, not the caller's path."""


def compiled_for_a_dialect(node: ast.Call) -> bool:
    """Whether `node` compiles its receiver for a database dialect (`col.type.compile(
    engine.dialect)`, `stmt.compile(dialect=d)`, `stmt.compile(bind=engine)`): the SQL is the
    receiver's (a column type of the program's own model, a statement), and the dialect or
    engine handed in only chooses how it is spelled, so the caller's engine adds no text to it.
    A statement built from the caller's text keeps that text as the receiver's."""
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "compile"):
        return False
    if any(keyword.arg in ("dialect", "bind") for keyword in node.keywords):
        return True
    first = node.args[0] if node.args else None
    return isinstance(first, ast.Attribute) and first.attr == "dialect"


def is_module_type(value: Value) -> bool:
    """Whether a value is a module or library object (`os.path`), not a string or container."""
    return bool(value.type) and not value.shape and not value.is_constant


def program_of(value: Value) -> Value:
    """The program an argument vector runs: a list's first element, or a string's start; of a
    wrapper's parameter, its `PROGRAM` part. When the program is a shell (`["sh", "-c", text]`,
    `"sh -c '..."`) every element is a command."""
    if value.shape in ("list", "tuple") and 0 in value.parts:
        program = value.parts[0]
        if any(isinstance(c, str) and c.lower() in _SHELLS for c in _constants_of(program)):
            return value
        return program
    words = value.prefix.split()
    shell = bool(words) and words[0].rsplit("/", 1)[-1].lower() in _SHELLS
    if shell and {w.lower() for w in words[1:]} & {"-c", "/c", "-command"}:
        return value  # `"sh -c 'ls " + name + "'"`: the rest is a shell's command
    if value.prefix.strip():
        return CLEAN
    if value.shape or value.is_constant or all(f.parameter is None for f in value.flows):
        return value
    return Value(flows=narrowed(value.flows, PROGRAM))


def shell_command_of(value: Value) -> Value:
    """What an argument vector hands a shell to run: all of it when it runs one (`["sh", "-c",
    text]`, `"sh -c '..."`), else nothing (its program is judged where it is named)."""
    program = program_of(value)
    return value if program is value and (value.shape or value.prefix.strip()) else CLEAN


def _constants_of(value: Value) -> frozenset[object]:
    """The constant `value` holds, or the few it may hold after branches (`"sh"` or `"cmd"`)."""
    if value.is_constant:
        try:
            return frozenset({value.const})
        except TypeError:  # an unhashable constant (a folded list) names no program
            return frozenset()
    return value.choices


def splice(
    outer: Flow, inner: Flow, call: ast.AST, name: str, reads: CalleeReads | None = None
) -> Flow:
    """A caller's flow continued by a callee's parameter flow (evidence of both); started at
    the callee's read instead when it is of this module and made the flow (`callee_reads`)."""
    started = reads.started_at_read(outer, inner, call, name) if reads is not None else None
    if started is not None:
        return started
    return outer.extended(((call, f"passed to `{name}()`"), *inner.steps)).through(inner.safe_for)


PartRead = tuple[Value, int, object]
"""A value a function read as the part `key` of its parameter `index`, unchanged since."""
PartReader = Callable[[Value, object], Value]
"""How a caller reads the part `key` of one of its values (`Value.part`, plus what the models
say about reading that key of a value of that type)."""


def argument_flows(argument: Value, flow: Flow, read: PartReader | None = None) -> frozenset[Flow]:
    """The flows a callee's parameter flow stands for at a call site: those of the part of the
    argument it was read from (`self.directory` is the caller's `.directory`, whatever else the
    object holds; `self.r.args` is the `.args` of the request the caller's `.r` holds), or of
    the whole argument."""
    return read_path(argument, flow.within, read).all_flows()


def read_path(value: Value, path: tuple[object, ...], read: PartReader | None = None) -> Value:
    """The part of `value` at `path`, each key read as the caller reads it (`read`)."""
    for key in path:
        if key == PROGRAM:
            value = program_of(value)
        else:
            value = read(value, key) if read is not None else value.part(key)
    return value


def truthy(value: object) -> bool:
    try:
        return bool(value)
    except Exception:  # a constant whose truth cannot be computed is not pruned on
        return True


def intersection(left: Value, right: Value) -> Value:
    """`a & b`: what both sides hold (the keys two dicts share, the bits two numbers share), so
    each part of it equals a part of either side, and either side's data describes it. The one
    less untrusted is kept: nothing when a side holds no input (`EDITABLE & body.keys()`), the
    configured targets when a request's list meets them (`set(requested) & configured.keys()`:
    the request only chooses among them), else the side with fewer flows."""
    sides = sorted(
        (left, right),
        key=lambda side: (
            sum(1 for f in side.all_flows() if f.origin == "remote"),
            len(side.all_flows()),
        ),
    )
    return Value(flows=sides[0].all_flows()) if sides[0].all_flows() else CLEAN


def fold(compute: object) -> object:
    """Run a constant computation; any failure (or a huge result) means 'not known'."""
    try:
        result = compute()  # type: ignore[operator]
    except Exception:  # folding errors just mean the value is not a known constant
        return UNKNOWN
    if isinstance(result, str | bytes | tuple) and len(result) > _MAX_CONSTANT_LENGTH:
        return UNKNOWN
    return result


UNARY = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
    ast.Invert: operator.invert,
}


def only_chooses_output(kinds: list[str], args: list[Value], kwargs: dict[str, Value]) -> bool:
    """Whether a call's result is output its inputs only chose: a command's output, or a page
    fetched from a fixed server (a page from a server the input names is the sender's own)."""
    if "command" in kinds:
        return True
    url = args[0] if args else kwargs.get("url")
    return "ssrf" in kinds and url is not None and fixes_host(url.prefix)
