"""Module names for packages that sit below the scanned folder, as the project's imports spell them.

A module is named after its path from the scanned folder (`module_name_for`), which is how the
project's imports spell it when its top package sits right there (or under `src/`). Monorepos and
service layouts put it deeper: vantage6 keeps `vantage6-server/vantage6/server/`, imported as
`vantage6.server` (`vantage6/` is a namespace package with no `__init__.py`); an API keeps
`backend/app/`, imported as `app`. Named from the scanned folder (`vantage6-server.vantage6.
server.model.user`), no import ever matches and every flow across its modules is lost: calls to
the project's functions are unknown, so their results carry their arguments' taint.

For each top package below the scanned folder (the highest folder of an unbroken chain of
`__init__.py` folders) the folders above it whose names are identifiers give the candidate
names: `vantage6.server` and `server` for the layout above. The longest candidate some file of
the scan imports (`import X` or `from X`, X or X.something) names the package's modules; with
none imported the names stay as they were, and where two packages would end up with one name
only the largest takes it, when it is at least twice the other's size (`_clash_losers`).
The files are read as text for their import lines, never run, and only when such a package
exists.

Django's `manage.py` puts its own folder first on `sys.path`: where that folder is a package too
(tabbycat's `tabbycat/manage.py` beside `tabbycat/__init__.py`), the project imports the packages
inside it from the top (`from utils.misc import reverse_tournament`), and they are named so when
some file imports one that way and none imports the folder's own name.

A `src/` folder right below the scanned folder is left out of module names (the src layout:
`src/pkg/helpers.py` is `pkg.helpers`). Where `src/` holds an `__init__.py` itself and the
project imports its packages through it (Carpentries' AMY: `from src.workshops.utils.urls
import safe_next_or_default_url`, never `from workshops...`), `src` is the top package and its
modules are named `src.workshops.utils.urls`; else no import named a module of the project and
every call of its helpers was unknown (a redirect helper's host check was never read).

A folder of scripts (no `__init__.py` in it or above it) runs the same way: `python
admin/server/admin_server.py` puts `admin/server/` first on `sys.path`, and its files import each
other by bare name (`from responses import success_response`, ragflow's admin server). A module
of such a folder that another file beside it imports so is named as imported (`responses`),
unless the standard library has the name (`import logging` there reads the standard module
everywhere else) or the project imports it through the folder's dotted name; a clash with
another module of that name keeps both names, as above.
"""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from secreview.package_files import stdlib_module_names
from secreview.patterns import lazy_pattern

if TYPE_CHECKING:  # discovery calls this module
    from secreview.sources.discovery import SourceFile

_INIT = "__init__.py"
_SOURCE_FOLDER = "src"
_MANAGE = "manage.py"
_IMPORTED_TOP = lazy_pattern(rb"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)(?![\w])", re.MULTILINE)
"""The first name of each module an import line reads (`from responses import x`: `responses`)."""
_READ_LIMIT = 1 << 20
"""Bytes of a file searched for import lines: imports sit at the top, and a huge file costs the
search nothing more."""


def rooted_by_imports(sources: Sequence[SourceFile]) -> list[SourceFile]:
    """`sources` with the modules of packages below the scanned folder renamed as imported,
    or all of them under the scanned folder's name when it is a namespace package."""
    sources = _source_folder_package(sources)
    namespace = _namespace_root(sources)
    if namespace:
        return [s._replace(module=f"{namespace}.{s.module}", package=namespace) for s in sources]
    packages = {s.module for s in sources if s.path.name == _INIT}
    candidates = _candidates(sources, packages)
    cut = _script_folders(sources, packages)  # top package's name -> leading parts dropped
    cut.update(_sibling_modules(sources, packages))
    if not candidates and not cut:
        return list(sources)
    spelled = _imported(sources, {name for names in candidates.values() for name in names})
    for top, names in candidates.items():
        chosen = next((name for name in names if name in spelled), None)
        if chosen is not None and chosen != top:
            cut[top] = top.count(".") - chosen.count(".")
    renamed = {s.module: _renamed(s.module, cut) for s in sources}
    owners: dict[str, list[str]] = {}
    for old, new in renamed.items():
        owners.setdefault(new, []).append(old)
    clashing = _clash_losers(owners, cut)
    return [s if _top(s.module, cut) in clashing else _moved(s, renamed[s.module]) for s in sources]


