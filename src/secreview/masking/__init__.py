"""Mask secrets in everything a report prints: snippets, messages, evidence and change excerpts.

A finding of any rule quotes code, and that code may hold a password (`requests.get(url,
auth=("admin", "…"))` is a missing-timeout finding), so masking is not the secret rules' business
alone: the engine and the review excerpts pass every piece of quoted code through `mask_code`.

Code is masked token by token (`tokenize`), so its structure stays readable: a string literal is
masked when the secret rules' own tests (`secreview.credentials`) say so, judging it by the name
it is bound to (`password = …`, `password=…`, `{"api_key": …}`, `auth=(user, …)`, the key argument
of `hmac.new`), by a provider format (AWS, GitHub, Slack, private key blocks, JWTs…) or by looking
random; passwords in URLs (`https://user:…@host`) are masked wherever they appear, comments too.
The name a literal is bound to is read from the tokens before it (bound_names.py).
Fragments that do not tokenize (a line inside a triple-quoted string) fall back to patterns.

What a masked value looks like: `****`, after the public prefix of a provider format at most
(`AKIA****`, `-----BEGIN RSA PRIVATE KEY-----****`), whatever its length: neither characters nor
the length of the secret are shown. Quotes, string prefixes and line breaks stay, so the code
keeps its shape and every line keeps its number.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from secreview.credentials import (
    AUTH_SCHEME,
    DOTTED_NAME,
    TEMPLATE_MARKER,
    VARIABLE_LIKE,
    is_not_a_secret,
    looks_like_key,
    looks_random,
    name_verdict,
    token_is_fake,
)
from secreview.credentials.formats import (
    CONNECTION_URL_PASSWORD,
    FORMATS,
    KEY_VALUE_PASSWORD,
    PRIVATE_KEY_BLOCK,
)
from secreview.masking.bound_names import (
    SINK,
    STRING_OPENING,
    Bracket,
    bound_name,
    callee_before,
    literal_value,
    name_in_brackets,
)
from secreview.patterns import lazy_pattern
from secreview.text import source_lines_with_ends

MASK = "****"
_PUBLIC_PREFIX = lazy_pattern(
    r"AKIA|ASIA|gh[pousr]_|github_pat_|xox[baprs]-|https://hooks\.slack\.com/services/|[sr]k_live_"
    r"|AIza|pypi-|npm_|eyJ|-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----"
)
_QUOTED = lazy_pattern(
    r"(?P<opening>[rRbBuUfF]{0,2}(?P<quote>'''|\"\"\"|'|\"))(?P<body>.*?)(?P=quote)"
)
_NAME_BEFORE = lazy_pattern(r"(?P<name>[A-Za-z_][\w\-]*)['\"]?\]?\s*(?:=|:|==|!=|:=)\s*$")
_CONSTANT_NAME = lazy_pattern(r"[A-Z][A-Z_]*")  # `password=DB_PASSWORD` quoted in a message
_WORD = lazy_pattern(r"[A-Za-z0-9+/=_\-.~]{16,}")
_MIN_KNOWN_LENGTH = 4  # shorter known secrets are not searched for in prose (too many matches)


def mask_secret(secret: str) -> str:
    """What a report shows instead of `secret`: `****`, after a provider format's public prefix."""
    whole_format = any(
        (match := known.pattern.match(secret)) and match.end() == len(secret) for known in FORMATS
    )
    if whole_format or PRIVATE_KEY_BLOCK.match(secret):
        prefix = _PUBLIC_PREFIX.match(secret)
        if prefix:
            return prefix[0] + MASK
    return MASK


def _blank(text: str) -> str:
    """`MASK` in place of each non-empty line of `text`, its line breaks kept."""
    return "\n".join(MASK if line.strip() else line for line in text.split("\n"))


