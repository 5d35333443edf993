"""CWE-88: a run-time value passed where a tool reads options (`argument-injection`).

An argument list without a shell cannot start a second command, but the program still parses
its own options: a repository URL `--upload-pack=touch /tmp/x` makes `git ls-remote` run a
command, a revision `--config=alias.checkout=!sh` does the same for `hg checkout`, a host
`-oProxyCommand=...` for `ssh`. Only tools with such options are judged, and only values that
may start with `-`: one after a `--` separator, or with fixed text before it (`origin/{name}`,
`--depth={n}`), cannot be read as an option.

GitPython runs git too: `repo.git.diff(target)` (any attribute of a repository's `git`, or of a
`git.Git(...)`, is a subcommand) runs `git diff target`, its positional arguments in order, so
`target="--output=/etc/x"` is read as an option and writes a file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import (
    fixed_text,
    looks_internal,
    string_pieces,
)
from secreview.analysis.rules._support.data_origin import only_operator_input_reaches
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import (
    bindings_before,
    sequence_elements,
    single_value,
)
from secreview.analysis.rules._support.number_annotations import is_number_conversion
from secreview.analysis.rules._support.quoting import code
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# Tools whose options run commands or write files, and the option an attacker would send.
_TOOLS: dict[str, str] = {
    "git": "`--upload-pack=CMD` or `-c core.sshCommand=CMD`",
    "hg": "`--config=alias.x=!CMD` or `--debugger`",
    "svn": "`--config-option=config:tunnels:ssh=CMD`",
    "ssh": "`-oProxyCommand=CMD`",
    "scp": "`-oProxyCommand=CMD`",
    "sftp": "`-oProxyCommand=CMD`",
    "rsync": "`-e CMD`",
    "curl": "`-o FILE` or `-K FILE`",
    "wget": "`-O FILE` or `--execute=...`",
    "tar": "`--checkpoint-action=exec=CMD`",
    "zip": "`-TT CMD`",
    "find": "`-exec CMD ;`",
    "sendmail": "`-X FILE` (log to any file)",
}
# Options that take the next argument as their value, which the tool then uses as data (a
# directory, a branch, a message), whatever it starts with: `git -C <path>`, `tar -C <dir>`.
# Options whose value is itself dangerous (`git -c`, `ssh -o`, `rsync -e`) are not listed.
_DATA_OPTIONS: dict[str, frozenset[str]] = {
    "git": frozenset({"-C", "-b", "--branch", "-m", "--message", "--git-dir", "--work-tree",
                      "--origin", "--separate-git-dir"}),
    "hg": frozenset({"-R", "--repository", "--cwd", "-r", "--rev", "-b", "--branch", "-m"}),
    "tar": frozenset({"-C", "--directory"}),
}  # fmt: skip
# Subcommands that mark a program chosen at run time as a version-control tool (`[vcs, "clone",
# url]`, where `vcs` is "git" or "hg").
_VCS_SUBCOMMANDS = frozenset({"clone", "checkout", "fetch", "pull", "ls-remote", "archive"})
_VCS_OPTION = "`--upload-pack=CMD` (git) or `--config=alias.x=!CMD` (hg)"
_CALLS = frozenset(
    {
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "subprocess.Popen",
        "asyncio.create_subprocess_exec",
    }
)
_MUTATORS = frozenset({"insert", "append", "extend", "remove", "pop", "__setitem__"})
# GitPython's `Git` turns any attribute into a subcommand (`_` read as `-`); these are the ones
# that take revisions, paths or URLs, which is where a caller's value goes.
_GIT_SUBCOMMANDS = frozenset(
    {
        "diff", "checkout", "log", "show", "fetch", "pull", "push", "clone", "ls_remote",
        "archive", "branch", "tag", "reset", "merge", "rebase", "grep", "blame", "format_patch",
        "submodule", "remote", "rev_parse", "rev_list", "cat_file", "ls_tree", "describe",
        "cherry_pick", "revert", "switch", "restore", "worktree", "apply", "am", "shortlog",
    }
)  # fmt: skip
_GIT_OPTION = "`--output=FILE` (diff, log) or `--upload-pack=CMD` (fetch, clone)"


def _argv(context: ModuleContext, call: ast.Call, name: str) -> list[ast.expr] | None:
    """The argument vector a process call runs, when every element is visible in the source."""
    if name == "asyncio.create_subprocess_exec":
        return None if context.has_star_arguments(call) else list(call.args)
    argv = ModuleContext.argument(call, 0, "args")
    return None if argv is None else _elements(context, call, argv)


def _elements(context: ModuleContext, call: ast.Call, argv: ast.expr) -> list[ast.expr] | None:
    """The elements of `argv` as the call sees them: a list written in the call, a local list
    with what the function appended to it, or a concatenation of those (`args + [command]`, the
    usual way to add the remote command after the ssh options)."""
    match argv:
        case ast.List(elts=elements) | ast.Tuple(elts=elements):
            if any(isinstance(element, ast.Starred) for element in elements):
                return None  # spread from a list we do not see, which may hold a `--`
            return list(elements)
        case ast.BinOp(op=ast.Add(), left=left, right=right):
            first = _elements(context, call, left)
            second = _elements(context, call, right)
            return None if first is None or second is None else first + second
        case ast.Name(id=list_name):
            start = sequence_elements(context, argv)
            growth = _grown_by(context, call, list_name)
            return None if start is None or growth is None else start + growth
    return None


def _grown_by(context: ModuleContext, call: ast.Call, name: str) -> list[ast.expr] | None:
    """What the function appends to list `name` before `call` (`args.append(url)`,
    `args.extend([url, path])`), in source order; None when it changes the list any other way
    (`args.insert(0, "--")`) or extends it with a list it does not spell out."""
    scope = context.enclosing_function(call) or context.tree
    mutations = sorted(
        (
            node
            for node in ast.walk(scope)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
            and (node.lineno, node.col_offset) < (call.lineno, call.col_offset)
        ),
        key=lambda node: (node.lineno, node.col_offset),
    )
    added: list[ast.expr] = []
    for mutation in mutations:
        method = mutation.func.attr if isinstance(mutation.func, ast.Attribute) else ""
        if method == "append" and len(mutation.args) == 1:
            added.append(mutation.args[0])
        elif method == "extend" and len(mutation.args) == 1:
            items = sequence_elements(context, mutation.args[0])
            if items is None:
                return None
            added.extend(items)
        else:
            return None
    return added


def _attack(context: ModuleContext, argv: list[ast.expr]) -> str | None:
    """The option an attacker would pass to the program `argv` runs, if it has such options."""
    program = fixed_text(context, argv[0])
    if program is not None:
        return _TOOLS.get(re.split(r"[\\/]", program)[-1].lower().removesuffix(".exe"))
    subcommand = fixed_text(context, argv[1]) if len(argv) > 1 else None
    return _VCS_OPTION if subcommand in _VCS_SUBCOMMANDS else None


def _may_start_with_dash(context: ModuleContext, element: ast.expr) -> bool:
    """Whether a run-time element could begin with `-`: nothing fixed is written before it,
    and it is no number nor a GitPython object id."""
    if is_number_conversion(context, element) or _is_gitpython_object_id(context, element):
        return False
    pieces = string_pieces(context, element)
    first = pieces[0] if pieces else None
    return first is not None and first.is_dynamic


def _is_gitpython_object_id(context: ModuleContext, element: ast.expr) -> bool:
    """`commit.hexsha` in a module using GitPython: every `git.Object` (commit, tree, blob,
    tag) documents `hexsha` as its id in hexadecimal, 40 digits (64 in a SHA-256 repository),
    so no value of it starts with `-` (evennia's git command shows `rev_parse(self.commit
    .hexsha, short=True)` of the repository's head). A reference's `name` is no such id."""
    value = single_value(context, element)
    return (
        isinstance(value, ast.Attribute)
        and value.attr == "hexsha"
        and context.imports_module("git")
    )


def _option_like_values(
    context: ModuleContext, call: ast.Call, arguments: list[ast.expr]
) -> list[ast.expr]:
    """The run-time arguments before any `--` that the program could parse as options (not
    the value of an option that takes one as data, `-C path`)."""
    program = fixed_text(context, arguments[0]) if arguments else None
    tool = re.split(r"[\\/]", program)[-1].lower().removesuffix(".exe") if program else ""
    data_options = _DATA_OPTIONS.get(tool, frozenset())
    found: list[ast.expr] = []
    previous: str | None = None
    for element in arguments[1:]:
        text = fixed_text(context, element)
        if text == "--":
            break
        option_value, previous = previous in data_options, text
        if (
            text is None
            and not option_value
            and _may_start_with_dash(context, element)
            and not _dash_refused(context, call, element)
        ):
            found.append(element)
    return found


def _dash_refused(context: ModuleContext, call: ast.Call, element: ast.expr) -> bool:
    """Whether the function leaves before `call` when the local `element` starts with `-`
    (`if host.startswith("-"): raise ValueError(host)`), checked after its last assignment:
    the fix for tools such as `ssh` that have no `--` separator."""
    if not isinstance(element, ast.Name):
        return False
    function = context.enclosing_function(call)
    if function is None:
        return False
    bindings = bindings_before(context, element) or []
    after = max((b.end for b in bindings), default=(function.lineno, 0))
    return any(
        isinstance(node, ast.If)
        and after <= (node.lineno, node.col_offset) < (call.lineno, call.col_offset)
        and _tests_leading_dash(context, node.test, element.id)
        and isinstance(node.body[-1], ast.Raise | ast.Return | ast.Continue | ast.Break)
        for node in ast.walk(function)
    )


def _tests_leading_dash(context: ModuleContext, test: ast.expr, name: str) -> bool:
    """`name.startswith("-")` (or a prefix tuple holding "-"), or `name[0] == "-"`."""
    match test:
        case ast.Call(
            func=ast.Attribute(value=ast.Name(id=receiver), attr="startswith"), args=[prefix]
        ) if receiver == name:
            value = context.constant_value(prefix)
            prefixes = value if isinstance(value, tuple) else (value,)
            return "-" in prefixes
        case ast.Compare(
            left=ast.Subscript(value=ast.Name(id=receiver), slice=ast.Constant(value=0)),
            ops=[ast.Eq()],
            comparators=[ast.Constant(value="-")],
        ) if receiver == name:
            return True
    return False


@rule(
    id="argument-injection",
    needs_untrusted_input=True,
    name="Run-time value read as an option by git, hg, ssh, curl, ...",
    cwe=88,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A run-time value is passed to git, hg, ssh, rsync, curl, tar or a similar tool "
    "where it is parsed as an option when it starts with `-`.",
    fix="Put `--` before values that are not options (`['git', 'clone', '--', url, path]`), "
    "and reject values that start with `-` where the tool has no `--` (`ssh`, `find`).",
    what_it_does="Reports `subprocess` argument lists run without a shell whose program is a tool "
    "with dangerous options (git, hg, svn, ssh, scp, rsync, curl, wget, tar, zip, find, sendmail, "
    "or a version-control program chosen at run time and given `clone`/`checkout`/...), and "
    "GitPython's `repo.git.<subcommand>(...)` (or `git.Git(...).<subcommand>(...)`), when a "
    "run-time value with nothing fixed before it comes before any `--` separator (in a list "
    "written in the call, a local list and what the function appends to it, or their "
    "concatenation `args + [command]`), unless the function leaves when that value starts with "
    "`-` (`if host.startswith('-'): raise ...`), only the operator's own input reaches the call "
    "(the script's command line: whoever types an option there can run the tool with it), or "
    "it is the value of an option that takes one as data (`git -C path`, `git clone -b "
    "branch`, `tar -C dir`). Values that look "
    "internal (`self.x`, constants) and calls inside private helpers (`_fetch`) are rated "
    "low: their callers are usually the module's own code.",
    why_bad="Without a shell a value cannot start another command, but the tool still reads it "
    "as an option when it starts with `-`: `git ls-remote --upload-pack='touch /tmp/pwn'` and "
    "`hg checkout --config=alias.checkout=!sh` run commands, `ssh -oProxyCommand=...` too "
    "(CWE-88). URLs, branch names and host names from users are exactly such values.",
    example='subprocess.run(["git", "ls-remote", "--heads", repo_url], check=True)',
    use_instead='subprocess.run(["git", "ls-remote", "--heads", "--", repo_url], check=True)',
    references=(
        "https://cwe.mitre.org/data/definitions/88.html",
        "https://git-scm.com/docs/gitcli#_separating_arguments",
        "https://sonarsource.github.io/argument-injection-vectors/",
    ),
    calls=_CALLS,
    methods=_GIT_SUBCOMMANDS,
)
def argument_injection(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report run-time values that a tool with dangerous options may parse as an option."""
    assert isinstance(node, ast.Call)
    name = library_call_name(node, ("subprocess", "asyncio"), context)
    if name in _CALLS:
        argv = _argv(context, node, name)
        attack = _attack(context, argv) if argv else None
    else:
        argv = _gitpython_argv(context, node)
        attack = _GIT_OPTION if argv else None
    if not argv or attack is None:
        return
    values = _option_like_values(context, node, argv)
    if not values or only_operator_input_reaches(context, node):
        return  # whoever types `--upload-pack=CMD` on this command line can run git with it
    shown = ", ".join(f"`{code(context, v)}`" for v in values[:3])
    function = context.enclosing_function(node)
    private = function is not None and _is_private(function.name)
    yield Hit(
        node=node,
        message=f"`{code(context, argv[0])}` reads {shown} as an option when it starts with `-` "
        f"(no `--` before it): a value such as {attack} makes the tool run a command or write "
        "a file.",
        confidence=Confidence.LOW if private or all(looks_internal(v) for v in values) else None,
    )


def _gitpython_argv(context: ModuleContext, call: ast.Call) -> list[ast.expr] | None:
    """`[git, subcommand, *arguments]` for GitPython's `repo.git.<subcommand>(...)` or
    `git.Git(...).<subcommand>(...)` in a module importing `git`; None for any other call or
    when arguments are spread from a list the source does not show (it may hold a `--`)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not context.imports_module("git"):
        return None
    if not _is_git_wrapper(context, func.value) or context.has_star_arguments(call):
        return None
    program = ast.copy_location(ast.Constant(value="git"), func)  # shown as `repo.git.diff`
    subcommand = ast.copy_location(ast.Constant(value=func.attr.replace("_", "-")), func)
    return [program, subcommand, *call.args]


def _is_git_wrapper(context: ModuleContext, owner: ast.expr) -> bool:
    """Whether `owner` is GitPython's command wrapper: a repository's `.git`, a `git.Git(...)`,
    or a local name every binding of which is one of those (`client = repo.git`, then
    `client.checkout(name)`), a common way to run several git commands on one repository."""
    if isinstance(owner, ast.Name):
        bindings = bindings_before(context, owner)
        return bool(bindings) and all(
            b.value is not None and b.augmented_op is None and _is_direct_wrapper(context, b.value)
            for b in bindings
        )
    return _is_direct_wrapper(context, owner)


def _is_direct_wrapper(context: ModuleContext, owner: ast.expr) -> bool:
    """`<expr>.git` or a `git.Git(...)` / `git.cmd.Git(...)` call."""
    return (isinstance(owner, ast.Attribute) and owner.attr == "git") or (
        isinstance(owner, ast.Call) and context.call_name(owner) in ("git.Git", "git.cmd.Git")
    )


def _is_private(name: str) -> bool:
    """A module-private helper (`_rev_exists`): its callers are this module's own code, which
    usually passes values it made (commit ids, paths), so its findings are rated low."""
    return name.startswith("_") and not name.startswith("__")
