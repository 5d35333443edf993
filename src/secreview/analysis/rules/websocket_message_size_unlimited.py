"""CWE-770: a WebSocket server told to accept incoming messages of any size.

A WebSocket message arrives as frames the library joins in memory before the application sees
it, so the library's own cap is the only place the size can be refused in time: aiohttp's
`WebSocketResponse` reads at most `max_msg_size` bytes (4 MiB by default, "to disable the size
limit use 0") and the `websockets` servers at most `max_size` (1 MiB by default, "None disables
the limit"). A server that turns the cap off lets any client that can open the socket send one
message of gigabytes and hold it all in the worker's memory, long before an application-level
check (a buffer size of its own) reads a byte of it.

Only the documented "no limit" values are reported (`0` for aiohttp, `None` for `websockets`),
written as constants or module constants holding them; a computed or configured size is the
program's choice. Clients (`ClientSession.ws_connect`, `websockets.connect`) are left alone:
what a client reads comes from the server it chose to talk to.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_AIOHTTP_RESPONSES = frozenset(
    {
        "aiohttp.web.WebSocketResponse",
        "aiohttp.web_ws.WebSocketResponse",
    }
)
_WEBSOCKETS_SERVERS = frozenset(
    f"websockets{module}.{function}"
    for module in ("", ".server", ".asyncio.server", ".sync.server", ".legacy.server")
    for function in ("serve", "unix_serve")
)
_UNLIMITED: dict[str, tuple[str, object]] = {
    **{name: ("max_msg_size", 0) for name in _AIOHTTP_RESPONSES},
    **{name: ("max_size", None) for name in _WEBSOCKETS_SERVERS},
}
"""Each server call, with the keyword that caps an incoming message and the value its
documentation gives for "no limit"."""


def _is_unlimited(value: ast.expr, unlimited: object, context: ModuleContext) -> bool:
    """Whether `value` is the documented "no limit" value, written or held by a module constant.

    `False` equals 0 in Python but says nothing about a size; only an `int` 0 (or `None`) counts.
    """
    held = context.constant_value(value)
    if unlimited is None:
        return held is None
    return type(held) is int and held == unlimited


@rule(
    id="websocket-message-size-unlimited",
    name="WebSocket server accepts messages of any size",
    cwe=770,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    summary="A WebSocket server turns off its library's cap on the size of an incoming message "
    "(aiohttp `max_msg_size=0`, `websockets` `max_size=None`), so one client message can fill "
    "the worker's memory.",
    fix="Keep a cap: leave the default, or pass the largest message the application accepts "
    "(`WebSocketResponse(max_msg_size=1024 * 1024)`, `serve(handler, host, port, "
    "max_size=2**20)`).",
    what_it_does="Reports aiohttp's `web.WebSocketResponse(max_msg_size=0)` and the "
    "`websockets` servers `serve`/`unix_serve` (legacy, asyncio and sync) called with "
    '`max_size=None`: the values their documentation gives for "no limit", written as '
    "constants or held by module constants. Sizes computed or read from configuration, and "
    "clients (`ws_connect`, `websockets.connect`), are not reported.",
    why_bad="The library joins a message's frames in memory before the handler sees it; with "
    "the cap off, a client sends a message of gigabytes and the worker holds all of it (memory "
    "exhaustion, CWE-770) before any check of the application's own runs.",
    example="ws = web.WebSocketResponse(max_msg_size=0)\nawait ws.prepare(request)",
    use_instead="ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE_BYTES)\n"
    "await ws.prepare(request)",
    references=(
        "https://docs.aiohttp.org/en/stable/web_reference.html#websocketresponse",
        "https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html",
        "https://cwe.mitre.org/data/definitions/770.html",
    ),
    calls=frozenset(_UNLIMITED),
    call_imports=("aiohttp", "websockets"),
)
def websocket_message_size_unlimited(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report WebSocket servers created with their message-size cap turned off."""
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    if name not in _UNLIMITED:
        return
    keyword, unlimited = _UNLIMITED[name]
    value = next((k.value for k in node.keywords if k.arg == keyword), None)
    if value is None or not _is_unlimited(value, unlimited, context):
        return
    shown = "0" if unlimited == 0 else "None"
    yield Hit(
        node=node,
        message=f"`{context.one_line(node)}` passes `{keyword}={shown}`, which the library "
        "reads as no limit: a client's WebSocket message of any size is joined in memory before "
        "the handler sees it, so one message can exhaust the worker's memory.",
    )
