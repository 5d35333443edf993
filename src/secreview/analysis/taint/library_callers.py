"""Public parameters under `library` whose value is not an attacker's to choose.

`library_scope` asks what a sink does with a caller's value; this asks who the caller is, for
two kinds of public function whose argument no attacker of the library writes:

- a command-line entry point (`def main(argv=None)`, `def run(args)` handed to
  `parser.parse_args(args)`, a `handle(self, *args, **options)` of a management `Command`, a
  `@click.command()`, a `run(self, args)` handing `args[1:]` to the subcommand's helper that
  parses them): its argument is the process's own argument vector, typed by the person
  running the command, who is not an attacker of it (on the 16 noise projects every such finding
  was the file, folder or pattern the operator named, triaged false). A shell is the exception:
  a CLI that formats its options into a shell command line (`sh -c "find %s ..."`) still lets a
  value the operator thought was a file name run commands, so commands are kept.
- an object the library calls a method of (`inliner.init_customizations(settings)`): the sink
  sits in that method and is reached through the object's own state (its attributes, its
  class's constant tables). A caller handing over an object hands over code, not data: an
  attacker's text cannot be an instance of the library's class. What the object holds came in
  through its class's constructor or setters, and is followed where a public function builds
  the object from its own parameter (`Job(cmd).execute()`, `Session(environ["sid"]).load()`),
  still reported. A constructor's parameter stored on `self` and used by another method is not
  reported from the constructor alone (a known gap).
- a deployment factory (Paste Deploy's `make_filter(app, global_conf, **local_conf)`,
  `main(global_config, **settings)`: a function taking `global_conf`/`global_config`): its
  arguments are the values of the deployment's `.ini` file, the operator's configuration (a
  middleware's mount prefix used as a pattern). What the built application later reads from a
  request is still followed where it reads it.
- a helper only a command line calls: a module-level function, not in `__all__`, that its
  module calls only from command lines' entry points (functions that parse the argument
  vector) or from helpers only they call (`sphinx-quickstart`'s `main` handing its answers to
  `generate(d)` and `valid_dir(d)`), its calls of itself aside (`sphinx-autogen` descending
  into the files it wrote): its arguments are the operator's too. One called from
  anywhere else in its module, or never called there, is public API as before.
- a document tree in a Sphinx build (a parameter annotated as a docutils node, `doctree:
  nodes.document`, `node: Element`, or named `doctree`/`node` where the module imports
  docutils' nodes, in a module that imports Sphinx): Sphinx runs the documentation project's
  `conf.py` as Python, so whoever writes the documents it builds already runs code in that
  build; the expressions, paths and options they write (`.. ifconfig:: expr`, a doctest's
  `:skipif:`, an image's path) are as much theirs as the configuration is (on the noise
  projects, 5 findings, all triaged false). Docutils alone renders untrusted reStructuredText,
  so a document tree there stays the attacker's. A document's name as Sphinx's API passes it
  (`write_doc(docname, doctree)`, `handle_page(pagename, ...)`) is the same: the name of a
  source file the authors wrote, which Sphinx found in their source folder (`env.found_docs`),
  or of a page its builder makes (`genindex`); joined under the build's output or doctree
  folder, it is the build writing its own output (5 findings, all triaged false), and so is a
  page's template context (`handle_page(pagename, addctx)`: its `sourcename`, copied under
  `_sources`).
- a Django template filter's argument (`@register.filter def add_class(value, css_class)`, used
  as `{{ field|add_class:"control-label" }}`): the text after the colon is written in the
  template, and Django's template authors are trusted (its documentation: the template system
  is not safe against untrusted template authors), as a configuration's are. The value the
  filter is applied to (its first parameter), the page's data, is still reported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from secreview.analysis.taint.module_index import ModuleIndex
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.values import returned_function
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_ARGUMENT_VECTOR_NAMES = frozenset({"argv"})
"""Parameter names that say the value is the process's argument vector."""
_ARGUMENT_PARSERS = frozenset(
    {
        "parse_args",
        "parse_known_args",
        "parse_intermixed_args",
        "parse_known_intermixed_args",
        "getopt",
        "gnu_getopt",
    }
)
"""Methods and functions (argparse, optparse, getopt) that parse an argument vector."""
_CLI_DECORATORS = frozenset({"command", "group"})
"""Decorators (`@click.command()`, `@app.command()`, `@cli.group()`) that make a function a
command whose parameters are its command-line options."""
_COMMAND_HANDLERS = frozenset({"handle"})
"""Methods a management command class (`class Command(BaseCommand)`) runs with its options."""
_KEPT_KINDS = frozenset({"command"})
"""Sink kinds reported even from a command line: a shell runs what the options hold."""
_RECEIVER_NAMES = frozenset({"self", "cls"})
_HELPER_DEPTH = 3
"""How many helper calls deep a command line's entry point is looked for."""
_GLOBAL_CONFIGURATION = frozenset({"global_conf", "global_config"})
"""The parameter by which Paste Deploy hands a factory the deployment's global settings."""
_DOCUMENT_NAMES = frozenset({"doctree", "node"})
"""Parameter names a docutils visitor or Sphinx event handler gives the document tree."""
_DOCUMENT_NAME_PARAMETERS = frozenset({"docname", "docnames", "pagename", "page_name"})
"""Names Sphinx's API gives a document's name (`write_doc(docname, doctree)`,
`handle_page(pagename, ...)`, the `source-read` and `html-page-context` events): one of the
documents it found in the authors' source folder (`env.found_docs`), or a page its builder
makes (`genindex`, `search`)."""
_PAGE_CONTEXT_PARAMETERS = frozenset({"addctx", "context"})
"""Names Sphinx's API gives a page's template context (`handle_page(pagename, addctx, ...)`,
the `html-page-context` event's `context`): what the builder made of that document (its title,
body, source name), so the authors' as the document is."""
_DOCUTILS_NODES = "docutils.nodes."
_SPHINX = ("sphinx",)
_DJANGO = ("django",)
_FILTER_REGISTRATIONS = frozenset({"filter"})
"""The method of a Django template `Library` (`register = template.Library()`) that registers
a filter."""


