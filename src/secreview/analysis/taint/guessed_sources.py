"""Sources guessed from a name: a helper the scan could not read, handed the request object.

Views often read their arguments through a helper (`args = get_args(request, ("name",))`,
`body = parse_json_body(request)`). When the helper's module is not scanned (one file in a review,
a diff) or it is a library function no model describes, the request object it is handed carries
no data until one of its attributes is read, so the helper's result would look clean and every
flow from it would be lost. A function whose name says it reads the request's arguments,
parameters, form, query or body (`get_args`, `parse_json`, `read_form_fields`), handed the request
object itself, returns that data: its result is taken for request data, marked as a guess
(`GUESSED_SOURCE`), so findings it leads to are low confidence and their evidence names the
helper. A helper of the module under review is never guessed: its body is read (`calls.py`).
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.markers import GUESSED_SOURCE
from secreview.analysis.taint.name_words import CLIENT_WORDS, DOWNLOAD_VERBS, words_of
from secreview.analysis.taint.values import Flow, Value

_READ_NOUNS = frozenset(
    {"arg", "args", "argument", "arguments", "param", "params", "parameter", "parameters"}
    | {"json", "body", "form", "query", "payload", "input", "inputs", "field", "fields"}
)
"""Words of a helper's name that say it returns what the request carries."""


class GuessedSourceRules(FrameState):
    """Unread helpers handed the request object, read as request data when their name says so."""

    def guessed_request_read(
        self, node: ast.Call, args: list[Value], kwargs: dict[str, Value]
    ) -> Flow | None:
        """The request-data flow of `get_args(request, ...)`: a call of a function nothing
        describes, named for reading the request's data and handed a request object (see the
        module docstring); None for any other call."""
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if not words_of(name) & _READ_NOUNS:
            return None
        if not any(self.is_request(value) for value in (*args, *kwargs.values())):
            return None
        shown = self.analysis.shown(func) or name
        note = (
            f"`{shown}(...)` is taken for HTTP request data: handed the request, a helper the "
            "scan could not read, named for reading its data (a guess) (remote)"
        )
        return Flow("remote", ((node, note),)).sanitised({GUESSED_SOURCE})

    def guessed_download(
        self, node: ast.Call, receiver: Value | None, method: str | None
    ) -> Flow | None:
        """The network flow of `fetcher.download_bytes(url)`: a method named for downloading or
        fetching, of an object nothing describes whose name says it is a client (a project's
        own fetcher, handed in or built elsewhere); None for any other call. An updater or a
        crawler gets what the server chose, as from `requests.get(url).content`; it is a guess,
        so what it reaches is reported at low confidence."""
        func = node.func
        if receiver is None or method is None or receiver.type is not None:
            return None
        if not isinstance(func, ast.Attribute) or not words_of(method) & DOWNLOAD_VERBS:
            return None
        owner = func.value
        named = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if not words_of(named) & CLIENT_WORDS:
            return None
        shown = self.analysis.shown(func) or method
        note = (
            f"`{shown}(...)` is taken for data from the network: a method named for "
            "downloading, of an object named for a client that nothing describes (a guess) "
            "(socket)"
        )
        return Flow("socket", ((node, note),)).sanitised({GUESSED_SOURCE})
