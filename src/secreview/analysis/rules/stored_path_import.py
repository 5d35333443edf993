"""CWE-470: a dotted path stored in a Django model's field, imported without an allow-list.

A model whose field holds a dotted path (`environment_params = models.JSONField()`, a
`backend = models.CharField()` without `choices`) is edited by whoever may change that object:
through the admin, a model form or the REST API, by users the site trusts to write templates
or settings, not to run code. `import_string(self.backend)` then imports and hands back
whatever that user names: `subprocess.getoutput` as a Jinja `finalize` hook runs shell commands
when the template renders (NetBox CVE-2026-29514). The request is long gone when the import
runs, so no request taint reaches it; the rule reads the shape within one function instead: a
method of the model class that declares the field passes the field's value (directly, or
through a name bound to it, its `.items()`, `.get(...)` or an item) to `import_string`,
`importlib.import_module` or `pydoc.locate`.

A field declared with `choices=` is limited to the listed paths by the model's validation; a
value tested against a container first (`if value in ALLOWED_FINALIZERS:`) or a function that
calls a check before the import (`self._validate_environment_params()`, `self.full_clean()`,
`check_allowed(value)`) stay quiet.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.attribute_names import checked_for_membership
from secreview.analysis.rules._support.call_names import last_name
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.children import walk
from secreview.index.context import ModuleContext

_IMPORTERS = frozenset(
    {
        "django.utils.module_loading.import_string",
        "importlib.import_module",
        "pydoc.locate",
        "werkzeug.utils.import_string",
    }
)

_CHECK_WORDS = frozenset(
    {"validate", "valid", "clean", "check", "verify", "allowed", "allow", "permitted"}
)
"""Words of a call that vets the stored value before the import (`_validate_params`,
`full_clean`, `check_allowed`)."""

_READERS = frozenset({"items", "values", "get", "copy", "strip", "pop", "setdefault"})
"""Methods whose result still carries the container's stored values."""

_DEPTH = 5


def _model_fields(cls: ast.ClassDef, context: ModuleContext) -> dict[str, ast.Call]:
    """The Django model fields `cls` declares in its body (`name = models.JSONField(...)`)."""
    fields: dict[str, ast.Call] = {}
    for statement in cls.body:
        if not isinstance(statement, ast.Assign) or not isinstance(statement.value, ast.Call):
            continue
        name = context.call_name(statement.value) or ""
        if not (name.startswith("django.db.models.") and name.endswith("Field")):
            continue
        for target in statement.targets:
            if isinstance(target, ast.Name):
                fields[target.id] = statement.value
    return fields


def _bindings(name: str, function: ast.AST) -> list[ast.expr]:
    """What `name` is bound to in `function`: assigned values, and the iterables of the `for`
    loops whose target holds it (`for key, value in params.items()`)."""
    found: list[ast.expr] = []
    for node in walk(function):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                found.append(node.value)
        elif isinstance(node, ast.For | ast.comprehension):
            targets = [node.target, *getattr(node.target, "elts", ())]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                found.append(node.iter)
    return found


def _stored_field(node: ast.expr, function: ast.AST, depth: int = 0) -> str | None:
    """The field of `self` whose stored value `node` carries, if any."""
    if depth > _DEPTH:
        return None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr if node.value.id == "self" else None
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return _stored_field(node.values[0], function, depth + 1)
    if isinstance(node, ast.Subscript):
        return _stored_field(node.value, function, depth + 1)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _READERS:
            return _stored_field(node.func.value, function, depth + 1)
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        if node.func.id in ("dict", "list", "str"):
            return _stored_field(node.args[0], function, depth + 1)
        return None
    if isinstance(node, ast.Name):
        for bound in _bindings(node.id, function):
            field = _stored_field(bound, function, depth + 1)
            if field is not None:
                return field
    return None


def _vetted_before(call: ast.Call, function: ast.AST) -> bool:
    """Whether `function` calls a check (`self._validate_params()`, `full_clean()`) on a line
    before the import."""
    for node in walk(function):
        if isinstance(node, ast.Call) and node.lineno < call.lineno:
            called = last_name(node.func)
            if called is not None and words_of(called) & _CHECK_WORDS:
                return True
    return False


@rule(
    id="stored-path-import",
    name="Dotted path stored in a model field imported without an allow-list",
    cwe=470,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A Django model imports the dotted path one of its own fields holds "
    "(`import_string(self.backend)`): whoever may edit the object picks any importable "
    "callable, such as `subprocess.getoutput`.",
    fix="Accept only listed paths: declare the field with `choices=`, or check the value "
    "against an allow-list in `clean()` and again before importing it.",
    what_it_does="In a method of a class that declares Django model fields, reports "
    "`import_string`, `importlib.import_module` or `pydoc.locate` of the value of one of "
    "those fields (`self.handler`, or a name bound to it, its `.items()`, `.get(...)` or an "
    "item: `for name, value in self.params.items()`). A field with `choices=`, a value tested "
    "against a container in an enclosing `if`, and a method that calls a check "
    "(`validate`, `clean`, `check`, `verify`, `allowed` in its name) before the import are "
    "quiet.",
    why_bad="The field is written through forms, the admin or the API by users allowed to "
    "edit that object, not to run code; the import hands back whatever callable they name, "
    "which the code then calls (CWE-470, CWE-94; NetBox CVE-2026-29514, "
    "`finalize: subprocess.getoutput`).",
    example="class Template(models.Model):\n"
    "    finalizer = models.CharField(max_length=200)\n\n"
    "    def environment(self):\n"
    "        return Environment(finalize=import_string(self.finalizer))",
    use_instead="class Template(models.Model):\n"
    "    finalizer = models.CharField(max_length=200, choices=FINALIZER_CHOICES)\n\n"
    "    def environment(self):\n"
    "        if self.finalizer not in dict(FINALIZER_CHOICES):\n"
    "            raise ValidationError('unknown finalizer')\n"
    "        return Environment(finalize=import_string(self.finalizer))",
    references=(
        "https://cwe.mitre.org/data/definitions/470.html",
        "https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.module_loading.import_string",
        "https://github.com/netbox-community/netbox/commit/e3c8b4d6a749557e900dec53937883592b1bccb2",
    ),
    calls=_IMPORTERS,
    call_imports=("django",),
)
def stored_path_import(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report imports of a dotted path a model's own field stores."""
    assert isinstance(node, ast.Call)
    if context.call_name(node) not in _IMPORTERS or not node.args:
        return
    function = context.enclosing_function(node)
    cls = next((a for a in context.ancestors(node) if isinstance(a, ast.ClassDef)), None)
    if function is None or cls is None:
        return
    fields = _model_fields(cls, context)
    field = _stored_field(node.args[0], function)
    if field is None or field not in fields:
        return
    if context.keyword(fields[field], "choices") is not None:
        return
    if checked_for_membership(node.args[0], node, context) or _vetted_before(node, function):
        return
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` imports the dotted path stored in the model "
        f"field `{field}`: whoever may edit the object names any importable callable, and "
        "nothing checks it against an allow-list.",
    )