def _source_folder_package(sources: Sequence[SourceFile]) -> Sequence[SourceFile]:
    """`sources` with the modules below a `src/` package (see the module) named `src.*`, when
    some file imports `src` and none imports one of its packages by its own name."""
    folder = next(
        (
            s.path.parent
            for s in sources
            if s.module == "__init__"  # `src/__init__.py`, its folder left out of the name
            and s.path.name == _INIT
            and s.path.parent.name == _SOURCE_FOLDER
            and not s.package
        ),
        None,
    )
    if folder is None:
        return sources
    inside = [s for s in sources if s.path.is_relative_to(folder)]
    tops = {s.module.partition(".")[0] for s in inside if s.module != "__init__"}
    if not _imported(sources, {_SOURCE_FOLDER}) or (tops and _imported(sources, tops)):
        return sources
    renamed = {id(s): _in_source_folder(s.module) for s in inside}
    return [s._replace(module=renamed[id(s)]) if id(s) in renamed else s for s in sources]


def _in_source_folder(module: str) -> str:
    """The name of a module below the `src` package: `src` for its own `__init__`."""
    return _SOURCE_FOLDER if module == "__init__" else f"{_SOURCE_FOLDER}.{module}"


def _clash_losers(owners: dict[str, list[str]], cut: dict[str, int]) -> set[str | None]:
    """The renamed top packages that keep their folder names because another module would take
    the same name. Where only renamed packages clash, the largest (in modules) keeps the name
    when it holds at least twice as many as each other: polar's `server/polar` application
    beside the `polar` packages of its SDK and its SDK generator's template, all imported as
    `polar`, is the one its application imports; a tie keeps every folder name, and so does a
    clash with a module the scan names as it is."""
    sizes = Counter(_top(old, cut) for olds in owners.values() for old in olds)
    losers: set[str | None] = set()
    for olds in owners.values():
        if len(olds) < 2:
            continue
        tops = {_top(old, cut) for old in olds}
        ranked = sorted(tops, key=lambda t: -sizes[t]) if None not in tops else []
        if len(ranked) > 1 and sizes[ranked[0]] >= 2 * sizes[ranked[1]]:
            losers.update(ranked[1:])
        else:
            losers.update(tops)
    return losers


def _namespace_root(sources: Sequence[SourceFile]) -> str:
    """The scanned folder's name when it is a namespace package its files import by that name
    (`site-packages/paste/`, with no `__init__.py`, whose modules say `from paste import
    request`), else "". Only a single scanned folder outside any package qualifies, whose name
    is no module of the scan itself; its top-level modules and packages' `__init__` are read
    for the import (a tree of many packages is not read whole for it)."""
    if not sources or any(s.package or s.folder for s in sources):
        return ""
    roots = {_scan_root(s) for s in sources}
    if len(roots) != 1:
        return ""
    name = roots.pop().name
    if not name.isidentifier() or keyword.iskeyword(name):
        return ""
    if any(s.module.partition(".")[0] == name for s in sources):
        return ""
    top_level = [s for s in sources if "." not in s.module]  # what a whole tree is read for
    return name if top_level and _imported(top_level, {name}) else ""


def _scan_root(source: SourceFile) -> Path:
    """The folder the scan named `source`'s module from (`a/b/c.py` named `b.c`: `a`)."""
    depth = source.module.count(".") + 1 + (source.path.name == _INIT)
    return source.path.parents[depth - 1] if depth <= len(source.path.parents) else source.path


def _moved(source: SourceFile, module: str) -> SourceFile:
    """`source` named `module`, the folders its old name had in front kept for evidence paths
    (less the scanned folder's own packages, which evidence paths leave out too)."""
    if module == source.module:
        return source
    dropped = source.module.removesuffix(module).rstrip(".").split(".")
    package = source.package.split(".") if source.package else []
    if dropped[: len(package)] == package:
        dropped = dropped[len(package) :]
    return source._replace(module=module, folder="/".join(dropped))


def _candidates(sources: Sequence[SourceFile], packages: set[str]) -> dict[str, list[str]]:
    """Each top package below the scanned folder -> the names it could be imported as, longest
    first, its current name among them."""
    found: dict[str, list[str]] = {}
    for source in sources:
        parts = source.module.split(".")
        start = len(parts) - 1  # walk up to the highest folder of the `__init__.py` chain
        while start > 0 and ".".join(parts[:start]) in packages:
            start -= 1
        top = ".".join(parts[: start + 1])
        if start == 0 or top not in packages or top in found:
            continue
        first = start
        while first > 0 and parts[first - 1].isidentifier():
            first -= 1
        found[top] = [".".join(parts[i : start + 1]) for i in range(first, start + 1)]
    return found


def _script_folders(sources: Sequence[SourceFile], packages: set[str]) -> dict[str, int]:
    """Packages whose folder holds Django's `manage.py` -> their own dotted parts, when the
    project imports the packages inside them from the top (`from utils.misc import x` beside
    `tabbycat/manage.py`) and never through the folder's own name.

    `manage.py` runs with its folder first on `sys.path`, so an `__init__.py` there (tabbycat's
    `tabbycat/`) makes `tabbycat.utils.misc` and `utils.misc` one file; the project's imports
    use the second, so its modules are named so."""
    found: dict[str, int] = {}
    for source in sources:
        folder = source.module.rpartition(".")[0]
        if source.path.name != _MANAGE or folder not in packages:
            continue
        inside = {
            s.module[len(folder) + 1 :].partition(".")[0]
            for s in sources
            if s.module.startswith(folder + ".") and s.module != source.module
        }
        if inside and _imported(sources, inside) and not _imported(sources, {folder}):
            found[folder] = folder.count(".") + 1
    return found


