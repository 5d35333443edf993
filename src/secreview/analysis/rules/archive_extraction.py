"""Extracting archives whose members are written outside the target (`archive-path-traversal`).

`tarfile` writes each member where its name says, `../` and absolute paths included, and follows
the links the archive itself creates, unless an extraction filter (`filter="data"`, Python 3.12 and
the security backports) stops it; Python 3.14 finally makes "data" the default. `shutil.
unpack_archive` extracts tar formats through the same code.

`rarfile` and `py7zr` recreate the symbolic links an archive holds; a later member named through
such a link is written wherever the link points, and py7zr before 0.20.2 also followed `../` in
names (CVE-2022-44900). Recent releases check more, but which release runs is not visible here,
so these are reported at low confidence unless the code checks the members itself.

`zipfile` strips `..` and absolute paths and creates no links: its risk is size
(`zip_extraction.py`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.archive_members import members_vetted
from secreview.analysis.rules._support.archive_openers import (
    EXTRACT_METHODS,
    archive_is_fixed,
    opened_by,
    other_format_branch,
)
from secreview.analysis.rules._support.built_strings import fixed_text, is_fixed
from secreview.analysis.rules._support.local_bindings import scope_nodes_of
from secreview.analysis.rules._support.quoting import code
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
_LINKING_OPENERS = {"rarfile.RarFile": "RAR", "py7zr.SevenZipFile": "7z"}
"""Libraries that recreate an archive's symbolic links and have no extraction filter."""
_SAFE_FILTER_NAMES = frozenset({"data", "tar"})
_SAFE_FILTER_FUNCTIONS = frozenset({"tarfile.data_filter", "tarfile.tar_filter"})
_UNSAFE_FILTERS = frozenset({"fully_trusted", "tarfile.fully_trusted_filter"})
_MEMBER_LISTINGS = frozenset({"getmembers", "getnames", "infolist", "namelist", "list"})


def _filter_verdict(context: ModuleContext, value: ast.expr | None) -> bool | None:
    """True for a safe extraction filter, False for none or `fully_trusted`, None if unknown
    (a custom filter function, or one chosen at run time, is assumed to know its job, unless
    it is a function of the module that refuses no member: `_refuses_nothing`)."""
    if value is None:
        return False
    constant = context.constant_value(value)
    resolved = context.resolve(value)
    if constant in _SAFE_FILTER_NAMES or resolved in _SAFE_FILTER_FUNCTIONS:
        return True
    if constant is None or constant in _UNSAFE_FILTERS or resolved in _UNSAFE_FILTERS:
        return False
    if isinstance(value, ast.Name) and _refuses_nothing(context, value.id):
        return False
    return None


_TEXT_METHODS = frozenset(
    {"split", "rsplit", "partition", "rpartition", "replace", "strip", "lstrip", "rstrip"}
    | {"removeprefix", "removesuffix", "join", "lower", "upper"}
)
"""Calls a filter may make that can neither refuse a member nor make its path safe."""


def _refuses_nothing(context: ModuleContext, name: str) -> bool:
    """Whether `name` is a module-level function of this module that, as an extraction filter,
    lets every member through: tarfile skips a member only when the filter raises or returns
    None, so a filter that never raises, always returns the member it was given and calls only
    text methods (`strip_first_component`, renaming `member.name`) passes `../`, absolute names
    and links on; a filter that calls anything else may check (or be `data_filter`)."""
    definition = next(
        (
            n
            for n in context.tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
        ),
        None,
    )
    if definition is None or not definition.args.args:
        return False
    member = definition.args.args[0].arg
    nodes = list(ast.walk(definition))
    returns = [n for n in nodes if isinstance(n, ast.Return)]
    return (
        bool(returns)
        and all(isinstance(r.value, ast.Name) and r.value.id == member for r in returns)
        and not any(isinstance(n, ast.Raise | ast.Yield | ast.Await) for n in nodes)
        and all(
            isinstance(n.func, ast.Attribute) and n.func.attr in _TEXT_METHODS
            for n in nodes
            if isinstance(n, ast.Call)
        )
    )


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


_TRAVERSAL_TAIL = (
    " a member named `../../home/app/.bashrc`, an absolute path or a link "
    "planted by the archive is written outside the target directory."
)


