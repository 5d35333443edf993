"""CWE-617: `assert` statements doing the work of an authorisation check or input validation.

Python drops every `assert` when it runs with `-O` or `PYTHONOPTIMIZE`, and when asserts do run a
failing one is an unhandled AssertionError (a 500, not a 403 or 400). Internal invariants in
library code (`assert isinstance(x, int)`, `assert self._conn is not None` for the type checker)
are what asserts are for and are not reported; test code is not looked at at all.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.assert_contracts import (
    addresses_developer,
    fills_what_it_asserts_absent,
    names_a_definition,
)
from secreview.analysis.rules._support.assert_narrowing import (
    is_type_narrowing,
    narrows_model_field,
    refuses_anyway,
)
from secreview.analysis.rules._support.built_strings import looks_internal
from secreview.analysis.rules._support.login_required import (
    asserts_logged_in,
    behind_login,
    refused_before,
)
from secreview.analysis.rules._support.secret_text import name_words
from secreview.analysis.rules._support.web_handlers import (
    Function,
    assigned_names,
    is_request_handler,
    is_request_object,
    local_bindings,
    mentions_request_data,
    parameter_names,
    request_data_names,
    scope_nodes,
)
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

# Words that only appear in a condition when it is about who may do what.
_AUTHORISATION_WORDS = frozenset(
    {
        "authenticated",
        "authentication",
        "authorized",
        "authorised",
        "authorization",
        "authorisation",
        "authorize",
        "authorise",
        "permission",
        "permissions",
        "has_perm",
        "has_perms",
        "admin",
        "admins",
        "superuser",
        "staff",
        "privilege",
        "privileges",
        "privileged",
        "csrf",
        "xsrf",
        "logged",
    }
)
# Words that are about access in a request handler but about something else in library code
# (a lexer's `token`, a reST `role`, a file `owner`, a `user` record in a migration script).
_HANDLER_AUTHORISATION_WORDS = frozenset(
    {"auth", "authn", "authz", "perm", "perms", "role", "roles", "owner", "owns", "permitted"}
    | {"acl", "user", "token", "session"}
)


def _condition_words(test: ast.expr) -> set[str]:
    """Words of every name, attribute and identifier-like string constant in the condition.

    Whole identifiers are included too, so `has_perm` is told apart from a permutation `perm`.
    """
    names: list[str] = []
    for node in ast.walk(test):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.replace(".", "_").isidentifier()
        ):
            names.append(node.value)
    words = {name.lower() for name in names}
    for name in names:
        words.update(name_words(name))
    return words


def _checks_request_object_type(test: ast.expr, context: ModuleContext) -> bool:
    """`assert isinstance(request, HttpRequest)`: a claim about the framework, not the data."""
    if not is_type_narrowing(test, context):
        return False
    if isinstance(test, ast.Compare):
        return is_request_object(test.left, context)
    subject = context.argument(test, 0) if isinstance(test, ast.Call) else None
    return subject is not None and is_request_object(subject, context)


def _checks_what_the_framework_passed(
    test: ast.expr, function: ast.FunctionDef | ast.AsyncFunctionDef, context: ModuleContext
) -> bool:
    """`assert resp is None`, `assert not kw`: invariants on the arguments the framework passes.

    A None or type check on a handler's own parameter, or an emptiness check on its `**kwargs`,
    is a claim about how the framework calls the handler (so is `assert not args` on its
    `*args`: Django passes captured groups by position only when none is named); validating
    request data means
    checking a value read from the request (`request.args.get("id") is not None`).
    """
    subject: ast.AST | None = None
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        rest = {a.arg for a in (function.args.vararg, function.args.kwarg) if a is not None}
        return isinstance(test.operand, ast.Name) and test.operand.id in rest
    if not is_type_narrowing(test, context):
        return False
    if isinstance(test, ast.Compare):
        subject = test.left
    elif isinstance(test, ast.Call):
        subject = context.argument(test, 0)
    return isinstance(subject, ast.Name) and subject.id in parameter_names(function)


def _narrows_computed_value(
    test: ast.expr, function: Function, request_fields: set[str], context: ModuleContext
) -> bool:
    """`resource = self.get_serializer_for_object(obj)`, then `assert resource is not None`
    (or `assert resource`, `assert isinstance(resource, Resource)`): the type checker's
    narrowing of what the program's own code returned, not validation of the request.

    Every binding of the name in the function must be None or a call of a method of the class
    (`self.`, `cls.`) or of a function of the module or of the project's package, and no
    binding may read a field of the request (`request_fields`): `data =
    self.parse(request.body)` then `assert isinstance(data, dict)` checks what the client sent.
    """
    if isinstance(test, ast.Name):
        subject: ast.expr | None = test
    elif not is_type_narrowing(test, context):
        return False
    else:
        subject = test.left if isinstance(test, ast.Compare) else None
        if isinstance(test, ast.Call):
            subject = context.argument(test, 0)
    if not isinstance(subject, ast.Name) or subject.id in request_fields:
        return False
    values = [
        value
        for target, value in local_bindings(function)
        if isinstance(target, ast.Name) and target.id == subject.id
    ]
    return bool(values) and all(_project_call_or_none(value, context) for value in values)


_PARSED_VALUE_TYPES = frozenset(
    {"str", "int", "float", "bool", "bytes", "bytearray", "dict", "list", "tuple", "set",
     "frozenset", "complex", "Decimal", "NoneType", "object", "Mapping", "MutableMapping",
     "Sequence", "MutableSequence", "Iterable", "Collection", "Container", "Sized"}
)  # fmt: skip
"""Types a value parsed from a request (form fields, JSON, query strings) can itself be."""


def _narrows_to_program_class(test: ast.expr) -> bool:
    """`assert isinstance(tar, tarfile.TarFile)`: only the program's own code makes such an
    object (no request parses into a `TarFile` or a model), so the assert tells the type
    checker what the code built, it does not decide whether the request is acceptable."""
    if not (
        isinstance(test, ast.Call)
        and isinstance(test.func, ast.Name)
        and test.func.id == "isinstance"
        and len(test.args) == 2
    ):
        return False
    kinds = test.args[1]
    named = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    names = [n.id if isinstance(n, ast.Name) else getattr(n, "attr", None) for n in named]
    return all(name is not None and name not in _PARSED_VALUE_TYPES for name in names)


def _project_call_or_none(value: ast.AST, context: ModuleContext) -> bool:
    """None, or a call of a method of the class or a function of the module or the project."""
    if isinstance(value, ast.Constant) and value.value is None:
        return True
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id in ("self", "cls")
    if isinstance(func, ast.Name) and func.id in context.module_bindings:
        return True
    name = context.call_name(value)
    top = (context.package or "").partition(".")[0]
    return bool(top) and name is not None and name.partition(".")[0] == top


def _configured_names(function: Function) -> set[str]:
    """Local names the function binds, at least once, to the code's own configuration: a field of
    the instance or class (`ordering = self.ordering`) or a constant-style setting
    (`api_settings.PAGE_SIZE`, `DEFAULT_ORDERING`)."""
    return {
        target.id
        for node in scope_nodes(function.body)
        if isinstance(node, ast.Assign) and looks_internal(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _request_field_names(function: Function, context: ModuleContext) -> set[str]:
    """Local names derived from a field of the request (`request.GET["size"]`, `request.data`).

    A value a component returned after being handed the whole request
    (`filter.get_ordering(request, queryset, view)`) is not counted: the component chose it.
    """
    found: set[str] = set()
    bindings = list(local_bindings(function))
    changed = True
    while changed:
        changed = False
        for target, value in bindings:
            if not any(
                (
                    isinstance(n, ast.Attribute | ast.Subscript)
                    and is_request_object(n.value, context)
                )
                or (isinstance(n, ast.Name) and n.id in found)
                for n in ast.walk(value)
            ):
                continue
            new = set(assigned_names(target)) - found
            if new:
                found |= new
                changed = True
    return found


def _checks_configuration(
    test: ast.expr, function: Function, request_names: frozenset[str], context: ModuleContext
) -> bool:
    """Whether the condition checks the code's configuration, not what the request carries.

    `ordering = self.ordering`, perhaps replaced by what a filter chose from the request, then
    `assert ordering is not None, "no ordering attribute was declared"`: the assert is there for
    the configured value, which is wrong the same way on every request. Every request-derived
    name the condition reads must also be bound to configuration, and none may come from a
    field of the request itself (`size = int(request.GET["size"])`).
    """
    read = {n.id for n in ast.walk(test) if isinstance(n, ast.Name) and n.id in request_names}
    return (
        bool(read)
        and read <= _configured_names(function)
        and not read & _request_field_names(function, context)
    )


@rule(
    id="assert-for-security",
    name="assert used for an authorisation check or input validation",
    cwe=617,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="An `assert` guards access or validates request data; Python removes it under -O.",
    fix="Replace the assert with an explicit check that fails closed, e.g. `if not "
    "user.has_perm('app.delete'): raise PermissionDenied` (or return a 403/400 response).",
    what_it_does="Reports `assert` statements outside test code whose condition is about "
    "authentication or authorisation (names such as `is_authenticated`, `has_perm`, "
    "`is_admin`, `is_staff`, `csrf`; inside a request handler also `role`, `owner`, `user`, "
    "`token` or `session`), and asserts inside request handlers that check values taken from "
    "the request or from the view's parameters. None and type checks of the handler's own "
    "parameters (`assert resp is None`) and `assert not kwargs` are invariants on how the "
    "framework calls the handler, not validation, and are not reported; so are None, type "
    "and truth checks of a local bound only to None or to what a method of the class or a "
    "function of the project returned, reading no field of the request (`resource = "
    "self.get_serializer(obj)`, then `assert resource is not None`), nor is a check that a "
    "value is of a class no request parses into (`assert isinstance(tar, tarfile.TarFile)`, "
    "not `str`, `dict` or `list`): the type checker's narrowing; so is a None or type check "
    "of a field of a record a class of the project looked up (`user = User.get(uid)`, then "
    "`assert isinstance(user.api_keys, dict)`). A precondition of a function that refuses "
    "whatever follows it (`return False, ''`) lets no one through when removed and is not "
    "reported. An assert whose "
    "message addresses the programmer (`'no ordering attribute was declared on the "
    "pagination class'`, `'does not support ...'`, `'expected a tuple, got ...'`) is a "
    "check of the code's own configuration and is reported with low confidence; when the "
    "values it checks are also bound to that configuration in the function (`ordering = "
    "self.ordering`, a class attribute or a constant-style setting, perhaps replaced later by "
    "what a filter chose from the request, but never read from a field of the request such as "
    "`request.GET`), it is a contract on the configuration and is not reported.",
    why_bad="`python -O` and `PYTHONOPTIMIZE=1` strip assert statements from the bytecode, so a "
    "permission check written as an assert disappears in optimised deployments and every caller "
    "gets through. Even when asserts run, a failed one raises AssertionError: the client gets a "
    "500 error instead of a 403 or 400, and the failure looks like a bug rather than a refusal.",
    example="def delete_post(request, post_id):\n"
    "    post = Post.objects.get(pk=post_id)\n"
    "    assert post.owner == request.user\n"
    "    post.delete()",
    use_instead="def delete_post(request, post_id):\n"
    "    post = Post.objects.get(pk=post_id)\n"
    "    if post.owner != request.user:\n"
    "        raise PermissionDenied\n"
    "    post.delete()",
    references=(
        "https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement",
        "https://docs.python.org/3/using/cmdline.html#cmdoption-O",
        "https://docs.djangoproject.com/en/stable/topics/auth/default/#permissions-and-authorization",
        "https://cwe.mitre.org/data/definitions/617.html",
    ),
    visits=(ast.Assert,),
)
def assert_for_security(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report asserts that decide who may do something, or whether request data is acceptable."""
    assert isinstance(node, ast.Assert)
    function = context.enclosing_function(node)
    if context.is_test or (function is not None and function.name.startswith("test")):
        return
    if names_a_definition(node.test, context):
        return  # a function, class or module object is always true: nothing is checked
    in_handler = function is not None and is_request_handler(function, context)
    condition = context.one_line(node.test)
    words = _condition_words(node.test)
    contract = Confidence.LOW if addresses_developer(node.msg) else None
    authorisation = _AUTHORISATION_WORDS | (_HANDLER_AUTHORISATION_WORDS if in_handler else set())
    if words & authorisation and not (
        is_type_narrowing(node.test, context)
        or fills_what_it_asserts_absent(node.test, function)
        or refuses_anyway(node, function)
    ):
        if (
            function is not None
            and asserts_logged_in(node.test)
            and (behind_login(function, context) or refused_before(node, function, context))
        ):
            return  # `@login_required` or the view decided it; this narrows the user's type
        yield Hit(
            node=node,
            message=f"`assert {condition}` is an access check, but Python removes asserts when "
            "run with -O or PYTHONOPTIMIZE, so the check disappears and every caller is let "
            "through.",
            confidence=contract,
        )
        return
    if function is None or not in_handler:
        return
    if _checks_request_object_type(node.test, context) or _checks_what_the_framework_passed(
        node.test, function, context
    ):
        return
    request_names = request_data_names(function, context)
    if not mentions_request_data(node.test, request_names, context):
        return
    if contract and _checks_configuration(node.test, function, request_names, context):
        return  # a contract on the configured value, whatever a request may replace it with
    if (
        _narrows_to_program_class(node.test)
        or _narrows_computed_value(
            node.test, function, _request_field_names(function, context), context
        )
        or narrows_model_field(node.test, function, context)
    ):
        return
    yield Hit(
        node=node,
        message=f"`assert {condition}` validates request data, but asserts are removed "
        "under -O, so the input goes unchecked; when they do run, bad input becomes a 500 "
        "error instead of a 400.",
        fix="Validate with an explicit `if` that returns a 400 response or raises the "
        "framework's validation error (`ValidationError`, `BadRequest`, "
        "`HTTPException(status_code=422)`).",
        confidence=contract or Confidence.MEDIUM,
    )
