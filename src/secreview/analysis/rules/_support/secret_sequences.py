"""Sequences of strings whose items are not secrets, whatever name the sequence has.

A set of lower-case words is the names of secrets to redact (`{"accountkey", "password"}`); a
record that also holds a value read at run time (`("SABnzbd", "sab_password", self.SAB_PASSWORD)`,
mylar3's table of settings to encrypt) keeps the secret in that value and labels it with its
strings. `secret_constants` asks these before binding a sequence's strings to its name.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

_NAME_OF_A_FIELD = lazy_pattern(r"[a-z][a-z_\-]*")


def lists_names(container: ast.Tuple | ast.List | ast.Set, context: ModuleContext) -> bool:
    """Whether every item is a plain lower-case word: the names of secrets, not secrets.

    Sets and lists of such words are what code keeps to redact or filter secrets by name
    (`{'accountkey', 'sharedaccesssignature'}`); a generated key is never a dictionary word.
    Judged once per container, not once per item (a table of n strings asked n times).
    """
    known = context.derived(_new_name_list_table)
    answer = known.get(id(container))
    if answer is None:
        answer = known[id(container)] = all(
            isinstance(item, ast.Constant)
            and isinstance(item.value, str)
            and bool(_NAME_OF_A_FIELD.fullmatch(item.value))
            for item in container.elts
        )
    return answer


_WORD_LIST_LENGTH = 4
"""Fewest strings of a list or set read as a word list rather than a record."""


def is_word_list(container: ast.Tuple | ast.List | ast.Set) -> bool:
    """Whether the container is a list or set of four or more distinct strings: a dictionary of
    candidate values, such as a deny list of common passwords (`common_passwords = ["123456",
    "password", "qwerty", ...]`, checked with `password.lower() in common_passwords`). A program
    keeps a password or a key as one value; a record of settings is a tuple, and is not
    counted. A string that looks like a key or a token by its format is still reported as one
    (`format_secret` is asked first)."""
    if isinstance(container, ast.Tuple) or len(container.elts) < _WORD_LIST_LENGTH:
        return False
    texts = [
        item.value
        for item in container.elts
        if isinstance(item, ast.Constant) and isinstance(item.value, str)
    ]
    return len(texts) == len(container.elts) and len(set(texts)) == len(texts)


def labels_a_read_value(container: ast.Tuple | ast.List | ast.Set) -> bool:
    """Whether the sequence also holds a value read at run time (an attribute, item or call):
    a record such as `(section, option, self.SAB_PASSWORD)` keeps the secret in that value, and
    its strings are the labels it is stored and looked up by, not the secret. A bare name is
    no such read: a settings schema's converter (`(str, "SABnzbd", "default")`) leaves its
    default the value the key names."""
    return any(
        isinstance(item, ast.Attribute | ast.Subscript | ast.Call) for item in container.elts
    )


def _new_name_list_table(context: ModuleContext) -> dict[int, bool]:
    """An empty table of `lists_names` answers by container id, one per module."""
    return {}
