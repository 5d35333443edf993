"""Files a program pickles itself: the file names a module writes with pickle, and reads back.

A program that caches its own objects (a build environment, parsed documents) pickles them into a
file and unpickles the file later. What it reads back is its own artefact, as much as a file at a
fixed path is, and is rated like one (low): whoever can write that folder can still swap the file,
but nobody chooses it through the program. A file is known by a key: the last name of the folder
expression and the fixed tail of the file's name (`doctreedir/*.doctree` for
`self.doctreedir / f"{docname}.doctree"`), or the file's whole name when it is fixed, so a read of
`env.doctreedir / f"{env.docname}.doctree"` matches a write of `self.doctreedir /
f"{name}.doctree"`. A path an object keeps (`self._state_path`) is known by its class and
attribute (`Scheduler.self._state_path`): a class that dumps its state there and loads it back.
A path with no fixed tail, or a tail without an extension, has no key.
Bytes taken from a memo the same function fills with such reads (`data = cache[name]`, else
`data = cache[name] = f.read()`) are read from the same files.

The writes are looked for in the module of the read, and, since writer and reader often live in
different modules, in the whole scanned project: the scanner collects the keys every module
writes before the review (`secreview.project_pickles`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from secreview.analysis.rules._support.caller_arguments import arguments_of_private_helper
from secreview.analysis.rules._support.local_bindings import (
    bindings_before,
    made_by,
    single_value,
)
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_DUMPS = frozenset(
    {
        *(f"{module}.dump" for module in ("pickle", "cPickle", "_pickle", "dill", "cloudpickle")),
        "joblib.dump",
    }
)
FILE_OPENERS = frozenset(
    {"open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open", "builtins.open"}
)
"""Calls that open a file by path (compressed ones too), as loaders' file arguments come."""
_FILE_READS = frozenset({"read", "read_bytes", "read_text", "open"})
"""Methods giving a file's contents or an open file (`Path.open`, `ZipFile.open`)."""
_JOINS = frozenset({"os.path.join", "posixpath.join"})


Keys = frozenset[str]
NO_KEYS: Keys = frozenset()


def pickled_file_keys(context: ModuleContext) -> Keys:
    """The keys of every file this module writes with `pickle.dump` (and the like)."""
    return context.derived(_collect_pickled_keys)


def _collect_pickled_keys(context: ModuleContext) -> Keys:
    keys: set[str] = set()
    for node in nodes_of(context, ast.Call):
        if context.call_name(node) not in _DUMPS:
            continue
        target = ModuleContext.argument(node, 1, "file")
        if target is not None:
            keys |= opened_file_keys(context, target)
    return frozenset(keys)


def opened_file_keys(context: ModuleContext, stream: ast.expr) -> Keys:
    """The keys of the file `stream` is: `open(path)`, `path.open()`, or a local bound to one;
    for a file name (`joblib.dump(obj, path)`), the keys of that path."""
    opener = made_by(context, stream, FILE_OPENERS)
    if opener is not None:
        path = ModuleContext.argument(opener, 0, "file")
        return file_keys(context, path) if path is not None else NO_KEYS
    value = single_value(context, stream)
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "open"
    ):
        return file_keys(context, value.func.value)  # Path(...).open("rb")
    return file_keys(context, stream)


def reads_a_file(context: ModuleContext, data: ast.expr) -> bool:
    """Whether `data` is the contents of a file, or an open file a loader reads: `f.read()`,
    `path.read_bytes()`, `open(p)`, `path.open()`, a `with open(p) as f` handle, through locals
    (what the taint engine does not follow: it follows the path, not what the file holds)."""
    value = single_value(context, data)
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr in _FILE_READS:
        return True
    return context.call_name(value) in FILE_OPENERS


def read_file_keys(context: ModuleContext, data: ast.expr) -> Keys:
    """The keys of the file whose bytes `data` holds: `f.read()` of an opened file, through
    locals, or a memo of such reads (see `_memoised_read_keys`); none when any binding is
    something else."""
    bindings = bindings_before(context, data) if isinstance(data, ast.Name) else None
    if bindings and len(bindings) > 1:  # read here, or taken from a memo of such reads
        if any(b.augmented_op is not None for b in bindings):
            return NO_KEYS
        return shared_keys(_binding_read_keys(context, b.value) for b in bindings)
    return _read_keys(context, single_value(context, data))


def shared_keys(every: Iterable[Keys]) -> Keys:
    """The keys every one of several ways to a file has: one file, whichever way was taken.
    No keys when any way has none (it is some other file), or there are no ways."""
    shared: Keys | None = None
    for keys in every:
        shared = keys if shared is None else shared & keys
        if not shared:
            return NO_KEYS
    return shared or NO_KEYS


def _binding_read_keys(context: ModuleContext, value: ast.expr | None) -> Keys:
    if value is None:
        return NO_KEYS
    if isinstance(value, ast.Subscript):
        return _memoised_read_keys(context, value)
    return _read_keys(context, single_value(context, value))


