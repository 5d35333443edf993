"""The shapes of checks real code writes, read from the syntax alone.

Which expressions normalise a path or only wrap it (`str(p.resolve())`), which constants are the
delimiters of a path (`..`, `/`), which attributes of a parsed URL name its host. Kept apart from
`guards.py`, which decides what a check proves for the variables of the frame, because these are
plain facts about Python's standard library that need no interpreter state.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from secreview.analysis.models import ALL_KINDS
from secreview.analysis.taint.markers import APPENDED, LAST_ENTRY, ONE_NAME_MARKERS, SINGLE_NAME
from secreview.analysis.taint.name_words import words_of
from secreview.analysis.taint.values import Flow, Value, merge_flows

NO_PARENT = "no-parent-reference"
"""Marker: the value was checked to hold no `..`."""
RELATIVE = "relative-path"
"""Marker: the value was checked not to be an absolute path (no `/`, not `isabs`)."""
UNDER_BASE = "under-base"
"""Marker: the value was checked to start with a fixed directory."""
NO_LEADING_SEPARATOR = "no-leading-separator"
"""Marker: every leading `/` and `\\` was stripped (`lstrip("/\\")`): the text cannot start a
scheme-relative URL (`//host`, or `/\\host`, which browsers read the same) after one `/`."""
PATH_MARKERS = frozenset({NO_PARENT, RELATIVE, UNDER_BASE})
_SEPARATOR_CHARACTERS = "/\\\x00"
FILE_OPENERS = frozenset(
    {"open", "io.open", "codecs.open", "io.FileIO", "aiofiles.open", "gzip.open", "bz2.open"}
    | {"lzma.open", "tarfile.open", "zipfile.ZipFile", "os.remove", "os.unlink", "os.truncate"}
    | {"flask.send_file", "linecache.getline", "linecache.getlines", "fileinput.input"}
)
"""Path sinks that work on a regular file and fail on a folder (`open` raises IsADirectoryError)."""
FILE_OBJECTS = frozenset({"werkzeug.datastructures.FileStorage"})
"""Uploaded files as objects (Flask's `request.files["f"]`): handed where a path or a file is
read (`zipfile.ZipFile(upload)`), they are read, not opened; their `filename` is still the
client's name for a file."""


def hands_file_object(kind: str, within: tuple[object, ...], given: Value) -> bool:
    """Whether a callee's `path` sink of a whole parameter (`ZipFile(f)` in `def unpack(f)`)
    is handed an uploaded file object (`FILE_OBJECTS`): read, not opened, as when the caller
    hands it to the sink itself; a part of it (`f.filename`) is still a name."""
    return kind == "path" and not within and given.type in FILE_OBJECTS


FILE_METHODS = frozenset(
    f"{owner}.{method}"
    for owner in ("pathlib.Path", "*")
    for method in ("read_text", "read_bytes", "write_text", "write_bytes")
) | {"pathlib.Path.open"}
"""Path methods that read or write a regular file (their receiver is the path), failing on a
folder as `FILE_OPENERS` do."""
OPENS_A_FILE = FILE_OPENERS | FILE_METHODS
JOINS = frozenset({"os.path.join", "posixpath.join"})
_PATH_BUILDERS = JOINS | {"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"}

PATH_NORMALISERS = frozenset(
    {"os.path.realpath", "os.path.abspath", "os.path.normpath"}
    | {"posixpath.realpath", "posixpath.abspath", "posixpath.normpath"}
)
_NORMALISING_METHODS = frozenset({"resolve", "absolute"})
_PATH_WRAPPERS = frozenset(
    {"str", "os.fspath", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "Path"}
    | {"os.path.join", "posixpath.join"}
)
"""Calls that build or convert a path without changing where it points."""
SEPARATOR_NAMES = frozenset({"os.sep", "os.path.sep", "posixpath.sep"})
URL_PARSERS = frozenset(
    {"urllib.parse.urlparse", "urllib.parse.urlsplit", "urlparse.urlparse", "urlparse.urlsplit"}
    | {"urllib3.util.parse_url", "yarl.URL", "httpx.URL", "furl.furl"}
)
HOST_PARTS = frozenset({"netloc", "hostname", "host"})
"""Attributes of a parsed URL that name the server it points to."""


def path_operands(
    node: ast.expr, qualified: Callable[[ast.expr], str | None]
) -> Iterator[tuple[str | tuple[str, tuple[object, ...]], bool]]:
    """(variable, whether a normaliser was applied on the way) for each variable a path
    expression is built from: `str(p.resolve())` gives ('p', True), `os.path.join(BASE, name)`
    gives ('name', False) (and 'BASE'); an attribute read (`entry.name`) gives the part of its
    variable, `('entry', ('.name',))`, so a check of a record's field cleans that field."""
    yield from _operands(node, qualified, False, 0)


def _operands(
    node: ast.expr, qualified: Callable[[ast.expr], str | None], normalised: bool, depth: int
) -> Iterator[tuple[str | tuple[str, tuple[object, ...]], bool]]:
    if depth > 6:
        return
    if isinstance(node, ast.Name):
        yield node.id, normalised
        return
    if isinstance(node, ast.Attribute):
        keys: list[object] = []
        while isinstance(node, ast.Attribute):
            keys.insert(0, f".{node.attr}")
            node = node.value
        if isinstance(node, ast.Name) and len(keys) <= 3:
            yield (node.id, tuple(keys)), normalised
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):  # `BASE / name`
        yield from _operands(node.left, qualified, normalised, depth + 1)
        yield from _operands(node.right, qualified, normalised, depth + 1)
        return
    if not isinstance(node, ast.Call):
        return
    func = node.func
    name = qualified(func) or (func.id if isinstance(func, ast.Name) else "")
    if name in PATH_NORMALISERS or name in _PATH_WRAPPERS:
        normalised = normalised or name in PATH_NORMALISERS
        for argument in node.args:
            yield from _operands(argument, qualified, normalised, depth + 1)
    elif isinstance(func, ast.Attribute) and func.attr in _NORMALISING_METHODS:
        yield from _operands(func.value, qualified, True, depth + 1)


