"""What an import makes a name mean: aliases, `six.moves` spellings, and star imports.

Separate from the module context because Python 2/3 compatibility layers and `from M import *`
are questions of naming alone: rules and models speak of `pickle.loads` and `os.system`, and
code that reaches them as `six.moves.cPickle.loads` or a bare `system` must resolve to the same
names, or every model misses it.
"""

from __future__ import annotations

import ast
from collections.abc import Container, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet

from secreview.index.facts import absolute_module
from secreview.package_files import stdlib_module_names

SIX_MOVES: dict[str, str] = {
    "six.moves.urllib.request": "urllib.request",
    "six.moves.urllib.parse": "urllib.parse",
    "six.moves.urllib.error": "urllib.error",
    "six.moves.urllib.response": "urllib.response",
    "six.moves.urllib_parse": "urllib.parse",
    "six.moves.urllib_error": "urllib.error",
    "six.moves.urllib": "urllib",
    "six.moves.cPickle": "pickle",
    "six.moves.http_client": "http.client",
    "six.moves.http_cookies": "http.cookies",
    "six.moves.http_cookiejar": "http.cookiejar",
    "six.moves.BaseHTTPServer": "http.server",
    "six.moves.SimpleHTTPServer": "http.server",
    "six.moves.CGIHTTPServer": "http.server",
    "six.moves.configparser": "configparser",
    "six.moves.socketserver": "socketserver",
    "six.moves.xmlrpc_client": "xmlrpc.client",
    "six.moves.xmlrpc_server": "xmlrpc.server",
    "six.moves.html_parser": "html.parser",
    "six.moves.queue": "queue",
    "six.moves.builtins": "builtins",
    "six.moves.shlex_quote": "shlex.quote",
    "six.moves.getcwd": "os.getcwd",
    "six.moves.input": "input",
    "six.moves.reload_module": "importlib.reload",
}
"""`six.moves` names (and their submodules) -> the Python 3 names the models use."""
_SIX_LONGEST_FIRST = tuple(sorted(SIX_MOVES, key=len, reverse=True))

_COMPAT_PREFIXES = ("future.moves.", "future.backports.")
"""`python-future`'s spellings of standard-library modules: `future.moves.urllib.request`."""

_BACKPORTS = "backports."
"""The PyPI namespace of standard-library backports (`backports.tarfile`, `backports.zoneinfo`):
a module under it named as a standard module is that module's newer release (`from backports
import tarfile`, the extraction filters before Python 3.12), so it speaks the models' names."""


_REEXPORTED = {
    "django.http.response.": "django.http.",
    "django.http.request.": "django.http.",
    "flask.helpers.": "flask.",
    "flask.templating.": "flask.",
    "flask.wrappers.": "flask.",
    "werkzeug.wrappers.response.": "werkzeug.wrappers.",
    "werkzeug.wrappers.request.": "werkzeug.wrappers.",
}
"""Framework modules whose public names the package re-exports, so that one spelling, the
documented one, stands for both: Django's request and response classes are `django.http.X`
whether the code imports them from there or from `django.http.response` where they are
defined (`HttpResponseRedirect`, `JsonResponse`, `HttpRequest`, `QueryDict`); Flask's
`send_file`, `redirect` and `render_template_string` are `flask.X` imported from
`flask.helpers` or `flask.templating` too. The models name each once."""


_COMPAT_MODULES = frozenset({"compat", "_compat", "py3compat", "pycompat", "compatibility"})
"""Last segments of the names projects give their Python 2/3 compatibility module."""


def compat_module_name(module: str, name: str) -> str | None:
    """The standard-library module `name` is, when it is imported from a project's
    compatibility module by its own name (`from rpyc.lib.compat import pickle`, `from .compat
    import subprocess`): such modules re-export the module, or its Python 2 twin (`cPickle as
    pickle`), under the standard name. Read alone, the importing file cannot see the shim
    (`secreview.project_aliases` reads it when the whole project is scanned)."""
    if module.rsplit(".", 1)[-1] in _COMPAT_MODULES and name in stdlib_module_names():
        return name
    return None


def canonical(name: str) -> str:
    """The standard name of `name` once compatibility layers and re-exports are seen through."""
    if name.startswith("six.moves."):
        for old in _SIX_LONGEST_FIRST:
            if name == old or name.startswith(old + "."):
                return SIX_MOVES[old] + name[len(old) :]
        return name
    for prefix in _COMPAT_PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    if name.startswith(_BACKPORTS):
        rest = name.removeprefix(_BACKPORTS)
        if rest.split(".", 1)[0] in stdlib_module_names():
            return rest
    for defined, public in _REEXPORTED.items():
        if name.startswith(defined):
            return public + name.removeprefix(defined)
    return name