def _sibling_modules(sources: Sequence[SourceFile], packages: set[str]) -> dict[str, int]:
    """Modules of plain folders that a file beside them imports by bare name -> the folder's
    dotted parts (see the module): `admin.server.responses` -> 2, named `responses`. A module
    the project also imports through the folder (`from admin.server import config`) keeps its
    dotted name."""
    by_folder: dict[str, list[SourceFile]] = {}
    for source in sources:
        folder, dot, _ = source.module.rpartition(".")
        if dot and source.path.name != _INIT and not _in_package(folder, packages):
            by_folder.setdefault(folder, []).append(source)
    standard = stdlib_module_names()
    spelled: dict[str, set[str]] = {}
    for folder, inside in sorted(by_folder.items()):
        stems = {s.path.stem for s in inside} - standard
        names = {stem for stem in stems if stem.isidentifier() and not keyword.iskeyword(stem)}
        if len(inside) < 2 or not names:
            continue
        bare: set[str] = set()
        for source, text in _texts(inside):
            first_words = {word.decode() for word in _IMPORTED_TOP.findall(text)}
            # A file importing its own name (`import duckdb` in `duckdb.py`) reads the library.
            bare |= (first_words & names) - {source.path.stem}
        if bare:
            spelled[folder] = bare
    dotted = _imported_through(sources, set(spelled)) if spelled else set()
    return {
        f"{folder}.{name}": folder.count(".") + 1
        for folder, names in spelled.items()
        for name in names
        if f"{folder}.{name}" not in dotted
    }


def _in_package(folder: str, packages: set[str]) -> bool:
    """Whether `folder` or a folder above it is a package: a module there imports absolutely
    (`import duckdb` in `pkg/core/` is the library, whatever `pkg/core/duckdb.py` holds)."""
    parts = folder.split(".")
    return any(".".join(parts[:end]) in packages for end in range(1, len(parts) + 1))


def _imported_through(sources: Sequence[SourceFile], folders: set[str]) -> set[str]:
    """The `folder.name` modules some file imports through one of `folders` (`import
    folder.name`, `from folder.name import x`, `from folder import name, other`)."""
    pattern = _import_line(folders, rb"(?:\.(\w+)|[ \t]+import[ \t]+\(?([\w \t,]+))")
    found: set[str] = set()
    for _, text in _texts(sources):
        for folder, module, listed in pattern.findall(text):
            words = [module] if module else [p.split()[0] for p in listed.split(b",") if p.split()]
            found.update(f"{folder.decode()}.{word.decode()}" for word in words)
    return found


def _import_line(names: set[str], after: bytes) -> re.Pattern[bytes]:
    """An import line (`import X`, `from X ...`) of one of the dotted `names` (longest first,
    captured), followed by `after`."""
    spelled = b"|".join(re.escape(n.encode()) for n in sorted(names, key=len, reverse=True))
    return re.compile(rb"^[ \t]*(?:from|import)[ \t]+(" + spelled + rb")" + after, re.MULTILINE)


def _texts(sources: Sequence[SourceFile]) -> Iterator[tuple[SourceFile, bytes]]:
    """Each readable file of `sources` with the start of its text (import lines sit at the top;
    a file that cannot be read is the review's to report)."""
    for source in sources:
        try:
            with open(source.path, "rb") as handle:
                yield source, handle.read(_READ_LIMIT)
        except OSError:
            continue


def _imported(sources: Sequence[SourceFile], names: set[str]) -> set[str]:
    """Which of `names` some file imports (`import X`, `from X import`, `X.` below them)."""
    pattern = _import_line(names, rb"(?![\w])")
    spelled: set[str] = set()
    for _, text in _texts(sources):
        spelled.update(match.decode() for match in pattern.findall(text))
        if spelled == names:
            break
    return spelled


def _top(module: str, cut: dict[str, int]) -> str | None:
    """The renamed top package `module` is in, if any."""
    parts = module.split(".")
    return next((t for i in range(len(parts), 0, -1) if (t := ".".join(parts[:i])) in cut), None)


def _renamed(module: str, cut: dict[str, int]) -> str:
    """`module` with its top package's leading folders dropped."""
    top = _top(module, cut)
    kept = module.split(".")[cut[top] :] if top is not None else []
    return ".".join(kept) if kept else module  # a script folder's own `__init__` keeps its name
