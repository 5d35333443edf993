"""A chat-completions server on loopback that answers from a script, for the LLM stage's tests.

It speaks the OpenAI protocol (POST …/chat/completions, `choices[0].message.content`, `usage`)
with the standard library's http.server in a thread: no model, no network. A script is a
function from the request (its JSON body, and how many requests came before) to a `Reply`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    """What the server answers: a message (as a completion), or a status and raw body."""

    content: str = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (to outlast a client's timeout)."""
    tokens: int = 100


@dataclass
class Recorded:
    """Every request body the server received, in order."""

    bodies: list[dict[str, object]] = field(default_factory=list)
    headers: list[str | None] = field(default_factory=list)
    """The Authorization header of each request (None when absent)."""
    lock: threading.Lock = field(default_factory=threading.Lock)


Script = Callable[[dict[str, object], int], Reply]


def user_prompt(body: dict[str, object]) -> str:
    """The user message of a request body."""
    return str(body["messages"][-1]["content"])  # type: ignore[index]


def defects(*items: dict[str, object]) -> str:
    """A review answer listing `items`."""
    return json.dumps({"defects": list(items)})


@contextmanager
def scripted_server(script: Script) -> Iterator[tuple[str, Recorded]]:
    """Serve `script` on 127.0.0.1 (a free port); yields the base URL and the record."""
    recorded = Recorded()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            with recorded.lock:
                index = len(recorded.bodies)
                recorded.bodies.append(body)
                recorded.headers.append(self.headers.get("Authorization"))
            reply = script(body, index)
            if reply.delay:
                time.sleep(reply.delay)
            if reply.status == 200:
                payload = json.dumps(
                    {
                        "choices": [{"message": {"role": "assistant", "content": reply.content}}],
                        "usage": {"total_tokens": reply.tokens},
                    }
                ).encode()
            else:
                payload = reply.content.encode()
            try:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                pass

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read the record instead."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", recorded
    finally:
        server.shutdown()
        server.server_close()


APP = """import subprocess

from flask import Flask, request

app = Flask(__name__)


def is_allowed(user, token):
    return token == user.api_token


@app.route("/run")
def run():
    host = request.args["host"]
    return subprocess.run("ping -c 1 " + host, shell=True, capture_output=True).stdout


def delete_account(user, target):
    if user.name == target.owner or user.is_admin or True:
        target.delete()
"""
TIMING = {
    "cwe": 208,
    "lines": [9, 9],
    "code": "return token == user.api_token",
    "severity": "medium",
    "description": "The token is compared with ==, whose time depends on the matching prefix.",
    "fix": "Compare with hmac.compare_digest(token, user.api_token).",
}
AUTHZ = {
    "cwe": "CWE-863",
    "lines": "19-20",
    "code": "if user.name == target.owner or user.is_admin or True:",
    "severity": "high",
    "description": "`or True` lets every user delete any account.",
    "fix": "Drop `or True`.",
}
