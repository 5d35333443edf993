"""CWE-915 by data flow: attributes set under names the sender chooses (`mass-assignment`)."""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.attribute_names import (
    checked_for_membership,
    chosen_by_sender,
    named_by_a_schema,
    spelled_with_fixed_text,
)
from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.analysis.taint import AnalysisContext
from secreview.analysis.taint.results import SinkEvent
from secreview.findings import Confidence, Severity


def _reported(event: SinkEvent, context: AnalysisContext) -> bool:
    """Whether the sender's name is the whole attribute name of a `setattr` in this function.

    A name with the author's fixed text in it (`setattr(self, f"opt_{key}", value)`) sets only
    attributes named for that use; a name read from an attribute of an object
    (`setattr(identity, row.field_name, value)`) is a stored record's, which the request only
    chose. Under the `library` threat model a caller's attribute name is the API's contract
    (`set_option(name, value)`), so only a name parsed out of a document the library is handed
    counts there (`chosen_by_sender`). A `setattr` inside a function the call reaches is not
    judged: its shape is not in this module's tree.
    """
    call = event.node
    if event.prefix or not chosen_by_sender(event.flow, context) or not isinstance(call, ast.Call):
        return False
    if context.call_name(call) not in ("setattr", "builtins.setattr") or len(call.args) < 2:
        return False
    name = call.args[1]
    if isinstance(name, ast.Attribute) or checked_for_membership(name, call, context):
        return False
    if named_by_a_schema(name, context):
        return False  # a key of what a schema validated: one of its declared fields
    return not spelled_with_fixed_text(name, context)


mass_assignment = taint_rule(
    TaintSpec(
        "attribute-write",
        "the sender picks which attributes of the object it sets, `is_admin` as readily as "
        "`email`.",
        reports=_reported,
    ),
    id="mass-assignment",
    name="Attributes set under names the sender chooses",
    cwe=915,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted input names the attribute `setattr` sets (mass assignment).",
    fix="Copy only the fields the form may change: check each name against a fixed set of "
    "editable fields, or validate the body with a schema that lists them.",
    what_it_does="Follows untrusted data to the name argument of `setattr`.",
    why_bad="`for key, value in request.json.items(): setattr(user, key, value)` lets a user "
    "send `is_admin: true` or another user's `owner_id` (CWE-915).",
    example="for key, value in request.json.items():\n    setattr(user, key, value)",
    use_instead="for key in EDITABLE_FIELDS & request.json.keys():\n"
    "    setattr(user, key, request.json[key])",
    references=(
        "https://cwe.mitre.org/data/definitions/915.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",
    ),
)
