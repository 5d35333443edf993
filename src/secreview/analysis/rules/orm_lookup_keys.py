"""CWE-943 by data flow: lookup keys the client chose, spread into a Django query
(`orm-lookup-keys`).

`Ticket.objects.filter(**filters)` and `Q(**filters)` read each key as a field path the ORM
follows across relations and ends with a lookup: `assigned_to__password__startswith` filters
tickets by their assignee's password hash. When the mapping comes from the request (a JSON
body, `request.GET.dict()`, a saved query the client encoded), the count or the order of the
rows it returns answers yes-or-no questions about any column any relation reaches: password
hashes, reset tokens, mailbox passwords (django-helpdesk's GHSA-mxcg-7m22-x9pj). The sinks are
data (`models/data_stores.toml`, kind `orm-lookup`, `spread`): only a mapping tainted as a whole
counts, not `{"title__icontains": request.GET["q"]}`, whose key the code wrote.

The rule stays quiet where the keys are someone else's to fix: a form's `cleaned_data` or a
serializer's `validated_data` (their keys are the declared fields), and a mapping that the
function hands to a check first (`_validate_filter_keys(filters)`, `check_fields(...)`), tests
key by key against a set (`for key in filters: if key not in ALLOWED`), or compares as a set
(`set(filters) - ALLOWED`).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.context import LIBRARY_ORIGIN
from secreview.analysis.taint.markers import GUESSED_SOURCE, ONLY_CHOSE, UNREAD_CALL
from secreview.analysis.taint.name_words import words_of
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity

_DECLARED_FIELDS = frozenset({"cleaned_data", "validated_data", "kwargs"})
"""Mappings whose keys are declared elsewhere, whatever their values: a form's or a serializer's
fields, and a class-based view's `self.kwargs` (the URL pattern's named groups)."""
_INDIRECT = frozenset({UNREAD_CALL, ONLY_CHOSE, GUESSED_SOURCE})
"""Flows through a call the scan does not read, chosen by data rather than carrying it, or from
a source guessed by name: what such a call returns is rarely the keys the client sent."""
_RECEIVERS = frozenset({"self", "cls"})
_REQUEST_PARTS = frozenset({"GET", "POST", "query_params", "data", "args", "form", "json"})
"""Attributes of a request whose items a key may be read from inline (`request.GET["field"]`)."""
_CHECK_WORDS = frozenset(
    {"validate", "check", "verify", "allowed", "allow", "allowlist", "whitelist", "permitted"}
    | {"sanitize", "sanitise", "clean", "safe", "restrict", "ensure"}
)
"""Words of a function's name that say it vets what it is handed."""


def _spread_names(call: ast.Call, context: AnalysisContext) -> tuple[set[str], bool]:
    """The local names the call's `**` mappings are read from, and whether one of them is a
    form's or serializer's declared data (`**form.cleaned_data`, or a name bound to it)."""
    names: set[str] = set()
    declared = False
    function = context.enclosing_function(call)
    keyword_parameter = function.args.kwarg if function is not None else None
    spread_parameter = keyword_parameter.arg if keyword_parameter is not None else None
    for keyword in (k for k in call.keywords if k.arg is None):
        values = [keyword.value, *(v for v, _ in assigned_values(context, keyword.value))]
        for node in (n for value in values for n in ast.walk(value)):
            if isinstance(node, ast.Name):
                # `def view(request, **kwargs)`: the URL pattern's keys, or the caller's
                declared = declared or node.id == spread_parameter
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and node.attr in _DECLARED_FIELDS:
                declared = True
            elif isinstance(node, ast.DictComp) and _keys_tested(node):
                declared = True  # `{k: v for k, v in data.items() if k in ALLOWED}`
    return names, declared


def _keys_tested(built: ast.DictComp) -> bool:
    """A dict comprehension keeping only the keys its condition finds in a set."""
    targets = {
        n.id for g in built.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)
    }
    return any(
        isinstance(test, ast.Compare)
        and isinstance(test.ops[0], (ast.In, ast.NotIn))
        and isinstance(test.left, ast.Name)
        and test.left.id in targets
        for g in built.generators
        for condition in g.ifs
        for test in ast.walk(condition)
    )


def _iterated_over(loop: ast.For, names: set[str]) -> bool:
    """`for key in filters`, `for key, value in filters.items()`, `for key in filters.keys()`."""
    source = loop.iter
    if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute):
        source = source.func.value
    return isinstance(source, ast.Name) and source.id in names


