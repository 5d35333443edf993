"""Guards on where a path points: prefix and common-path checks against a fixed folder, and
delimiters a check rejects.

`p.startswith(BASE)` (however `p` is normalised and wrapped), `os.path.commonpath([BASE, p]) ==
BASE` and its character-wise `commonprefix` spelling keep `p` under BASE; `".." not in name` and
`not name.startswith(("..", "/"))` reject the delimiters of a path. Each leaves markers on the
flow (see `guard_shapes.py`) that together prove containment. Kept apart from `guards.py`,
which reads conditions for what they prove and uses these.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from secreview.analysis.taint.guard_shapes import (
    NO_PARENT,
    SEPARATOR_NAMES,
    UNDER_BASE,
    path_operands,
    rejected_delimiters,
)
from secreview.analysis.taint.host_guards import Guard, HostGuards
from secreview.analysis.taint.semantics import NORMALISED_PATH
from secreview.index.context import UNKNOWN

_OPERATOR_CHOSEN = frozenset({"local", "env"})
"""Trust kinds of the operator's own input (environment, command line, standard input): a folder
they configure is as fixed to whoever sends a request as a constant."""
_PRIVATE_PREFIXES = frozenset({"_", "__"})
"""Refused starts of an attribute name that keep it off private and special attributes."""
ATTRIBUTE_NAME_KINDS = ("attribute-write", "reflection")
"""The sinks an attribute name kept off special attributes is safe for (`getattr`, `setattr`)."""


class PathGuards(HostGuards):
    """Path containment checks, shared by the guard rules."""

    def _text(self, node: ast.expr) -> object:
        """A constant, with `os.sep` read as the separator it is on the servers we review."""
        value = self.expr(node).const
        if value is UNKNOWN and self.qualified(node) in SEPARATOR_NAMES:
            return "/"
        return value

    def _delimiter_guard(self, text: ast.expr, checked: ast.expr) -> Iterator[Guard]:
        """`".." not in name`, `"/" not in name`, `os.sep not in name`; and the same of a path
        object's components (`".." not in p.parts`: no component climbs; `"/" not in p.parts`:
        a POSIX path whose first component is not the root is relative)."""
        if isinstance(checked, ast.Attribute) and checked.attr == "parts":
            checked = checked.value
        if not isinstance(checked, ast.Name):
            return
        marks = rejected_delimiters(self._text(text))
        if marks:
            yield checked.id, tuple(sorted(marks)), None

    def _prefix_guard(
        self, receiver: ast.expr, method: str, args: list[ast.expr], outcome: bool
    ) -> Iterator[Guard]:
        """`p.startswith(BASE)` (however `p` is normalised and wrapped) keeps `p` under BASE;
        `not name.startswith(("..", "/"))` rejects the delimiters of a normalised path;
        `not name.startswith("_")` keeps an attribute name off private and special attributes
        (`__class__`, `__globals__`), the fix of unsafe reflection."""
        if not args:
            return
        if outcome:
            yield from self._under_base(receiver, args[0])
            return
        if outcome or method != "startswith" or not isinstance(receiver, ast.Name):
            return
        given = args[0].elts if isinstance(args[0], ast.Tuple) else [args[0]]
        options = [self._text(option) for option in given]
        marks: set[str] = set()
        for option in options:
            marks |= rejected_delimiters(option) - {NO_PARENT}
            if NO_PARENT in rejected_delimiters(option) and self._normalised(receiver.id):
                marks.add(NO_PARENT)
        if marks:
            yield receiver.id, tuple(sorted(marks)), None
        if any(option in _PRIVATE_PREFIXES for option in options):
            yield receiver.id, ATTRIBUTE_NAME_KINDS, None

    def _under_base(self, path: ast.expr, base: ast.expr) -> Iterator[Guard]:
        """`path` was checked to lie under `base`: it is under a fixed folder, and also
        normalised when a normaliser was applied on the way (`str(p.resolve())`). A base the
        caller chose (`self.directory`, a parameter) is as fixed as a constant to whoever sends
        the request, and so is one the operator configured (`os.environ["DATA_DIR"]`, a
        command-line option): only a base carrying the sender's data proves nothing."""
        if not self._fixed_base(base):
            return
        for name, normalised in path_operands(path, self.qualified):
            yield name, ((UNDER_BASE, NORMALISED_PATH) if normalised else (UNDER_BASE,)), None

    def _fixed_base(self, base: ast.expr) -> bool:
        """Whether `base` holds only what the caller or the operator chose: no flow of data
        from a request, a socket or an archive. The check keeps the path under that folder
        whoever chose it; under the `all` threat model the operator's own flow through the base
        is then cleaned with the rest (a known gap: it counts the folder as chosen)."""
        return all(
            flow.parameter is not None or flow.origin in _OPERATOR_CHOSEN
            for flow in self.expr(base).all_flows()
        )

    def _normalised(self, name: str) -> bool:
        flows = self.lookup(ast.Name(id=name, ctx=ast.Load())).all_flows()
        return bool(flows) and all(NORMALISED_PATH in f.safe_for for f in flows)

    def _equal_to_base(
        self, left: ast.expr, right: ast.expr, same_file: bool = False
    ) -> Iterator[Guard]:
        """A comparison found equal, read both ways round: a common path equal to the base
        (`_commonpath_guard`), or the folder a path sits in equal to it (`p.resolve().parent
        == BASE`, `os.path.dirname(os.path.realpath(p)) == BASE`): then the path is a file
        directly in that folder, under it once normalised (a `..` last component is in
        the folder only as text, so without a normaliser this proves what `startswith` does).

        `same_file`: `os.path.samefile(base, os.path.dirname(p))` found true, the file system's
        own answer, links resolved, that the folder `p` sits in is `base` (pymdown-extensions'
        snippets); `os.path.samefile(p, base)`: `p` is `base` itself.

        A variable equal to the base (`p == base`) is the base itself, so under it: the
        alternative the containment idiom `p.startswith(base + os.sep) or p == base` adds for
        the folder itself, without which `a or b` would prove nothing common (a base the
        sender reaches proves nothing, as in `_under_base`)."""
        for one, other in ((left, right), (right, left)):
            if isinstance(one, ast.Attribute) and one.attr == "parent":
                yield from self._under_base(one.value, other)
            elif isinstance(one, ast.Call) and (self.qualified(one.func) or "").endswith(
                "path.dirname"
            ):
                yield from self._under_base(one.args[0], other) if one.args else iter(())
            elif same_file:
                yield from self._under_base(one, other)
            elif isinstance(one, ast.Call):
                yield from self._commonpath_guard(one, other)
            elif isinstance(one, ast.Name):
                yield from self._under_base(one, other)

    def _commonpath_guard(self, call: ast.Call, base: ast.expr) -> Iterator[Guard]:
        """`os.path.commonpath([BASE, os.path.realpath(p)]) == BASE` keeps `p` under BASE;
        `os.path.commonprefix([...]) == BASE` compares characters, not path components, so it
        proves what `p.startswith(BASE)` proves (`partial-path-traversal` reports the sibling
        folder both let through)."""
        function = self.qualified(call.func) or ""
        paths = call.args[0] if call.args else None
        if not isinstance(paths, ast.List | ast.Tuple):
            return
        if function.endswith(".commonprefix"):
            shown = ast.dump(base)
            for path in paths.elts:
                if ast.dump(path) != shown:
                    yield from self._under_base(path, base)
            return
        if not function.endswith(".commonpath"):
            return
        if not self._fixed_base(base):
            return  # a base the caller chose is fixed to the sender, as in `_under_base`
        for path in paths.elts:
            for name, normalised in path_operands(path, self.qualified):
                if normalised or (isinstance(name, str) and self._normalised(name)):
                    yield name, ("path",), None

    def _paths_checked(self, args: list[ast.expr]) -> Iterator[Guard]:
        """What a guessed path check proves: each variable it was given is safe for paths."""
        for argument in args:
            target = self._target(argument)
            if target is not None:
                yield target, ("path",), None

    def _guessed_path_check(self, func: ast.expr, named: Callable[[str], bool]) -> bool:
        """`pathutils.is_safe_filesystem_path_component(name)`: an imported helper the scan did
        not read and no model describes, whose name says it decides that a path is safe
        (`names_a_path_check`) or that it climbs out (`names_a_path_attack_check`). A guess
        from the name, so it only ever clears path sinks, each argument it is given; a helper
        the scan did read is judged by what it returns."""
        qualified = self.unread_function(func)
        return qualified is not None and named(qualified.rpartition(".")[2])
