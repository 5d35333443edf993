"""The words of names, read to guess what code the scan cannot see does.

Guessed sinks, sources and sanitisers (`guessed_*.py`) and the module's cheap test of whether it
can read untrusted input at all (`module_index.py`) read the same words, so they live here,
below both.
"""

from __future__ import annotations

import ast
import re

from secreview.patterns import lazy_pattern

DOWNLOAD_VERBS = frozenset({"download", "fetch"})
"""Words of a method's name that say it returns what a server sent (`download_bytes`)."""
CLIENT_WORDS = frozenset({"client", "fetcher", "downloader", "http", "https", "crawler"})
"""Words of a receiver's name that say it talks to servers (`self._fetcher`, `http_client`)."""
FOLDER_WORDS = frozenset({"root", "dir", "directory", "folder", "path"})
"""Last words of a name that say it holds a folder or path (`MEDIA_ROOT`, `output_dir`)."""


def _words(name: str) -> list[str]:
    """The lower-case words of a snake_case or camelCase name, in order."""
    return [w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)]


def words_of(name: str) -> frozenset[str]:
    """The lower-case words of a snake_case or camelCase name."""
    return frozenset(_words(name))


def last_word(name: str) -> str:
    """The last lower-case word of a name, the thing it names (`nonce` of `generate_nonce`,
    `header` of `nonce_header`); empty for a name without letters."""
    words = _words(name)
    return words[-1] if words else ""


_DOWNLOAD_CALL = lazy_pattern(r"\.\s*_*(?:download|fetch)\w*\s*\(", re.IGNORECASE)
"""A method named for a download called in a module's text (`.download_bytes(`)."""


_DOWNLOAD_VERB_CALL = lazy_pattern(
    r"\.\s*_*(?:download|fetch(?!_?(?:all|one|many|row|rows|val)\b))(?:_\w*|[A-Z]\w*)?\s*\("
)
"""A method whose first word is a download verb (`.download_bytes(`, `.fetch_page(`), not one
that only begins with its letters or fetches rows (a cursor's `.fetchall(`, `.fetch_one(`)."""


def names_a_download(text: str, names: set[str], *, verb_first: bool = False) -> bool:
    """Whether a module calls a method named for a download and names a client: the shape
    `fetcher.download_bytes(url)` needs both.

    The taint run is gated by the loose clue (any method beginning `fetch`): narrowed, it kept
    the engine from modules where its proof that a statement is built from constants quiets a
    pattern rule (tokenserver's `sql.py`, stop 59). `verb_first` asks for the verb as a word of
    its own, where the clue decides whether a maintainer's script can be reached from the
    network: there `cursor.fetchall()` beside an `https` setting says nothing of a download.
    """
    call = _DOWNLOAD_VERB_CALL if verb_first else _DOWNLOAD_CALL
    if not call.search(text):
        return False
    return any(words_of(name) & CLIENT_WORDS for name in names)


def names_a_folder(node: object) -> bool:
    """Whether `node` is a name or attribute whose last word says it holds a folder or path
    (`settings.MEDIA_ROOT`, `self.output_dir`): dividing such a value is joining a path, since
    numbers are not named so and a string cannot be divided."""
    match node:
        case ast.Attribute(attr=name) | ast.Name(id=name):
            parts = _words(name)
            return bool(parts) and parts[-1] in FOLDER_WORDS
    return False


_STORING_VERBS = frozenset({"update", "feed", "load"})
"""First words of a method name that say the object takes in what it is given."""


def named_to_store(method: str) -> bool:
    """Whether a method of an object nothing describes is named for taking in its arguments
    (`state.update_targets(data)`, `parser.feed_chunk(data)`, `index.load_entries(rows)`): what
    the object holds afterwards, and what is read from it, then carries that data."""
    return method.lstrip("_").split("_", 1)[0] in _STORING_VERBS