def _checks_keys(node: ast.AST, names: set[str]) -> bool:
    """Whether `node` vets the keys of a mapping held in one of `names`: a call named for a
    check handed it, a `for` over it that tests each key with `in`, or `set(mapping)` compared
    or subtracted."""
    if isinstance(node, ast.Call):
        called = node.func.attr if isinstance(node.func, ast.Attribute) else None
        called = node.func.id if isinstance(node.func, ast.Name) else called
        handed = {a.id for a in node.args if isinstance(a, ast.Name)}
        if called == "set" and handed & names:
            return True
        return bool(called and words_of(called) & _CHECK_WORDS and handed & names)
    if (
        isinstance(node, ast.Compare)
        and isinstance(node.ops[0], (ast.In, ast.NotIn))
        and isinstance(node.left, ast.Name)
        and node.left.id in names
    ):
        return True  # `if field in [f.name for f in Contact._meta.get_fields()]`
    if isinstance(node, ast.For) and _iterated_over(node, names):
        targets = {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        return any(
            isinstance(test, ast.Compare)
            and isinstance(test.ops[0], (ast.In, ast.NotIn))
            and isinstance(test.left, ast.Name)
            and test.left.id in targets
            for test in ast.walk(node)
        )
    return False


def _loop_sources(function: ast.AST) -> dict[str, set[str]]:
    """For each name a `for` or a comprehension binds in `function`, the names it iterates."""
    sources: dict[str, set[str]] = {}
    for node in ast.walk(function):
        loops = [node] if isinstance(node, ast.For) else getattr(node, "generators", [])
        for loop in loops if isinstance(loops, list) else []:
            read = {n.id for n in ast.walk(loop.iter) if isinstance(n, ast.Name)}
            for target in (n for n in ast.walk(loop.target) if isinstance(n, ast.Name)):
                sources.setdefault(target.id, set()).update(read)
    return sources


def _written_keys(call: ast.Call, context: AnalysisContext) -> list[ast.expr] | None:
    """The key expressions of the call's `**` mappings when each is a dict the code builds here
    (a display or comprehension, inline or bound to a local, with items set by subscript),
    else None: a mapping from elsewhere (`json.loads(body)`) has keys nobody wrote."""
    keys: list[ast.expr] = []
    function = context.enclosing_function(call)
    for keyword in (k for k in call.keywords if k.arg is None):
        spread = keyword.value
        built = (
            [v for v, _ in assigned_values(context, spread)]
            if isinstance(spread, ast.Name)
            else [spread]
        )
        if not built or not all(isinstance(b, (ast.Dict, ast.DictComp)) for b in built):
            return None
        for display in built:
            if isinstance(display, ast.DictComp):
                keys.append(display.key)
            elif None in display.keys:
                return None  # `{**request.GET}`
            else:
                keys.extend(k for k in display.keys if k is not None)
        if isinstance(spread, ast.Name) and function is not None:
            keys.extend(
                target.slice
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == spread.id
            )
    return keys


def _producing_names(value: ast.expr) -> set[str]:
    """The names whose data `value` holds: both branches of a conditional, not its test
    (`"revision__startswith" if len(v) < 40 else "revision"` is one of two constants)."""
    if isinstance(value, ast.IfExp):
        return _producing_names(value.body) | _producing_names(value.orelse)
    return {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}


def _bound_or_read(step: ast.AST) -> set[str]:
    """The name an evidence step binds or reads: an assigned name, a parameter, the object of a
    read (`request` of `request.GET`); none for a call or a function (their text is more)."""
    while isinstance(step, (ast.Attribute, ast.Subscript)):
        step = step.value
    if isinstance(step, ast.Name):
        return {step.id}
    return {step.arg} if isinstance(step, ast.arg) else set()


def _keys_from_flow(event: SinkEvent, keys: list[ast.expr], context: AnalysisContext) -> bool:
    """Whether a key the code wrote is made of what the flow carried: a name its steps bind or
    read, or a loop variable over one (`for key in request.GET: lookups[key] = ...`). Keys made
    of the code's own names (`{username_field: username}`, `{f"{field}__icontains": term}`)
    choose no field, whatever value they hold."""
    carried = {name for step, _ in event.flow.steps for name in _bound_or_read(step)}
    function = context.enclosing_function(event.node)
    sources = _loop_sources(function) if function is not None else {}
    for key in keys:
        used = {n.id for n in ast.walk(key) if isinstance(n, ast.Name)}
        used |= {s for name in used for s in sources.get(name, ())}
        used |= {  # `field = request.GET["field"]`, then `{field: value}`
            produced
            for name in ast.walk(key)
            if isinstance(name, ast.Name)
            for value, _ in assigned_values(context, name)
            for produced in _producing_names(value)
        }
        used -= _RECEIVERS  # `self.relation`: the class's own setting, not the request's
        if used & carried or any(
            isinstance(n, ast.Attribute) and n.attr in _REQUEST_PARTS for n in ast.walk(key)
        ):
            return True
    return False


def _from_captures(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the flow starts at a handler's `*args` or `**kwargs`: the URL pattern's captures,
    whose names the pattern declares (what reaches a helper's parameter by position from them is
    the engine's reading, not a key the client wrote)."""
    first = event.flow.steps[0][0] if event.flow.steps else None
    if not isinstance(first, ast.arg):
        return False
    function = context.enclosing_function(first)
    return function is not None and first in (function.args.vararg, function.args.kwarg)


def _keys_unvetted(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the mapping's keys reach the lookup as the client sent them: not declared
    fields, and not checked earlier in the function (or in one the flow passed through)."""
    call = event.node
    if not isinstance(call, ast.Call) or event.flow.origin == LIBRARY_ORIGIN:
        return False  # a caller's mapping: its keys are written in the caller's code
    if _INDIRECT & event.flow.safe_for:
        return False  # keys out of a call nobody read (a model's field list): a guess too far
    if _from_captures(event, context):
        return False
    names, declared = _spread_names(call, context)
    if declared:
        return False
    keys = _written_keys(call, context)
    if keys is not None and not _keys_from_flow(event, keys, context):
        return False
    for step, _ in event.flow.steps:  # `v[key] = filters[key]`: the mapping it was copied from
        names |= {n.id for n in ast.walk(step) if isinstance(n, ast.Name)}
    function = context.enclosing_function(call)
    if function is None:
        return True
    return not any(
        getattr(node, "lineno", call.lineno) < call.lineno and _checks_keys(node, names)
        for node in ast.walk(function)
    )


orm_lookup_keys = taint_rule(
    TaintSpec(
        "orm-lookup",
        "each key is a field path the ORM follows across relations "
        "(`assigned_to__password__startswith`), so the rows returned answer questions about "
        "columns the client may not read.",
        reports=_keys_unvetted,
    ),
    id="orm-lookup-keys",
    name="Query lookups named by the client: untrusted keys spread into a Django filter",
    cwe=943,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="A mapping from the request is spread into `filter`/`exclude`/`get` or `Q(**...)`, "
    "so the client chooses the field paths and lookups, including ones through relations to "
    "password hashes and tokens.",
    fix="Build the lookups from the keys the view allows (`{f'{k}__in': v for k, v in "
    "filters.items() if k in ALLOWED_FILTERS}`), or reject any key outside that set before "
    "the query; map sort names to fields the same way.",
    what_it_does="Follows untrusted data (request data, and under `--threat-model library` a "
    "public function's parameters) into the `**` mapping of Django's `Q`, a manager's or a "
    "queryset's `filter`, `exclude`, `get`, `get_or_create` and `update_or_create`, when the "
    "mapping itself is untrusted (its keys), not only values the code put under its own keys. "
    "A form's `cleaned_data`, a serializer's `validated_data`, and a mapping the function "
    "first hands to a check (`validate_filters(filters)`), tests key by key with `in`, or "
    "compares as `set(filters)` are not reported.",
    why_bad="Django reads `a__b__c` keys as joins and lookups: a client that chooses them can "
    "filter on any column any relation reaches, and the count or presence of rows leaks it a "
    "character at a time (`user__password__startswith='pbkdf2_sha256$a'`), an ORM leak "
    "(CWE-943).",
    example="filters = json.loads(request.GET['q'])\nTicket.objects.filter(**filters)",
    use_instead="ALLOWED = {'status', 'queue__id'}\nfilters = json.loads(request.GET['q'])\n"
    "if set(filters) - ALLOWED:\n    raise SuspiciousOperation('filter')\n"
    "Ticket.objects.filter(**filters)",
    references=(
        "https://cwe.mitre.org/data/definitions/943.html",
        "https://github.com/django-helpdesk/django-helpdesk/security/advisories/GHSA-mxcg-7m22-x9pj",
        "https://www.elttam.com/blog/plormbing-your-django-orm/",
    ),
)
