"""String literals -> `Constant` / `JoinedStr`, shaped exactly as Python 3.11's `ast` shapes them.

Every f-string (and t-string, PEP 750) becomes a `JoinedStr` whose interpolations are real
expression nodes, so taint flows through `f"ls {d["path"]}"` as through any other expression. The
shape and positions follow CPython 3.11's string parser, which the oracle test compares against:
the literal parts and `FormattedValue`s carry the position of the whole (implicitly concatenated)
string, a format spec carries the position of the one string token it sits in, and an
interpolation that is a bare tuple spans from its `{` to the character that ends it.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from tree_sitter import Node

from secreview.parse.base import (
    LOAD,
    ConverterBase,
    Span,
    Unconvertible,
    locate,
    locate_between,
    locate_span,
    named,
    significant,
    span_of,
)
from secreview.parse.literals import StringPrefix, decode_bytes, decode_text, read_prefix
from secreview.parse.python2 import parse_embedded_expression

_CONVERSIONS = {"s": ord("s"), "r": ord("r"), "a": ord("a")}


class _Joined:
    """The parts of one JoinedStr being built: finished values plus not-yet-flushed literal text.

    Mirrors CPython 3.11's FstringParser: adjacent literal text (from several tokens, from
    `{x=}` debug text) merges into one Constant, emitted when an expression or the end follows.
    """

    __slots__ = ("kind", "pending", "values")

    def __init__(self, kind: str | None) -> None:
        self.kind = kind
        self.values: list[ast.expr] = []
        self.pending: list[str] = []

    def add_text(self, text: str) -> None:
        if text:
            self.pending.append(text)

    def flush(self, span: Span, kind: str | None) -> None:
        if self.pending:
            self.values.append(locate_span(ast.Constant("".join(self.pending), kind), span))
            self.pending = []


class StringConversion(ConverterBase):
    """Converts `string` and `concatenated_string` nodes."""

    def string(self, node: Node) -> ast.expr:
        """A single string token (plain, bytes, raw, f- or t-string)."""
        opening = node.children[0] if node.children else None
        if opening is not None and opening.type == "string_start" and self.text(opening) == "`":
            return self._backticks(node)
        return self._strings([node], node)

    def _backticks(self, node: Node) -> ast.expr:
        """Python 2's `` `x` `` is `repr(x)`; tree-sitter reads it as a string token."""
        self.mark_python2_syntax(node)
        opening = node.children[0]
        inner = self.text_between(opening.end_byte, node.end_byte - 1)
        value = parse_embedded_expression(inner, *opening.end_point)
        if value is None:
            raise Unconvertible(node, "invalid expression between backticks")
        name = locate_between(ast.Name("repr", LOAD), opening, opening)
        return locate(ast.Call(name, [value], []), node)

    def concatenated_string(self, node: Node) -> ast.expr:
        """Implicitly concatenated string tokens: one value, as Python joins them."""
        return self._strings(named(node), node)

    def _strings(self, tokens: list[Node], whole_node: Node) -> ast.expr:
        whole = span_of(whole_node, whole_node)
        parts = [self._token_parts(token) for token in tokens]
        if parts[0][0].is_bytes:
            if not all(prefix.is_bytes for prefix, _, _ in parts):
                raise Unconvertible(whole_node, "cannot mix bytes and nonbytes literals")
            value = b"".join(
                decode_bytes(self.text_between(*body), prefix.is_raw) for prefix, body, _ in parts
            )
            return locate_span(ast.Constant(value), whole)
        if any(prefix.is_bytes for prefix, _, _ in parts):
            raise Unconvertible(whole_node, "cannot mix bytes and nonbytes literals")
        kind = "u" if parts[0][0].is_unicode_marked else None
        joined = _Joined(kind)
        templated = False
        for token, (prefix, body, quote) in zip(tokens, parts, strict=True):
            if prefix.is_template:
                templated = True
                self._template(token, prefix, quote, joined, whole)
            else:
                joined.add_text(decode_text(self.text_between(*body), prefix.is_raw))
        if not templated:
            return locate_span(ast.Constant("".join(joined.pending), kind), whole)
        joined.flush(whole, kind)
        return locate_span(ast.JoinedStr(joined.values), whole)

    def _token_parts(self, token: Node) -> tuple[StringPrefix, tuple[int, int], str]:
        """The prefix of one string token, the byte range of its body, and its quote."""
        children = token.children
        start, end = children[0], children[-1]
        if start.type != "string_start" or end.type != "string_end":
            raise Unconvertible(token, "unterminated string literal")
        opening = self.text(start)
        quote = opening.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        letters = opening[: len(opening) - len(quote)]
        if letters.lower() == "ur":
            # Python 2's raw unicode string: raw, and a str in Python 3 (`\u` escapes aside).
            self.mark_python2_syntax(token)
            prefix = replace(read_prefix("r"), is_unicode_marked=letters.startswith("u"))
        else:
            prefix = read_prefix(letters)
        # Not `end.start_byte`: after a raw string's trailing backslashes tree-sitter starts the
        # closing token early (`r"\\"` ends with a token `\\"`).
        return prefix, (start.end_byte, token.end_byte - len(quote)), quote

    def _template(
        self, token: Node, prefix: StringPrefix, quote: str, joined: _Joined, whole: Span
    ) -> None:
        """Add the literal text and interpolations of one f-/t-string token to `joined`."""
        raw = prefix.is_raw
        is_t_string = not prefix.is_format
        if is_t_string or _uses_newer_fstring_syntax(self, token, quote):
            self.mark_newer_syntax(token)
        token_span = span_of(token, token)
        position = token.children[0].end_byte
        for child in token.children[1:-1]:
            if child.type != "interpolation":
                continue
            joined.add_text(self._literal(position, child.start_byte, raw, top_level=True))
            self._interpolation(child, raw, joined, whole, token_span)
            position = child.end_byte
        joined.add_text(self._literal(position, token.end_byte - len(quote), raw, True))

    def _literal(self, start: int, end: int, raw: bool, top_level: bool) -> str:
        text = self.text_between(start, end)
        if top_level and ("{{" in text or "}}" in text):
            text = text.replace("{{", "{").replace("}}", "}")
        return decode_text(text, raw)

    def _interpolation(
        self, node: Node, raw: bool, joined: _Joined, whole: Span, token_span: Span
    ) -> None:
        """One `{expression!c:spec}` (or `{expression=}`): debug text, then a FormattedValue."""
        children = significant(node)
        value_node = children[1]
        if value_node.type == "named_expression":
            self._colon_equals(children, raw, joined, whole, token_span)
            return
        after = children[2]
        value = self.expr(value_node)
        if value_node.type in ("expression_list", "pattern_list"):
            # Python 3.11 parses the text between the braces as "(" + text + ")", so a bare
            # tuple spans from the `{` to the character that ends the expression.
            open_brace = children[0].start_point
            end = after.start_point
            locate_span(value, (open_brace[0] + 1, open_brace[1], end[0] + 1, end[1] + 1))
        index = 2
        debug = after.type == "="
        if debug:
            index = 3
            joined.add_text(self.text_between(children[0].end_byte, children[3].start_byte))
        conversion = -1
        if children[index].type == "type_conversion":
            letter = self.text(children[index])[1:]
            if letter not in _CONVERSIONS:
                raise Unconvertible(children[index], f"invalid conversion character {letter!r}")
            conversion = _CONVERSIONS[letter]
            index += 1
        format_spec = None
        if children[index].type == "format_specifier":
            format_spec = self._format_spec(children[index], raw, joined.kind, whole, token_span)
            index += 1
        elif debug and conversion == -1:
            conversion = ord("r")
        if children[index].type != "}":
            raise Unconvertible(children[index], "f-string: expecting '}'")
        joined.flush(whole, joined.kind)
        joined.values.append(locate_span(ast.FormattedValue(value, conversion, format_spec), whole))

    def _colon_equals(
        self, children: list[Node], raw: bool, joined: _Joined, whole: Span, token_span: Span
    ) -> None:
        """`{x:=10}` is `x` formatted with the spec `=10`; only parentheses make `:=` a walrus."""
        name, walrus, _ = significant(children[1])
        spec_text = self.text_between(walrus.start_byte + 1, children[-1].start_byte)
        if "{" in spec_text:
            raise Unconvertible(children[1], "f-string: nested format spec after ':='")
        spec = _Joined(None)
        spec.add_text(decode_text(spec_text, raw))
        spec.flush(token_span, None)
        format_spec = locate_span(ast.JoinedStr(spec.values), token_span)
        joined.flush(whole, joined.kind)
        value = ast.FormattedValue(self.expr(name), -1, format_spec)
        joined.values.append(locate_span(value, whole))

    def _format_spec(
        self, node: Node, raw: bool, kind: str | None, whole: Span, token_span: Span
    ) -> ast.JoinedStr:
        """The part after `:`; CPython 3.11 gives it (and its last text) the token's position."""
        spec = _Joined(kind)
        position = node.children[0].end_byte  # after the ':'
        for child in node.children[1:]:
            if child.type != "format_expression":
                continue
            spec.add_text(self._literal(position, child.start_byte, raw, top_level=False))
            self._interpolation(child, raw, spec, whole, token_span)
            position = child.end_byte
        spec.add_text(self._literal(position, node.end_byte, raw, top_level=False))
        spec.flush(token_span, None)
        return locate_span(ast.JoinedStr(spec.values), token_span)


def _uses_newer_fstring_syntax(converter: ConverterBase, token: Node, quote: str) -> bool:
    """Whether an f-string needs PEP 701 (Python 3.12): its quote, `\\` or `#` inside `{...}`."""
    multiline_allowed = len(quote) == 3
    for child in token.children[1:-1]:
        if child.type != "interpolation":
            continue
        inner = converter.text(child)
        if quote[0] in inner or "\\" in inner or "#" in inner:
            return True
        if not multiline_allowed and "\n" in inner:
            return True
    return False
