"""CWE-22: a symbolic link created to a target read from data, unchecked (`link-target-from-data`).

Archive formats store a symbolic link as a member whose content is the link's target. A program
that unpacks such a format itself (a 7z, rar, cpio or package reader; a tar or zip handled by
hand) reads the member's bytes and hands them to `os.symlink` or `Path.symlink_to`. Whoever made
the archive then chooses where the link points: `/etc` or `../../..`, and the next member, written
through the link, lands outside the destination folder (the classic "zip slip" by link).

The taint rules see this when the bytes come from a modelled archive (`zipfile`, `tarfile`); here
the reader is the program's own, so the rule looks at the shape instead: the link target is text
read from a stream (`f.read()`, `buffer.getvalue()`, through `.decode()`, `Path(...)` and local
names), and no condition of the function looks at that text before the link is made (a check
that the resolved target stays inside the destination: `if is_within(dest, target):` around the
call, or `if not ...: raise` before it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.function_flow import position, shared_own_nodes
from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.quoting import code
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_LINKERS = frozenset({"os.symlink", "os.link"})
_LINK_METHODS = frozenset({"symlink_to", "hardlink_to"})
_STREAM_READS = frozenset({"read", "read1", "readall", "readline", "getvalue", "recv"})
_MAX_DEPTH = 4


def _target(call: ast.Call, context: ModuleContext) -> ast.expr | None:
    """The target a call links to (`os.symlink(target, link)`, `link.symlink_to(target)`)."""
    if context.call_name(call) in _LINKERS:
        return ModuleContext.argument(call, 0, "src")
    if isinstance(call.func, ast.Attribute) and call.func.attr in _LINK_METHODS:
        return ModuleContext.argument(call, 0, "target")
    return None


def _sources(
    expr: ast.expr, context: ModuleContext, names: set[str], depth: int = 0
) -> ast.Call | None:
    """The stream read the value of `expr` comes from, if any (through local names, which are
    added to `names`)."""
    if depth > _MAX_DEPTH:
        return None
    for node in ast.walk(expr):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _STREAM_READS
        ):
            return node
        if isinstance(node, ast.Name) and node.id not in names:
            names.add(node.id)
            for value, _ in assigned_values(context, node):
                found = _sources(value, context, names, depth + 1)
                if found is not None:
                    return found
    return None


def _reads_any(test: ast.expr, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(test))


def _exits(body: list[ast.stmt]) -> bool:
    """Whether a branch leaves the path (`raise`, `return`, `continue`, `break`)."""
    return any(
        isinstance(n, ast.Raise | ast.Return | ast.Continue | ast.Break)
        for statement in body
        for n in ast.walk(statement)
    )


def _checked(call: ast.Call, names: set[str], context: ModuleContext) -> bool:
    """Whether a condition looks at the target before the link is made: an `if` around the call,
    or an earlier `if` of the function that leaves the path, whose test reads the target."""
    function = context.enclosing_function(call)
    for ancestor in context.ancestors(call):
        if isinstance(ancestor, ast.If | ast.While) and _reads_any(ancestor.test, names):
            return True
        if ancestor is function:
            break
    if function is None:
        return False
    return any(
        isinstance(node, ast.If)
        and position(node) < position(call)
        and _reads_any(node.test, names)
        and (_exits(node.body) or _exits(node.orelse))
        for node in shared_own_nodes(function, context)
    )


@rule(
    id="link-target-from-data",
    name="Symbolic link created to a target read from data",
    cwe=22,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A symbolic link is created to a target read from a stream (an archive member) "
    "without checking that the target stays inside the destination.",
    fix="Resolve the target against the link's folder (`(link.parent / target).resolve()`) and "
    "refuse it unless it stays inside the extraction folder (`is_relative_to(dest.resolve())`); "
    "refuse absolute targets.",
    what_it_does="Reports `os.symlink`, `os.link`, `Path.symlink_to` and `Path.hardlink_to` "
    "whose target is text read from a stream (`f.read()`, `buffer.getvalue()`, `sock.recv()`, "
    "through `.decode()`, `Path(...)` and local names) when no condition of the function reads "
    "that text first (an `if` around the call, or an earlier `if` that raises, returns or "
    "skips). Links whose target comes from a modelled archive are the taint rules' "
    "(`path-traversal`).",
    why_bad="Archive formats store a link's target as the member's content, so whoever made the "
    "archive picks it: a link to `/etc` or `../..`, then a member written through the link, and "
    "extraction writes outside its folder.",
    example="target = member_stream.read().decode()\n(dest / name).symlink_to(target)",
    use_instead="target = member_stream.read().decode()\nlink = dest / name\n"
    "if not (link.parent / target).resolve().is_relative_to(dest.resolve()):\n"
    '    raise ValueError("link outside the destination")\nlink.symlink_to(target)',
    references=(
        "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter",
        "https://snyk.io/research/zip-slip-vulnerability",
        "https://cwe.mitre.org/data/definitions/22.html",
        "https://cwe.mitre.org/data/definitions/59.html",
    ),
    calls=_LINKERS,
    methods=_LINK_METHODS,
)
def link_target_from_data(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report links created to targets read from a stream and never checked."""
    assert isinstance(node, ast.Call)
    target = _target(node, context)
    if target is None or context.enclosing_function(node) is None:
        return
    names: set[str] = set()
    read = _sources(target, context, names)
    if read is None or _checked(node, names, context):
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` creates a link to `{code(context, target)}`, text "
        f"read by `{code(context, read)}`, without checking where it points: an archive "
        "member can make the link lead to `/` or `../..`, and what is written through it lands "
        "outside the destination.",
        evidence=((read, "the link target is read from the data"),),
    )
