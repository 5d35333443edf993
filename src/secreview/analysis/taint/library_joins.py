"""Where, on a path's way to its sink, the caller's value is joined: after a base the library
chose (which `../` in the caller's part can leave), or as the folder of fixed names.

`library_scope` reads a parameter's role; this reads the joins (`os.path.join`, `/`, `+`, a
format) the value went through, the variables it was held in, and what each was assigned from.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.values import returned_function

_JOINS = frozenset(
    {
        "os.path.join",
        "posixpath.join",
        "ntpath.join",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "pathlib.PurePosixPath",
        "pathlib.WindowsPath",
        "pathlib.PureWindowsPath",
    }
)
"""Calls whose arguments are the parts of one path, the first its base."""


def tracked_names(event: SinkEvent) -> frozenset[str]:
    """The names the flow's value was held in: its parameters (the public function's, and a
    helper's it was passed to) and the variables it was assigned to."""
    names = set()
    for node, note in event.flow.steps:
        if isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and note.startswith("assigned to "):
            names.add(node.id)
    return frozenset(names)


def flow_expressions(event: SinkEvent, index: ModuleIndex) -> Iterator[ast.AST]:
    """The code the value went through: the sink call, each step's node, and the value each
    variable on the way was assigned from."""
    yield event.node
    for node, note in event.flow.steps:
        if isinstance(node, ast.arg):
            continue
        yield node
        if isinstance(node, ast.Name) and note.startswith("assigned to "):
            yield from _assigned_from(node, index)


def _assigned_from(target: ast.Name, index: ModuleIndex) -> Iterator[ast.AST]:
    """The expression a variable was bound from (an assignment's value, a loop's iterable)."""
    for statement in _ancestors(target, index):
        if isinstance(statement, ast.Assign | ast.AnnAssign | ast.NamedExpr):
            if statement.value is not None:
                yield statement.value
            return
        if isinstance(statement, ast.For | ast.AsyncFor | ast.comprehension):
            yield statement.iter
            return
        if isinstance(statement, ast.withitem):
            yield statement.context_expr
            return
        if isinstance(statement, ast.stmt):
            return


def _ancestors(node: ast.AST, index: ModuleIndex) -> Iterator[ast.AST]:
    current = index.context.parent(node)
    while current is not None:
        yield current
        current = index.context.parent(current)


def under_a_base(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether, on the flow, the caller's value is joined after a part it does not choose (a
    folder, a prefix): the library's base, which `../` in the caller's part can leave. A path
    given whole to a public helper of another module (`ensuredir(outdir)`) is judged there,
    where that helper's own parameter is public API; one given to a private helper, whose
    joins are not seen from here nor reported there, is kept."""
    if private_helper(event.note):
        return True
    names = tracked_names(event)
    return any(
        _joins_after_a_base(node, names, index)
        for expression in (*flow_expressions(event, index), *helper_returns(event, index))
        for node in ast.walk(expression)
    )


def helper_returns(event: SinkEvent, index: ModuleIndex) -> list[ast.expr]:
    """What the module's helpers the flow returns from give back (`return
    os.path.join(r.controldir(), "state")`, `return self.path.joinpath(name)`): the flow notes
    the call, the helper's parameter and the result, not the helper's `return`, so a join made
    there is read here."""
    returned = {
        helper.rpartition(".")[2]
        for _, note in event.flow.steps
        if (helper := returned_function(note))
    }
    values: list[ast.expr] = []
    for node, _ in event.flow.steps[1:]:
        function = index.context.enclosing_function(node) if isinstance(node, ast.arg) else None
        if function is None or f"{function.name}()" not in returned:
            continue
        values.extend(
            n.value
            for n in ast.walk(function)
            if isinstance(n, ast.Return)
            and n.value is not None
            and index.context.enclosing_function(n) is function
        )
    return values


def private_helper(note: str) -> bool:
    """Whether the sink sits inside a helper of another module (the note says `inside
    `pkg.mod.helper``) that is not public API there (a part of its name starts with `_`)."""
    _, inside, rest = note.partition(" inside `")
    if not inside:
        return False
    parts = rest.partition("`")[0].split(".")
    return any(part.startswith("_") and not part.endswith("__") for part in parts)


