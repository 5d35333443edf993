"""CWE-776: the standard library's XML parsers on untrusted documents (`xml-entity-expansion`).

What the parsers really do decides the id and severity here. The standard library (expat) never
fetches external entities by default: ElementTree and minidom never did, SAX/pulldom stopped in
Python 3.7.1, and `xmlrpc` omits them; so CWE-611 is not what they risk (lxml and SAX with
external entities switched back on are `xml_external_entities.py`). They do expand the entities a
document declares for itself. Expat 2.4.0 added protection against "billion laughs"
(CVE-2013-0340: it stops a document whose expansion passes 100 times its size, beyond 8 MiB);
2.6.0 fixed quadratic time on very large tokens fed in small chunks (CVE-2023-52425) and billion
laughs in builds without XML_DTD. Which expat runs is the target's Python's
(`pyexpat.EXPAT_VERSION` there), not ours, so messages state the versions as conditions. Untrusted
input to a stdlib parser is CWE-776 (entity expansion, a denial of service), medium severity.

Confidence follows the document (`data_origin`). Only documents traced to untrusted input are
reported (a request, a socket or HTTP response: high; a public function's parameter under the
`library` threat model: medium): a current expat already stops billion laughs, so a document whose
origin is not traced (a file the program opens, a parameter, a member of an archive not shown to
come from outside) or that only the operator chooses is not reported, and an old system expat is
the risk left for untrusted input. XML-RPC parses network data by design: a server every request
body, a client (`ServerProxy`) every response of the server it calls. A module that only imports
those classes, to hand them to the modules that serve or call (a compatibility module), is
reported at the import, at low confidence, since where they are used is not in the file.
`defusedxml` is the fix everywhere; `defusedxml.defuse_stdlib()` in a module (for xmlrpc,
`defusedxml.xmlrpc.monkey_patch()`), or a parser object of a defusedxml class (or of a class of
the module derived from one), turns the findings off.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import is_fixed
from secreview.analysis.rules._support.data_origin import DataOrigin, Trust
from secreview.analysis.rules._support.local_bindings import made_by, origin_calls
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.xml_documents import called_names, document_origin
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext
from secreview.index.node_types import nodes_of

_ELEMENT_TREES = ("xml.etree.ElementTree", "xml.etree.cElementTree")
# Standard-library functions that parse a document: position and keyword of the document.
_STDLIB_PARSE: dict[str, tuple[int, str]] = {
    **{f"{m}.parse": (0, "source") for m in _ELEMENT_TREES},
    **{f"{m}.iterparse": (0, "source") for m in _ELEMENT_TREES},
    **{f"{m}.fromstring": (0, "text") for m in _ELEMENT_TREES},
    **{f"{m}.XML": (0, "text") for m in _ELEMENT_TREES},
    **{f"{m}.XMLID": (0, "text") for m in _ELEMENT_TREES},
    **{f"{m}.fromstringlist": (0, "sequence") for m in _ELEMENT_TREES},
    "xml.dom.minidom.parse": (0, "file"),
    "xml.dom.minidom.parseString": (0, "string"),
    "xml.dom.pulldom.parse": (0, "stream_or_string"),
    "xml.dom.pulldom.parseString": (0, "string"),
    "xml.sax.parse": (0, "source"),
    "xml.sax.parseString": (0, "string"),
    "xmlrpc.client.loads": (0, "data"),
    "xmlrpclib.loads": (0, "data"),
}
# Standard-library parser objects, fed later through one of _FEED_METHODS.
_STDLIB_PARSERS = frozenset(
    {
        *(f"{m}.XMLParser" for m in _ELEMENT_TREES),
        *(f"{m}.XMLPullParser" for m in _ELEMENT_TREES),
        "xml.sax.make_parser",
        "xml.parsers.expat.ParserCreate",
        "pyexpat.ParserCreate",
    }
)
_FEED_METHODS = frozenset({"feed", "parse", "Parse", "ParseFile"})
# XML-RPC servers parse every request body a client sends (Python 2 spelled the modules apart).
_XMLRPC_SERVERS = frozenset(
    {
        "xmlrpc.server.SimpleXMLRPCServer",
        "xmlrpc.server.DocXMLRPCServer",
        "xmlrpc.server.MultiPathXMLRPCServer",
        "xmlrpc.server.CGIXMLRPCRequestHandler",
        "xmlrpc.server.DocCGIXMLRPCRequestHandler",
        "SimpleXMLRPCServer.SimpleXMLRPCServer",
        "SimpleXMLRPCServer.CGIXMLRPCRequestHandler",
        "DocXMLRPCServer.DocXMLRPCServer",
        "DocXMLRPCServer.DocCGIXMLRPCRequestHandler",
    }
)
# XML-RPC clients parse every response of the server they call.
_XMLRPC_CLIENTS = frozenset(
    {
        "xmlrpc.client.ServerProxy",
        "xmlrpc.client.Server",
        "xmlrpclib.ServerProxy",
        "xmlrpclib.Server",
    }
)
_XMLRPC_PATCH = "defusedxml.xmlrpc.monkey_patch"
_DEFUSED_FIX = (
    "Parse with defusedxml (`from defusedxml.ElementTree import fromstring`), which rejects "
    "entity declarations, or call `defusedxml.defuse_stdlib()` once at start-up."
)


def _is_defused_class(context: ModuleContext, name: str | None, depth: int = 0) -> bool:
    """A defusedxml class, or a class of this module derived from one."""
    if name is None or depth > 5:
        return False
    if name.startswith("defusedxml."):
        return True
    for statement in context.tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            return any(
                _is_defused_class(context, _class_name(context, base), depth + 1)
                for base in statement.bases
            )
    return False


def _class_name(context: ModuleContext, expr: ast.expr) -> str | None:
    """The qualified name of an imported class, or the bare name of one of this module."""
    return context.resolve(expr) or (expr.id if isinstance(expr, ast.Name) else None)


def _is_defused_parser(context: ModuleContext, parser: ast.expr | None) -> bool:
    return parser is not None and any(
        _is_defused_class(context, _class_name(context, c.func))
        for c in origin_calls(context, parser)
    )


def _expansion_hit(
    context: ModuleContext, call: ast.Call, what: str, origin: DataOrigin | None = None
) -> Hit | None:
    """The finding for a stdlib parse of a document from `origin`, or None when the document is
    not shown to come from outside: expat 2.4.0 and later (bundled with every supported CPython)
    cap entity amplification, so only a traced untrusted document on an old system expat is
    worth a finding; the operator's own files, untraced and program-made documents are not."""
    if origin is not None and (
        origin.trust is not Trust.UNTRUSTED or not (origin.remote or origin.public_parameter)
    ):
        return None  # untraced, program-made, the operator's own, or an archive member
    said = f" ({origin.phrase})" if origin is not None else ""
    return Hit(
        node=call,
        message=f"{what}{said} with the standard-library expat parser, which expands the "
        "entities a document declares for itself. If the Python running this code links an "
        "expat older than 2.4.0, a few kilobytes of nested entities (billion laughs) grow to "
        "gigabytes; before 2.6.0, very large tokens fed in small chunks still take quadratic "
        "time (its `pyexpat.EXPAT_VERSION` tells).",
        confidence=origin.confidence(Confidence.LOW) if origin is not None else None,
    )