@rule(
    id="archive-path-traversal",
    name="Archive extracted without a safe extraction filter or a check of its members",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary='tarfile extract/extractall or shutil.unpack_archive without filter="data"; '
    "rarfile or py7zr extraction of members nobody checked.",
    fix='Pass `filter="data"` (`tar.extractall(dest, filter="data")`, '
    '`shutil.unpack_archive(path, dest, filter="data")`); on Python versions without filters, '
    "check every member's resolved path stays under the target before extracting.",
    what_it_does="Reports `extractall`/`extract` on a `tarfile.open(...)`/`tarfile.TarFile(...)` "
    "object opened in the same function (assigned, `with ... as`, or chained, or through a "
    "local name bound to the opener, `open_fn = tarfile.open`) when no safe "
    '`filter=` (`"data"`, `"tar"`, `tarfile.data_filter`, `tarfile.tar_filter`) is given and no '
    "`extraction_filter` is set, and `shutil.unpack_archive` without `filter=` unless the format "
    'is `"zip"`. Custom filter functions are trusted, except a function of the module that '
    "refuses no member (it never raises, always returns the member it was given and calls only "
    "text methods, like one that only strips the first path component). An archive at a fixed "
    "path, an extraction "
    "limited by `members=`, or a function that lists the members first (often to check their "
    "names) lowers the confidence; a loop over `getmembers()` before the extraction that raises "
    "on a member's type (`issym()`, `islnk()`, `not (m.isfile() or m.isdir())`), itself or "
    "through a function of the module it hands the member to, or that leaves the function "
    "(`raise` or `return`) on a member's type and on a test or validation of its name, is the "
    "check and is not reported; "
    "nor is an extraction in the branch of `if zipfile.is_zipfile(...)`. `rarfile.RarFile` "
    "and `py7zr.SevenZipFile` extractions of an archive not fixed in the source are reported "
    "at low confidence (recent releases check more; which one runs is not visible) unless a "
    "loop over `infolist()` or `list()` raises on a member's type (`is_symlink()`, "
    "`is_dir()`) or the extraction names its members.",
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
    methods=EXTRACT_METHODS,
    calls=frozenset({"shutil.unpack_archive"}),
    call_imports=("tarfile", "shutil", "rarfile", "py7zr"),
)
def archive_path_traversal(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report tar extraction without a safe extraction filter, and RAR or 7z extraction of
    members nobody checked."""
    assert isinstance(node, ast.Call)
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in EXTRACT_METHODS:
        if ModuleContext.has_star_arguments(node):
            return
        if context.imports_any(("tarfile",)):
            yield from _tar_extraction(node, func, context)
        if context.imports_any(("rarfile", "py7zr")):
            yield from _linking_extraction(node, func, context)
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
        f'`filter="data"`, and tar formats are extracted as-is; before Python 3.14'
        f"{_TRAVERSAL_TAIL}",
        confidence=Confidence.LOW if is_fixed(context, archive) else None,
    )


def _limited_to_named_members(node: ast.Call, func: ast.Attribute, context: ModuleContext) -> bool:
    """Whether the extraction takes only some members: `extractall(members=...)` (py7zr's
    `targets=`), or `extract(member)` of one member the code names."""
    if ModuleContext.keyword(node, "targets") is not None:
        return True
    if func.attr == "extractall":
        return ModuleContext.argument(node, 1, "members") is not None
    member = ModuleContext.argument(node, 0, "member")
    return member is not None and is_fixed(context, member)


def _tar_extraction(node: ast.Call, func: ast.Attribute, context: ModuleContext) -> Iterator[Hit]:
    """`tar.extractall(dest)` of an archive `tarfile` opened, without a safe filter."""
    opener = opened_by(context, func.value, _TAR_OPENERS)
    verdict = _filter_verdict(context, ModuleContext.keyword(node, "filter"))
    if opener is None or verdict is not False or other_format_branch(context, node, "tar"):
        return
    if _sets_default_filter(context, node, func.value):
        return
    if members_vetted(context, node, func.value):
        return
    limited = _limited_to_named_members(node, func, context)
    fixed = archive_is_fixed(context, opener)
    inspected = _inspects_members(context, node, func.value)
    given = ModuleContext.keyword(node, "filter")
    custom = isinstance(given, ast.Name) and _refuses_nothing(context, given.id)
    how = (
        f"with the filter `{code(context, given, 40)}`, which refuses no member (it never "
        "raises or returns None), so on any Python"
        if custom
        else 'without `filter="data"`; before Python 3.14'
    )
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` extracts the tar archive opened by "
        f"`{code(context, opener, 50)}` {how}{_TRAVERSAL_TAIL}",
        evidence=((opener, "tar archive opened here"),),
        confidence=Confidence.LOW if limited or fixed or inspected else None,
    )


def _linking_extraction(
    node: ast.Call, func: ast.Attribute, context: ModuleContext
) -> Iterator[Hit]:
    """`rf.extractall(dest)` of a RAR or 7z archive from elsewhere whose members the code never
    checks (a loop that raises on a member's type is the check; see the module)."""
    opener = opened_by(context, func.value, frozenset(_LINKING_OPENERS))
    if opener is None or archive_is_fixed(context, opener):
        return
    kind = _LINKING_OPENERS.get(context.call_name(opener) or "", "RAR or 7z")
    if other_format_branch(context, node, "7z" if kind == "7z" else "rar"):
        return
    if members_vetted(context, node, func.value) or _limited_to_named_members(node, func, context):
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` extracts the {kind} archive opened by "
        f"`{code(context, opener, 50)}` without checking its members: the library recreates the "
        "symbolic links the archive holds, so a member named through one (and, in older "
        "releases, one named `../`) is written outside the target directory.",
        fix="Before extracting, refuse links and check that each member's resolved path stays "
        "under the target (`os.path.realpath(os.path.join(dest, info.filename))` starts with "
        "`os.path.realpath(dest) + os.sep`), and keep the library up to date.",
        evidence=((opener, f"{kind} archive opened here"),),
        confidence=Confidence.LOW,
    )
