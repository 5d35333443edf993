"""Which `__repr__`/`__str__` bodies write only reprs, numbers and names of code."""

from __future__ import annotations

import ast

import pytest

from secreview.index.repr_text import writes_only_reprs

REPRS_ONLY = [
    'return f"<Link {self.href!r}>"',
    'return "<Page %r (%d)>" % (self.url, len(self.url))',
    'return "<%s %r>" % (type(self).__name__, self.key)',
    'return "<Entry {!r} {!a}>".format(self.key, self.value)',
    "return repr(self.items)",
    'return self.__class__.__name__ + "(" + repr(self.key) + ")"',
    'if self.key:\n        return f"<K {self.key!r}>"\n    return "<K>"',
]
OWN_TEXT = [
    'return f"<Link {self.href}>"',
    'return "<Page %s>" % self.url',
    'return "<Entry {}>".format(self.key)',
    "return self.name",
    'return "<%s %r>" % (self.name, self.key)',
    'if self.key:\n        return self.key\n    return "<K>"',
    "pass",
]


def _class(body: str, method: str = "__repr__") -> ast.ClassDef:
    source = f"class C:\n  def {method}(self):\n    {body}\n"
    tree = ast.parse(source)
    node = tree.body[0]
    assert isinstance(node, ast.ClassDef)
    return node


@pytest.mark.parametrize("body", REPRS_ONLY)
def test_reprs_only(body: str) -> None:
    assert writes_only_reprs(_class(body))


@pytest.mark.parametrize("body", OWN_TEXT)
def test_own_text(body: str) -> None:
    assert not writes_only_reprs(_class(body))


def test_a_str_of_its_own_text_or_a_format_method_spoils_a_repr_of_reprs() -> None:
    repr_only = _class('return f"<C {self.key!r}>"')
    assert writes_only_reprs(repr_only)
    repr_only.body.append(_class("return self.key", "__str__").body[0])
    assert not writes_only_reprs(repr_only)
    assert not writes_only_reprs(_class('return f"<C {self.key!r}>"', "__str__"))  # no __repr__
