"""Sinks guessed from a name: a project function the scan could not read.

When a whole project is scanned, a call into another of its modules is followed through that
function's summary. When only some files are (one file in a review, a diff), the callee's module
is not there to read, and `fsutil.rename(name, dst)`, `utils.run_command(cmd)` or
`db.execute_sql(query)` would pass untrusted input on unseen. A project's own helper whose name
says plainly that it works on files, runs a command or runs SQL is most likely such a sink, so
the call is recorded as one, marked as a guess (`SinkEvent.guess`): it is reported at low
confidence, and its evidence says the callee was not scanned.

A function or method whose name says it queries (`select`, `query`, `execute_all`), handed SQL
text as its first argument (`monitor_db.select("SELECT ... '%s'" % before)`), is guessed to run
it: the statement's own words say what the argument is, whatever the callee's type (a project's
database wrapper the scan did not read, or an object nothing describes).

The same holds for a method named for an HTTP request (`get_json`, `send`, `fetch`) on an object
nothing describes (a project's own client class, an object kept on `flask.g`) when a keyword
says its argument is a URL (`send(base_url=u)`), or on a receiver named for a client
(`api_client.get_json(u)`; a generic `get` needs the text of a URL, as a cache client has one).

Only functions of the project itself are guessed: those imported relatively (`from . import
utils`) or from the package of the module under review (`pkg.views` importing `pkg.fsutil`).
A library's function is either modelled or not a sink, and a module the scan summarised has a
real summary that decides (`ProjectIndex.modules`); one the scan read but did not summarise
(too many imports away to follow) is no guess either (`ProjectIndex.scanned`), so a
whole-project scan guesses nothing.
"""

from __future__ import annotations

import ast
import re

from secreview.analysis.taint.frame_state import FrameState
from secreview.analysis.taint.name_words import words_of
from secreview.analysis.taint.results import SinkEvent
from secreview.analysis.taint.semantics import program_of
from secreview.analysis.taint.values import Value
from secreview.patterns import lazy_pattern

GUESSED = {
    "path": "(guessed) file operation",
    "command": "(guessed) command",
    "sql": "(guessed) SQL statement",
    "ssrf": "(guessed) HTTP request",
}
"""Sink kind -> the pseudo-call the models describe its arguments under (`stdlib.toml`)."""

_FILE_NOUNS = frozenset({"file", "files", "path", "paths", "dir", "dirs", "directory", "folder"})
_FILE_VERBS = frozenset(
    {"rename", "move", "copy", "remove", "delete", "unlink", "rmtree", "mkdir", "makedirs"}
    | {"symlink", "chmod", "chown", "open", "read", "write", "save", "load", "extract", "touch"}
)
_FILE_MODULES = frozenset(
    {"fs", "fsutil", "fsutils", "fileutil", "fileutils", "filesystem", "pathutil", "pathutils"}
)
_COMMAND_NOUNS = frozenset({"cmd", "command", "commands", "shell", "subprocess", "popen"})
_COMMAND_VERBS = frozenset({"run", "execute", "exec", "call", "spawn", "popen", "system"})
_COMMAND_MODULES = frozenset(
    {"processutils", "procutils", "process", "shell", "shellutil", "shellutils", "subprocess"}
)
_SQL_NOUNS = frozenset({"sql", "query"})
_SQL_VERBS = frozenset({"run", "execute", "exec", "raw"})
_SQL_MODULES = frozenset({"db", "dbutil", "dbutils", "database", "sql", "sqlutil", "sqlutils"})
_SQL_MODULE_VERBS = frozenset({"execute", "executemany", "executescript", "query", "raw", "sql"})
_QUERY_VERBS = frozenset({"execute", "exec", "query", "select", "raw", "sql"})
"""Words of a callee's name that say it runs a query, when its argument is SQL text."""
_SQL_TEXT = lazy_pattern(
    r"\s*\(*\s*(?:select\s.*\bfrom\s|insert\s+into\s|update\s.*\sset\s|delete\s+from\s)",
    re.IGNORECASE | re.DOTALL,
)
"""The fixed start of an SQL statement that reads or changes rows."""
_URL_METHODS = frozenset(
    {"get_json", "post_json", "put_json", "fetch_json", "urlopen", "open_url", "download"}
)
"""Methods that only fetch a URL, unlike `get` or `send` (a cache's, a queue's)."""
_REQUEST_METHODS = _URL_METHODS | frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "fetch"}
)
"""Methods named for an HTTP request."""
_URL_KEYWORDS = ("url", "base_url", "uri", "endpoint_url", "target_url")
CLIENT_WORDS = frozenset({"client", "http", "https", "requester", "fetcher", "crawler"})


