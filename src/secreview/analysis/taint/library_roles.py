"""What a public parameter is for, beyond its name: a file, a setting, a program to run.

`library_scope` reads a parameter's name (`pidfile`, `pattern`, `cfg`) to tell the uses an API
exists for from the library's defects. Four more signs say the same, on code whose names do not:

- a file: the parameter's annotation is a file object (`input: str | BinaryIO`, `IO[str]`), its
  default is a path (`stdin='/dev/null'`), or its docstring entry says it names a file or a
  folder (`key (str): Name of private key file to use.`). Like a parameter named as a path, it is
  the caller's file when used whole (Markdown's `convertFile(input, output)`, a daemonizer's
  `stdin`/`stdout`/`stderr`, celery's `setup_security(key, cert)`), and still reported when the
  library joins it under a base it chose.
- a setting's override: the parameter is the value of a configuration setting when the caller
  gives none (`key = key or conf.security_key`, `options.get("graphviz_dot",
  self.builder.config.graphviz_dot)`, `x if x is not None else settings.x`): the API takes either
  the operator's setting or the caller's replacement for it, the same kind of value from the same
  kind of author, so what reaches the sink is configuration.
- a number: a parameter annotated as a number or a truth value (`comment_id: int`, `depth: int |
  None`, `thin: bool`) holds digits, a sign, a point or `True`/`False`, however the library
  formats it into a path, a query or an expression; a caller who passes text there breaks the
  API's contract, not the library (`library_scope` drops it for the text-injection kinds). A
  parameter annotated `str`, a container of numbers, or not annotated is judged as before.
- a function: a parameter annotated as a callable (`progress: Callable[..., None] | None`) is
  a function object, not text; a flow of it reaches a text sink only through what a call it is
  handed returns (`pack_sha = extend_pack(f, progress=progress)`), which the call made of its
  other arguments, and those are judged as flows of their own.
- a program: a parameter named as a command or a path (`command: list[str]`, `wdg_path`,
  `detach(path, argv)`) run as the program of an argument vector with no shell: running the
  program its caller names is that API's job, as opening the file is a path API's. A shell
  command line is not covered: there the value's words are re-read as commands.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.parameter_docs import parameter_description
from secreview.analysis.taint.results import SinkEvent
from secreview.patterns import lazy_pattern

_FILE_ANNOTATION = lazy_pattern(r"\b(?:IO|BinaryIO|TextIO|TextIOBase|BufferedReader|FileIO)\b")
"""Annotations of a file object: a parameter that takes one (or a name) is the caller's file."""
_PATH_DEFAULT = lazy_pattern(r"^(?:\.\.?|(?:/|~/|\./|\.\./)[^\s]*)$")
"""A default that is a path (`'/dev/null'`, `'./out'`, the current folder `'.'`): the parameter
names a file or a folder."""
_FILE_DOC = lazy_pattern(
    r"(?i)\b(?:file|files|filename|filenames|file\s+name|path|paths|directory|directories"
    r"|folder|folders)\b"
)
"""Words of a parameter's docstring entry that say it names a file or a folder."""
_NOT_FILE_DOC = lazy_pattern(r"(?i)\b(?:url|uri|request|requested|upload|uploaded)\b")
"""Words that say the file or path described comes from a request or a URL, not the caller."""
_SETTINGS_WORDS = frozenset(
    {"cfg", "conf", "config", "configuration", "settings", "setting", "app", "application"}
)
"""Words of a name that say it is the application or its configuration (`self.builder.config`,
`app.conf`, `settings`)."""
_PROGRAM_WORDS = frozenset(
    {"command", "commands", "cmd", "cmdline", "program", "executable", "exe", "binary", "argv"}
)
"""Words of a parameter's name that say it is a program or an argument vector to run."""
_PROGRAM_NOTE = "program to run"
"""The note of the sinks that run an argument vector's program, no shell (`subprocess.run`,
`os.execv`); a shell command's note differs."""
_NAME_WORDS = lazy_pattern(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_ANNOTATION_NAMES = lazy_pattern(r"[A-Za-z_][\w.]*")
_NUMBER_TYPES = frozenset({"int", "float", "bool", "complex"})
_CALLABLE_TYPES = frozenset(
    {"Callable", "typing.Callable", "collections.abc.Callable", "t.Callable"}
)
"""Annotations of a function object (`Callable[[bytes], None]`): the names inside its brackets
are the function's argument and return types, not the parameter's."""
_OPTIONAL_WORDS = frozenset(
    {"None", "Optional", "Union", "typing.Optional", "typing.Union", "t.Optional", "t.Union"}
)
"""Names of an annotation that only say the parameter may be left out (`int | None`,
`Optional[int]`, `Union[int, float]`)."""


def flow_parameter(event: SinkEvent, index: ModuleIndex) -> ast.arg | None:
    """The parameter the flow starts at, as its caller wrote it: a public function's
    `**kwargs` handed on (`helper(kwargs.get("input"))`, `helper(**kwargs)`) to a function's
    parameter, with no assignment in between, is the caller's keyword argument of that
    parameter's name and meaning (Markdown's `markdownFromFile(**kwargs)` giving `input` to
    `convertFile(input: str | BinaryIO)`); any other flow starts at its first parameter."""
    steps = event.flow.steps
    first = steps[0][0]
    if not isinstance(first, ast.arg):
        return None
    function = index.context.enclosing_function(first)
    if function is None or function.args.kwarg is not first:
        return first
    for node, note in steps[1:]:
        if isinstance(node, ast.arg):
            return node
        if not note.startswith("passed to "):
            break
    return first


def handed_whole(event: SinkEvent, index: ModuleIndex) -> Iterator[ast.arg]:
    """The parameters the caller's value reaches unchanged, in order: the one the flow starts
    at, then each parameter of a function it is passed to as a bare name, through plain
    renames and loops over it (`load(input)` -> `dict_from_file(file)` -> `read(filenames)`,
    `for filename in filenames`). A parameter on that chain names what the value is as surely
    as the first one's name would; the chain ends at any other step (a join, a field read, a
    call's result), after which the value is something the library made of it."""
    steps = event.flow.steps
    first = flow_parameter(event, index)
    if first is None:
        return
    yield first
    names = {first.arg}
    for number, (node, note) in enumerate(steps[1:], start=2):
        following = steps[number][0] if number < len(steps) else None
        if isinstance(node, ast.arg):
            if node.arg in names:
                continue
            names = {node.arg}
            yield node
        elif note.startswith("passed to ") and isinstance(node, ast.Call):
            if not isinstance(following, ast.arg) or not any(
                isinstance(a, ast.Name) and a.id in names for a in node.args
            ):
                return
        elif isinstance(node, ast.Name) and note.startswith("assigned to "):
            if not _renames(node, names, index):
                return
            names.add(node.id)
        else:
            return


def _renames(target: ast.Name, names: set[str], index: ModuleIndex) -> bool:
    """Whether `target` is bound to one of `names` as it is (`x = name`) or to each of its
    items (`for x in name`)."""
    parent = index.context.parent(target)
    if isinstance(parent, ast.For | ast.AsyncFor | ast.comprehension) and parent.target is target:
        value: ast.AST | None = parent.iter
    else:
        value = _assigned_value(target, index)
    return isinstance(value, ast.Name) and value.id in names


def documented_file(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at is annotated as a file object, defaults to a
    path, or is documented as naming a file or a folder (see the module docstring)."""
    parameter = flow_parameter(event, index)
    if parameter is None:
        return False
    annotation = parameter.annotation
    if annotation is not None and _FILE_ANNOTATION.search(ast.unparse(annotation)):
        return True
    function = index.context.enclosing_function(parameter)
    if function is None:
        return False
    default = _default_of(function, parameter)
    if (
        isinstance(default, ast.Constant)
        and isinstance(default.value, str)
        and _PATH_DEFAULT.match(default.value)
    ):
        return True
    description = parameter_description(function, parameter.arg)
    return bool(_FILE_DOC.search(description)) and not _NOT_FILE_DOC.search(description)


def _default_of(
    function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: ast.arg
) -> ast.AST | None:
    """The default value of `parameter` in `function`'s signature (None if it has none)."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if parameter in positional:
        offset = len(positional) - len(arguments.defaults)
        number = positional.index(parameter)
        return arguments.defaults[number - offset] if number >= offset else None
    if parameter in arguments.kwonlyargs:
        return arguments.kw_defaults[arguments.kwonlyargs.index(parameter)]
    return None


def setting_override(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether a variable on the flow is bound to the caller's value with a configuration
    setting in its place when the caller gives none (`key or conf.security_key`,
    `options.get("dot", config.graphviz_dot)`, `x if x is not None else settings.x`)."""
    for node, note in event.flow.steps:
        if not (isinstance(node, ast.Name) and note.startswith("assigned to ")):
            continue
        value = _assigned_value(node, index)
        if value is not None and _with_setting_fallback(value):
            return True
    return False


def _with_setting_fallback(value: ast.AST) -> bool:
    """Whether `value` is an `or`, a conditional or a `.get(key, default)` / `getattr(o, name,
    default)` one of whose alternatives reads the configuration."""
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        alternatives: list[ast.AST] = list(value.values[1:])
    elif isinstance(value, ast.IfExp):
        alternatives = [value.body, value.orelse]
    elif isinstance(value, ast.Call) and len(value.args) >= 2 and _is_lookup(value):
        alternatives = [value.args[-1]]
    else:
        return False
    return any(_reads_settings(alternative) for alternative in alternatives)


def _is_lookup(call: ast.Call) -> bool:
    """Whether `call` is `mapping.get(key, default)` or `getattr(obj, name, default)`."""
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == "get" and len(call.args) == 2
    return isinstance(func, ast.Name) and func.id == "getattr" and len(call.args) == 3


def _reads_settings(node: ast.AST) -> bool:
    """Whether `node` reads a field of the configuration: an attribute or item of a name that
    says configuration (`conf.security_key`, `self.builder.config.graphviz_dot`,
    `settings["x"]`)."""
    if not isinstance(node, ast.Attribute | ast.Subscript):
        return False
    current: ast.AST = node.value
    while isinstance(current, ast.Attribute | ast.Subscript | ast.Call):
        if isinstance(current, ast.Attribute) and _says_settings(current.attr):
            return True
        current = current.func if isinstance(current, ast.Call) else current.value
    return isinstance(current, ast.Name) and _says_settings(current.id)


def _says_settings(name: str) -> bool:
    return any(word.lower() in _SETTINGS_WORDS for word in _NAME_WORDS.findall(name))


def runs_a_program(event: SinkEvent) -> bool:
    """Whether the sink runs the program of an argument vector, with no shell."""
    return event.note.startswith(_PROGRAM_NOTE)


def program_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at (`flow_parameter`) is named as a command or a
    program (`command: list[str]`, `cmd`, `executable`)."""
    parameter = flow_parameter(event, index)
    if parameter is None:
        return False
    words = {word.lower() for word in _NAME_WORDS.findall(parameter.arg)}
    return not words.isdisjoint(_PROGRAM_WORDS)


def _assigned_value(target: ast.Name, index: ModuleIndex) -> ast.AST | None:
    """The value a plain assignment (`x = value`, `x: T = value`, `(x := value)`) binds to
    `target`; None for any other binding (a loop, an unpacking)."""
    parent = index.context.parent(target)
    if isinstance(parent, ast.Assign) and target in parent.targets:
        return parent.value
    if isinstance(parent, ast.AnnAssign | ast.NamedExpr) and parent.target is target:
        return parent.value
    return None


def annotation_text(parameter: ast.arg) -> str | None:
    """A parameter's annotation as written, a string annotation (`"Repo"`) without its quotes;
    None when it has none."""
    annotation = parameter.annotation
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value
    return ast.unparse(annotation)


def number_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at is annotated as a number or a truth value, alone
    or with `None` (`int`, `"int | None"`, `Optional[float]`, `Union[int, bool]`)."""
    parameter = flow_parameter(event, index)
    text = None if parameter is None else annotation_text(parameter)
    if text is None:
        return False
    names = set(_ANNOTATION_NAMES.findall(text)) - _OPTIONAL_WORDS
    return bool(names) and names <= _NUMBER_TYPES


def textless_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at holds no text: a number (`number_parameter`)
    or a function (`callable_parameter`)."""
    return number_parameter(event, index) or callable_parameter(event, index)


def callable_parameter(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the parameter the flow starts at is annotated as a callable, alone or with
    `None` (`Callable[..., None] | None`, `Optional[Callable[[int], None]]`); a union with any
    other type (`str | Callable`) may be text and is judged as before."""
    parameter = flow_parameter(event, index)
    annotation = None if parameter is None else parameter.annotation
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    return annotation is not None and _only_callables(annotation)


def _only_callables(node: ast.expr) -> bool:
    """Whether every member of the annotation's unions is a callable type or `None`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _only_callables(node.left) and _only_callables(node.right)
    if isinstance(node, ast.Subscript):
        head = ast.unparse(node.value)
        if head in _OPTIONAL_WORDS:
            members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return all(_only_callables(m) for m in members)
        return head in _CALLABLE_TYPES
    if isinstance(node, ast.Constant) and node.value is None:
        return True
    return ast.unparse(node) in _CALLABLE_TYPES
