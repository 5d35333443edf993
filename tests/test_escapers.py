"""Escapers read from their code: which characters an allow-list test admits, what fixed text a
replacement writes, and which sink kinds the result is safe for."""

import ast

from secreview.analysis.taint.alphabets import kinds_safe_for
from secreview.analysis.taint.escapers import (
    allowed_characters,
    chooser_kinds,
    replace_chain_table,
    translation_kinds,
    written_text,
)
from secreview.index.context import UNKNOWN


def _constant(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else UNKNOWN


def _expression(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def test_allow_list_tests_give_their_alphabet() -> None:
    allowed = allowed_characters(_expression('c.isdigit() or c in "-."'), "c", _constant)
    assert allowed == frozenset("0123456789-.")
    assert allowed_characters(_expression('c not in "<>"'), "c", _constant) is None
    assert allowed_characters(_expression("d.isalnum()"), "c", _constant) is None
    assert allowed_characters(_expression('c.isalpha() or c == "<"'), "c", _constant) is None


def test_replacements_write_only_fixed_text_and_numbers() -> None:
    assert written_text(_expression('"&#%d;" % ord(c)'), _constant) == "&#0;"
    assert written_text(_expression('f"%{ord(c):02x}"'), _constant) == "%0"
    assert written_text(_expression('"&#%s;" % c'), _constant) is None
    assert written_text(_expression("c.upper()"), _constant) is None


def test_character_references_are_fixed_text_only_in_html() -> None:
    kinds = kinds_safe_for(frozenset("abc .,-"), ("&#0;",))
    assert kinds is not None
    assert {"html", "log", "header"} <= kinds
    assert "command" not in kinds and "path" not in kinds
    assert kinds_safe_for(frozenset("abc"), ("_",)) is None


def test_chooser_with_a_deny_list_is_no_escaper() -> None:
    chooser = _expression('c if c not in "<>" else ""')
    assert isinstance(chooser, ast.IfExp)
    assert chooser_kinds(chooser, _constant) is False
    negated = _expression('"_" if c not in "abc" else c')
    assert isinstance(negated, ast.IfExp)
    assert chooser_kinds(negated, _constant) is None


def test_translation_must_map_every_dangerous_character() -> None:
    table = {ord(c): f"&#{ord(c)};" for c in "<>&\"'`"}
    assert "html" in translation_kinds(table)  # type: ignore[operator]
    assert "html" not in translation_kinds({**table, ord("a"): "<"})  # type: ignore[operator]
    assert "html" not in translation_kinds({ord("<"): "&lt;"})  # type: ignore[operator]
    assert translation_kinds(UNKNOWN) is False


def test_replace_chain_reads_as_its_table() -> None:
    chain = _expression('t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")')
    assert isinstance(chain, ast.Call)
    table = replace_chain_table(chain, _constant)
    assert table == {">": "&gt;", "<": "&lt;", "&": "&amp;"}
    assert "html" in translation_kinds(table)  # type: ignore[operator]
    twice = _expression('t.replace("<", "").replace("<", "<")')
    assert isinstance(twice, ast.Call)
    assert replace_chain_table(twice, _constant) is UNKNOWN
    word = _expression('t.replace("<script>", "")')
    assert isinstance(word, ast.Call)
    assert replace_chain_table(word, _constant) is UNKNOWN
