"""Which modules are Django settings, and which of them are meant for a developer's machine.

Settings are plain module-level assignments, so rules about them (DEBUG, cookie flags) must first
know that the module is a settings module at all; `DEBUG = True` in a script means nothing.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from secreview.index.context import ModuleContext

_CORE_SETTINGS = frozenset({"INSTALLED_APPS", "MIDDLEWARE", "ROOT_URLCONF"})
# Words in a settings file or config class name that say it is not for production.
_DEVELOPMENT_WORDS = frozenset(
    {"dev", "development", "local", "test", "tests", "testing", "debug", "ci"}
)


def is_django_settings(context: ModuleContext) -> bool:
    """settings.py, settings/*.py, *_settings.py, or a module defining Django's core settings."""
    path = PurePosixPath(context.path.replace("\\", "/"))
    if path.name == "settings.py" or path.stem.endswith("_settings"):
        return True
    if path.parent.name == "settings":
        return True
    defined = {
        target.id
        for statement in context.tree.body
        if isinstance(statement, ast.Assign)
        for target in statement.targets
        if isinstance(target, ast.Name)
    }
    return bool(defined & _CORE_SETTINGS)


def is_development_name(name: str) -> bool:
    """Whether a file stem or class name says development ('local_settings', 'DevConfig')."""
    words: list[str] = []
    for part in name.replace("-", "_").split("_"):
        words.extend(_camel_words(part))
    return bool({w.lower() for w in words} & _DEVELOPMENT_WORDS)


def is_development_settings(context: ModuleContext) -> bool:
    """settings/dev.py, local_settings.py, test_settings.py: meant for one machine, not servers."""
    return is_development_name(PurePosixPath(context.path.replace("\\", "/")).stem)


def _camel_words(part: str) -> list[str]:
    """'DevConfig' -> ['Dev', 'Config']; 'dev' -> ['dev']."""
    words: list[str] = []
    for char in part:
        if char.isupper() and words and not words[-1][-1].isupper():
            words.append(char)
        elif words:
            words[-1] += char
        else:
            words.append(char)
    return words


def setting_name(target: ast.expr) -> str | None:
    """`SESSION_COOKIE_SECURE`, `settings.SESSION_COOKIE_SECURE` or `config["…"]` as a name."""
    match target:
        case ast.Name(id=name) | ast.Attribute(attr=name):
            return name
        case ast.Subscript(slice=ast.Constant(value=str() as name)):
            return name
    return None


def in_development_configuration(node: ast.AST, context: ModuleContext) -> bool:
    """A development settings file or config class (`DevelopmentConfig`, `TestingConfig`)."""
    if is_development_settings(context):
        return True
    return any(
        isinstance(a, ast.ClassDef) and is_development_name(a.name) for a in context.ancestors(node)
    )


CONFIG_UPDATES = frozenset({"update", "from_mapping"})
"""Methods that set several settings at once (`app.config.update(SESSION_COOKIE_SECURE=...)`)."""


def setting_assignments(node: ast.AST) -> list[tuple[str, ast.expr]]:
    """The settings `node` sets, by name, with the expression given to each: a module or class
    assignment (`DEBUG = ...`), `app.config["…"] = ...`, or `app.config.update(NAME=...)`."""
    if isinstance(node, ast.Assign):
        return [(name, node.value) for t in node.targets if (name := setting_name(t))]
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        name = setting_name(node.target)
        return [(name, node.value)] if name else []
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CONFIG_UPDATES
    ):
        return [(k.arg, k.value) for k in node.keywords if k.arg]
    return []
