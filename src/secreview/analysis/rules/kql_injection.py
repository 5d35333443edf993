"""CWE-943 by data flow: untrusted input spliced into a Kusto (KQL) query (`kql-injection`).

Azure Data Explorer's Python client (`azure-kusto-data`) runs the query text it is given
(`KustoClient.execute(database, query)`, `execute_query`, `execute_mgmt`). KQL text has no
placeholders: values belong in a `declare query_parameters(...)` statement with
`ClientRequestProperties.set_parameter`. A table name or value written into the text can pipe
the query into any other (`T | union Secrets`) or, through `execute_mgmt`, run management
commands. The sinks are data (`models/data_stores.toml`, kind `kql`); the rule reports only a
query assembled as text in the call's module (an f-string, `+`, `%`, `.format`), as
`dynamodb-expression-injection` does: a query passed whole (an MCP tool or console whose purpose
is to run the caller's KQL) is the feature, not a splice.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import string_pieces
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity


def _query_argument(call: ast.Call) -> ast.expr | None:
    """The query text of a Kusto client call: the second positional argument or `query=`."""
    if len(call.args) > 1 and not isinstance(call.args[1], ast.Starred):
        return call.args[1]
    return next((k.value for k in call.keywords if k.arg == "query"), None)


def _spliced(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the query (or what a local name holds) is fixed text with run-time values
    spliced in here (`string_pieces`: f-strings, `+`, `%`, `.format`, `join`)."""
    call = event.node
    if not isinstance(call, ast.Call):
        return False
    query = _query_argument(call)
    if query is None:
        return False
    pieces = string_pieces(context, query)
    return any(p.text for p in pieces) and any(p.is_dynamic for p in pieces)


kql_injection = taint_rule(
    TaintSpec(
        "kql",
        "text spliced into the query can pipe it into other operators or tables (`| union "
        "...`) or, as a management command, change the database.",
        reports=_spliced,
    ),
    id="kql-injection",
    name="Query injection: untrusted input in a Kusto (KQL) query",
    cwe=943,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Request data is written into the text of a Kusto Query Language query run by the "
    "Azure Data Explorer client, instead of being passed as a query parameter.",
    fix="Keep the query fixed and pass values as parameters (`declare query_parameters(name: "
    "string);` with `ClientRequestProperties.set_parameter`), or check a table or column name "
    "against the names the database has, or a strict identifier pattern, before use.",
    what_it_does="Follows untrusted data into the query of `KustoClient.execute`, "
    "`execute_query`, `execute_mgmt` and `execute_streaming_query` (azure-kusto-data, also its "
    "`aio` client) when that text is assembled in the call's module (an f-string, `+`, `%` or "
    "`.format`); a query passed whole or fixed text is not reported.",
    why_bad="Kusto parses the whole text: a table name like `Logs | union SecretTable` or a value "
    "ending a string literal and adding `| ...` reads any table the identity can, and a "
    "management command (`.drop table`) changes the database (CWE-943).",
    example="client.execute(db, f\"{request.args['table']} | take 10\")",
    use_instead='client.execute(db, "declare query_parameters(t: string); table(t) | take 10", '
    "properties)  # properties.set_parameter('t', name)",
    references=(
        "https://cwe.mitre.org/data/definitions/943.html",
        "https://learn.microsoft.com/azure/data-explorer/kusto/query/query-parameters-statement",
    ),
)
