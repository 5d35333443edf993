"""CWE-427: a traitlets application that looks for its configuration files in the working folder.

A traitlets `Application` loads `<name>_config.py` from each folder of its `config_file_paths`,
and a `.py` configuration file is Python that is run. Putting the current working directory
among those folders (`return [os.getcwd()]`, `path.insert(0, os.getcwd())`) makes starting the
program in a folder another user can write (a shared checkout, `/tmp`, a downloaded project)
run that user's code as whoever started it: IPython CVE-2022-21699 and jupyter_core
CVE-2022-39286 shipped exactly this and removed the working folder from the list.

The rule reads the places traitlets takes the list from: a method or property named
`config_file_paths`, its dynamic default (`_config_file_paths_default`, or a method decorated
`@default("config_file_paths")`), and the `path=` of a `load_config_file` call. The working
directory is `os.getcwd()`, `os.getcwdb()`, `Path.cwd()`, `os.curdir` or `"."` put in the list
(an element of a list or tuple, or the value of an `insert`/`append`). Only modules that import
traitlets are read: elsewhere a configuration search path usually finds data files, not code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.local_bindings import sequence_elements
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_PATHS = "config_file_paths"
_DEFAULT_METHOD = "_config_file_paths_default"
_CWD_CALLS = frozenset({"os.getcwd", "os.getcwdb", "pathlib.Path.cwd"})
_ADDERS = frozenset({"insert", "append"})


def _is_cwd(expr: ast.expr, context: ModuleContext) -> bool:
    """Whether `expr` is the current working directory."""
    if isinstance(expr, ast.Call):
        return context.call_name(expr) in _CWD_CALLS
    if isinstance(expr, ast.Attribute):
        return context.resolve(expr) == "os.curdir"
    return isinstance(expr, ast.Constant) and expr.value in (".", "./")


def _names_paths(function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext) -> bool:
    """Whether the function gives traitlets its configuration paths."""
    if function.name in (_PATHS, _DEFAULT_METHOD):
        return True
    return any(
        isinstance(decorator, ast.Call)
        and decorator.args
        and context.constant_value(decorator.args[0]) == _PATHS
        for decorator in function.decorator_list
    )


def _cwd_entries(function: ast.AST, context: ModuleContext) -> Iterator[ast.expr]:
    """The working directory where the function puts it into a list: a list or tuple element,
    or what `insert`/`append` adds."""
    for node in walk(function):
        if isinstance(node, ast.List | ast.Tuple):
            yield from (element for element in node.elts if _is_cwd(element, context))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _ADDERS
            and node.args
            and _is_cwd(node.args[-1], context)
        ):
            yield node.args[-1]


_MESSAGE = (
    "puts the current working directory among the folders a traitlets application loads its "
    "`*_config.py` files from: starting it in a folder another user can write runs their code."
)


@rule(
    id="config-path-cwd",
    name="Configuration files (Python code) loaded from the working directory",
    cwe=427,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A traitlets application's `config_file_paths` include the current working "
    "directory, so a `*_config.py` there, which is Python, runs at start-up.",
    fix="Leave the working directory out of `config_file_paths`; load a project's "
    "configuration only from folders the user named or owns (`~/.ipython`, `--config=FILE`).",
    what_it_does="In modules that import traitlets, reports `os.getcwd()`, `Path.cwd()`, "
    "`os.curdir` or `'.'` put into the list a `config_file_paths` method or property returns "
    "(also its dynamic default, `_config_file_paths_default` or `@default('config_file_paths')`) "
    "or into the `path=` of a `load_config_file` call: as an element of a list or tuple, or "
    "through `insert`/`append`.",
    why_bad="traitlets runs a `.py` configuration file as Python. With the working folder on "
    "the list, whoever can write to the folder the program is started in (a shared checkout, "
    "`/tmp`, a downloaded project) runs code as the user who starts it (IPython "
    "CVE-2022-21699, jupyter_core CVE-2022-39286).",
    example="@default('config_file_paths')\ndef _config_file_paths_default(self):\n"
    "    return [os.getcwd()]",
    use_instead="@default('config_file_paths')\ndef _config_file_paths_default(self):\n"
    "    return []",
    references=(
        "https://cwe.mitre.org/data/definitions/427.html",
        "https://github.com/ipython/ipython/security/advisories/GHSA-pq7m-3gw7-gq5x",
        "https://traitlets.readthedocs.io/en/stable/config.html",
    ),
    visits=(ast.FunctionDef, ast.AsyncFunctionDef, ast.Call),
    text_words=("config_file_paths", "load_config_file"),
)
def config_path_cwd(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report the working directory added to a traitlets application's configuration paths."""
    if not context.imports_any(("traitlets",)):
        return
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if _names_paths(node, context):
            for entry in _cwd_entries(node, context):
                yield Hit(node=entry, message=f"`{context.one_line(entry)}` {_MESSAGE}")
        return
    assert isinstance(node, ast.Call)
    if not (isinstance(node.func, ast.Attribute) and node.func.attr == "load_config_file"):
        return
    path = context.keyword(node, "path")
    for element in (sequence_elements(context, path) or []) if path is not None else []:
        if _is_cwd(element, context):
            yield Hit(node=element, message=f"`{context.one_line(element)}` {_MESSAGE}")
