"""Whether an XML document the program builds can declare entities at all.

Entities are declared only in a DOCTYPE, which must come before the first element; a document
whose fixed text starts with an element (`"<root>%s</root>" % text`, a list of lines whose first
item is `"<root>"` joined) can declare none, whatever is spliced in after it. Nor can the XML
libvirt writes about its own objects: `XMLDesc()` of a domain, network, storage pool or volume,
interface, node device, secret or filter, and `getXMLDesc()` of a snapshot or checkpoint, return
libvirt's serialisation of its configuration (names and descriptions escaped as text), which
never holds a DOCTYPE.
"""

from __future__ import annotations

import ast

from secreview.analysis.rules._support.built_strings import string_pieces
from secreview.analysis.rules._support.data_origin import DataOrigin, Trust, data_origin
from secreview.analysis.rules._support.local_bindings import scope_nodes_of, single_value
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of


def starts_with_element(context: ModuleContext, document: ast.expr, depth: int = 0) -> bool:
    """Whether the document's fixed text begins with an element (`"<root>%s</root>" % text`):
    a DOCTYPE, the only place entities are declared, must come before the first element."""
    document = single_value(context, document)
    match document:
        case ast.Call(func=ast.Attribute(attr="encode", value=text)) if depth < 4:
            return starts_with_element(context, text, depth + 1)
        case ast.Call(func=ast.Attribute(attr="join"), args=[ast.Name() as parts]) if depth < 4:
            first = _first_of_grown_list(context, parts)
            return first is not None and starts_with_element(context, first, depth + 1)
    pieces = string_pieces(context, document)
    start = pieces[0].text if pieces else None
    if start is None:
        return False
    start = start.lstrip()
    return len(start) > 1 and start[0] == "<" and (start[1].isalpha() or start[1] == "_")


_GROWING_METHODS = frozenset({"append", "extend"})
"""List methods that add at the end, leaving the first item first."""


def _first_of_grown_list(context: ModuleContext, parts: ast.Name) -> ast.expr | None:
    """The first item of a list written as a literal (`lines = ["<root>"]`) that the function only
    grows at the end afterwards (`append`, `extend`), so that item is still first when joined."""
    value = single_value(context, parts)
    if not isinstance(value, ast.List) or not value.elts:
        return None
    for node in scope_nodes_of(context, parts):
        if not isinstance(node, ast.Name) or node.id != parts.id or node is parts:
            continue
        holder = context.parent(node)
        match holder:
            case ast.Attribute(attr=method) if method not in _GROWING_METHODS:
                return None  # `insert`, `sort`, `reverse` can move another item first
            case ast.Subscript(ctx=ast.Store()) | ast.Call():
                return None  # replaced in place, or handed to code that may change it
    first = value.elts[0]
    return None if isinstance(first, ast.Starred) else first


def called_names(context: ModuleContext) -> frozenset[str]:
    """Resolved names of every call in the module (computed once per module)."""
    return context.derived(_call_names)


def _call_names(context: ModuleContext) -> frozenset[str]:
    """`called_names`, computed."""
    return frozenset(
        name for node in nodes_of(context, ast.Call) if (name := context.call_name(node))
    )


_LIBVIRT_DESCRIPTIONS = frozenset({"XMLDesc", "getXMLDesc"})
"""libvirt's methods returning an object's XML description, written by libvirt itself."""


def _libvirt_description(context: ModuleContext, document: ast.expr) -> bool:
    """Whether the document is libvirt's XML description of one of its objects
    (`dom.XMLDesc(0)`, directly or through a name bound once to it)."""
    value = single_value(context, document)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr in _LIBVIRT_DESCRIPTIONS
    )


def document_origin(context: ModuleContext, call: ast.Call, document: ast.expr) -> DataOrigin:
    """Where the parsed document comes from; program-made when no DTD can be in it."""
    if starts_with_element(context, document):
        return DataOrigin(Trust.PROGRAM_MADE, "the document starts with an element")
    if _libvirt_description(context, document):
        return DataOrigin(Trust.PROGRAM_MADE, "libvirt's own XML description")
    return data_origin(context, call, document)
