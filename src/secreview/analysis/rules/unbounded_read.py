"""CWE-770 and CWE-409: reading or decompressing untrusted data with no size limit.

A handler that reads a whole upload or request stream (`request.files["f"].read()`,
`request.stream.read()`) or a whole response from a URL the client chose holds all of it in
memory; one client sending gigabytes takes the worker (and its neighbours) down. Decompression
multiplies that: a 10 MB zlib or gzip body expands to 10 GB (CWE-409, a decompression bomb), and
a zip or tar archive read member by member without looking at the declared sizes fills memory
or disk the same way.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.request_values import request_root
from secreview.analysis.rules._support.web_handlers import (
    is_request_handler,
    local_bindings,
    mentions_request_data,
    request_data_names,
    scope_nodes,
    uses_web_framework,
)
from secreview.analysis.taint import AnalysisContext, taint_events
from secreview.findings import Confidence, Severity
from secreview.patterns import lazy_pattern

Function = ast.FunctionDef | ast.AsyncFunctionDef

_STREAMS = frozenset({"stream", "bounded_stream", "body_file", "content", "_stream"})
_UPLOAD_CONTAINERS = frozenset({"files", "FILES"})
_DECOMPRESSORS = frozenset(
    {"zlib.decompress", "gzip.decompress", "bz2.decompress", "lzma.decompress"}
)
_ARCHIVES = frozenset({"zipfile.ZipFile", "tarfile.open", "tarfile.TarFile"})
_MEMBER_READS = frozenset({"read", "open", "extract", "extractall", "extractfile"})
_SIZE_WORDS = ("file_size", ".size", "compress_size", "max_size", "MAX_")
_FETCHES = frozenset(
    {"requests.get", "requests.post", "requests.request", "urllib.request.urlopen", "httpx.get"}
)
_WHOLE_BODIES = frozenset({"content", "text"})
_DECLARED_LENGTH = lazy_pattern(r"(?i)\bcontent[-_]length\b")


def _whole(call: ast.Call, context: AnalysisContext) -> bool:
    """`x.read()`, `x.read(-1)`, `x.read(None)`, `x.read(n)`: a read with no size limit.

    A size computed with `min(...)` is bounded by its other operand, so it is not a whole read.
    """
    if not call.args and not call.keywords:
        return True
    if (
        call.args
        and isinstance(call.args[0], ast.Call)
        and context.call_name(call.args[0]) in {"min", "builtins.min"}
    ):
        return False
    size = context.constant_value(call.args[0]) if call.args else None
    return size is None or (isinstance(size, int) and size < 0)


def _wsgi_application(function: Function) -> bool:
    """A WSGI application callable, `app(environ, start_response)` (PEP 3333).

    The calling convention itself says the first argument is the request: raw WSGI code
    (proxies, small services) imports no framework, so the module test cannot say it.
    """
    names = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if names and names[0] in {"self", "cls"}:
        names = names[1:]
    return len(names) == 2 and names[1] == "start_response"


def _upper_bound_checked(call: ast.Call, function: Function) -> bool:
    """Whether the read's size (a local name), or the size of the upload it reads (`f.size`:
    Starlette's `UploadFile.size` and Django's `UploadedFile.size` count the bytes received,
    spooled before the handler runs), is compared as the greater side of a bound.

    `if length > MAX_LENGTH: raise ...` (or `MAX < length`) caps a size the client declared
    (`CONTENT_LENGTH`); a lower check (`length < 0`) alone does not.
    """
    sizes = [ast.dump(call.args[0])] if call.args and isinstance(call.args[0], ast.Name) else []
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        sizes.append(ast.dump(ast.Attribute(call.func.value, "size", ast.Load())))
    for node in scope_nodes(function.body):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for index, operator in enumerate(node.ops):
            left, right = operands[index], operands[index + 1]
            if isinstance(operator, ast.Gt | ast.GtE) and ast.dump(left) in sizes:
                return True
            if isinstance(operator, ast.Lt | ast.LtE) and ast.dump(right) in sizes:
                return True
    return False


def _client_declared_size(call: ast.Call, function: Function, context: AnalysisContext) -> bool:
    """`read(length)` where `length` is the body size the client declared (`CONTENT_LENGTH`).

    The header is the client's word: reading that many bytes allocates whatever it claims,
    so without a maximum it bounds nothing.
    """
    if not call.args:
        return False
    size = call.args[0]
    if _declared_length(size, context):
        return True
    if not isinstance(size, ast.Name):
        return False
    return any(
        any(_is_name(t, size.id) for t in ast.walk(target)) and _declared_length(value, context)
        for target, value in local_bindings(function)
    )


def _declared_length(node: ast.AST, context: AnalysisContext) -> bool:
    return _DECLARED_LENGTH.search(context.segment(node)) is not None


def _copied_in_chunks(call: ast.Call, function: Function, context: AnalysisContext) -> bool:
    """Whether the function also reads the same stream in bounded pieces.

    Code that copies a body chunk by chunk (`stream.read(min(left, 4096))`, `read(65536)` in a
    loop) handles large bodies; a whole read beside it is the fallback of a branch the author
    sized (Paste's cascade copies to a temporary file), not a body taken in by accident.
    """
    stream = context.segment(call.func)
    for node in scope_nodes(function.body):
        if (
            node is not call
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "read"
            and context.segment(node.func) == stream
            and node.args
            and not _whole(node, context)
            and not _client_declared_size(node, function, context)
        ):
            return True
    return False


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _upload(node: ast.AST, function: Function, context: AnalysisContext) -> bool:
    """`request.files["f"]`, `request.FILES.get("f")`, a FastAPI `UploadFile` parameter."""
    if isinstance(node, ast.Subscript):
        node = node.value
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value if node.func.attr == "get" else node
    if isinstance(node, ast.Attribute) and node.attr in _UPLOAD_CONTAINERS:
        return request_root(node.value, context) is not None
    if isinstance(node, ast.Name):
        for argument in [*function.args.args, *function.args.kwonlyargs]:
            if argument.arg == node.id and argument.annotation is not None:
                return "UploadFile" in context.segment(argument.annotation)
    return False


def _request_stream(node: ast.AST, context: AnalysisContext) -> bool:
    """`request.stream`, `req.bounded_stream`, `request.environ["wsgi.input"]`."""
    if isinstance(node, ast.Attribute) and node.attr in _STREAMS:
        return request_root(node.value, context) is not None
    if isinstance(node, ast.Subscript):
        return context.constant_value(node.slice) == "wsgi.input"
    return False


def _untrusted_fetch(node: ast.AST, function: Function, context: AnalysisContext) -> ast.AST | None:
    """The fetch of a client-chosen URL whose response `node` is (directly or by name)."""
    if isinstance(node, ast.Name):
        for statement in scope_nodes(function.body):
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == node.id
            ):
                node = statement.value
                break
    if isinstance(node, ast.Call) and context.call_name(node) in _FETCHES:
        if context.constant_value(context.keyword(node, "stream")) is True:
            return None
        return node if _client_chosen_url(node, context) else None
    return None


def _client_chosen_url(fetch: ast.Call, context: AnalysisContext) -> bool:
    """Whether untrusted input reaches the URL of `fetch`, as the `ssrf` sink judges it.

    Request data in the query (`params=`), the body or the headers of a request to a fixed
    host (a vendor's licence check sending the client's User-Agent) leaves the answer that
    host's: only a URL the client steers can point the worker at a server that sends gigabytes.
    The `ssrf` model reads the URL argument alone, and judges a host the code or the operator
    fixed (`f"https://api.example.com/{name}"`) the same way.
    """
    return any(
        event.kind == "ssrf" and event.node is fetch for event in taint_events(context).events
    )


@rule(
    id="unbounded-read",
    name="Untrusted body read with no size limit",
    cwe=770,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A whole upload, request stream or client-chosen URL's response is read into "
    "memory with no size limit.",
    fix="Read in bounded chunks and stop past a maximum (`f.read(MAX + 1)`, then refuse when "
    "longer), or set the framework's limit (Flask `MAX_CONTENT_LENGTH`, a reverse proxy's "
    "`client_max_body_size`).",
    what_it_does="In web handlers and raw WSGI applications (`app(environ, start_response)`), "
    "reports `.read()` with no size, a negative one or one the client declared "
    "(`CONTENT_LENGTH`) never compared with a maximum, on uploads (`request.files[...]`, "
    "`request.FILES[...]`, FastAPI `UploadFile` parameters) and request streams "
    "(`request.stream`, Falcon `req.bounded_stream`, `environ['wsgi.input']`); and "
    "`.content`, `.text` or `.read()` of a `requests`/`urlopen` response whose URL the taint "
    "analysis traces to request data (without `stream=True`).",
    why_bad="Memory is the limit: a client that uploads or serves (through a URL it chooses) "
    "a multi-gigabyte body makes the worker allocate all of it, swap, or be killed by the "
    "OOM killer, and every request sharing that worker fails with it. Repeating it is cheap, "
    "so one client can keep the service down (CWE-770, CWE-400).",
    example="def upload():\n    data = request.files['report'].read()",
    use_instead="MAX_REPORT = 10 * 1024 * 1024\n\ndef upload():\n"
    "    data = request.files['report'].read(MAX_REPORT + 1)\n"
    "    if len(data) > MAX_REPORT:\n        abort(413)",
    references=(
        "https://flask.palletsprojects.com/en/stable/config/#MAX_CONTENT_LENGTH",
        "https://requests.readthedocs.io/en/latest/user/advanced/#body-content-workflow",
        "https://cwe.mitre.org/data/definitions/770.html",
    ),
    visits=(ast.Call, ast.Attribute),
    uses_project_summaries=True,  # a response's URL is traced by the taint analysis
    methods=frozenset({"read"}),
    names=_WHOLE_BODIES,
)
def unbounded_read(node: ast.AST, context: AnalysisContext) -> Iterator[Hit]:
    """Report whole reads of uploads, request streams and client-chosen responses."""
    if isinstance(node, ast.Attribute):
        yield from _whole_response(node, context)
        return
    assert isinstance(node, ast.Call)
    if not isinstance(node.func, ast.Attribute) or node.func.attr != "read":
        return
    function = context.enclosing_function(node)
    if function is None:
        return
    if not (_whole(node, context) or _client_declared_size(node, function, context)):
        return
    wsgi = _wsgi_application(function)
    if not wsgi and not (uses_web_framework(context) and is_request_handler(function, context)):
        return
    receiver = node.func.value
    if _upload(receiver, function, context) or _upload_name(receiver, function, context):
        what = "the uploaded file"
    elif _request_stream(receiver, context):
        what = "the request body"
    else:
        fetch = _untrusted_fetch(receiver, function, context)
        if fetch is None:
            return
        what = "the response of a URL the client chose"
    if _limited(function, context) or _upper_bound_checked(node, function):
        return
    if _copied_in_chunks(node, function, context):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` reads {what} whole, with no size limit: a client "
        "sending a huge body makes this worker hold all of it in memory.",
    )


def _whole_response(node: ast.Attribute, context: AnalysisContext) -> Iterator[Hit]:
    """`resp.content` / `resp.text` of a `requests` fetch of a client-chosen URL."""
    if node.attr not in _WHOLE_BODIES or not isinstance(node.ctx, ast.Load):
        return
    function = context.enclosing_function(node)
    if function is None or not uses_web_framework(context):
        return
    fetch = _untrusted_fetch(node.value, function, context)
    if fetch is None or _limited(function, context):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` holds the whole response of a URL the client "
        "chose, with no size limit: a server it points at can send gigabytes into this "
        "worker's memory.",
        evidence=((fetch, "fetches a URL built from request data"),),
    )


def _upload_name(node: ast.AST, function: Function, context: AnalysisContext) -> bool:
    """A local name bound to an upload: `f = request.files["report"]`."""
    if not isinstance(node, ast.Name):
        return False
    for statement in scope_nodes(function.body):
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in statement.targets)
            and _upload(statement.value, function, context)
        ):
            return True
    return False


def _limited(function: Function, context: AnalysisContext) -> bool:
    """Whether the module or the function mentions a size limit it enforces."""
    if "MAX_CONTENT_LENGTH" in context.text or "client_max_size" in context.text:
        return True
    body = context.segment(function)
    return "content_length" in body or "max_size" in body.lower()


@rule(
    id="decompression-bomb",
    name="Untrusted data decompressed with no size limit",
    cwe=409,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Request data is decompressed, or an uploaded archive read, with no limit on the "
    "size it expands to.",
    fix="Decompress with a bound (`zlib.decompressobj().decompress(data, MAX)` and refuse when "
    "`unconsumed_tail` is left), and check `ZipInfo.file_size`/`TarInfo.size` (and their sum) "
    "before reading or extracting members.",
    what_it_does="In web handlers, reports `zlib/gzip/bz2/lzma.decompress(...)` of request "
    "data (or a response from a client-chosen URL), and `zipfile.ZipFile(...)`/`tarfile.open"
    "(...)` of request data whose members are read or extracted in a function that never "
    "looks at `file_size`/`size`.",
    why_bad="Compression ratios of 1000:1 and more are easy to build (a few MB of zeros, nested "
    "archives): a small request expands to gigabytes in memory or on disk, exhausting the "
    "worker or the volume. The client pays for the small body; the server for the big one "
    "(CWE-409).",
    example="def ingest():\n    events = zlib.decompress(request.get_data())",
    use_instead="def ingest():\n    inflater = zlib.decompressobj()\n"
    "    events = inflater.decompress(request.get_data(), MAX_EVENTS_BYTES)\n"
    "    if inflater.unconsumed_tail:\n        abort(413)",
    references=(
        "https://docs.python.org/3/library/zlib.html#zlib.Decompress.decompress",
        "https://docs.python.org/3/library/zipfile.html#decompression-pitfalls",
        "https://cwe.mitre.org/data/definitions/409.html",
    ),
    calls=_DECOMPRESSORS | _ARCHIVES,
)
def decompression_bomb(node: ast.AST, context: AnalysisContext) -> Iterator[Hit]:
    """Report decompression of request data without a bound."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    if name not in _DECOMPRESSORS and name not in _ARCHIVES:
        return
    function = context.enclosing_function(node)
    if function is None or not uses_web_framework(context):
        return
    if not is_request_handler(function, context):
        return
    arguments = [*node.args, *(k.value for k in node.keywords)]
    names = request_data_names(function, context)
    untrusted = any(mentions_request_data(a, names, context) for a in arguments[:1]) or any(
        k.arg == "fileobj" and mentions_request_data(k.value, names, context) for k in node.keywords
    )
    if not untrusted:
        return
    if name in _ARCHIVES:
        body = context.segment(function)
        if any(word in body for word in _SIZE_WORDS) or not _reads_members(function):
            return
        message = (
            f"`{context.one_line(node)}` opens an archive from the request and reads its "
            "members without checking their declared sizes: a small upload can expand to "
            "gigabytes (a zip bomb)."
        )
    else:
        message = (
            f"`{context.one_line(node)}` decompresses request data with no limit on the "
            "output: a few megabytes can expand to gigabytes in memory (a decompression bomb)."
        )
    yield Hit(node=node, message=message)


def _reads_members(function: Function) -> bool:
    """Whether the function reads or extracts archive members."""
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in _MEMBER_READS
        for n in scope_nodes(function.body)
    )
