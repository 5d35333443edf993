"""Text the project's translation catalogues give for a message written in the code.

`_("Edit credentials")`, `gettext_lazy("Next")` and `pgettext("menu", "Open")` look the literal up
in the `.po` catalogues the project's translators write and the project ships: the text is the
program's own, as the literal is, never run-time input. Reviewers read it so, and rules about
text built from values count it with the fixed pieces. Only literals count: `_(title)` looks up
whatever `title` holds (and falls back to it), and a keyword (`gettext("Hi %(name)s",
name=user)`, Flask-Babel) splices a value into the translation.
"""

from __future__ import annotations

import ast

TRANSLATION_CALLS = frozenset(
    {
        *("_", "_l", "gettext", "ugettext", "gettext_lazy", "ugettext_lazy", "lazy_gettext"),
        *("pgettext", "pgettext_lazy", "gettext_noop", "ugettext_noop"),
        *("ngettext", "ungettext", "ngettext_lazy", "ungettext_lazy", "npgettext"),
        *("npgettext_lazy", "lazy_ngettext"),
    }
)
"""The gettext family's names (Python's `gettext`, Django's `django.utils.translation`,
Flask-Babel, Babel), as projects call them: bare (`_`) or through their module."""

_COUNTED = frozenset(
    {"ngettext", "ungettext", "ngettext_lazy", "ungettext_lazy", "npgettext", "npgettext_lazy"}
    | {"lazy_ngettext"}
)
"""Plural forms: the last positional argument is the count that chooses the form."""


def is_translation_call(node: ast.AST) -> bool:
    """Whether `node` calls a function of the gettext family (by its last name)."""
    return isinstance(node, ast.Call) and _called_name(node) in TRANSLATION_CALLS


def is_translated_literal(node: ast.AST) -> bool:
    """Whether `node` translates messages written in the code: a gettext-family call whose
    messages are string literals, with no keyword to splice in (a plural form's count only
    chooses among the literals)."""
    if not isinstance(node, ast.Call) or node.keywords:
        return False
    name = _called_name(node)
    if name not in TRANSLATION_CALLS:
        return False
    messages = node.args[:-1] if name in _COUNTED else node.args
    return bool(messages) and all(
        isinstance(m, ast.Constant) and isinstance(m.value, str) for m in messages
    )


def _called_name(call: ast.Call) -> str | None:
    """The last name of the called function (`_`, `translation.gettext` -> `gettext`)."""
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else None
