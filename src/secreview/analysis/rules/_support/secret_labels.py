"""String constants that label a secret rather than hold one.

Two shapes, both seen where applications list the kinds of credential they handle:

- a member of an enumeration (`class ResolverType(Enum): PW = "passwdresolver"`): the values of
  an `Enum`, `StrEnum` or Django `TextChoices` are the fixed names of choices the program
  compares and stores, never a secret anyone types in;
- a value spelled as an identifier that ends in the word its name ends in
  (`TOKEN_INFO_CREDENTIAL = "fido2_credential"`, `SESSION_TOKEN = "session_token"`): the key
  a credential is stored under in a dict or a column, named after what it keeps. A password
  someone chose is not shaped like that (`admin_password` already counts as a placeholder, a
  random key holds no `_word` ending).
"""

from __future__ import annotations

import ast

from secreview.credentials import name_words
from secreview.index.choices import ENUM_BASES
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_SNAKE_IDENTIFIER = lazy_pattern(r"[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)+")


def is_enum_member_value(node: ast.Constant, context: ModuleContext) -> bool:
    """Whether `node` is the value of a member of an enumeration class (`PW = "passwd"` in the
    body of a class deriving from `Enum`, `StrEnum`, `TextChoices`, ... by its short name, or
    from a project base named `...Enum`), alone or in a member's (value, label) pair."""
    value: ast.AST = node
    statement = context.parent(node)
    if isinstance(statement, ast.Tuple):  # Django's `PASSWORD = "pw", "Password"` (value, label)
        value, statement = statement, context.parent(statement)
    if not isinstance(statement, ast.Assign) or statement.value is not value:
        return False
    owner = context.parent(statement)
    if not isinstance(owner, ast.ClassDef):
        return False
    for base in owner.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name in ENUM_BASES or name.endswith("Enum"):
            return True
    return False


def names_its_own_kind(value: str, name: str) -> bool:
    """Whether `value` is a snake_case identifier of two words or more whose last word is the
    last word of `name` (`"fido2_credential"` for `TOKEN_INFO_CREDENTIAL`): a storage key."""
    if not _SNAKE_IDENTIFIER.fullmatch(value):
        return False
    value_words, kind_words = name_words(value), name_words(name)
    return bool(value_words and kind_words) and value_words[-1] == kind_words[-1]
