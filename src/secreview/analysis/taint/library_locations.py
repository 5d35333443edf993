"""Where the caller's object lives: a folder read off an object a public function is handed.

A library's API often takes one of its own objects rather than a path (`diff(repo: Repo)`,
`worktree_list(repo)`, `am(r: "Repo")`): the caller opened that object on a folder of its choice
(`Repo(path)`), and the library reads the folder back off it (`repo.path`, `repo.controldir()`,
`r.index_path()`) to reach the files it keeps there (`os.path.join(repo.controldir(), "HEAD")`).
That folder is the caller's, as a parameter named as a path is: opening under it is the API's
job (dulwich's worktree, `am` and `gc` helpers: 11 of its 197 `library` findings). What the
object *holds* is another matter: names read from its contents (`for entry in
repo.entries(tree)`, a tree's paths, an index's entries) are the data of whoever made the
repository, and a path built of them is still reported, as is any value the flow takes from the
object otherwise than as its folder, and an object of a request, an upload or a URL (`request.path`
is the client's).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secreview.analysis.taint.library_joins import flow_expressions, helper_returns
from secreview.analysis.taint.library_roles import annotation_text, flow_parameter, handed_whole
from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent
from secreview.patterns import lazy_pattern

_NAME_WORDS = lazy_pattern(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_CLASS_NAME = lazy_pattern(r"\b[A-Z]\w*")
_NOT_CLASSES = frozenset(
    {"Any", "Optional", "Union", "Callable", "Iterable", "Iterator", "Sequence", "Mapping",
     "MutableMapping", "List", "Dict", "Set", "FrozenSet", "Tuple", "Type", "Literal", "None",
     "Path", "PurePath", "PathLike", "StrPath", "StrOrBytesPath", "AnyStr", "Text", "IO",
     "BinaryIO", "TextIO", "Collection", "Container"}
)  # fmt: skip
"""Capitalised names of an annotation that are not a class of objects with a folder: typing's
generics, strings and paths (a path parameter is judged by its own role)."""
_CLIENT_WORDS = frozenset(
    {"request", "requests", "req", "response", "upload", "uploaded", "url", "uri", "environ",
     "message", "msg", "form", "query", "headers", "client", "remote", "storage", "field"}
)  # fmt: skip
"""Words of a parameter's name or annotation that say the object carries what a client or a
remote party sent (`request.path`, an upload's file): its folder-like fields are theirs."""
_FOLDER_WORDS = frozenset({"path", "dir", "directory", "folder", "root"})
_FOLDER_SUFFIXES = ("path", "dir")
"""Words (or endings of one, `controldir`, `commondir`) of an attribute that say it is where the
object lives; a file's *name* (`filename`, `name`) is not a folder and is not covered."""


def object_location(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow's value is the folder of an object the public function is handed
    (`repo.path`, `repo.controldir()`), read off it with no argument, and nothing else of that
    object reaches the sink; see the module docstring."""
    parameter = flow_parameter(event, index)
    if parameter is None or not _object_annotation(parameter):
        return False
    if _folder_part(event.flow.within):
        return True
    names = frozenset(p.arg for p in handed_whole(event, index))
    handing = {
        id(node)
        for node, note in event.flow.steps
        if isinstance(node, ast.Call) and note.startswith("passed to ")
    }
    read = False
    for expression in (*flow_expressions(event, index), *helper_returns(event, index)):
        for node in ast.walk(expression):
            if not (isinstance(node, ast.Name) and node.id in names):
                continue
            if not _folder_or_handed(node, handing, index):
                return False
            read = read or not _handed(node, handing, index)
    return read and not _contents_at_sink(event, names, handing, index)


def _folder_part(within: tuple[object, ...]) -> bool:
    """Whether the flow carries only the object's folder field (its part `within` starts at
    `.path`, `.root_dir`, `.controldir`): the engine keeps one flow per part of a parameter, so
    what else the function reads off the object (`repo.object_store`, a tree's `.path`) and joins
    under that folder is a flow of its own part, judged on its own (still reported when nothing
    checks it), not this one. A field named for something else (`patch.old_path`, `.name`) is
    not a folder."""
    if not within or not isinstance(within[0], str) or not within[0].startswith("."):
        return False
    words = _words(within[0][1:])
    return bool(words) and all(w in _FOLDER_WORDS or w.endswith(_FOLDER_SUFFIXES) for w in words)


def _object_annotation(parameter: ast.arg) -> bool:
    """Whether the parameter is annotated as an object of a class (`repo: Repo`, `r: "Repo"`,
    `target: BaseRepo | None`) that is not a client's message, a string or a path."""
    text = annotation_text(parameter)
    if text is None:
        return False
    classes = [name for name in _CLASS_NAME.findall(text) if name not in _NOT_CLASSES]
    words = _words(parameter.arg) | {w for name in classes for w in _words(name)}
    return bool(classes) and words.isdisjoint(_CLIENT_WORDS)


def _folder_or_handed(name: ast.Name, handing: set[int], index: ModuleIndex) -> bool:
    """Whether `name` is handed whole to a call the flow goes through, or read as a folder."""
    return _handed(name, handing, index) or _folder_read(name, index.context.parent(name), index)


def _handed(name: ast.Name, handing: set[int], index: ModuleIndex) -> bool:
    parent = index.context.parent(name)
    return isinstance(parent, ast.Call) and id(parent) in handing and name in parent.args


def _folder_read(name: ast.Name, parent: ast.AST | None, index: ModuleIndex) -> bool:
    """Whether `name` is read as `name.folder` or called as `name.folder()` with no argument."""
    if not (isinstance(parent, ast.Attribute) and parent.value is name):
        return False
    if not any(w in _FOLDER_WORDS or w.endswith(_FOLDER_SUFFIXES) for w in _words(parent.attr)):
        return False
    call = index.context.parent(parent)
    if isinstance(call, ast.Call) and call.func is parent:
        return not call.args and not call.keywords
    return True


def _contents_at_sink(
    event: SinkEvent, names: frozenset[str], handing: set[int], index: ModuleIndex
) -> bool:
    """Whether a variable bound from the object otherwise than as its folder (`for entry in
    repo.entries(tree)`, or from such a variable) reaches the sink (`open(os.path.join(repo.path,
    entry.path))`) or a call the flow goes through, in that call's function: the object's
    contents, not its place."""
    derived_in: dict[int, set[str]] = {}
    calls = [event.node, *(n for n, _ in event.flow.steps if isinstance(n, ast.Call))]
    for call in calls:
        function = index.context.enclosing_function(call)
        if function is None:
            continue
        if id(function) not in derived_in:
            derived_in[id(function)] = _derived(function, names, handing, index)
        derived = derived_in[id(function)]
        if any(isinstance(n, ast.Name) and n.id in derived for n in ast.walk(call)):
            return True
    return False


def _derived(
    function: ast.AST, names: frozenset[str], handing: set[int], index: ModuleIndex
) -> set[str]:
    """The variables of `function` bound from the object's contents, directly or not (the
    object handed whole to a call the flow goes through, or bound again, is still the object)."""
    derived: set[str] = set()
    bindings = list(_bindings(function))
    changed = True
    while changed:
        changed = False
        for targets, value in bindings:
            if targets - names <= derived or not _holds_contents(
                value, names, derived, handing, index
            ):
                continue
            derived |= targets - names
            changed = True
    return derived


def _holds_contents(
    value: ast.AST, names: frozenset[str], derived: set[str], handing: set[int], index: ModuleIndex
) -> bool:
    for node in ast.walk(value):
        if not isinstance(node, ast.Name):
            continue
        if node.id in derived:
            return True
        if node.id in names and not _folder_or_handed(node, handing, index):
            return True
    return False


def _bindings(function: ast.AST) -> Iterable[tuple[frozenset[str], ast.AST]]:
    """Each binding in `function`: the names it binds and the expression they come from."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            yield _bound(node.targets), node.value
        elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.NamedExpr) and node.value:
            yield _bound([node.target]), node.value
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            yield _bound([node.target]), node.iter
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            yield _bound([node.optional_vars]), node.context_expr


def _bound(targets: Iterable[ast.AST]) -> frozenset[str]:
    return frozenset(
        n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)
    )


def _words(name: str) -> set[str]:
    return {word.lower() for word in _NAME_WORDS.findall(name)}
