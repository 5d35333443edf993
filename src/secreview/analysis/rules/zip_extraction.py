"""Zip archives from elsewhere extracted without a look at their size (`unbounded-zip-extraction`).

`zipfile` strips absolute paths, drive letters and `..` components from member names and does not
create symlinks, so its extraction is not path traversal (`archive_extraction.py` has those), and
reporting it as CWE-22 would be wrong. What a zip from elsewhere can still do is decompress to far
more than its size and fill the disk: CWE-409, low confidence, and quiet when the function looks
at the members' `file_size`, or when a request handler opens the zip from the request
(`decompression-bomb` reports that zip bomb where it is opened).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.archive_openers import (
    EXTRACT_METHODS,
    archive_is_fixed,
    opened_by,
    other_format_branch,
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

_ZIP_OPENERS = frozenset({"zipfile.ZipFile", "zipfile.PyZipFile"})
_SIZE_ATTRIBUTES = frozenset({"file_size", "compress_size"})


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
    methods=EXTRACT_METHODS,
    call_imports=("zipfile",),
)
def unbounded_zip_extraction(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report zip extraction of archives from elsewhere without a look at member sizes."""
    assert isinstance(node, ast.Call)
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr in EXTRACT_METHODS):
        return
    if not context.imports_any(("zipfile",)):
        return
    opener = opened_by(context, func.value, _ZIP_OPENERS)
    if opener is None or archive_is_fixed(context, opener):
        return
    if _opened_from_request(opener, context):
        return
    if other_format_branch(context, node, "zip"):
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
