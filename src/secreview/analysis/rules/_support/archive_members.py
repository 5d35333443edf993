"""Whether the code checks an archive's members before extracting it.

`archive-path-traversal` does not report an extraction that a loop over the same archive's member
objects (`tar.getmembers()`, rarfile's `infolist()`, py7zr's `list()`) guards. Two shapes count:

- a loop that raises on a member's type (`issym()`, `islnk()`, `not m.isfile()`), itself or
  through a function of the module it hands the member to. Name checks alone are not enough: a
  symbolic link with an innocent name points anywhere, and later members are written through it
  (CVE-2007-4559's second half);
- a loop that leaves the function (`raise` or `return`) on a link *and* on a name: an `if`
  testing the member's name (`name.startswith("/")`, `PureWindowsPath(name).is_absolute()`) whose
  branch leaves, or a validation call on the name inside a `try` whose handler leaves. A probe
  that returns `False` on a bad member never reaches the extraction either; one that returns on
  links alone still writes `../` and absolute names where they say.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

MEMBER_OBJECTS = frozenset({"getmembers", "infolist", "list"})
"""Listings whose items are member objects (tar's `getmembers`, rarfile's `infolist`, py7zr's
`list`): a loop over one can look at each member's type."""
_TYPE_TESTS = frozenset(
    {"issym", "islnk", "isfile", "isreg", "isdir", "isdev", "type", "is_symlink", "is_dir"}
    | {"is_file", "is_directory"}
)
_NAME_FIELDS = frozenset({"name", "path", "filename"})
"""A member's path in the archive: tar's `name`/`path`, rarfile's and py7zr's `filename`."""


def _rejects_links(body: ast.AST, member: str) -> bool:
    """Whether `body` raises, and tests the type of `member` (`issym()`, `isfile()`, ...)."""
    nodes = list(ast.walk(body))
    return any(isinstance(n, ast.Raise) for n in nodes) and _tests_type(nodes, member)


def _tests_type(nodes: list[ast.AST], member: str) -> bool:
    """Whether `nodes` test the type of `member`."""
    return any(
        isinstance(n, ast.Attribute)
        and n.attr in _TYPE_TESTS
        and isinstance(n.value, ast.Name)
        and n.value.id == member
        for n in nodes
    )


def _leaves(statements: list[ast.stmt]) -> bool:
    """Whether `statements` hold a `raise` or a `return` (the function is left there)."""
    return any(isinstance(n, ast.Raise | ast.Return) for s in statements for n in ast.walk(s))


def _name_expressions(body: list[ast.stmt], member: str) -> tuple[set[str], ast.Module]:
    """The locals bound to the member's name in `body` (`name = member.name`), and `body`."""
    module = ast.Module(body=body, type_ignores=[])
    names = {
        t.id
        for n in ast.walk(module)
        if isinstance(n, ast.Assign) and _is_member_name(n.value, member, set())
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    return names, module


def _is_member_name(node: ast.AST, member: str, names: set[str]) -> bool:
    """Whether `node` is `member.name` (`.path`, `.filename`) or a local bound to it."""
    if isinstance(node, ast.Name):
        return node.id in names
    return (
        isinstance(node, ast.Attribute)
        and node.attr in _NAME_FIELDS
        and isinstance(node.value, ast.Name)
        and node.value.id == member
    )


def _mentions_name(node: ast.AST, member: str, names: set[str]) -> bool:
    """Whether `node` reads the member's name anywhere inside it."""
    return any(_is_member_name(n, member, names) for n in ast.walk(node))


def _refuses_links_and_names(body: list[ast.stmt], member: str) -> bool:
    """Whether `body` leaves on a member's type and on a test or validation of its name."""
    names, module = _name_expressions(body, member)
    nodes = list(ast.walk(module))
    if not _tests_type(nodes, member):
        return False
    for node in nodes:
        if (
            isinstance(node, ast.If)
            and _mentions_name(node.test, member, names)
            and _leaves(node.body)
        ):
            return True
        if (
            isinstance(node, ast.Try)
            and any(_leaves(h.body) for h in node.handlers)
            and any(
                isinstance(n, ast.Call) and _mentions_name(n, member, names)
                for s in node.body
                for n in ast.walk(s)
            )
        ):
            return True
    return False


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


def _lists_members(
    context: ModuleContext, scope: ast.AST, listing: ast.expr, receiver: ast.expr
) -> bool:
    """Whether `listing` is the archive's member objects: `tar.getmembers()`, or a local the
    function assigns that call once (`members = tar.getmembers()`, then `for m in members:`,
    the list kept to be returned after the extraction)."""
    if isinstance(listing, ast.Name):
        bound = [
            n.value
            for n in ast.walk(scope)
            if isinstance(n, ast.Assign | ast.AugAssign | ast.AnnAssign)
            and any(
                isinstance(t, ast.Name) and t.id == listing.id
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
            )
        ]
        if len(bound) != 1 or not isinstance(bound[0], ast.Call):
            return False
        listing = bound[0]
    return (
        isinstance(listing, ast.Call)
        and isinstance(listing.func, ast.Attribute)
        and listing.func.attr in MEMBER_OBJECTS
        and context.segment(listing.func.value) == context.segment(receiver)
    )


def members_vetted(context: ModuleContext, node: ast.AST, receiver: ast.expr) -> bool:
    """Whether a loop over the archive's members, before `node`, checks them (see the module)."""
    scope = context.enclosing_function(node) or context.tree
    for loop in ast.walk(scope):
        if not (
            isinstance(loop, ast.For)
            and loop.lineno < getattr(node, "lineno", 0)
            and isinstance(loop.target, ast.Name)
            and _lists_members(context, scope, loop.iter, receiver)
        ):
            continue
        member = loop.target.id
        body = ast.Module(body=loop.body, type_ignores=[])
        if (
            _rejects_links(body, member)
            or _refuses_links_and_names(loop.body, member)
            or any(
                isinstance(n, ast.Call) and _vetting_helper(context, n, member)
                for n in ast.walk(body)
            )
        ):
            return True
    return False