def _memoised_read_keys(context: ModuleContext, read: ast.Subscript) -> Keys:
    """`serialised = cache[name]` where the same function fills that cache with file reads
    (`serialised = cache[name] = f.read()` when the name is missing): the keys of those files."""
    function = context.enclosing_function(read)
    if function is None:
        return NO_KEYS
    memo = ast.dump(read.value)
    return shared_keys(
        _read_keys(context, statement.value)
        for statement in ast.walk(function)
        if isinstance(statement, ast.Assign)
        and any(
            isinstance(t, ast.Subscript) and ast.dump(t.value) == memo for t in statement.targets
        )
    )


def _read_keys(context: ModuleContext, value: ast.expr) -> Keys:
    """The keys of the file `value` reads: `f.read()` of an opened file, `path.read_bytes()`."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in ("read", "read_bytes")
    ):
        if value.func.attr == "read_bytes":
            return file_keys(context, value.func.value)
        return opened_file_keys(context, value.func.value)
    return NO_KEYS


def file_keys(context: ModuleContext, path: ast.expr, depth: int = 0) -> Keys:
    """`folder/*tail` for a path built from a folder and a name with a fixed tail, or the fixed
    file name itself (see the module docstring), and `folder/=NAME` when the name is a named
    constant, whose value an importing module may not see (`self.doctreedir / ENV_PICKLE` in
    the module defining `ENV_PICKLE` and in one importing it); for a parameter of a private
    helper, the keys every call of the module passes it (`_parameter_keys`)."""
    value = single_value(context, path)
    if isinstance(value, ast.Name) and depth < _MAX_HELPER_DEPTH:
        passed = _parameter_keys(context, value, depth)
        if passed:
            return passed
    fixed = context.constant_value(value)
    if isinstance(fixed, str):
        name = fixed.replace("\\", "/").rsplit("/", 1)[-1]
        return frozenset({name}) if "." in name else NO_KEYS
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        return _instance_path_keys(context, value)
    folder: ast.expr | None = None
    name_part: ast.expr | None = None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Div):
        folder, name_part = value.left, value.right
    elif isinstance(value, ast.Call) and context.call_name(value) in _JOINS and len(value.args) > 1:
        folder, name_part = value.args[-2], value.args[-1]
    if folder is None or name_part is None:
        return NO_KEYS
    folder_name = _last_name(context, folder)
    if folder_name is None:
        return NO_KEYS
    keys = set()
    tail = _fixed_tail(context, name_part)
    if tail is not None:
        keys.add(f"{folder_name}/*{tail}")
    if isinstance(name_part, ast.Name) and name_part.id.isupper():
        keys.add(f"{folder_name}/={name_part.id}")
    return frozenset(keys)


def _instance_path_keys(context: ModuleContext, path: ast.Attribute) -> Keys:
    """`Class.self.attr` for a path an object keeps (`self._state_path`): the file a class's
    `dump` writes and its `load` reads back, whatever path it was configured with. Only in a
    method of a class: an object another class holds may keep another file under that name."""
    if not (isinstance(path.value, ast.Name) and path.value.id == "self"):
        return NO_KEYS
    owner = next((a for a in context.ancestors(path) if isinstance(a, ast.ClassDef)), None)
    return frozenset({f"{owner.name}.self.{path.attr}"}) if owner is not None else NO_KEYS


def _fixed_tail(context: ModuleContext, name: ast.expr) -> str | None:
    """The fixed end of a file name with an extension: `.doctree` of `f"{doc}.doctree"` or of
    `doc + ".doctree"`, or the whole fixed name."""
    value = single_value(context, name)
    fixed = context.constant_value(value)
    if isinstance(fixed, str):
        return fixed if "." in fixed else None
    last: ast.expr | None = None
    if isinstance(value, ast.JoinedStr) and value.values:
        last = value.values[-1]
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        last = value.right
    tail = context.constant_value(last) if last is not None else None
    return tail if isinstance(tail, str) and "." in tail and "/" not in tail else None


def _last_name(context: ModuleContext, folder: ast.expr) -> str | None:
    """`doctreedir` of `self.doctreedir` or of a local bound to it; a folder's own name."""
    value = single_value(context, folder)
    if isinstance(value, ast.Attribute):
        return value.attr
    if isinstance(value, ast.Name):
        return value.id
    return None


_MAX_HELPER_DEPTH = 2
"""How many private helpers deep a path parameter is followed to its callers."""


def _parameter_keys(context: ModuleContext, name: ast.Name, depth: int) -> Keys:
    """The keys of what every call of the module passes for `name`, a parameter of a private
    function or method (`_load_env(self, filename)` called as `self._load_env(self.doctreedir /
    ENV_PICKLE)`, `arguments_of_private_helper`). No keys when it is not such a parameter, its
    calls are not all seen, nothing calls it, or the calls share no key (a call that may reach
    another class's method of that name can only remove keys)."""
    function = context.enclosing_function(name)
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return NO_KEYS
    arguments = arguments_of_private_helper(context, function, name.id)
    if not arguments:
        return NO_KEYS
    return shared_keys([file_keys(context, argument, depth + 1) for argument in arguments])