def record_import(
    node: ast.Import | ast.ImportFrom,
    aliases: dict[str, str],
    star_modules: list[str],
    shim_names: Mapping[str, str] | None = None,
    package: str | None = None,
    constants: Container[str] = (),
) -> None:
    """Record what names `node` binds (local name -> qualified name) and which modules it
    imports everything from. `shim_names` maps names of the project's compatibility modules to
    what they import (`pkg.etree.etree` -> `lxml.etree`, `secreview.project_aliases`): a name
    imported from such a module is the library's, also through a relative import when the
    module's `package` (`relative_import_base`) is known; so is a relative star import's
    module, and a project constant among `constants` (`secreview.project_constants`). Other
    relative imports name the project's own code and are not recorded."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                aliases[alias.asname] = canonical(alias.name)
            else:
                top = alias.name.split(".")[0]
                aliases[top] = top
    elif node.level:
        module = absolute_module(node, package) if package is not None else None
        if not module:  # the package is unknown: only a compatibility module's names resolve
            for alias in node.names:
                if node.module and (stdlib := compat_module_name(node.module, alias.name)):
                    aliases[alias.asname or alias.name] = stdlib
            return
        for alias in node.names:
            if alias.name == "*":
                star_modules.append(module)
            elif shim_names and (library := shim_names.get(f"{module}.{alias.name}")):
                aliases[alias.asname or alias.name] = library
            elif stdlib := compat_module_name(module, alias.name):
                aliases[alias.asname or alias.name] = stdlib
            elif f"{module}.{alias.name}" in constants:
                aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
    elif node.module and node.level == 0:
        for alias in node.names:
            if alias.name == "*":
                star_modules.append(canonical(node.module))
            else:
                qualified = canonical(f"{node.module}.{alias.name}")
                if shim_names:
                    qualified = shim_names.get(qualified, qualified)
                if qualified == f"{node.module}.{alias.name}":
                    qualified = compat_module_name(node.module, alias.name) or qualified
                aliases[alias.asname or alias.name] = qualified


def star_binding(
    star_modules: Sequence[str], name: str, library_names: AbstractSet[str]
) -> str | None:
    """Where a bare `name` the module binds nowhere comes from, of its star imports
    (`from M import *`), qualified: under one, that module's; under several, the last whose
    `M.name` a model or rule knows (the last import binding a name wins: after `from os import
    *` and `from subprocess import *`, `system` is `os.system` and `call` `subprocess.call`);
    None when none is known (what a project module binds, the cross-module pass knows:
    `secreview.index.reexports`)."""
    if len(star_modules) == 1:
        return f"{star_modules[0]}.{name}"
    for module in reversed(star_modules):
        if canonical(f"{module}.{name}") in library_names:
            return f"{module}.{name}"
    return None


def dotted_prefixes(names: Iterable[str]) -> frozenset[str]:
    """Every name and each of its dotted prefixes (`a.b.c`: `a`, `a.b` and `a.b.c`): the
    modules an import of those names brings in, as `ModuleContext.imports_module` asks."""
    found: set[str] = set()
    for name in names:
        found.add(name)
        dot = name.find(".")
        while dot != -1:
            found.add(name[:dot])
            dot = name.find(".", dot + 1)
    return frozenset(found)


def shim_bindings(tree: ast.Module) -> dict[str, str]:
    """Names a compatibility module binds by importing them from another library, and what they
    name: `etree` -> `lxml.etree` for `try: from lxml import etree` / `except ImportError:
    import xml.etree.ElementTree as etree`.

    Only statements at module level count, looking into `try` and `if` blocks there; a name's
    first import in the source wins (the `try` branch, which runs wherever the library is
    installed, comes before its `except ImportError` fallback). Relative imports name the
    project's own modules and are left out.
    """
    bound: dict[str, str] = {}
    pending: list[ast.stmt] = list(reversed(tree.body))
    while pending:
        statement = pending.pop()
        if isinstance(statement, ast.Import | ast.ImportFrom):
            found: dict[str, str] = {}
            record_import(statement, found, [])
            for name, qualified in found.items():
                bound.setdefault(name, qualified)
        elif isinstance(statement, ast.Try | ast.TryStar):
            blocks = [statement.body, *(h.body for h in statement.handlers), statement.orelse]
            pending.extend(reversed([s for block in blocks for s in block]))
        elif isinstance(statement, ast.If):
            pending.extend(reversed([*statement.body, *statement.orelse]))
    return bound