def callers_own_value(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow of `event` starts at a parameter no attacker of the library chooses:
    a command line's arguments (but for shell commands) or an object whose own method reaches
    the sink; see the module docstring."""
    parameter = event.flow.steps[0][0]
    if not isinstance(parameter, ast.arg):
        return False
    if _object_method_on(event, parameter) or _through_a_sphinx_document(event, index):
        return True
    function = _function_of(parameter, index)
    if function is not None and (
        _deployment_factory(function) or _template_filter_argument(function, parameter, index)
    ):
        return True
    if function is not None and _internal_helper(function, index, _HELPER_DEPTH):
        return True
    if event.kind in _KEPT_KINDS or function is None:
        return False
    return (
        _command_line_entry(function, parameter, index)
        or _command_line_helper(function, index, _HELPER_DEPTH)
        or _parsed_further_on(event, index)
    )


def _parsed_further_on(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow hands the value on as a parameter its function parses as an argument
    vector (dulwich's `cmd_bundle.run(args)` giving `args[1:]` to `_create(args)`, which calls
    `parser.parse_args(args)`): the value was a command line all along."""
    for node, _ in event.flow.steps[1:]:
        if not isinstance(node, ast.arg):
            continue
        function = _function_of(node, index)
        if function is not None and any(_parses(c, node.arg) for c in _calls(function, index)):
            return True
    return False


def _object_method_on(event: SinkEvent, parameter: ast.arg) -> bool:
    """Whether the flow goes straight from the parameter into a method called on it, as that
    method's `self` (`param.method(...)`, the value unchanged in between), and the sink sits in
    that method: what the method returns (`repo.entries(tree)`) is the object's content."""
    steps = event.flow.steps
    if len(steps) < 3 or any(returned_function(note) for _, note in steps[3:]):
        return False
    (call, passed), (_, received) = steps[1], steps[2]
    if not (isinstance(call, ast.Call) and passed.startswith("passed to `")):
        return False
    if received.removeprefix("parameter `").removesuffix("`") not in _RECEIVER_NAMES:
        return False
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    return isinstance(receiver, ast.Name) and receiver.id == parameter.arg


def _through_a_sphinx_document(event: SinkEvent, index: ModuleIndex) -> bool:
    """Whether the flow starts at, or passes through, a parameter that is a Sphinx build's
    document tree (`write_documents(docnames)` reading each doctree and handing it to
    `test_doc(doctree)`): from there on the value is what the document's authors wrote."""
    return any(
        isinstance(node, ast.arg) and _sphinx_document(node, index) for node, _ in event.flow.steps
    )


def _sphinx_document(parameter: ast.arg, index: ModuleIndex) -> bool:
    """Whether `parameter` is a document of a Sphinx build, in a module that imports Sphinx:
    its name as Sphinx's API calls it (`docname`, `pagename`), its page's template context
    (`addctx`), or its tree (annotated as a
    docutils node, or, unannotated, named `doctree`/`node` where docutils' nodes are
    imported); see the module docstring."""
    if not index.context.imports_any(_SPHINX):
        return False
    if parameter.arg in _DOCUMENT_NAME_PARAMETERS or parameter.arg in _PAGE_CONTEXT_PARAMETERS:
        return True
    annotation = parameter.annotation
    if annotation is None:
        return parameter.arg in _DOCUMENT_NAMES and index.context.imports_any(("docutils.nodes",))
    return any(
        (index.context.resolve(node) or "").startswith(_DOCUTILS_NODES)
        for node in ast.walk(annotation)
        if isinstance(node, ast.Name | ast.Attribute)
    )


def _deployment_factory(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether `function` is a Paste Deploy factory: it takes the deployment's global
    configuration (`global_conf`, `global_config`) among its first two parameters."""
    positional = [*function.args.posonlyargs, *function.args.args][:2]
    return any(argument.arg in _GLOBAL_CONFIGURATION for argument in positional)


def _template_filter_argument(
    function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: ast.arg, index: ModuleIndex
) -> bool:
    """Whether `parameter` is the argument of a Django template filter: the second positional
    parameter of a function registered with `@register.filter` (or `@register.filter(...)`)
    in a module that imports Django; see the module docstring."""
    positional = [*function.args.posonlyargs, *function.args.args]
    if len(positional) < 2 or positional[1] is not parameter:
        return False
    if not index.context.imports_any(_DJANGO):
        return False
    return any(
        _called_name(decorator) in _FILTER_REGISTRATIONS
        and isinstance(
            decorator.func if isinstance(decorator, ast.Call) else decorator, ast.Attribute
        )
        for decorator in function.decorator_list
    )


def _function_of(
    parameter: ast.arg, index: ModuleIndex
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for ancestor in index.context.ancestors(parameter):
        if isinstance(ancestor, ast.FunctionDef | ast.AsyncFunctionDef):
            return ancestor
    return None


def _command_line_entry(
    function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: ast.arg, index: ModuleIndex
) -> bool:
    """Whether `function` is a command line's entry point and `parameter` its arguments: the
    parameter is called `argv`, or is handed to an argument parser in the function, or the
    function is a CLI command (decorated as one, or a management command's `handle`)."""
    if parameter.arg in _ARGUMENT_VECTOR_NAMES:
        return True
    if any(_parses(call, parameter.arg) for call in _calls(function, index)):
        return True
    if any(_called_name(d) in _CLI_DECORATORS for d in function.decorator_list):
        return True
    owner = index.context.parent(function)
    return (
        function.name in _COMMAND_HANDLERS
        and isinstance(owner, ast.ClassDef)
        and any((_called_name(base) or "").endswith("Command") for base in owner.bases)
    )


def _command_line_helper(
    function: ast.FunctionDef | ast.AsyncFunctionDef, index: ModuleIndex, depth: int
) -> bool:
    """Whether `function` (a module-level function its module does not export in `__all__`)
    is called in its module, and only called, by command lines' entry points (functions that
    parse the argument vector, or are CLI commands) or by helpers only they call: what it is
    handed are the operator's answers (`sphinx-quickstart`'s `main` calling `generate(d)`)."""
    tree = index.context.tree
    if depth <= 0 or function not in tree.body or function.name in _exported(tree):
        return False
    return _only_called_from(
        function,
        index,
        lambda caller: (
            _parses_arguments(caller, index) or _command_line_helper(caller, index, depth - 1)
        ),
    )


def _internal_helper(
    function: ast.FunctionDef | ast.AsyncFunctionDef, index: ModuleIndex, depth: int
) -> bool:
    """Whether `function` is, or is a method of, a module-level function or class its module's
    `__all__` leaves out and uses only from its own private code (private functions, methods of
    private classes), from command lines' entry points, or from helpers of the same kind:
    celery's `logtool` exports `logtool` alone, and its `Audit` class, whose `feed(line)`
    matches log lines, is made only by the `celery logtool` commands. Such a definition is a
    piece of the code that uses it, not an entry point: what its users hand it is followed from
    the public functions that reach them, and reported there."""
    tree = index.context.tree
    definition: ast.AST | None = function
    if function not in tree.body:
        definition = index.context.parent(function)
        if not isinstance(definition, ast.ClassDef):
            return False
    exported = _exported(tree)
    if depth <= 0 or definition not in tree.body or not exported:
        return False
    if getattr(definition, "name", "") in exported:
        return False
    return _only_called_from(
        definition,
        index,
        lambda caller: (
            _private_code(caller, index)
            or _parses_arguments(caller, index)
            or _internal_helper(caller, index, depth - 1)
        ),
    )


def _only_called_from(
    definition: ast.AST,
    index: ModuleIndex,
    accepts: Callable[[ast.FunctionDef | ast.AsyncFunctionDef], bool],
) -> bool:
    """Whether the module names `definition` somewhere, and only to call it from inside
    functions `accepts` (never passed on, stored or called at module level). Its calls of
    itself (`generate_docs(new_files, ...)` descending into what it wrote, a class's methods
    making another instance) bring no caller in: what they hand on came from its callers."""
    name = getattr(definition, "name", "")
    named = index.context.derived(_names_read).get(name, ())
    first, last = getattr(definition, "lineno", 0), getattr(definition, "end_lineno", None) or 0
    uses = [node for node in named if not first <= node.lineno <= last]
    for use in uses:
        call = index.context.parent(use)
        caller = index.context.enclosing_function(use)
        if not (isinstance(call, ast.Call) and call.func is use) or caller is None:
            return False
        if not accepts(caller):
            return False
    return bool(uses)


def _names_read(context: ModuleContext) -> dict[str, list[ast.Name]]:
    """Every `Name` node of the module by its identifier, for `_only_called_from`: asked for
    each parameter of each public function, a walk of the whole tree per question made a large
    module's library review cost ten times its web review."""
    table: dict[str, list[ast.Name]] = {}
    for node in nodes_of(context, ast.Name):
        table.setdefault(node.id, []).append(node)
    return table


def _private_code(function: ast.FunctionDef | ast.AsyncFunctionDef, index: ModuleIndex) -> bool:
    """Whether `function` or a class or function it is defined in has a private name
    (`_helper`, a method of `_Audit`; dunder methods of a public class are public)."""
    owners = [function, *index.context.ancestors(function)]
    return any(
        isinstance(owner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and owner.name.startswith("_")
        and not owner.name.endswith("__")
        for owner in owners
    )


def _parses_arguments(function: ast.FunctionDef | ast.AsyncFunctionDef, index: ModuleIndex) -> bool:
    """Whether `function` is a command line's entry point: it parses an argument vector (its
    own parameter's or the process's), takes `argv`, or is a CLI command."""
    if any(_called_name(call) in _ARGUMENT_PARSERS for call in _calls(function, index)):
        return True
    if any(a.arg in _ARGUMENT_VECTOR_NAMES for a in function.args.args):
        return True
    return any(_called_name(d) in _CLI_DECORATORS for d in function.decorator_list)


def _exported(tree: ast.Module) -> frozenset[str]:
    """The names a module's `__all__` list or tuple of constants exports."""
    for statement in tree.body:
        if not isinstance(statement, ast.Assign) or not isinstance(
            statement.value, ast.List | ast.Tuple
        ):
            continue
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets):
            return frozenset(
                e.value
                for e in statement.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
    return frozenset()


def _calls(function: ast.AST, index: ModuleIndex) -> list[ast.Call]:
    """The calls inside `function`, listed once per function (asked for each parameter)."""
    listed = index.context.derived(_calls_by_function)
    key = id(function)
    if key not in listed:
        listed[key] = [node for node in ast.walk(function) if isinstance(node, ast.Call)]
    return listed[key]


def _calls_by_function(context: ModuleContext) -> dict[int, list[ast.Call]]:
    """An empty table of `_calls` (id of a function -> its calls), one per module."""
    return {}


def _parses(call: ast.Call, name: str) -> bool:
    """Whether `call` parses an argument vector and is handed `name` (as the vector, or as the
    defaults it fills: optparse's `values`, argparse's `namespace`)."""
    if _called_name(call) not in _ARGUMENT_PARSERS:
        return False
    handed = (*call.args, *(keyword.value for keyword in call.keywords))
    return any(isinstance(a, ast.Name) and a.id == name for a in handed)


def _called_name(node: ast.expr) -> str | None:
    """The last name of what `node` calls or names (`click.command()` and `cli.command` give
    `command`, `BaseCommand` gives itself)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None