@rule(
    id="xml-entity-expansion",
    needs_untrusted_input=True,
    name="Standard-library XML parser on untrusted input",
    cwe=776,
    severity=Severity.MEDIUM,
    confidence=Confidence.LOW,
    summary="xml.etree/minidom/pulldom/sax/expat/xmlrpc parse a document from untrusted input; "
    "prefer defusedxml.",
    fix=_DEFUSED_FIX,
    what_it_does="Reports standard-library parsing of documents not fixed in the source: "
    "`xml.etree.ElementTree` `parse`/`fromstring`/`XML`/`iterparse`, `XMLParser`/`XMLPullParser` "
    "and `xml.sax.make_parser()`/`xml.parsers.expat.ParserCreate()` objects fed later, "
    "`xml.dom.minidom` and `xml.dom.pulldom` `parse`/`parseString`, `xml.sax.parse`/"
    "`parseString`, `xmlrpc.client.loads`, the `xmlrpc.server` servers (which parse every "
    "request) and `xmlrpc.client.ServerProxy` clients (every response of the server they call), "
    "Python 2's `xmlrpclib`/`SimpleXMLRPCServer` too; a module that only imports those classes "
    "for other modules (a compatibility shim) is reported at the import, at low confidence. "
    "Quiet when the module "
    "calls `defusedxml.defuse_stdlib()` (or, for xmlrpc, `defusedxml.xmlrpc.monkey_patch()`) "
    "or parses with a defusedxml parser. Only documents traced to untrusted input are "
    "reported (a request, a socket or HTTP response: high confidence; a public function's "
    "parameter under the `library` threat model: medium): expat 2.4.0 and later already stop "
    "entity amplification, so documents whose origin is not traced (files the program opens, "
    "parameters), members of archives nobody is shown to have sent, the operator's own files "
    "and documents the program made are not.",
    why_bad="These parsers do not read external entities (since Python 3.7.1 for SAX), but they "
    "do expand the internal entities a document declares: ten nested entities of ten "
    "references each make a billion copies of one string. Expat 2.4.0 and later stop such "
    "documents (and 2.6.0 fixed slow parsing of huge tokens), but a Python linked to an older "
    "system expat does not, and the failure is a crashed or frozen worker.",
    example="import xml.etree.ElementTree as ET\ntree = ET.fromstring(request.data)",
    use_instead="import defusedxml.ElementTree as ET\ntree = ET.fromstring(request.data)",
    references=(
        "https://docs.python.org/3/library/xml.html#xml-security",
        "https://pypi.org/project/defusedxml/",
        "https://cwe.mitre.org/data/definitions/776.html",
    ),
    visits=(ast.Call, ast.ImportFrom),
    calls=frozenset(_STDLIB_PARSE) | _XMLRPC_SERVERS | _XMLRPC_CLIENTS,  # and `feed`/`parse`
    methods=_FEED_METHODS,
)
def xml_entity_expansion(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report stdlib XML parsing of documents that are not fixed in the source."""
    if not context.imports_any(("xml", "xmlrpc", "pyexpat", "xmlrpclib", "SimpleXMLRPCServer")):
        return
    called = called_names(context)
    if "defusedxml.defuse_stdlib" in called:
        return
    if isinstance(node, ast.ImportFrom):
        if _XMLRPC_PATCH not in called:
            yield from _xmlrpc_imports(node, context)
        return
    assert isinstance(node, ast.Call)
    name = context.call_name(node)
    if name in _STDLIB_PARSE:
        document = ModuleContext.argument(node, *_STDLIB_PARSE[name])
        parser = ModuleContext.keyword(node, "parser")
        if document is None or is_fixed(context, document) or _is_defused_parser(context, parser):
            return
        if name.startswith("xmlrpc") and _XMLRPC_PATCH in called:
            return
        hit = _expansion_hit(
            context,
            node,
            f"`{name}` parses `{code(context, document)}`",
            document_origin(context, node, document),
        )
        yield from (hit,) if hit else ()
    elif name in _XMLRPC_SERVERS or name in _XMLRPC_CLIENTS:
        if _XMLRPC_PATCH not in called:
            parses, origin = _xmlrpc_parses(name)
            hit = _expansion_hit(context, node, f"`{name}` {parses}", origin)
            yield from (hit,) if hit else ()
    elif isinstance(node.func, ast.Attribute) and node.func.attr in _FEED_METHODS:
        factory = made_by(context, node.func.value, _STDLIB_PARSERS)
        document = ModuleContext.argument(node, 0)
        if factory is None or document is None or is_fixed(context, document):
            return
        hit = _expansion_hit(
            context,
            node,
            f"`{code(context, node.func, 40)}` parses `{code(context, document)}` (an "
            f"`{context.call_name(factory)}` object)",
            document_origin(context, node, document),
        )
        yield from (hit,) if hit else ()


def _xmlrpc_parses(name: str) -> tuple[str, DataOrigin]:
    """What an XML-RPC server or client class parses, and where that comes from."""
    if name in _XMLRPC_CLIENTS:
        return "parses every response of the server it calls", DataOrigin(
            Trust.UNTRUSTED, "responses from the network", remote=True
        )
    return "parses every request body it receives", DataOrigin(
        Trust.UNTRUSTED, "requests from the network", remote=True
    )


def _names_called(context: ModuleContext) -> frozenset[str]:
    """Every plain name this module calls (`f(...)`), collected once per module."""
    return frozenset(
        call.func.id for call in nodes_of(context, ast.Call) if isinstance(call.func, ast.Name)
    )


def _xmlrpc_imports(node: ast.ImportFrom, context: ModuleContext) -> Iterator[Hit]:
    """`from xmlrpc.server import SimpleXMLRPCServer` in a module that never calls the class it
    imports: it is handed on to code in other files, which serves or calls with it (a call in
    this module is reported where it is made), so the finding is low confidence."""
    called_here = context.derived(_names_called)
    imported = [
        f"{node.module}.{alias.name}"
        for alias in node.names
        if f"{node.module}.{alias.name}" in _XMLRPC_SERVERS | _XMLRPC_CLIENTS
        and (alias.asname or alias.name) not in called_here
    ]
    if not imported:
        return
    parses, origin = _xmlrpc_parses(imported[0])
    shown = " and ".join(f"`{name}`" for name in imported)
    what = f"{shown}, imported here for other modules to use: each {parses}"
    hit = _expansion_hit(context, node, what, origin)
    if hit is not None:
        yield hit._replace(confidence=Confidence.LOW)