def guessed_kind(qualified: str) -> str | None:
    """The sink kind a project function's qualified name says it is, if it says so plainly:
    an operation and its object in the function's name (`read_file`, `run_command`,
    `execute_sql`), or an operation in a module named for its object (`fsutil.rename`,
    `processutils.execute`, `db.execute`)."""
    *package, function = qualified.split(".")
    words = words_of(function)
    module = package[-1].lower() if package else ""
    module_words = {module, *words_of(module)}
    if words & _FILE_VERBS and (words & _FILE_NOUNS or module_words & _FILE_MODULES):
        return "path"
    if words & _COMMAND_VERBS and (words & _COMMAND_NOUNS or module_words & _COMMAND_MODULES):
        return "command"
    if (words & _SQL_VERBS and words & _SQL_NOUNS) or (
        words & _SQL_MODULE_VERBS and module_words & _SQL_MODULES
    ):
        return "sql"
    return None


def _runs_sql_text(name: str, statement: Value) -> bool:
    """Whether a callee named `name` is handed SQL text to run: its name says it queries, and
    the argument's fixed start is a statement (see the module docstring)."""
    return bool(words_of(name) & _QUERY_VERBS) and _SQL_TEXT.match(statement.prefix) is not None


class GuessRules(FrameState):
    """Calls to project functions outside the scan, recorded as sinks when their name says so."""

    def guess_sink(
        self,
        node: ast.Call,
        receiver: Value | None,
        method: str | None,
        args: list[Value],
        kwargs: dict[str, Value],
    ) -> None:
        """Record the call as the sink its callee's name says it is (see the module docstring):
        a project function in a module the scan did not read, or a method of an object nothing
        describes that its names say sends an HTTP request."""
        qualified = self.unread_project_function(node.func)
        kind = guessed_kind(qualified) if qualified else None
        if kind is None:
            undescribed = receiver is not None and self._undescribed(receiver, node)
            if args and self._queries_with_text(
                qualified, method if undescribed else None, node, args[0]
            ):
                why = (
                    f"`{qualified}` was not scanned"
                    if qualified
                    else "its receiver's type is not known"
                )
                self._record_guess("sql", node, args[:1], {}, why)
            elif undescribed and method is not None:
                self._guess_request(node, method, args, kwargs)
            return
        if kind == "command" and args:
            # An argument vector runs its first element; the others are only arguments.
            args = [program_of(args[0]) if args[0].shape in ("list", "tuple") else args[0]]
        self._record_guess(kind, node, args, kwargs, f"`{qualified}` was not scanned")

    def _queries_with_text(
        self, qualified: str | None, method: str | None, node: ast.Call, statement: Value
    ) -> bool:
        """Whether the call hands SQL text to a callee named for a query (see the module
        docstring): an unread project function, or a method of an object nothing describes
        (not a library module's function, which is modelled or no sink)."""
        name = qualified.rpartition(".")[2] if qualified is not None else method
        if name is None or f"*.{name}" in self.models.sinks:
            return False
        if not _runs_sql_text(name, statement):  # the cheap tests first: most calls are no query
            return False
        return qualified is not None or self.unread_function(node.func) is None

    def _undescribed(self, receiver: Value, node: ast.Call) -> bool:
        """Whether nothing tells what the receiver is: no type, or only the name it was imported
        under (`flask.g.fetcher`), not a type a model gave it (`flask.session` is a session)."""
        owner = node.func.value if isinstance(node.func, ast.Attribute) else None
        return receiver.type is None or (
            owner is not None and receiver.type == self.qualified(owner)
        )

    def _guess_request(
        self, node: ast.Call, method: str, args: list[Value], kwargs: dict[str, Value]
    ) -> None:
        """`client.get_json(url)`, `http.fetch(url)`, `g.fetcher.send(base_url=url)`: a method
        named for an HTTP request on an object nothing describes (a project's own client class),
        given a URL by a keyword that says so, or first on a receiver named for a client."""
        if method not in _REQUEST_METHODS or f"*.{method}" in self.models.sinks:
            return
        url = next((kwargs[k] for k in _URL_KEYWORDS if k in kwargs), None)
        func = node.func
        owner = func.value if isinstance(func, ast.Attribute) else None
        named = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        # `client.get(key)` may be a cache's: a generic verb needs the text of a URL.
        if (
            url is None
            and args
            and words_of(named) & CLIENT_WORDS
            and (method in _URL_METHODS or "://" in args[0].prefix)
        ):
            url = args[0]
        if url is not None:
            self._record_guess("ssrf", node, [url], {}, "its receiver's type is not known")

    def _record_guess(
        self, kind: str, node: ast.Call, args: list[Value], kwargs: dict[str, Value], why: str
    ) -> None:
        """The sink events of the guessed pseudo-call of `kind`, marked as guesses."""
        shown = self.analysis.shown(node.func) or GUESSED[kind]

        def guessed(event: SinkEvent) -> SinkEvent:
            note = f"{event.note}, guessed from the name: {why}"
            return event._replace(sink=shown, note=note, guess=True)

        with self.events.rewriting(guessed):
            self.sink_call(GUESSED[kind], node, None, args, kwargs)

    def unread_project_function(self, func: ast.expr) -> str | None:
        """The qualified name of a project function that no model, summary or class of the
        scan describes, and whose module is not among the scan's files; else None.

        A module of the scan that the summary rounds left out (more imports away than they
        follow, `cross_module_plan`) was read: what it does is simply not followed that far, as
        any flow through a longer chain of modules, and guessing a sink from its names there
        would report what the scan could have read (`write_yaml_file(path, data)` handed the
        request's data, not a path)."""
        qualified = self.unread_function(func)
        head = func
        while isinstance(head, ast.Attribute):
            head = head.value
        if qualified is None or not isinstance(head, ast.Name):
            return None
        if self._in_a_scanned_module(qualified):
            return None
        return qualified if self._is_project_name(head.id, qualified) else None

    def _in_a_scanned_module(self, qualified: str) -> bool:
        """Whether `qualified` (`pkg.mod.function`, `pkg.mod.Class.method`) is defined in a
        module of the scan (`ProjectIndex.scanned`). Only its own module counts, not the
        package above it: `pkg/__init__.py` being scanned says nothing of a missing
        `pkg/mod.py`; a capitalised owner is a class, whose module is the one above."""
        scanned = self.analysis.project.scanned
        owner, _, _ = qualified.rpartition(".")
        if owner in scanned:
            return True
        module, _, last = owner.rpartition(".")
        return last[:1].isupper() and module in scanned

    def unread_function(self, func: ast.expr) -> str | None:
        """The qualified name of an imported function that no model, summary or class of the
        scan describes, and whose module the scan did not read; else None."""
        head = func
        while isinstance(head, ast.Attribute):
            head = head.value
        if not isinstance(head, ast.Name):
            return None
        qualified = self.qualified(func)
        if qualified is None:
            return None
        analysis = self.analysis
        if (
            analysis.project_summary(qualified) is not None
            or qualified in analysis.project.classes
            or qualified in self.models.sinks
            or qualified in self.models.sanitizers
        ):
            return None
        owner = qualified.rpartition(".")[0]  # its module, or its class
        if owner in analysis.project.modules or owner in analysis.project.classes:
            return None
        return qualified

    def _is_project_name(self, local: str, qualified: str) -> bool:
        """Whether `local` was imported from the project itself: relatively, or from the
        top-level package of the module under review (not from the module itself)."""
        if local in self.analysis.relative_aliases:
            return True
        module = self.analysis.module_name or ""
        if "." not in module:
            return False
        own = module.split(".")[0]
        return qualified.split(".")[0] == own and not qualified.startswith(f"{module}.")
