"""CWE-943 by data flow: untrusted input as a MongoDB query filter (`nosql-injection`).

The sinks are data (`models/data_stores.toml`, kind `nosql`). `find` and `aggregate` are also
methods of strings, BeautifulSoup trees and XML elements, so this rule reports them only where
MongoDB is in sight: a module that imports a MongoDB library, or a receiver named like a
collection (`users_collection.find`, `db["users"].find`, `mongo.db.users.find`).
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.local_bindings import assigned_values
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.rules._support.typed_parameters import annotated_never_mapping
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity
from secreview.patterns import lazy_pattern

_MONGO_LIBRARIES = (
    "pymongo",
    "motor",
    "flask_pymongo",
    "mongomock",
    "mongoengine",
    "bson",
    "beanie",
    "odmantic",
)
_COMMON_METHODS = frozenset({"find", "aggregate"})
_COLLECTION_RECEIVER = lazy_pattern(
    r"(?i)(?:.*\bdb\b.*|.*mongo.*|[\w.]*(?:collection|coll|_col)s?"
    r"|\w*(?:db|database|client)\w*\[\s*['\"]\w+['\"]\s*\])"
)
"""A receiver named like a collection, or one item of a database or client by name
(`database["users"]`, `client["app"]`): an item of any other dict (`row["description"]`) is
a value, whose `find` is a string's."""
_JSON_BODY = lazy_pattern(
    r"(?i)(?:\.(?:json|get_json|json_body|media|get_media|data)\b|\bjson\.loads?\b|\bloads\()"
)
"""Request data parsed from JSON (Flask's `request.json`, DRF's `request.data`, Falcon's `media`,
`json.loads(body)`) can be an object such as `{"$ne": ""}`."""
_STRING_OPERATORS = frozenset({"$where", "$regex", "$function", "$accumulator"})
"""Operators whose *string* argument is code or a pattern: form and query values, always strings,
do harm in a filter written in the source only under one of these."""