def file_name_piece(pieces: list[Value]) -> int | None:
    """The index of the piece that text joined from `pieces` ends its last file name with, when
    that name can be neither `.` nor `..` nor more than one name: the last variable piece, which
    cannot hold a path separator (`SINGLE_NAME`), followed by fixed text with no separator and
    some character other than a dot (`f"{folder}/{name}.json"` ends in `...json` at worst).
    None for any other text."""
    variable = [i for i, p in enumerate(pieces) if not p.is_constant]
    if not variable:
        return None
    last = variable[-1]
    flows = pieces[last].all_flows()
    after = "".join(str(p.const) for p in pieces[last + 1 :])
    if (
        flows
        and all(SINGLE_NAME in flow.safe_for for flow in flows)
        and after.strip(".") != ""
        and not set(after) & set(_SEPARATOR_CHARACTERS)
    ):
        return last
    return None


def built_from(value: Value) -> Value:
    """`value` as part of new text (`name + "/x"`, `f"{name}/x"`, `os.path.join(name, "x")`):
    a checked single name followed by more text may be `../x`, and a path whose last entry it
    was has a new last entry, so both markers go; a parameter's flow says so to the callers
    (`APPENDED`)."""
    if not any(f.safe_for & ONE_NAME_MARKERS or f.parameter is not None for f in value.flows):
        return value
    return replace(value, flows=frozenset(map(_appended, value.flows)))