def mentions(node: ast.AST, names: frozenset[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _joins_after_a_base(node: ast.AST, names: frozenset[str], index: ModuleIndex) -> bool:
    """Whether `node` builds a path (or string) whose first part is not the tracked value and a
    later part is."""
    parts = path_parts(node, index)
    if len(parts) < 2 or mentions(parts[0], names):
        return False
    return any(mentions(part, names) for part in parts[1:])


def path_parts(node: ast.AST, index: ModuleIndex) -> list[ast.AST]:
    """The parts of a join, a concatenation or a format, in order (empty for anything else)."""
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Div | ast.Add):
            return [node.left, node.right]
        if isinstance(node.op, ast.Mod) and _text(node.left) is not None:
            arguments = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
            return _template_parts(node.left, _text(node.left) or "", "%", arguments)
        return []
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "joinpath":
        return [func.value, *node.args]
    if isinstance(func, ast.Attribute) and func.attr == "format":
        template = _text(func.value)
        if template is not None:
            return _template_parts(func.value, template, "{", node.args)
    if index.context.call_name(node) in _JOINS:
        return list(node.args)
    return []


def _template_parts(
    template_node: ast.expr, template: str, field: str, arguments: Iterable[ast.expr]
) -> list[ast.AST]:
    """A format's parts: its fixed text first when it does not start with a field."""
    values: list[ast.AST] = list(arguments)
    return values if template.startswith(field) else [template_node, *values]


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def folder_of_fixed_names(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the caller's value reaches the sink only as the folder of fixed names: the first
    part of a join whose later parts are all written in the source (`os.path.join(p,
    "privkey.pem")`, `Path(folder, CONFIG_NAME)`), and the sink is not handed the parameter
    itself. The library looks up its own file names inside a folder its caller chose, so the
    code reads the parameter as a folder as surely as a name `cert_dir` would say it: `../`
    in it names another folder of the caller's choosing, and none of the library's parts is
    left (Sanic's `load_cert_dir(p)`, the operator's certificate folder). A caller's value
    joined after a base the library chose is still reported (`under_a_base`)."""
    parameters = frozenset(n.arg for n, _ in event.flow.steps if isinstance(n, ast.arg))
    if _bare_use(event.node, parameters, index):
        return False
    return any(
        _fixed_names_under(node, parameters, index)
        for expression in flow_expressions(event, index)
        for node in ast.walk(expression)
    )


def _fixed_names_under(node: ast.AST, names: frozenset[str], index: ModuleIndex) -> bool:
    """Whether `node` joins a parameter of the flow itself, first (not a value pulled out of
    one: `form.get("dir")`), with only fixed names after it."""
    parts = path_parts(node, index)
    if len(parts) < 2 or not _the_parameter(parts[0], names, index):
        return False
    return all(_fixed_name(part) for part in parts[1:])


def _fixed_name(node: ast.AST) -> bool:
    """A part written in the source: a string literal or a module constant (`CONFIG_NAME`)."""
    if isinstance(node, ast.Name):
        return node.id.isupper()
    return _text(node) is not None


def _the_parameter(node: ast.AST, names: frozenset[str], index: ModuleIndex) -> bool:
    """Whether `node` is one of the parameters `names`, bare or made a path (`Path(p)`)."""
    made_a_path = isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords
    if made_a_path and index.context.call_name(node) in _JOINS:
        node = node.args[0]
    return isinstance(node, ast.Name) and node.id in names


def _bare_use(node: ast.AST, names: frozenset[str], index: ModuleIndex) -> bool:
    """Whether `node` uses one of the parameters `names` other than as the folder of a join of
    fixed names (`open(p)`, but not `(Path(p) / "x.pem").read_text()`)."""
    if _fixed_names_under(node, names, index):
        return False
    if isinstance(node, ast.Name):
        return node.id in names
    return any(_bare_use(child, names, index) for child in ast.iter_child_nodes(node))
