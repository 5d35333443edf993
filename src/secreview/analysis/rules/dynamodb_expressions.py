"""CWE-943 by data flow: untrusted input spliced into a DynamoDB expression or PartiQL statement
(`dynamodb-expression-injection`).

DynamoDB takes its conditions as text (`FilterExpression="#s = :s"`) and their values apart
(`ExpressionAttributeValues`), as SQL takes placeholders and parameters; PartiQL statements take
`?` and `Parameters`. A value written into the text itself can add conditions (`x OR
attribute_exists(pk)`) or name other attributes. The sinks are data (`models/data_stores.toml`,
kind `dynamodb`); the rule reports only an expression built as text here (an f-string, `+`,
`%` or `.format` on text), since `boto3.dynamodb.conditions` objects (`Attr("age").eq(age)`)
carry their values apart and are safe.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import string_pieces
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity

_TEXT_KEYWORDS = frozenset(
    {"FilterExpression", "KeyConditionExpression", "ConditionExpression", "UpdateExpression"}
    | {"ProjectionExpression", "Statement"}
)


def _built_as_text(value: ast.expr, context: AnalysisContext) -> bool:
    """Whether `value` (or what a local name holds) is text assembled here: fixed text with
    run-time values spliced in (`string_pieces`: f-strings, `+`, `%`, `.format`, `join`)."""
    pieces = string_pieces(context, value)
    return any(p.text for p in pieces) and any(p.is_dynamic for p in pieces)


def _spliced(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the call's expression or statement text is assembled from pieces here."""
    call = event.node
    if not isinstance(call, ast.Call):
        return False
    return any(
        keyword.arg in _TEXT_KEYWORDS and _built_as_text(keyword.value, context)
        for keyword in call.keywords
    )


dynamodb_expression_injection = taint_rule(
    TaintSpec(
        "dynamodb",
        "text spliced into the expression can add conditions (`OR attribute_exists(pk)`) or "
        "name other attributes, reading or changing items it should not.",
        reports=_spliced,
    ),
    id="dynamodb-expression-injection",
    name="NoSQL injection: untrusted input in a DynamoDB expression or PartiQL statement",
    cwe=943,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Request data is written into a DynamoDB condition, update or projection expression, "
    "or a PartiQL statement, instead of being passed as a value.",
    fix="Keep the expression fixed and pass values apart: `FilterExpression='#s = :s'` with "
    "`ExpressionAttributeNames`/`ExpressionAttributeValues`, `boto3.dynamodb.conditions` "
    "(`Attr('status').eq(value)`), or PartiQL `?` placeholders with `Parameters`.",
    what_it_does="Follows untrusted data into the `FilterExpression`, `KeyConditionExpression`, "
    "`ConditionExpression`, `UpdateExpression` or `ProjectionExpression` of `scan`, `query`, "
    "`get_item`, `put_item`, `update_item` and `delete_item`, and into the `Statement` of "
    "`execute_statement` (PartiQL), when that text is assembled in the call's module (an "
    "f-string, `+`, `%` or `.format`); condition objects and fixed expressions are not reported.",
    why_bad="DynamoDB parses the expression text: `status = ` + a value like `'x' OR "
    "attribute_exists(pk)` matches every item, and a PartiQL statement built the same way can "
    "read or update items of the attacker's choosing (CWE-943).",
    example="table.scan(FilterExpression=f\"owner = '{request.args['user']}'\")",
    use_instead="table.scan(FilterExpression=Attr('owner').eq(request.args['user']))",
    references=(
        "https://cwe.mitre.org/data/definitions/943.html",
        "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.html",
    ),
)
