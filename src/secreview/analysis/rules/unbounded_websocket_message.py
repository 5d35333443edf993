"""CWE-770: a WebSocket server configured to accept messages of any size
(`unbounded-websocket-message`).

A WebSocket message is buffered whole before the application sees it, so its size limit is the
server's memory bound per connection. The libraries differ in their defaults:
autobahn's `WebSocketServerFactory` has `maxMessagePayloadSize` and `maxFramePayloadSize` 0,
meaning unlimited, and a server that calls `setProtocolOptions(...)` to configure the factory
without setting the message limit leaves any client free to send a message as large as it likes
(daphne, CVE-2026-44545); `websockets.serve(..., max_size=None)` and aiohttp's
`WebSocketResponse(max_msg_size=0)` turn off limits those libraries set by default (1 MiB,
4 MiB). The rule reports those three shapes. An autobahn client factory (the receiver's name says
client) and a call that passes `**options` are quiet; a limit read from a setting is trusted.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_AUTOBAHN_OPTIONS = frozenset(
    {
        "autoPingInterval",
        "autoPingTimeout",
        "autoPingSize",
        "openHandshakeTimeout",
        "closeHandshakeTimeout",
        "allowNullOrigin",
        "allowedOrigins",
        "maxFramePayloadSize",
        "maxMessagePayloadSize",
        "maxConnections",
        "trustXForwardedFor",
        "utf8validateIncoming",
        "applyMask",
        "failByDrop",
        "echoCloseCodeReason",
        "webStatus",
        "perMessageCompressionAccept",
    }
)
"""Keywords of autobahn's server `setProtocolOptions`: one of them marks the call as autobahn's."""
_WEBSOCKETS_SERVERS = frozenset(
    {
        "websockets.serve",
        "websockets.server.serve",
        "websockets.unix_serve",
        "websockets.asyncio.server.serve",
        "websockets.sync.server.serve",
    }
)
_AIOHTTP_RESPONSES = frozenset(
    {"aiohttp.web.WebSocketResponse", "aiohttp.web_ws.WebSocketResponse"}
)


def _receiver_is_client(call: ast.Call) -> bool:
    """`client_factory.setProtocolOptions(...)`: a client's limit guards against its server."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    for node in ast.walk(receiver) if receiver is not None else ():
        name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
        if isinstance(name, str) and "client" in words_of(name):
            return True
    return False


def _autobahn_hit(call: ast.Call, context: ModuleContext) -> str | None:
    """Why an autobahn `setProtocolOptions` call leaves messages unbounded, if it does."""
    given = {keyword.arg for keyword in call.keywords}
    if None in given or not given & _AUTOBAHN_OPTIONS or _receiver_is_client(call):
        return None
    limit = context.keyword(call, "maxMessagePayloadSize")
    if limit is None:
        return (
            "configures the WebSocket server factory without `maxMessagePayloadSize`, whose "
            "autobahn default 0 means unlimited"
        )
    if context.is_constant(limit) and context.constant_value(limit) == 0:
        return "sets `maxMessagePayloadSize=0`, which autobahn takes as unlimited"
    return None


def _limit_off(call: ast.Call, keyword: str, off: object, context: ModuleContext) -> bool:
    """Whether `keyword` is given as the constant that turns the library's limit off."""
    value = context.keyword(call, keyword)
    return value is not None and context.is_constant(value) and context.constant_value(value) == off


@rule(
    id="unbounded-websocket-message",
    name="WebSocket server accepts messages of any size",
    cwe=770,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="A WebSocket server is configured with no limit on the size of a message, which it "
    "buffers whole in memory.",
    fix="Set a message size limit: autobahn `setProtocolOptions(maxMessagePayloadSize=..., "
    "maxFramePayloadSize=...)`, `websockets.serve(..., max_size=2**20)`, aiohttp "
    "`WebSocketResponse(max_msg_size=...)`.",
    what_it_does="Reports autobahn `setProtocolOptions(...)` calls on a server factory that do "
    "not set `maxMessagePayloadSize` (or set it to 0), `websockets.serve(..., max_size=None)` and "
    "aiohttp `WebSocketResponse(max_msg_size=0)`.",
    why_bad="Each message is held in memory until it is complete: without a limit one "
    "unauthenticated client sends a message of gigabytes and exhausts the server's memory "
    "(CWE-770).",
    example="factory.setProtocolOptions(autoPingTimeout=30, openHandshakeTimeout=5)",
    use_instead="factory.setProtocolOptions(autoPingTimeout=30, openHandshakeTimeout=5,\n"
    "                           maxMessagePayloadSize=2**20, maxFramePayloadSize=2**20)",
    references=(
        "https://autobahn.readthedocs.io/en/latest/websocket/programming.html",
        "https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html",
        "https://cwe.mitre.org/data/definitions/770.html",
    ),
    text_words=("setProtocolOptions", "max_size", "max_msg_size"),
)
def unbounded_websocket_message(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report WebSocket servers configured without a message size limit."""
    if not isinstance(node, ast.Call):
        return
    if isinstance(node.func, ast.Attribute) and node.func.attr == "setProtocolOptions":
        why = _autobahn_hit(node, context)
        if why is not None:
            yield Hit(
                node=node,
                message=f"This call {why}: a client can send a message of any "
                "size, held in memory until it is complete.",
            )
        return
    name = context.call_name(node)
    if name in _WEBSOCKETS_SERVERS and _limit_off(node, "max_size", None, context):
        yield Hit(
            node=node,
            message="`max_size=None` turns off the 1 MiB message limit of "
            "`websockets`: a client can send a message of any size.",
        )
    elif name in _AIOHTTP_RESPONSES and _limit_off(node, "max_msg_size", 0, context):
        yield Hit(
            node=node,
            message="`max_msg_size=0` turns off aiohttp's 4 MiB message limit: "
            "a client can send a message of any size.",
        )