def called(value: Value) -> Value:
    """A call's result as the expression reads it: a checked single name handed to a call may
    come back inside more text, so its marker goes. A path's `LAST_ENTRY` stays: a project
    function's summary says itself whether it appended to it (`APPENDED`), and a library call's
    result loses it where the call is answered (`past_library_call`)."""
    if not any(SINGLE_NAME in f.safe_for for f in value.flows):
        return value
    return replace(
        value,
        flows=frozenset(
            Flow(f.origin, f.steps, f.safe_for - {SINGLE_NAME}, f.within) for f in value.flows
        ),
    )


def past_library_call(
    value: Value,
    node: ast.Call | None = None,
    qualified: str | None = None,
    args: Sequence[Value] = (),
) -> Value:
    """The result of a library call (or anything the scan does not summarise): it may be the
    path with more joined after it (`p.joinpath("x")`, `"/".join([p, "x"])`), so a path's
    `LAST_ENTRY` goes, and a parameter's flow is `APPENDED`. A `SINGLE_NAME` the call itself
    made (`re.sub(r"[^\\w.-]", "_", name)`) stays for the expression to judge (`called`).
    `os.path.join(FOLDER, name)` and `Path(FOLDER, name)` (`qualified`, with their `args`)
    make a path whose last entry a checked single name is (`as_last_entry`)."""
    if qualified in _PATH_BUILDERS and node is not None and not node.keywords and len(args) > 1:
        entry = as_last_entry(value, args)
        if entry is not None and not any(isinstance(a, ast.Starred) for a in node.args):
            return entry
    if not any(LAST_ENTRY in f.safe_for or f.parameter is not None for f in value.flows):
        return value
    return replace(value, flows=frozenset(_appended(f, {LAST_ENTRY}) for f in value.flows))


def _appended(flow: Flow, lost: frozenset[str] | set[str] = ONE_NAME_MARKERS) -> Flow:
    """`flow` without the `lost` markers, and `APPENDED` when it is a parameter's."""
    marks = flow.safe_for - lost
    if flow.parameter is not None:
        marks |= {APPENDED}
    return Flow(flow.origin, flow.steps, marks, flow.within)


def as_last_entry(joined: Value, pieces: Sequence[Value]) -> Value | None:
    """`joined`, the path made of `pieces` (`FOLDER / name`, `os.path.join(FOLDER, name)`),
    with the last piece's flows marked `LAST_ENTRY` when it is a checked single name; None for
    any other join. A folder's own flows stay unmarked: a folder from input is a climb."""
    *folders, name = pieces
    flows = name.all_flows()
    if not folders or not flows or not all(SINGLE_NAME in flow.safe_for for flow in flows):
        return None
    marked = {
        Flow(f.origin, f.steps, (f.safe_for - {SINGLE_NAME}) | {LAST_ENTRY}, f.within)
        for f in flows
    }
    held = {_appended(f) for folder in folders for f in folder.all_flows()}
    return replace(joined, flows=frozenset(marked | held))


def path_safe(flow: Flow, normalised: frozenset[str]) -> bool:
    """Whether the checks a flow went through keep it inside a fixed directory: no `..` and
    relative or under the base, or normalised and under the base."""
    marks = flow.safe_for
    if NO_PARENT in marks and (RELATIVE in marks or UNDER_BASE in marks):
        return True
    return UNDER_BASE in marks and bool(marks & normalised)


def contained(flow: Flow, normalised: frozenset[str]) -> Flow:
    """`flow`, safe for path sinks if its checks together keep it inside a fixed directory
    (`normalised`: the markers of a normalised path)."""
    if not flow.safe_for & PATH_MARKERS or not path_safe(flow, normalised):
        return flow
    return flow.sanitised(("path",))


def without_leading_slashes(flows: list[Flow], method: str, args: list[Value]) -> list[Flow]:
    """`flows` after `text.lstrip(chars)` (or any other text-keeping method): stripping every
    leading `/` (`uri.lstrip("/")`, `lstrip("/\\")`) leaves a relative path, as a refused
    `startswith("/")` does; normalised and refused a leading `..` after that (Mako's template
    URIs), it stays under whatever folder it is joined to."""
    chars = args[0].const if args else None
    if method != "lstrip" or not isinstance(chars, str) or "/" not in chars:
        return flows
    marks = (RELATIVE, NO_LEADING_SEPARATOR) if "\\" in chars else (RELATIVE,)
    return [flow.sanitised(marks) for flow in flows]


