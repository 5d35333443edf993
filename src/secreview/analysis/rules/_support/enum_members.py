"""A field compared with a member of the type named after it (`flow == SessionFlow.PASSWORD`).

A value compared with an attribute of a class whose name ends with the word the value is read
under (`registration_session.flow` with `RegistrationSessionFlow.PASSWORD`, `interaction.type`
with `interaction.Types.pin`, `order.status` with `OrderStatus.PAID`) is an enumerated field
tested against one of its members: both sides are among a handful of names the program fixes, so
the member's name, however secret it sounds (`PASSWORD`, `pin`, `TOKEN`), is a label, not a
credential. A class constant compared with a value of another name (`user.password ==
Config.PASSWORD`) is not of this shape and stays a secret.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.secret_files import name_read
from secreview.analysis.rules._support.secret_text import name_words


def is_member_of_named_type(member: ast.expr, other: ast.expr) -> bool:
    """Whether `member` is `Owner.NAME` (or `x.Owner.NAME`) with `Owner` a class-like name
    whose last word is the word `other` is read under (a plural `Types` for `type` too)."""
    if not isinstance(member, ast.Attribute):
        return False
    owner = name_read(member.value)
    if owner is None or not owner[:1].isupper() or owner.isupper():
        return False  # `settings.PASSWORD`, `CONFIG.TOKEN`: not a class-like owner
    read = name_read(other)
    owner_words, read_words = name_words(owner), name_words(read) if read else []
    if not owner_words or not read_words:
        return False
    return _singular(owner_words[-1]) == _singular(read_words[-1])


def _singular(word: str) -> str:
    """`types` -> `type`, `status` stays (a word ending in `ss`/`us` is not a plural)."""
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word
