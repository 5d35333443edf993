"""Module names with a fixed package: `import_module(f"app.providers.{kind}_provider")`.

An absolute module name is a path of packages from the top: once the text starts with a package
(`app.providers.`), whatever follows names a module inside that package, never `os` or
`subprocess`. The requester then picks one of the project's own modules to import, a lookup,
not code of their choosing. A relative name (`.` first) or a bare prefix without the dot
(`"plugin_" + name`) does not fix the package.
"""

from __future__ import annotations

from secreview.patterns import lazy_pattern

IMPORTERS = frozenset({"__import__", "importlib.import_module", "importlib.__import__"})
"""Calls that import the module a name gives."""

_FIXED_PACKAGE = lazy_pattern(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\.")


def fixes_package(prefix: str) -> bool:
    """Whether a module name starting with `prefix` can only name a module inside one package."""
    return bool(_FIXED_PACKAGE.match(prefix))
