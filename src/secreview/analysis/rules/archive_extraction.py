"""Extracting archives: tar members written outside the target (CWE-22), zip bombs (CWE-409).

`tarfile` writes each member where its name says, `../` and absolute paths included, and follows
the links the archive itself creates, unless an extraction filter (`filter="data"`, Python 3.12 and
the security backports) stops it; Python 3.14 finally makes "data" the default. `shutil.
unpack_archive` extracts tar formats through the same code. That is `archive-path-traversal`.

`zipfile` is different: it strips absolute paths, drive letters and `..` components from member
names and does not create symlinks, so its extraction is not path traversal, and reporting it as
CWE-22 would be wrong. What a zip from elsewhere can still do is decompress to far more than its
size and fill the disk, which is `unbounded-zip-extraction`: CWE-409, low confidence, and quiet
when the function looks at the members' `file_size`, or when a request handler opens the zip
from the request (`decompression-bomb` reports that zip bomb where it is opened).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import fixed_text, is_fixed
from secreview.analysis.rules._support.local_bindings import (
    assigned_values,
    made_by,
    origin_calls,
    scope_nodes_of,
)
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.web_handlers import (
    is_request_handler,
    mentions_request_data,
    request_data_names,
    uses_web_framework,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_TAR_OPENERS = frozenset(
    {
        "tarfile.open",
        "tarfile.TarFile",
        "tarfile.TarFile.open",
        "tarfile.TarFile.taropen",
        "tarfile.TarFile.gzopen",
        "tarfile.TarFile.bz2open",
        "tarfile.TarFile.xzopen",
        "tarfile.TarFile.zstopen",
    }
)
_ZIP_OPENERS = frozenset({"zipfile.ZipFile", "zipfile.PyZipFile"})
_EXTRACT_METHODS = frozenset({"extractall", "extract"})
_SAFE_FILTER_NAMES = frozenset({"data", "tar"})
_SAFE_FILTER_FUNCTIONS = frozenset({"tarfile.data_filter", "tarfile.tar_filter"})
_UNSAFE_FILTERS = frozenset({"fully_trusted", "tarfile.fully_trusted_filter"})
_MEMBER_LISTINGS = frozenset({"getmembers", "getnames"})
_SIZE_ATTRIBUTES = frozenset({"file_size", "compress_size"})
_TYPE_TESTS = frozenset({"issym", "islnk", "isfile", "isreg", "isdir", "isdev", "type"})


_FORMAT_TESTS = {"tar": "tarfile.is_tarfile", "zip": "zipfile.is_zipfile"}


def _opened_by(
    context: ModuleContext, receiver: ast.expr, openers: frozenset[str]
) -> ast.Call | None:
    """The call that opened the archive `receiver` refers to: one of `openers` itself, or a
    local name bound to one of them (`open_fn = tarfile.open` ... `with open_fn(path) as a:`,
    the usual shape of a helper that picks the opener by the archive's format)."""
    direct = made_by(context, receiver, openers)
    if direct is not None:
        return direct
    for call in origin_calls(context, receiver):
        if isinstance(call.func, ast.Name) and any(
            context.resolve(value) in openers for value, _ in assigned_values(context, call.func)
        ):
            return call
    return None


def _other_format_branch(context: ModuleContext, node: ast.AST, kind: str) -> bool:
    """Whether `node` only runs for the other format: in the body of `if zipfile.is_zipfile(..)`
    when `kind` is "tar" (and the reverse), or in the `else` of the test for `kind` itself."""
    other = "zip" if kind == "tar" else "tar"
    child = node
    parent = context.parent(node)
    while parent is not None and not isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(parent, ast.If) and isinstance(parent.test, ast.Call):
            test = context.call_name(parent.test)
            in_body = child in parent.body
            if (test == _FORMAT_TESTS[other] and in_body) or (
                test == _FORMAT_TESTS[kind] and child in parent.orelse
            ):
                return True
        child, parent = parent, context.parent(parent)
    return False


def _filter_verdict(context: ModuleContext, value: ast.expr | None) -> bool | None:
    """True for a safe extraction filter, False for none or `fully_trusted`, None if unknown
    (a custom filter function, or one chosen at run time, is assumed to know its job)."""
    if value is None:
        return False
    constant = context.constant_value(value)
    resolved = context.resolve(value)
    if constant in _SAFE_FILTER_NAMES or resolved in _SAFE_FILTER_FUNCTIONS:
        return True
    if constant is None or constant in _UNSAFE_FILTERS or resolved in _UNSAFE_FILTERS:
        return False
    return None


def _sets_default_filter(context: ModuleContext, node: ast.AST, receiver: ast.expr) -> bool:
    """Whether `receiver.extraction_filter = ...` is set in this function, or the module sets
    `tarfile.TarFile.extraction_filter` for every archive."""
    receiver_text = context.segment(receiver)
    for candidate in (*scope_nodes_of(context, node), *context.tree.body):
        if not isinstance(candidate, ast.Assign):
            continue
        for target in candidate.targets:
            if isinstance(target, ast.Attribute) and target.attr == "extraction_filter":
                owner = context.segment(target.value)
                if owner == receiver_text or context.resolve(target.value) == "tarfile.TarFile":
                    return True
    return False


def _inspects_members(context: ModuleContext, node: ast.AST, receiver: ast.expr) -> bool:
    """Whether the function lists the same archive's members (often to validate their names)."""
    receiver_text = context.segment(receiver)
    return any(
        isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in _MEMBER_LISTINGS
        and context.segment(n.func.value) == receiver_text
        for n in ast.walk(context.enclosing_function(node) or context.tree)
    )


def _rejects_links(body: ast.AST, member: str) -> bool:
    """Whether `body` raises, and tests the type of `member` (`issym()`, `isfile()`, ...)."""
    nodes = list(ast.walk(body))
    return any(isinstance(n, ast.Raise) for n in nodes) and any(
        isinstance(n, ast.Attribute)
        and n.attr in _TYPE_TESTS
        and isinstance(n.value, ast.Name)
        and n.value.id == member
        for n in nodes
    )


def _vetting_helper(context: ModuleContext, call: ast.Call, member: str) -> bool:
    """Whether `call` hands `member` to a function of this module that rejects links."""
    if not isinstance(call.func, ast.Name):
        return False
    for definition in context.tree.body:
        if isinstance(definition, ast.FunctionDef) and definition.name == call.func.id:
            parameters = [a.arg for a in definition.args.args]
            for position, argument in enumerate(call.args[: len(parameters)]):
                if isinstance(argument, ast.Name) and argument.id == member:
                    return _rejects_links(definition, parameters[position])
    return False


def _members_vetted(context: ModuleContext, node: ast.AST, receiver: ast.expr) -> bool:
    """Whether a loop over the archive's members, before `node`, raises on a link or any
    member that is not a plain file or folder (itself, or through a helper of this module).

    Name checks alone are not enough: a symbolic link with an innocent name points anywhere,
    and later members are written through it (CVE-2007-4559's second half).
    """
    receiver_text = context.segment(receiver)
    for loop in ast.walk(context.enclosing_function(node) or context.tree):
        if not (
            isinstance(loop, ast.For)
            and loop.lineno < getattr(node, "lineno", 0)
            and isinstance(loop.target, ast.Name)
            and isinstance(loop.iter, ast.Call)
            and isinstance(loop.iter.func, ast.Attribute)
            and loop.iter.func.attr == "getmembers"
            and context.segment(loop.iter.func.value) == receiver_text
        ):
            continue
        member = loop.target.id
        body = ast.Module(body=loop.body, type_ignores=[])
        if _rejects_links(body, member) or any(
            isinstance(n, ast.Call) and _vetting_helper(context, n, member) for n in ast.walk(body)
        ):
            return True
    return False


def _archive_is_fixed(context: ModuleContext, opener: ast.Call) -> bool:
    """Whether the archive is a path written in the source (and no file object is passed)."""
    if ModuleContext.keyword(opener, "fileobj") is not None:
        return False
    # tarfile calls the path `name`, zipfile calls it `file`
    path = ModuleContext.argument(opener, 0, "name") or ModuleContext.keyword(opener, "file")
    return path is not None and is_fixed(context, path)


_TRAVERSAL_TAIL = (
    "; before Python 3.14 a member named `../../home/app/.bashrc`, an absolute path or a link "
    "planted by the archive is written outside the target directory."
)


@rule(
    id="archive-path-traversal",
    name="Tar archive extracted without a safe extraction filter",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary='tarfile extract/extractall or shutil.unpack_archive without filter="data".',
    fix='Pass `filter="data"` (`tar.extractall(dest, filter="data")`, '
    '`shutil.unpack_archive(path, dest, filter="data")`); on Python versions without filters, '
    "check every member's resolved path stays under the target before extracting.",
    what_it_does="Reports `extractall`/`extract` on a `tarfile.open(...)`/`tarfile.TarFile(...)` "
    "object opened in the same function (assigned, `with ... as`, or chained, or through a "
    "local name bound to the opener, `open_fn = tarfile.open`) when no safe "
    '`filter=` (`"data"`, `"tar"`, `tarfile.data_filter`, `tarfile.tar_filter`) is given and no '
    "`extraction_filter` is set, and `shutil.unpack_archive` without `filter=` unless the format "
    'is `"zip"`. Custom filter functions are trusted. An archive at a fixed path, an extraction '
    "limited by `members=`, or a function that lists the members first (often to check their "
    "names) lowers the confidence; a loop over `getmembers()` before the extraction that raises "
    "on a member's type (`issym()`, `islnk()`, `not (m.isfile() or m.isdir())`), itself or "
    "through a function of the module it hands the member to, is the check and is not reported; "
    "nor is an extraction in the branch of `if zipfile.is_zipfile(...)`.",
    why_bad="Tar member names are paths chosen by whoever made the archive (CVE-2007-4559): "
    "`../` components, absolute names and symlinks let one archive overwrite any file the "
    "process can write, such as code, cron jobs or SSH keys. Python 3.12 added filters, and only "
    "3.14 turns the safe one on by default.",
    example='import tarfile\nwith tarfile.open(upload) as tar:\n    tar.extractall("out")',
    use_instead='import tarfile\nwith tarfile.open(upload) as tar:\n    tar.extractall("out", '
    'filter="data")',
    references=(
        "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter",
        "https://docs.python.org/3/library/shutil.html#shutil.unpack_archive",
        "https://peps.python.org/pep-0706/",
        "https://cwe.mitre.org/data/definitions/22.html",
    ),
    methods=_EXTRACT_METHODS,
    calls=frozenset({"shutil.unpack_archive"}),
    call_imports=("tarfile", "shutil"),
)
def archive_path_traversal(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report tar extraction without a safe extraction filter."""
    assert isinstance(node, ast.Call)
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in _EXTRACT_METHODS:
        if not context.imports_any(("tarfile",)) or ModuleContext.has_star_arguments(node):
            return
        opener = _opened_by(context, func.value, _TAR_OPENERS)
        verdict = _filter_verdict(context, ModuleContext.keyword(node, "filter"))
        if opener is None or verdict is not False or _other_format_branch(context, node, "tar"):
            return
        if _sets_default_filter(context, node, func.value):
            return
        if _members_vetted(context, node, func.value):
            return
        if func.attr == "extractall":
            limited = ModuleContext.argument(node, 1, "members") is not None
        else:  # extract(member): one member the code names
            member = ModuleContext.argument(node, 0, "member")
            limited = member is not None and is_fixed(context, member)
        fixed = _archive_is_fixed(context, opener)
        inspected = _inspects_members(context, node, func.value)
        yield Hit(
            node=node,
            message=f"`{code(context, node)}` extracts the tar archive opened by "
            f'`{code(context, opener, 50)}` without `filter="data"`{_TRAVERSAL_TAIL}',
            evidence=((opener, "tar archive opened here"),),
            confidence=Confidence.LOW if limited or fixed or inspected else None,
        )
        return
    if not context.imports_any(("shutil",)) or context.call_name(node) != "shutil.unpack_archive":
        return
    if ModuleContext.has_star_arguments(node):
        return
    archive = ModuleContext.argument(node, 0, "filename")
    archive_format = ModuleContext.argument(node, 2, "format")
    is_zip = archive_format is not None and fixed_text(context, archive_format) == "zip"
    if archive is None or is_zip:
        return
    if _filter_verdict(context, ModuleContext.keyword(node, "filter")) is not False:
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` unpacks `{code(context, archive, 40)}` without "
        f'`filter="data"`, and tar formats are extracted as-is{_TRAVERSAL_TAIL}',
        confidence=Confidence.LOW if is_fixed(context, archive) else None,
    )


def _opened_from_request(opener: ast.expr, context: ModuleContext) -> bool:
    """`zipfile.ZipFile(request.files["f"])` in a request handler: the upload's zip bomb is
    `decompression-bomb`'s finding (at the opening, medium), not a second one here."""
    function = context.enclosing_function(opener)
    if not (
        isinstance(opener, ast.Call)
        and opener.args
        and function is not None
        and uses_web_framework(context)
        and is_request_handler(function, context)
    ):
        return False
    return mentions_request_data(opener.args[0], request_data_names(function, context), context)


@rule(
    id="unbounded-zip-extraction",
    name="Zip archive from elsewhere extracted without a size check",
    cwe=409,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="zipfile extractall/extract of an archive that is not fixed in the source, with no "
    "look at the members' sizes.",
    fix="Before extracting, sum `info.file_size` over `zf.infolist()` and refuse archives above a "
    "limit (and with too many members); extract member by member if you need a running total.",
    what_it_does="Reports `extractall`/`extract` on a `zipfile.ZipFile(...)` object opened in the "
    "same function from a path or file that is not fixed in the source, unless the function "
    "reads `file_size` or `compress_size`. It does not claim path traversal: `zipfile` already "
    "removes `..`, absolute paths and drive letters from member names and never creates links.",
    why_bad="Deflate compresses repeated data about a thousand to one, and crafted archives "
    "reach far more: a few megabytes uploaded can expand to enough data to fill the disk or the "
    "quota of the service. Whether the archive is hostile is not visible here, hence low "
    "confidence.",
    example="import zipfile\nwith zipfile.ZipFile(upload) as archive:\n"
    '    archive.extractall("out")',
    use_instead="import zipfile\nwith zipfile.ZipFile(upload) as archive:\n"
    "    if sum(i.file_size for i in archive.infolist()) > 100 * 2**20:\n"
    '        raise ValueError("archive too large")\n    archive.extractall("out")',
    references=(
        "https://docs.python.org/3/library/zipfile.html#zipfile-resources-limitations",
        "https://docs.python.org/3/library/zipfile.html#zipfile.ZipFile.extractall",
        "https://cwe.mitre.org/data/definitions/409.html",
    ),
    methods=_EXTRACT_METHODS,
    call_imports=("zipfile",),
)
def unbounded_zip_extraction(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report zip extraction of archives from elsewhere without a look at member sizes."""
    assert isinstance(node, ast.Call)
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in _EXTRACT_METHODS):
        return
    if not context.imports_any(("zipfile",)):
        return
    opener = _opened_by(context, func.value, _ZIP_OPENERS)
    if opener is None or _archive_is_fixed(context, opener):
        return
    if _opened_from_request(opener, context):
        return
    if _other_format_branch(context, node, "zip"):
        return
    function = context.enclosing_function(node) or context.tree
    if any(  # `sum(i.file_size for i in zf.infolist())` sits in a generator: walk everything
        isinstance(n, ast.Attribute) and n.attr in _SIZE_ATTRIBUTES for n in ast.walk(function)
    ):
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` extracts the zip archive opened by "
        f"`{code(context, opener, 50)}` without checking how large its members are; a small "
        "crafted archive can decompress to enough data to fill the disk.",
        evidence=((opener, "zip archive opened here"),),
    )