def joined_flows(op: ast.operator, left: Value, right: Value) -> frozenset[Flow]:
    """The flows of both operands of `op`. Put after one `/` (`"/" + path.lstrip("/\\")`), text
    stripped of every leading `/` and `\\` makes a path on the site the browser is on: neither
    `//evil.example` nor `/\\evil.example` can come out, so a redirect there stays on the site.
    Stripping only `/` leaves `/\\evil.example`, and a prefix such as `https://` lets the text
    name the host: both stay reported."""
    flows = merge_flows(left.all_flows(), right.all_flows())
    if not isinstance(op, ast.Add) or left.const != "/" or not flows:
        return flows  # every flow must be stripped text: a tainted `/` itself is not
    if not all(NO_LEADING_SEPARATOR in flow.safe_for for flow in flows):
        return flows
    return frozenset(flow.sanitised({"redirect"}) for flow in flows)


def rejected_delimiters(text: object) -> frozenset[str]:
    """The path markers proven by `text not in value` / `not value.startswith(text)`."""
    if not isinstance(text, str):
        return frozenset()
    marks = set()
    if text in ("..", "../", "..\\"):
        marks.add(NO_PARENT)
    if text in ("/", "\\"):
        marks.add(RELATIVE)
    return frozenset(marks)


_SAFETY_WORDS = frozenset(
    {"safe", "allowed", "allow", "allows", "trusted", "permitted", "whitelisted", "allowlisted"}
)
_OWN_SITE_WORDS = frozenset({"local", "same", "relative"})
_URL_WORDS = frozenset(
    {"url", "uri", "redirect", "next", "target", "location", "host", "hostname", "domain"}
    | {"origin", "netloc", "link", "referrer", "referer", "destination", "dest"}
)
_DENIAL_WORDS = frozenset(
    {"not", "no", "unsafe", "disallowed", "untrusted", "bad", "blocked", "forbidden", "denied"}
    | {"banned", "blacklisted", "blocklisted", "external", "foreign", "invalid", "private"}
)
OWN_URLS = frozenset({"url", "base_url", "host_url", "url_root"})
"""Attributes of a request holding its own absolute URL (whose host is the site's own)."""
OWN_HOSTS = frozenset({"host", "server_name"})
"""Attributes of a request naming the host the browser is talking to."""
OWN_HOST_KEYS = frozenset({"Host", "host", "HTTP_HOST", "SERVER_NAME"})
"""Header or environ keys holding that host."""
HEADER_MAPS = frozenset({"headers", "META", "environ", "scope"})
"""Attributes of a request holding its headers or environ, where those keys name the host (not
`request.args["host"]`, a query parameter the client fills in as it likes)."""


def url_check_kinds(name: str) -> frozenset[str]:
    """The sink kinds a yes/no helper proves its URL argument safe for, read from its name:
    `is_safe_url`, `is_safe_redirect_url`, `url_has_allowed_host_and_scheme`, `isAllowedHost`,
    `_allow_redirect` decide the server a URL points to (redirect and SSRF); `is_local_url`,
    `is_same_origin` keep a redirect on the site (a fetch of the site's own host is not
    judged); a name that says the opposite (`is_not_allowed_host`, `is_external_url`) proves
    nothing when it holds."""
    words = words_of(name.rsplit(".", 1)[-1])
    if words & _DENIAL_WORDS or not words & _URL_WORDS:
        return frozenset()
    if words & _SAFETY_WORDS:
        return frozenset({"redirect", "ssrf"})
    if words & _OWN_SITE_WORDS or ("valid" in words and words & {"redirect", "next"}):
        return frozenset({"redirect"})
    return frozenset()