def _mask_shapes(text: str, found: set[str] | None = None, key_values: bool = True) -> str:
    """`text` with provider tokens, private key bodies and passwords in URLs or `password=` masked.

    These are secrets by their shape alone, so they are masked in prose, comments and code alike;
    what was masked is added to `found`. Without `key_values`, for code outside strings,
    `password=PASSWORD` is a keyword argument and stays.
    """
    seen = found if found is not None else set()

    def token(match: re.Match[str]) -> str:
        if token_is_fake(match[0]):
            return match[0]
        seen.add(match[0])
        return mask_secret(match[0])

    def key_block(match: re.Match[str]) -> str:
        seen.update(line for line in match["body"].split("\n") if len(line) >= _MIN_KNOWN_LENGTH)
        start, end = match.start("body") - match.start(), match.end("body") - match.start()
        return match[0][:start] + _blank(match["body"]) + match[0][end:]

    for known in FORMATS:
        if known.may_match(text):
            text = known.pattern.sub(token, text)
    text = PRIVATE_KEY_BLOCK.sub(key_block, text)
    text = CONNECTION_URL_PASSWORD.sub(lambda m: _masked_password(m, False, seen), text)
    if key_values:
        text = KEY_VALUE_PASSWORD.sub(lambda m: _masked_password(m, True, seen), text)
    return text


def _masked_password(match: re.Match[str], keep_names: bool, found: set[str]) -> str:
    """The match with its `secret` group masked, unless that is a template or, in `password=`
    text (code as often as configuration), a variable name."""
    secret = match["secret"]
    if (
        secret.startswith(MASK)
        or TEMPLATE_MARKER.search(secret)
        or (
            keep_names
            and (
                VARIABLE_LIKE.fullmatch(secret)
                or DOTTED_NAME.fullmatch(secret)
                or _CONSTANT_NAME.fullmatch(secret)
            )
        )
    ):
        return match[0]
    found.add(secret)
    start, end = match.start("secret") - match.start(), match.end("secret") - match.start()
    return match[0][:start] + MASK + match[0][end:]


def _mask_words(text: str) -> str:
    """`text` with random-looking words masked: for code whose strings cannot be told apart."""
    return _WORD.sub(lambda m: MASK if looks_like_key(m[0]) else m[0], text)


def _is_secret_value(value: str, name: str | None) -> bool:
    """Whether a string bound to `name` (None: unnamed; `SINK`: a key or password argument)
    holds what the secret rules would call a secret."""
    if not value.strip() or MASK in value:
        return False
    if looks_like_key(value):
        return True
    if name == SINK:
        return not TEMPLATE_MARKER.search(value)
    if name is None:
        return False
    verdict = name_verdict(name)
    if verdict is None:
        return False
    scheme = AUTH_SCHEME.match(value)
    value = value[scheme.end() :] if scheme else value
    return not is_not_a_secret(value, name) and (verdict.decisive or looks_random(value))


def _masked_literal(literal: str, name: str | None, found: set[str]) -> str:
    """The string literal as shown: its secret parts masked (a password in a URL, a token in a
    command line), else all of it when it is a secret."""
    shaped = _mask_shapes(literal, found)
    if shaped != literal:
        return shaped
    value = literal_value(literal)
    opening = STRING_OPENING.match(literal)
    if opening is not None and _is_secret_value(value, name):
        quote = opening[1]
        body = literal[opening.end() : len(literal) - len(quote)]
        found.update(s for s in (value, body) if len(s) >= _MIN_KNOWN_LENGTH)
        breaks = body.count("\n")
        return literal[: opening.end()] + mask_secret(value) + "\n" * breaks + quote
    return literal


