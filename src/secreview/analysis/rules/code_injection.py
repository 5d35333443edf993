"""CWE-95: dynamic evaluation of code that is not fixed in the source.

Whether `eval`/`exec`/`compile` is a defect depends on who wrote the code it runs, so the finding is
rated by where that code comes from (`data_origin`): untrusted input reaching the call is high
confidence, code nobody can trace (a parameter, an attribute) medium. Code written by the program or
by its operator is not reported at all, since running it is what the program is for and nobody
outside chooses it: code the program made itself (its own functions' source, an AST it built, code
generated from fixed fragments that names its own objects such as a stub from a function's
`__name__`, a template its own code generator translated), a Python file it is given (configuration
and startup files), a value of its configuration, the operator's own command line or standard input
(trusted by the `web` threat model; also options parsed by `argparse`/`optparse` and a parameter
that every call of its function in the module fills with them, as `start(options.imports)`), the
parameters of a function named for evaluating (`_eval`, `eval_import`: its callers choose the code;
the data flow's summaries report untrusted input passed to it at the caller), and a part of a
document the program compiles: an expression a template or page wrote on a node of its tree
(`node.attributes["cached"]`, `node["skipif"]`) or the Python text translated from a tree its own
parser built (`document_code`; the document's author writes that code, as with a Python file). Code
in the fallback for a missing module that every Python ships (`except ImportError:` around `import
ast`) never runs and is not reported. Other generated code keeps medium and names the values
inserted into it (`"print(" + text + ")"` runs `text` as it is; a value inside a string literal of
the code breaks out with a quote, as in SQL). `exec` of a code object that `compile` made is not
reported again: the `compile` call is where the code was chosen, and it is judged there, so each
defect is shown once.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.code_generators import (
    is_compiled_code,
    is_generator_output,
)
from secreview.analysis.rules._support.command_line import (
    filled_from_command_line,
    is_command_line_value,
    parameter_of,
)
from secreview.analysis.rules._support.configuration import configuration_value
from secreview.analysis.rules._support.data_origin import Trust, data_origin, is_program_made
from secreview.analysis.rules._support.document_code import (
    is_document_expression,
    is_tree_translation,
)
from secreview.analysis.rules._support.generated_code import generated_code
from secreview.analysis.rules._support.import_loaders import implements_import_loader
from secreview.analysis.rules._support.local_bindings import (
    Binding,
    bindings_before,
    origin_calls,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.import_fallbacks import in_missing_module_fallback

_EVALUATORS = {
    "eval": "evaluates a Python expression",
    "exec": "executes Python statements",
    "compile": "compiles Python code for later execution",
}
_OPENERS = frozenset({"open", "io.open", "codecs.open", "builtins.open"})
_PATH_READS = frozenset({"read_text", "read_bytes"})
_CUTTERS = frozenset({"split", "rsplit", "partition", "rpartition", "strip", "lstrip", "rstrip"})
"""String methods returning pieces of the text they are called on, nothing else."""


def _reads_a_file(context: ModuleContext, expr: ast.expr, depth: int = 0) -> bool:
    """Whether `expr` is the text of a file: `f.read()` of an opened file, `open(p).read()`,
    `path.read_text()`, possibly `.decode()`d, directly or through a local variable."""
    if depth > 4:
        return False
    for value in origin_calls(context, expr) or ([expr] if isinstance(expr, ast.Call) else []):
        func = value.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in _PATH_READS:
            return True
        if func.attr == "decode" and _reads_a_file(context, func.value, depth + 1):
            return True
        if func.attr == "read" and any(
            context.call_name(opened) in _OPENERS for opened in origin_calls(context, func.value)
        ):
            return True
    return False


def _forwards_its_parameter(context: ModuleContext, call: ast.Call, code: ast.expr) -> bool:
    """Whether `call` sits in a function whose name says it evaluates (`def _eval(self, code,
    ns)`, a `compile` method, `eval_import(s)`) and runs code cut from its own parameters only
    (`code`, or `expr` of `module, expr = s.split(":", 1)`): the function's callers choose the
    code, and a flow from input into them is found there by the data flow."""
    function = context.enclosing_function(call)
    if function is None or context.call_name(call) not in function.name.lower().split("_"):
        return False
    return _cut_from_parameters(context, code, 0)


def _cut_from_parameters(context: ModuleContext, expr: ast.expr, depth: int) -> bool:
    """Whether `expr` is a parameter of its function or a piece of one: through locals, tuple
    unpacking, `str.split`-like methods and subscripts with a constant index."""
    if depth > 4:
        return False
    match expr:
        case ast.Name():
            bindings = bindings_before(context, expr)
            return bool(bindings) and all(
                _binding_cut_from_parameters(context, b, depth) for b in bindings or ()
            )
        case ast.Subscript(value=value, slice=index) if context.is_constant(index):
            return _cut_from_parameters(context, value, depth + 1)
        case ast.Call(func=ast.Attribute(attr=method, value=value), args=arguments) if (
            method in _CUTTERS and all(context.is_constant(a) for a in arguments)
        ):
            return _cut_from_parameters(context, value, depth + 1)
    return False


def _binding_cut_from_parameters(context: ModuleContext, binding: Binding, depth: int) -> bool:
    if binding.augmented_op is not None:
        return False
    if binding.value is not None:
        return _cut_from_parameters(context, binding.value, depth + 1)
    if isinstance(binding.node, ast.arg):
        return True
    target = context.parent(binding.node)  # `module, expr = s.split(":", 1)`
    statement = context.parent(target) if isinstance(target, ast.Tuple) else None
    return isinstance(statement, ast.Assign) and _cut_from_parameters(
        context, statement.value, depth + 1
    )


def _written_by_design(context: ModuleContext, call: ast.Call, code: ast.expr) -> bool:
    """Whether code nobody can trace is evidently written by the program or its operator: a
    Python file the program is given, a configuration value, the parameter of a forwarding
    wrapper, the output of the program's own code generator (a template translated), a part
    of a document the program compiles (a template's or page's expression, its translation), or
    the module code an import loader of the module runs (`import_loaders`)."""
    return (
        _reads_a_file(context, code)
        or configuration_value(code)
        or _forwards_its_parameter(context, call, code)
        or is_generator_output(context, code)
        or is_document_expression(context, code)
        or is_tree_translation(context, code)
        or _typed_by_operator(context, code)
        or implements_import_loader(context)
    )


def _typed_by_operator(context: ModuleContext, code: ast.expr) -> bool:
    """Whether every run-time value in the code (the code itself, or what generated code inserts)
    is the operator's command line: parsed options (`args.expr` of `parser.parse_args()`), or a
    parameter every call in this module fills with them (`start(options.imports)` calling `def
    start(imports)`, which runs `exec("import %s" % i)` for `i in imports`)."""
    generated = generated_code(context, code)
    values = generated.inserted if generated is not None else [code]
    chosen = [v for v in values if not is_program_made(context, v)]
    return bool(chosen) and all(_command_line_or_its_parameter(context, v) for v in chosen)


def _command_line_or_its_parameter(context: ModuleContext, value: ast.expr) -> bool:
    if is_command_line_value(context, value):
        return True
    parameter = parameter_of(context, value) if isinstance(value, ast.Name) else None
    return parameter is not None and filled_from_command_line(context, parameter)


@rule(
    id="eval-injection",
    needs_untrusted_input=True,
    name="Dynamic code evaluation of non-constant input",
    cwe=95,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="eval/exec/compile called on text that is not a constant in the source.",
    fix="Parse data with `ast.literal_eval` or `json.loads`, or dispatch through a dict of "
    "allowed functions; never evaluate text built at run time.",
    what_it_does="Reports `eval`, `exec` and `compile` (the builtins) when the code they run is "
    "not a literal or a module constant: high confidence when untrusted input reaches it, "
    "medium when where it comes from cannot be traced (a parameter, an attribute), including "
    "code generated around such values (the message names them). Code written by the program "
    "or its operator is not reported, because running it is the program's design and nobody "
    "outside chooses it: code the program made (its own source, an AST it built, text "
    "generated from fixed fragments that names its own objects, like a stub made from a "
    "function's `__name__`, a template its own code generator "
    "translated), a Python file it is given (configuration and startup files), a configuration "
    "value, the operator's own command line or standard input (the `web` threat model trusts "
    "the operator; `--threat-model all` reports it as `tainted-code`), including options "
    "parsed by `argparse`/`optparse` and a parameter that every call of its function in the "
    "module fills with them (`start(options.imports)` for `def start(imports)`), the "
    "parameters of a "
    "function named for evaluating, like `_eval` or `eval_import`, and pieces cut from them "
    "(its callers are judged: untrusted input passed to it is reported there by the data "
    "flow), a part of a document the program compiles (an expression a template or page "
    "wrote on a node of its tree, such as `node.attributes['cached']` or `node['skipif']`, "
    "and the Python text translated from a tree the program's own parser built: the "
    "document's author writes that code; whether outsiders can write documents is judged "
    "where their text is parsed), the module code an import loader of the module (a class "
    "with two of `find_spec`, `exec_module`, `get_code`, `load_module`, ...) compiles and runs, "
    "and `exec` of a code object `compile` made (judged at the "
    "`compile`), nor a `compile` whose result is thrown away (a syntax check). "
    "Code in an `except ImportError` fallback for a module every Python 3 ships "
    "(`import ast`) never runs and is not reported.",
    why_bad="Whoever controls the text controls the interpreter: `eval(request.args['x'])` lets "
    "an attacker run `__import__('os').system(...)` with the application's privileges. Even "
    "text that looks internal often carries user data a few calls away.",
    example="result = eval(expression)",
    use_instead="import ast\nresult = ast.literal_eval(expression)  # literals only",
    references=(
        "https://docs.python.org/3/library/functions.html#eval",
        "https://docs.python.org/3/library/ast.html#ast.literal_eval",
        "https://cwe.mitre.org/data/definitions/95.html",
    ),
    calls=frozenset(_EVALUATORS),
)
def eval_injection(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report builtin evaluators whose code argument is not a constant, rated by its origin."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    if name not in _EVALUATORS:
        return
    code = context.argument(node, 0, "source")
    if code is None or context.is_constant(code):
        return
    if name != "compile" and is_compiled_code(context, code):
        return
    if name == "compile" and _only_parses(context, node):
        return
    if in_missing_module_fallback(context, node):
        return  # runs only where a module every Python ships is missing: never
    origin = data_origin(context, node, code)
    if origin.trust is Trust.PROGRAM_MADE:
        return
    if origin.trust is Trust.UNTRUSTED and not (origin.remote or origin.public_parameter):
        return  # the operator's own input, trusted by the threat model
    if origin.trust is Trust.UNTRACED and _written_by_design(context, node, code):
        return
    generated = generated_code(context, code)
    if (
        origin.trust is Trust.UNTRACED
        and generated is not None
        and not generated.quoted
        and _names_own_objects(context, generated.inserted)
    ):
        return  # a stub or call the program writes about its own objects
    shown = context.one_line(code, 60)
    if generated is not None and generated.quoted:
        reason = (
            f"generated from fixed code fragments (`{shown}`) with "
            f"{_listed(context, generated.quoted)} inserted inside a string literal of that "
            f"code ({origin.phrase}): a quote in the value ends the literal, and whoever chose "
            "it can run arbitrary code."
        )
    elif generated is not None:
        reason = (
            f"generated from fixed code fragments (`{shown}`) with "
            f"{_listed(context, generated.inserted)} inserted as code ({origin.phrase}): "
            "whoever chooses those values can run arbitrary code."
        )
    else:
        reason = (
            f"built from `{shown}`, which is not a constant ({origin.phrase}); anyone who "
            "influences that value can run arbitrary code."
        )
    yield Hit(
        node=node,
        message=f"`{name}` {_EVALUATORS[name]} {reason}",
        confidence=origin.confidence(Confidence.MEDIUM),
    )


def _only_parses(context: ModuleContext, call: ast.Call) -> bool:
    """`compile(text, name, mode, ast.PyCF_ONLY_AST)` returns a syntax tree, as `ast.parse` does,
    and a `compile(...)` whose result is thrown away (a statement of its own, the usual syntax
    check inside `try: ... except SyntaxError`) keeps no code object: nothing can run, whoever
    wrote the text. The code is judged where it is later run."""
    if isinstance(context.parent(call), ast.Expr):
        return True
    flags = context.argument(call, 3, "flags")
    return flags is not None and any(
        (context.resolve(part) or "").endswith("PyCF_ONLY_AST")
        for part in ast.walk(flags)
        if isinstance(part, ast.Name | ast.Attribute)
    )


def _names_own_objects(context: ModuleContext, inserted: list[ast.expr]) -> bool:
    """Whether generated code names the program's own objects (`fun.__name__`, a class's
    `__qualname__`): the program writes code about what it already holds, such as a signature
    stub or a call of its own class, not a frame around a value it was handed."""
    return any(
        not context.is_constant(value) and is_program_made(context, value) for value in inserted
    )


def _listed(context: ModuleContext, values: list[ast.expr]) -> str:
    """The non-constant values, as code, for a message."""
    shown = [f"`{context.one_line(v, 40)}`" for v in values if not context.is_constant(v)]
    return ", ".join(shown) or "none"