_INTERNAL_WORDS = frozenset({"private", "internal", "loopback", "reserved", "intranet"})
_ADDRESS_WORDS = frozenset({"ip", "ips", "address", "addr", "host", "hostname", "url", "network"})


def names_an_internal_address_check(name: str) -> bool:
    """Whether a yes/no helper's name says it detects an address inside the server's own
    network (`is_private_ip`, `_is_internal_host`, `is_reserved_address`): past `if
    is_private_ip(host): raise ...` the host is one the internet reaches, which is what a
    server-side fetch must not be steered away from (SSRF); a name that also says `not` or
    `public` means the opposite."""
    words = words_of(name.rsplit(".", 1)[-1])
    return bool(
        words & _INTERNAL_WORDS and words & _ADDRESS_WORDS and not words & {"not", "public"}
    )


_PATH_WORDS = frozenset(
    {"path", "filename", "filepath", "pathname", "file", "dir", "directory", "folder"}
    | {"component", "filesystem"}
)


def names_a_path_check(name: str) -> bool:
    """Whether a yes/no helper's name says it decides that a path or file name is safe to use
    (`is_safe_filesystem_path_component`, `is_safe_path`, `isAllowedFilename`); a name that
    says the opposite (`is_unsafe_path`, `is_forbidden_file`) proves nothing when it holds."""
    words = words_of(name)
    return bool(words & _SAFETY_WORDS and words & _PATH_WORDS and not words & _DENIAL_WORDS)


_PATH_ATTACK_WORDS = frozenset({"traversal", "traversing", "slip", "zipslip", "dotdot"})


def names_a_path_attack_check(name: str) -> bool:
    """Whether a yes/no helper's name says it detects a path that climbs out of its folder
    (`is_path_traversal`, `has_zip_slip`): it proves the path safe where it does not hold
    (`if is_path_traversal(name): continue`)."""
    words = words_of(name)
    return bool(words & _PATH_ATTACK_WORDS and not words & {"allow", "allows", "allowed"})


_ERROR_SUFFIXES = ("Error", "Exception", "Failure", "Fault")


def carries_no_text(class_name: str) -> bool:
    """Whether a value `isinstance` proves to be of this class holds no attacker-chosen text."""
    return class_name in ("int", "float", "bool", "uuid.UUID", "UUID")


def kinds_proven_safe(class_names: Sequence[str]) -> tuple[str, ...]:
    """The sink kinds a value `isinstance` proves to be of one of these classes is safe for:
    every kind for numbers and UUIDs, `path` for in-memory files; none otherwise."""
    if all(map(carries_no_text, class_names)):
        return (ALL_KINDS,)
    return ("path",) if all(map(names_no_file, class_names)) else ()


def names_no_file(class_name: str) -> bool:
    """Whether a value `isinstance` proves to be of this class is an in-memory file
    (`io.BytesIO`, `io.StringIO`): handed where a path or a file is taken (`send_file(buf)`),
    it is read, and names no file of the disk, whatever it holds."""
    return class_name.removeprefix("io.") in ("BytesIO", "StringIO")


def is_error_class(class_name: str) -> bool:
    """Whether the class is named for an error. Functions that return either a result or an
    error object (`if isinstance(doc, ParseError): return doc`) hand back, on that branch, an
    object the program made to report a failure: neither the document whose flows the variable
    joined nor of the type the document had."""
    return class_name.rpartition(".")[2].endswith(_ERROR_SUFFIXES)


def reached_by_nothing(value: Value) -> bool:
    """Whether no input and no parameter reaches `value` (the program's own data, such as a
    name in a list a module function builds): whatever equals it, or is found in it, holds
    that data, not the sender's."""
    return not value.is_constant and not value.all_flows() and value.function is None


def is_none(node: ast.expr) -> bool:
    """Whether `node` is the literal `None`."""
    return isinstance(node, ast.Constant) and node.value is None
