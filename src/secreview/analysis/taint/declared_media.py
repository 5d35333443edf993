"""An unread call told the media type of what it builds: a body of that type, not an HTML page.

A call the scan does not follow is taken to return its arguments' data (`unread_calls.py`). When
the call itself declares a media type no browser renders as a page (`mimetype="application/json"`,
`content_type="text/plain"`, `media_type=...`), or sends its body as a download
(`as_attachment=True`), what it builds is a response of that type or a file the browser saves:
`app.response_class(response=json.dumps(rsp), mimetype="application/json")` through a Flask
application object imported from another module, a project's `make_json_response(...,
content_type="application/json")`, its `custom_send_file(path, mimetype="application/xml",
as_attachment=True, download_name=name)`. Returned by a view, its data reaches the browser as
JSON, text or a download, so the result's flows are harmless for the `html` sink kind; every
other kind still applies (the data is what it was). A type computed at run time, or one whose
documents run scripts (HTML, SVG, XML: `media_types.renders_active`), declares nothing.
"""

from __future__ import annotations

import ast

from secreview.analysis.taint.media_types import media_type, renders_active
from secreview.analysis.taint.values import Value
from secreview.index.context import ModuleContext

_TYPE_KEYWORDS = ("mimetype", "content_type", "media_type")


def declared_type(node: ast.Call, context: ModuleContext) -> str | None:
    """The media type the call's keywords fix in the source (parameters dropped), if any."""
    for name in _TYPE_KEYWORDS:
        given = ModuleContext.keyword(node, name)
        if given is None:
            continue
        value = context.constant_value(given)
        if isinstance(value, str):
            return media_type(value)
    return None


def _sent_as_download(node: ast.Call, context: ModuleContext) -> bool:
    """`as_attachment=True` (Flask's `send_file`, Django's `FileResponse`, a project's wrapper
    of them): `Content-Disposition: attachment`, which the browser saves, never renders."""
    given = ModuleContext.keyword(node, "as_attachment")
    return given is not None and context.constant_value(given) is True


def not_a_page(result: Value, node: ast.Call, context: ModuleContext) -> Value:
    """`result` of the unread call `node`, harmless for `html` when the call declares a media
    type that is not a page, or sends its body as a download."""
    if not result.all_flows():
        return result
    media = declared_type(node, context)
    if media is not None and not renders_active(media):
        note = f"built as `{media}`, not an HTML page"
    elif _sent_as_download(node, context):
        note = "sent as a download (`as_attachment=True`), not shown as a page"
    else:
        return result
    return result.mapped(lambda flow: flow.then(node, note).sanitised(("html",)))
