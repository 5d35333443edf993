"""A language model's reply, marked when the web client wrote part of its prompt.

What a model writes is steered by its prompt (origin `model`, `models/language_models.toml`).
Whether an attacker reaches that prompt is usually not shown, so a reply's findings are medium
confidence; but a prompt built from a request's data (`llm.invoke(request.args["q"])`) is the
client's text, and a prompt injection needs nothing more: such a reply carries `CLIENT_PROMPT`
and is reported at the rule's own confidence.
"""

from __future__ import annotations

from secreview.analysis.taint.markers import CLIENT_PROMPT
from secreview.analysis.taint.server_answers import CLIENT_ORIGIN
from secreview.analysis.taint.values import Flow, Value

MODEL_ORIGIN = "model"
"""The origin of a language model's reply (`models/language_models.toml`)."""


def prompted(flow: Flow, prompt: list[Value | None]) -> Flow:
    """`flow`, a source's, marked `CLIENT_PROMPT` when it is a model's reply and one of the
    call's inputs (`prompt`: its receiver and arguments, None where absent) holds a web
    client's data."""
    if flow.origin != MODEL_ORIGIN:
        return flow
    written = any(
        each.origin == CLIENT_ORIGIN and each.parameter is None
        for value in prompt
        if value is not None
        for each in value.all_flows()
    )
    return flow.sanitised((CLIENT_PROMPT,)) if written else flow
