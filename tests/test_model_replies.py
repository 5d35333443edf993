"""A language model's reply is untrusted (origin `model`), and how sure a finding is depends on
who wrote the prompt: a prompt holding the web client's data is the client's, so a reply that
reaches a shell is a proven injection (high); a prompt the code does not show to carry anyone's
text leaves it likely, not shown (medium)."""

from __future__ import annotations

import pytest

from secreview.findings import Confidence
from secreview.pipeline import review_source

VIEW = """\
import subprocess

from flask import Flask, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()


@app.route("/run")
def run():
    reply = client.chat.completions.create(model="gpt-4o", messages={prompt})
    subprocess.run(reply.choices[0].message.content, shell=True)
    return "ok"
"""


@pytest.mark.parametrize(
    ("prompt", "confidence", "words"),
    [
        (
            '[{"role": "user", "content": request.args["q"]}]',
            Confidence.HIGH,
            "a language model's reply to a prompt holding request data",
        ),
        ('[{"role": "user", "content": "List the files"}]', Confidence.MEDIUM, "model's reply)"),
    ],
)
def test_a_reply_is_as_sure_as_its_prompt_is_the_clients(
    prompt: str, confidence: Confidence, words: str
) -> None:
    findings = [
        f
        for f in review_source(VIEW.format(prompt=prompt), "app/views.py").findings
        if f.rule_id == "tainted-command"
    ]
    assert [(f.location.line, f.confidence) for f in findings] == [(13, confidence)]
    assert words in findings[0].message


def test_a_reply_logged_or_fetched_is_not_reported() -> None:
    source = VIEW.format(prompt="[]").replace(
        "subprocess.run(reply.choices[0].message.content, shell=True)",
        "app.logger.info(reply.choices[0].message.content)",
    )
    rules = {f.rule_id for f in review_source(source, "app/views.py").findings}
    assert "log-injection" not in rules