def _mongo_in_sight(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether a `find`/`aggregate` call is a MongoDB query, as far as names tell.

    On a receiver not named like a collection, in a module that uses MongoDB, the query must
    also look like one: a document written in the source, or one parsed from JSON
    (`text.find(request.args["q"])` is a string search whatever the module imports).
    """
    call = event.node
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return False
    receiver, _, method = event.sink.rpartition(".")
    if call.func.attr not in _COMMON_METHODS and method not in _COMMON_METHODS:
        return True
    if call.func.attr != method:
        # The `find` is inside a function of another module this call reaches
        # (`utils.extract_name_value(token)` searching a line): its receiver's name is all
        # there is to read, and no filter document of ours is in sight.
        return bool(_COLLECTION_RECEIVER.fullmatch(receiver)) or (
            context.imports_any(_MONGO_LIBRARIES) and _parsed_from_json(event, context)
        )
    if _COLLECTION_RECEIVER.fullmatch(context.segment(call.func.value)):
        return True
    return context.imports_any(_MONGO_LIBRARIES) and (
        _written_filters(call, context) is not None or _parsed_from_json(event, context)
    )


def _parsed_from_json(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the path passes through a JSON body, whose values can be operator documents."""
    return any(_JSON_BODY.search(context.segment(step) or "") for step, _ in event.flow.steps)


def _written_filters(call: ast.Call, context: AnalysisContext) -> list[ast.expr] | None:
    """The dict or list literals the filter (or pipeline) is, through local names; None when
    any value it may hold is something else (a document taken whole from elsewhere)."""
    given = context.argument(call, 0, "filter")
    for keyword in ("spec", "pipeline"):
        given = given or context.keyword(call, keyword)
    if given is None:
        return None
    values = [value for value, _ in assigned_values(context, given)]
    if not values or not all(isinstance(v, ast.Dict | ast.List | ast.Tuple) for v in values):
        return None
    return values


def _uses_string_operator(literal: ast.expr, context: AnalysisContext) -> bool:
    """Whether a filter literal runs a run-time string as code or pattern (`{"$where": js}`),
    or spreads a run-time mapping into itself (`{**request.args}`), which can add such keys."""
    for node in ast.walk(literal):
        if not isinstance(node, ast.Dict):
            continue
        for key, value in zip(node.keys, node.values, strict=True):
            if context.is_constant(value):
                continue
            if key is None or context.constant_value(key) in _STRING_OPERATORS:
                return True  # `{**request.args}` chooses the keys, `$where` among them
    return False


def _can_hold_operators(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the untrusted data can change what the query does.

    Values parsed from JSON can be operator documents anywhere; form and query values are
    strings, which matter only as (part of) a whole document taken from the request, or under
    a string operator such as `$where` in a filter written in the source. A filter that is a
    parameter annotated with no mapping type (`item_id: str`, `data: RecipeUpdate`) is a
    string or a model instance the framework built: no filter document at all.
    """
    if not isinstance(event.node, ast.Call):
        return True
    given = context.argument(event.node, 0, "filter") or context.keyword(event.node, "pipeline")
    if annotated_never_mapping(given, context):
        return False
    if _parsed_from_json(event, context):
        return True
    literals = _written_filters(event.node, context)
    return literals is None or any(_uses_string_operator(each, context) for each in literals)


def _reports(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether a flow into a `nosql` sink is a MongoDB query the data can change."""
    return _mongo_in_sight(event, context) and _can_hold_operators(event, context)


nosql_injection = taint_rule(
    TaintSpec(
        "nosql",
        'a JSON object such as `{"$ne": null}` or `{"$where": ...}` in place of a value turns '
        "the lookup into one that matches every document or runs server-side JavaScript.",
        reports=_reports,
        sure_of=_parsed_from_json,
    ),
    id="nosql-injection",
    name="NoSQL injection: untrusted input as a MongoDB query filter",
    cwe=943,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Request data is used as a MongoDB query filter (or inside one) without being "
    "reduced to a plain value.",
    fix="Build the filter yourself and cast each value to the type you expect "
    '(`{"user": str(body["user"])}`, `ObjectId(...)`, `int(...)`), or validate the body with a '
    "schema (pydantic, marshmallow) that rejects objects; never pass a request document as the "
    "filter, and never build `$where` JavaScript from input.",
    what_it_does="Follows untrusted data into the filter (first argument, or `filter=`) of "
    "pymongo/motor collection methods: `find`, `find_one`, `find_one_and_update/delete/replace`, "
    "`count_documents`, `update_one/many`, `delete_one/many`, `replace_one`, and into "
    "`aggregate` pipelines (`find` and `aggregate` only in modules using a MongoDB library or "
    "on receivers named like a collection). `str(...)`, `int(...)` and `ObjectId(...)` end the "
    "flow, since their result cannot be an operator document. Data parsed from a JSON body "
    "(`request.json`, `get_json()`, DRF's `request.data`, Falcon's `media`, `json.loads`) can be "
    "an object anywhere in the filter, and is reported with high confidence. Form and query "
    "values are strings: they are reported when the filter is taken whole from elsewhere, or "
    "under `$where`, `$regex`, `$function` or `$accumulator` in a filter written in the source, "
    'but not as plain values of such a filter (`{"name": request.form["name"]}` is an '
    "exact match).",
    why_bad="MongoDB reads operators from the filter document itself. A login that looks up "
    '`{"user": body["user"], "password": body["password"]}` accepts `{"password": {"$ne": ""}}` '
    "and lets anyone in; a filter taken whole from the request can add `$where` and run "
    "JavaScript on the server, or `$regex` patterns that leak data character by character.",
    example='user = db.users.find_one({"name": request.json["name"], '
    '"password": request.json["password"]})',
    use_instead="body = request.get_json()\n"
    'user = db.users.find_one({"name": str(body["name"])})\n'
    'if user is None or not check_password(user["hash"], str(body["password"])): abort(401)',
    references=(
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_"
        "Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection",
        "https://www.mongodb.com/docs/manual/faq/fundamentals/#how-does-mongodb-address-sql-or-"
        "query-injection-",
        "https://cwe.mitre.org/data/definitions/943.html",
    ),
)
