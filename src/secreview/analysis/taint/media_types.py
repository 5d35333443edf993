"""Which media types a browser renders as a document whose scripts run: one answer for every rule.

A response's `Content-Type` decides whether text in its body can become script in the user's
browser. HTML, XHTML and SVG pages run their scripts; so does any XML document (`text/xml`,
`application/xml` and every `+xml` type: an element in the XHTML namespace is a live `<script>`),
an XSL style sheet, a `multipart/x-mixed-replace` stream of parts, and JavaScript (a JSONP reply
or a generated script the application's own pages load). A browser sniffs a body whose type is
missing, malformed (`html`, `picture`) or the placeholders `*/*`, `unknown/unknown` and
`application/unknown`, and may find HTML there. Every other fixed type is shown as text or an
image, played, or saved as a download (`application/json`, `text/csv`, `application/pdf`, a vendor's
`application/vnd.ogc.wms_xml`): its body is data, never a page.

Before this module, four places kept their own lists (an `html` sink's `unless` lists of inert
types, a view's declared type, an unread call's declared type, the `content-type-from-request`
rule's rendered types); the lists disagreed (`text/xml` was a page for one and data for another)
and a type missing from an inert list (`application/vnd.api+json`) was taken for a page.
"""

from __future__ import annotations

from collections.abc import Iterable

_ACTIVE = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/xsl",
        "multipart/x-mixed-replace",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/ecmascript",
        "application/ecmascript",
    }
)
"""Types whose documents run scripts (with every `+xml` type)."""
_SNIFFED = frozenset({"*/*", "unknown/unknown", "application/unknown"})
"""Placeholders a browser replaces by sniffing the body."""
INERT_MEDIA = "(inert-media)"
"""The entry of a sink model's `unless` list that stands for every fixed type no page is made of."""


def media_type(text: str) -> str:
    """The type without its parameters, as browsers compare it: `Text/HTML; charset=utf-8` is
    `text/html`."""
    return text.split(";", 1)[0].strip().lower()


def renders_active(text: str) -> bool:
    """Whether a body served with the media type `text` may run scripts in the browser: an
    active document's type, or one the browser sniffs (malformed, a placeholder)."""
    media = media_type(text)
    kind, slash, subtype = media.partition("/")
    if not (kind and slash and subtype) or media in _SNIFFED:
        return True
    return media in _ACTIVE or subtype.endswith("+xml")


_SCRIPTS = frozenset(
    {
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/ecmascript",
        "application/ecmascript",
    }
)
JSON_TEXT = "script-literal"
"""What a JSON serialiser's output is safe in (`json.dumps`, `stdlib.toml`): a JavaScript body
(`"%s(%s)" % (callback, json.dumps(data))` served as `application/javascript`, a JSONP reply),
where a JSON text is one literal (JSON is a subset of JavaScript since ES2019), whatever its
strings hold; in an HTML page it is not (`</script>` ends the element)."""


def serves_script(declared: Iterable[object]) -> bool:
    """Whether one of the values a call declares its body's type with (taint `Value`s, None
    for those not given) is a JavaScript media type: a JSONP reply's, a generated script's."""
    consts = (getattr(value, "const", None) for value in declared)
    return any(isinstance(c, str) and media_type(c) in _SCRIPTS for c in consts)


def is_inert(const: object) -> bool:
    """Whether a constant is a media type the browser never renders as a page (see the module)."""
    return isinstance(const, str) and not renders_active(const)


def bare_type(const: object) -> object:
    """A constant as a sink model's `unless` list compares it: text without a media type's
    parameters (`application/json; charset=utf-8` is JSON), anything else as it is."""
    return const.split(";", 1)[0].strip() if isinstance(const, str) else const