@dataclass
class _Masking:
    """Replacements found in one piece of code, by character offset, and the secrets masked."""

    code: str
    replacements: list[tuple[int, int, str]] = field(default_factory=list)
    found: set[str] = field(default_factory=set)

    def replace(self, start: int, end: int, shown: str) -> None:
        if shown != self.code[start:end]:
            self.replacements.append((start, end, shown))

    def keep(self, start: int, end: int) -> None:
        """Show `code[start:end]` as it is after all (a word judged before its context was)."""
        self.replacements = [r for r in self.replacements if r[:2] != (start, end)]

    def result(self) -> str:
        pieces: list[str] = []
        position = 0
        for start, end, shown in sorted(self.replacements):
            if start < position:
                continue
            pieces.extend((self.code[position:start], shown))
            position = end
        pieces.append(self.code[position:])
        return "".join(pieces)

    def fallback(self, start: int, end: int) -> None:
        """Mask code that does not tokenize: quoted strings judged by the name before them, then
        shapes and random-looking words."""
        text = self.code[start:end]
        pieces: list[str] = []
        position = 0
        for match in _QUOTED.finditer(text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            named = _NAME_BEFORE.search(text[line_start : match.start()])
            shown = _masked_literal(match[0], named["name"] if named else None, self.found)
            before = _mask_shapes(text[position : match.start()], self.found)
            pieces.extend((_mask_words(before), shown))
            position = match.end()
        pieces.append(_mask_words(_mask_shapes(text[position:], self.found)))
        self.replace(start, end, "".join(pieces))


def _tokens(code: str, masking: _Masking, offsets: list[int]) -> None:
    """Judge the tokens of `code`, restarting after a line that does not tokenize."""
    start_line = 0
    while start_line < len(offsets) - 1:
        base = offsets[start_line]
        covered = base
        stack: list[Bracket] = []
        recent: list[tokenize.TokenInfo] = []
        reader = io.StringIO(code[base:]).readline
        try:
            for token in tokenize.generate_tokens(reader):
                start = offsets[start_line + token.start[0] - 1] + token.start[1]
                end = offsets[start_line + token.end[0] - 1] + token.end[1]
                if code[start:end] != token.string:
                    continue  # INDENT/DEDENT/ENDMARKER, or positions we cannot trust
                covered = max(covered, end)
                if _calls_the_name_before(token, recent):  # `base64url_decode(`: code
                    masking.keep(start - len(recent[-1].string), start)
                attribute = _names_an_attribute(token, recent)  # `Plugin.generate_args2cmd`
                _judge(token, start, end, recent, stack, masking)
                if attribute:
                    masking.keep(start, end)  # a provider format is masked again at the end
            return
        except (tokenize.TokenError, SyntaxError) as error:
            failed_line = getattr(error, "lineno", None)
            if isinstance(error, tokenize.TokenError) or not failed_line:
                masking.fallback(covered, len(code))
                return
            # A line dedented below the fragment's first one is fine on its own: restart there.
            retry_same = isinstance(error, IndentationError) and failed_line > 1
            next_line = min(start_line + failed_line - retry_same, len(offsets) - 1)
            masking.fallback(covered, offsets[next_line])
            start_line = next_line


def _names_an_attribute(token: tokenize.TokenInfo, recent: list[tokenize.TokenInfo]) -> bool:
    """Whether `token` is a name read as an attribute of the name before it, with no space
    between (`Plugin.generate_args2cmd`, a qualified name an evidence note quotes): code, as a
    called name is, though one such as `generate_args2cmd` looks random to the word test."""
    return (
        token.type == tokenize.NAME
        and len(recent) >= 2
        and recent[-1].type == tokenize.OP
        and recent[-1].string == "."
        and recent[-1].end == token.start
        and recent[-2].type == tokenize.NAME
        and recent[-2].end == recent[-1].start
    )


def _calls_the_name_before(token: tokenize.TokenInfo, recent: list[tokenize.TokenInfo]) -> bool:
    """Whether `token` opens the call of the name just before it. A called name is code (a
    function such as `base64url_decode` or `sha256_hmac` looks random to the word test), while a
    key that a fragment read from inside a string turns into a name is never called."""
    return (
        token.type == tokenize.OP
        and token.string == "("
        and bool(recent)
        and recent[-1].type == tokenize.NAME
        and recent[-1].end == token.start
    )


def _judge(
    token: tokenize.TokenInfo,
    start: int,
    end: int,
    recent: list[tokenize.TokenInfo],
    stack: list[Bracket],
    masking: _Masking,
) -> None:
    """Mask `token` if it holds a secret, and keep the bracket and name context up to date."""
    kind, text = token.type, token.string
    if kind == tokenize.STRING:
        name = bound_name(recent) or name_in_brackets(recent, stack)
        masking.replace(start, end, _masked_literal(text, name, masking.found))
        if stack and stack[-1].position == 0 and stack[-1].first_string is None:
            stack[-1].first_string = literal_value(text)
    elif kind in (tokenize.COMMENT, tokenize.NAME, tokenize.ERRORTOKEN) or (
        kind not in (tokenize.OP, tokenize.NUMBER, tokenize.NEWLINE, tokenize.NL) and text.strip()
    ):
        masking.replace(start, end, _mask_words(_mask_shapes(text, masking.found)))
    elif kind == tokenize.OP and text in ("(", "[", "{"):
        callee = callee_before(recent) if text == "(" else None
        stack.append(Bracket(callee, bound_name(recent)))
    elif kind == tokenize.OP and text in (")", "]", "}") and stack:
        stack.pop()
    elif kind == tokenize.OP and text == "," and stack:
        stack[-1].position += 1
    if kind == tokenize.NEWLINE:
        recent.clear()
    elif kind not in (tokenize.NL, tokenize.COMMENT):
        recent.append(token)


class Masked(NamedTuple):
    """Code with its secrets masked, and the secret texts found (to mask them in prose too)."""

    text: str
    secrets: frozenset[str]


def mask_code(code: str, known: Iterable[str] = ()) -> Masked:
    """`code` (a whole file, a statement or a fragment) with every secret masked, lines kept.

    `known` are secrets found around this code (the whole lines of a node whose segment is
    `code`), masked wherever they occur: a lone literal carries no name to judge it by.
    """
    if not code:
        return Masked(code, frozenset())
    masking = _Masking(code)
    offsets = [0]
    for line in source_lines_with_ends(code):
        offsets.append(offsets[-1] + len(line))
    if offsets[-1] != len(code):
        offsets.append(len(code))
    _tokens(code, masking, offsets)
    # Shapes once more over the result: a fragment read wrongly (from inside a string) splits
    # a URL with a password into tokens that each look harmless.
    text = _mask_shapes(masking.result(), masking.found, key_values=False)
    text = _replace_known(text, (*known, *masking.found))
    return Masked(text, frozenset(masking.found))


def _replace_known(text: str, secrets: Iterable[str]) -> str:
    """`text` with each known secret masked, longest first (one may contain another)."""
    for secret in sorted(
        {s for s in secrets if len(s) >= _MIN_KNOWN_LENGTH}, key=len, reverse=True
    ):
        if secret in text:
            text = text.replace(secret, MASK if "\n" not in secret else _blank(secret))
    return text


_BACKTICKED = lazy_pattern(r"(`+)(?P<code>.+?)\1", re.DOTALL)


def mask_prose(text: str, known: Iterable[str] = ()) -> str:
    """A message or note with its secrets masked: known ones, code in backticks, shapes."""
    text = _replace_known(text, known)
    text = _BACKTICKED.sub(lambda m: m[1] + mask_code(m["code"]).text + m[1], text)
    return _mask_shapes(text)


def mask_lines(lines: list[str]) -> list[str]:
    """Consecutive source lines (of a diff hunk) masked each alone and then as one piece of code.

    Alone, because the piece may start inside a string, which turns code into string content
    and back; together, so that a name on one line still masks the value on the next.
    """
    alone = [mask_code(line).text for line in lines]
    together = mask_code("\n".join(alone)).text.split("\n")
    return together if len(together) == len(lines) else alone
