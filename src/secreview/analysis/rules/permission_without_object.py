"""CWE-863: a permission check that leaves out the object it guards, where its siblings pass it.

Object-level policies (owners may publish their own drafts, curators those of their community)
can only decide when they are given the object. invenio-drafts-resources' `publish` asked
`self.require_permission(identity, "publish")` before resolving the draft, while `read_draft`,
`update_draft`, `edit` and `delete_draft` all passed `record=draft`, so any user allowed to
publish something published another user's draft by its id (CVE-2021-43781). The rule makes the
reviewer's comparison inside one class or module: a check function called at least twice with an
object (`record=draft`, `obj=page`, a value after the action's name) and, in a function that
takes an object's id and uses it, called with only the identity and the action.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.rules._support.web_handlers import parameter_names, scope_nodes
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.patterns import lazy_pattern

Function = ast.FunctionDef | ast.AsyncFunctionDef

_OBJECT_KEYWORDS = frozenset(
    {"record", "obj", "object", "instance", "resource", "target", "item", "entity", "draft"}
    | {"document", "node", "page", "model", "subject"}
)
_CHECK_NAME = r"(?:require|check|has|assert|ensure|enforce|verify)_?perm(?:ission)?s?"
"""Names of permission checks (`require_permission`, `check_perm`, `has_permission`)."""
_CHECK_CALL = lazy_pattern(_CHECK_NAME + r"\s*\(")
"""A call of such a check somewhere in the text (a superset of the calls the rule reads:
`perm` alone is in every `permutation` and `chmod` comment)."""
_MIN_SCOPED = 2
"""Calls with an object needed before a call without one stands out."""


@functools.cache
def _check_name() -> re.Pattern[str]:
    """A whole name of `_CHECK_NAME`."""
    return re.compile(f"^{_CHECK_NAME}$")


@functools.cache
def _id_parameter() -> re.Pattern[str]:
    """Parameters naming one object (`id_`, `pk`, `page_id`, `record_uuid`, `slug`)."""
    return re.compile(r"^(id_?|pk|uuid|slug|\w+_(id|pk|uuid|slug))$")


def _action_position(call: ast.Call) -> int | None:
    """Index of the first constant string argument (the action's name), if any."""
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return index
    return None


def _scoped(call: ast.Call) -> bool | None:
    """True when the check is given an object, False when only an identity and an action,
    None when it names no constant action (nothing to compare)."""
    if any(k.arg in _OBJECT_KEYWORDS for k in call.keywords):
        return True
    position = _action_position(call)
    if position is None:
        return None
    return any(not isinstance(a, ast.Constant) for a in call.args[position + 1 :])


def _checks(function: Function) -> Iterator[tuple[str, ast.Call, bool]]:
    """(check name, call, scoped) for each permission check the function makes."""
    for node in scope_nodes(function.body):
        if not isinstance(node, ast.Call):
            continue
        name = last_name(node.func)
        if name is None or not _check_name().match(name):
            continue
        scoped = _scoped(node)
        if scoped is not None:
            yield name, node, scoped


def _uses_object_id(function: Function) -> str | None:
    """The id parameter the function passes to a call (to look the object up), if any."""
    ids = {n for n in parameter_names(function) if _id_parameter().match(n)}
    if not ids:
        return None
    for node in scope_nodes(function.body):
        if isinstance(node, ast.Call):
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(argument, ast.Name) and argument.id in ids:
                    return argument.id
    return None


def _groups(tree: ast.Module) -> Iterator[list[Function]]:
    """The module's functions, then each class's methods."""
    yield [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            yield [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@rule(
    id="permission-without-object",
    name="Permission check leaves out the object it guards",
    cwe=863,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A function that acts on one object by its id checks a permission with only the "
    "identity and the action, while the same check elsewhere in the class is given the object: "
    "an object-level policy cannot refuse it.",
    fix="Look the object up first and pass it to the check (`require_permission(identity, "
    "'publish', record=draft)`), as the sibling functions do.",
    what_it_does="Groups the methods of each class and the functions of each module. For a "
    "permission check (`require_permission`, `check_permission`, `has_perm`, `ensure_perm` ...) "
    "called at least twice with an object (a keyword such as `record=`, `obj=`, `instance=`, or "
    "a value after the action's constant name), it reports each call of the same check that "
    "has only the identity and the action, in a function that takes an object's id (`id_`, "
    "`pk`, `draft_id`) and passes it to a call.",
    why_bad="A policy that grants an action on some objects (a user's own drafts, a "
    "community's records) sees no object and either refuses everyone or, as usually written, "
    "allows anyone who holds the action anywhere, so users act on objects that are not theirs "
    "(CWE-863).",
    example="def publish(self, id_, identity):\n"
    "    self.require_permission(identity, 'publish')\n"
    "    draft = self.draft_cls.pid.resolve(id_)",
    use_instead="def publish(self, id_, identity):\n"
    "    draft = self.draft_cls.pid.resolve(id_)\n"
    "    self.require_permission(identity, 'publish', record=draft)",
    references=(
        "https://cwe.mitre.org/data/definitions/863.html",
        "https://owasp.org/Top10/A01_2021-Broken_Access_Control/",
        "https://nvd.nist.gov/vuln/detail/CVE-2021-43781",
    ),
    visits=(ast.Module,),
)
def permission_without_object(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report permission checks that leave out the object their siblings pass."""
    assert isinstance(node, ast.Module)
    if "perm" not in context.text or not _CHECK_CALL.search(context.text):
        return  # most modules call no permission check at all: spare the walks
    for functions in _groups(node):
        found = [(f, name, call, scoped) for f in functions for name, call, scoped in _checks(f)]
        for function, name, call, scoped in found:
            if scoped:
                continue
            witnesses = [c for _, n, c, s in found if s and n == name]
            if len(witnesses) < _MIN_SCOPED:
                continue
            object_id = _uses_object_id(function)
            if object_id is None:
                continue
            yield Hit(
                node=call,
                message=f"`{context.one_line(call)}` gives the check no object, though "
                f"`{function.name}` acts on the one `{object_id}` names and {len(witnesses)} "
                "other calls of the same check pass theirs: an object-level policy cannot "
                "refuse this one.",
                evidence=tuple((c, "the same check, given the object") for c in witnesses[:3]),
            )
