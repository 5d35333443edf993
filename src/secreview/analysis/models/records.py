"""The records a model file's tables become: one named tuple per kind of model.

They live apart from the loader (`secreview.analysis.models`) so that the loading code and the
shapes it fills can each be read on their own; the package re-exports every name.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import NamedTuple

from secreview.patterns import lazy_pattern

ALL_KINDS = "*"
"""A sanitiser that protects every sink kind (a cast to int, a UUID parse, an allow-list)."""

_NAME_WORD = lazy_pattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def name_words(name: str) -> str:
    """A name as lower-case words joined by `_`: `newPassword`, `X-CSRF-Token` -> `new_password`,
    `x_csrf_token`. Label patterns match this form, whatever the spelling of the name."""
    return "_".join(word.lower() for word in _NAME_WORD.findall(name))


class SourceModel(NamedTuple):
    """Untrusted data: values of `names`, results of `calls`, or attributes of a typed object."""

    origin: str
    note: str
    names: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    returns_arguments: bool = False
    """The result is (an element of) the call's arguments, so it also carries their data
    (`random.choice(options)`)."""
    safe_for: tuple[str, ...] = ()
    """Sink kinds the data cannot harm as it arrives (a percent-encoded URL forges no log line),
    in modules importing one of `safe_in` (any module when empty): frameworks differ."""
    safe_in: tuple[str, ...] = ()


class HandlerAttribute(NamedTuple):
    """An attribute of a request handler class that holds request data, for the handlers
    deriving from `bases`: `self.request` is Tornado's parsed request in a Tornado handler and
    the client's socket in a `socketserver` one, each with its own note and type."""

    bases: frozenset[str]
    source: SourceModel
    type: str | None = None
    """The type of the value (Tornado's `HTTPServerRequest`), whose own typed sources then say
    what its attributes hold (its raw `path` holds no line break)."""


class LabelModel(NamedTuple):
    """Data of the `origins` named by a matching name also carries data of origin `origin`.

    `patterns` are matched (whole) against `name_words(name)` of the key, attribute, variable,
    keyword argument, view parameter or function under which the data is read, stored, passed or
    returned: `request.form["password"]` is a password, `token = random_text()` a token.
    """

    origin: str
    note: str
    origins: tuple[str, ...]
    patterns: tuple[str, ...]
    matcher: re.Pattern[str] = lazy_pattern("(?!)")
    """`patterns` as one regular expression (the default matches nothing)."""


class SinkModel(NamedTuple):
    """A call whose listed arguments must not carry untrusted data of the given kind.

    `when` holds keyword arguments that must have these constant values for the call to be a
    sink (`shell = true`); `unless` maps a keyword (or a position, as a digit) to the types or
    qualified names of values that make the call safe (`Loader = ["yaml.SafeLoader"]`), a
    `keyword.Header-Name` key naming a header in a headers dict (`headers.Content-Type`);
    `argv0` means only the program name of an argument vector matters (a list's first element);
    `shell_argv` that an argument vector matters only when it runs a shell (`os.execv`'s: the
    program is its path argument, judged on its own); `argv_from` that the call's positional
    arguments from that one on are the vector (`os.execl(path, "sh", "-c", text)`);
    `receiver` means the object the method is called on is what must not be tainted;
    `receivers` (regexes) limits a `*.method` model to receivers named so (`logger.info`);
    `arg_patterns` maps a position to a regex its constant text (or prefix) must contain, for
    method names too common to model without a hint (`conn.search("ou=people,...", ...)`);
    `unset` lists keywords (or positions, as digits) that must each be missing or a constant false
    value (`secure` not turned on); `origins` limits the sink to data of these origins (empty: every
    origin except the dedicated ones); `named_by` lists keywords (or positions) whose constant text
    names the checked value, so labels apply (`set_cookie("session_id", value)`); `headers`
    (a regex) says the arguments are response headers, a dict or a list of `(name, value)` pairs,
    of which only the values of headers with a matching constant name are checked (`Location`).
    `spread`: the keys of a `**mapping` spread into the call are what must not be tainted (Django
    lookups `Q(**filters)`: each key names a field path); only a mapping tainted as a whole
    counts, not one whose tainted values sit at keys the code wrote.
    `unless_typed`: not where the handler has declared another Content-Type than HTML itself
    (Tornado's `self.set_header("Content-Type", ...)`, `http.server`'s `self.send_header(...)`,
    before the call, or in the class's `set_default_headers`/`prepare`), as a file download or a
    JSON API does.
    """

    kind: str
    calls: tuple[str, ...]
    args: tuple[int, ...] = ()
    keywords: tuple[str, ...] = ()
    all_args: bool = False
    argv0: bool = False
    shell_argv: bool = False
    argv_from: int = 0
    receiver: bool = False
    receivers: tuple[str, ...] = ()
    arg_patterns: tuple[tuple[int, str], ...] = ()
    when: tuple[tuple[str, object], ...] = ()
    unless: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unset: tuple[str, ...] = ()
    origins: frozenset[str] = frozenset()
    named_by: tuple[str, ...] = ()
    headers: str = ""
    unless_typed: bool = False
    spread: bool = False
    note: str = ""


class SanitizerModel(NamedTuple):
    """A call whose result is safe for the `protects` sink kinds (`*` for all).

    With `keys` (glob patterns), the calls are `TYPE.__item__` and the model says what reading
    one of those constant keys of a value of TYPE gives (`environ["HTTP_HOST"]`, or through
    `get`): safe for `protects`, where other keys of the same value are not.
    """

    calls: tuple[str, ...]
    protects: tuple[str, ...]
    note: str = ""
    keys: tuple[str, ...] = ()

    def covers(self, key: object) -> bool:
        """Whether reading the constant `key` is what this (keyed) model describes."""
        return isinstance(key, str) and any(fnmatchcase(key, p) for p in self.keys)


class ReturnModel(NamedTuple):
    """The type a call returns, when its keyword arguments have the `when` constant values, hold
    values of the `when_types` types (`autoescape=select_autoescape(...)`, a call's result) and
    its positional arguments' constant text matches `arg_patterns` (as for a sink)."""

    type: str
    when: tuple[tuple[str, object], ...] = ()
    when_types: tuple[tuple[str, tuple[str, ...]], ...] = ()
    arg_patterns: tuple[tuple[int, str], ...] = ()

    @property
    def conditional(self) -> bool:
        """Whether the model applies only to some calls, so it must be tried before a default."""
        return bool(self.when or self.when_types or self.arg_patterns)
