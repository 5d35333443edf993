"""`dynamic-program-execution`: os.exec*/os.spawn*/os.posix_spawn* of a program whose path is
built from run-time values. Without a shell there are no metacharacters, but whoever chooses the
path chooses what runs; kept apart from the shell rules of `command_injection`, whose tables of
process calls it shares.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import is_fixed, string_pieces
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import single_value
from secreview.analysis.rules._support.quoting import code, name_values
from secreview.analysis.rules.command_injection import EXEC_CALLS, is_own_program, unquoted_values
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_PATH_JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join"})


def _program_path_values(context: ModuleContext, program: ast.expr) -> list[ast.expr]:
    """The run-time values a program path is built from, when it is built here from a fixed
    part and such values (`"/opt/tools/" + name`, `os.path.join(TOOLS, name)`); else []."""
    value = single_value(context, program)
    if isinstance(value, ast.Call) and context.call_name(value) in _PATH_JOINS:
        fixed = [a for a in value.args if is_fixed(context, a)]
        chosen = [a for a in value.args if a not in fixed and not is_own_program(context, a)]
        return chosen if fixed and not ModuleContext.has_star_arguments(value) else []
    if not any(p.text and p.text.strip() for p in string_pieces(context, program)):
        return []  # passed through whole: a wrapper, not a path assembled here
    return [p.node for p in unquoted_values(context, program) if p.node is not None]


@rule(
    id="dynamic-program-execution",
    needs_untrusted_input=True,
    name="Process started from a program path assembled from run-time values",
    cwe=78,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="os.exec*/os.spawn*/os.posix_spawn* run a program whose path is built from run-time "
    "values.",
    fix='Pick the program from a fixed mapping (`TOOLS = {"git": "/usr/bin/git"}`; '
    "`TOOLS[name]` fails for anything else) and pass run-time values only as its arguments.",
    what_it_does="Reports the `os.exec*`, `os.spawn*` and `os.posix_spawn*` functions when the "
    "program path is assembled in the function from a fixed part and run-time values "
    '(`"/opt/tools/" + name`, `f"{BIN}/{tool}"`, `os.path.join(TOOLS_DIR, tool)`). A program '
    "passed through whole (`os.execvp(argv[0], argv)` in a wrapper), the running interpreter "
    "(`sys.executable`) and varying arguments are not reported: without a shell, arguments "
    "cannot start another command.",
    why_bad='Whoever controls the spliced value chooses what runs: `name = "../../tmp/upload"` '
    "turns `/opt/tools/{name}` into an executable the attacker uploaded, run with the "
    "application's privileges. The rule cannot see where the value came from, hence low "
    "confidence.",
    example='import os\nos.execv(f"/opt/tools/{tool}", [tool, "--version"])',
    use_instead='import os\nTOOLS = {"git": "/usr/bin/git"}\npath = TOOLS[tool]  # KeyError for '
    'anything else\nos.execv(path, [path, "--version"])',
    references=(
        "https://docs.python.org/3/library/os.html#os.execv",
        "https://docs.python.org/3/library/os.html#os.spawnl",
        "https://docs.python.org/3/library/os.html#os.posix_spawn",
        "https://cwe.mitre.org/data/definitions/78.html",
    ),
    calls=frozenset(EXEC_CALLS),
)
def dynamic_program_execution(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report os.exec*/spawn*/posix_spawn* whose program path is assembled from run-time values."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, ("os",), context)
    if name not in EXEC_CALLS:
        return
    program = ModuleContext.argument(node, EXEC_CALLS[name][0])
    if program is None:
        return
    values = _program_path_values(context, program)
    if values:
        yield Hit(
            node=node,
            message=f"`{name}` starts the program `{code(context, program)}`, whose path is built "
            f"from {name_values(context, values)}; whoever controls that value chooses what "
            "runs (`../` reaches any executable on the machine).",
        )
