"""CWE-611 and CWE-776: XML parsers that resolve external entities or expand nested ones.

What the parsers really do decides the ids and severities here:

- The standard library (expat) never fetches external entities by default: ElementTree and minidom
  never did, and SAX/pulldom stopped in Python 3.7.1. It does expand entities a document declares
  for itself. Expat 2.4.0 added protection against "billion laughs" (CVE-2013-0340: it stops a
  document whose expansion passes 100 times its size, beyond 8 MiB); 2.6.0 fixed quadratic time on
  very large tokens fed in small chunks (CVE-2023-52425) and billion laughs in builds without
  XML_DTD. Which expat runs is the target's Python's (`pyexpat.EXPAT_VERSION` there), not ours, so
  messages state the versions as conditions. Untrusted input to a stdlib parser is CWE-776 (entity
  expansion, a denial of service), medium severity, unless the code switches external entities
  back on (`feature_external_ges`), which is CWE-611.
- lxml (libxml2) resolved external entities by default (`file:///etc/passwd` read into the tree)
  until lxml 5.0 made `resolve_entities='internal'` the default for its normal parsers; `iterparse`
  and `ETCompatXMLParser` kept the old default until lxml 6.1. So lxml is CWE-611: high severity,
  with confidence following how many installed versions still behave that way.

Confidence also follows the document (`data_origin`). The lxml rule reports any document not
shown to be program-made: high when untrusted input reaches the parse; none when only the program
made it (`ElementTree.tostring` of its own tree writes no DOCTYPE) or when its fixed text starts
with an element (`"<root>%s</root>" % text`), since entities can only be declared in a DOCTYPE
before the first element. The stdlib rule reports only documents traced to untrusted input (a
request, a socket or HTTP response: high; a public function's parameter under the `library`
threat model: medium): a current expat already stops billion laughs, so a document whose origin
is not traced (a file the program opens, a parameter, a member of an archive not shown to come
from outside) or that only the operator chooses is not reported, and an old system expat is the
risk left for untrusted input.
`defusedxml` is the fix everywhere; `defusedxml.defuse_stdlib()` in a module, or a parser object
of a defusedxml class (or of a class of the module derived from one), turns the findings off.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import is_fixed
from secreview.analysis.rules._support.data_origin import DataOrigin, Trust, data_origin
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import made_by, origin_calls
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.xml_documents import starts_with_element
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

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
# XML-RPC servers parse every request body a client sends.
_XMLRPC_SERVERS = frozenset(
    {
        "xmlrpc.server.SimpleXMLRPCServer",
        "xmlrpc.server.DocXMLRPCServer",
        "xmlrpc.server.MultiPathXMLRPCServer",
        "xmlrpc.server.CGIXMLRPCRequestHandler",
        "xmlrpc.server.DocCGIXMLRPCRequestHandler",
    }
)
_EXTERNAL_ENTITY_FEATURES = frozenset(
    {
        "xml.sax.handler.feature_external_ges",
        "xml.sax.handler.feature_external_pes",
        "http://xml.org/sax/features/external-general-entities",
        "http://xml.org/sax/features/external-parameter-entities",
    }
)

# lxml: the functions that parse a document (document position, parser position), and the
# parser factories with whether their default still resolves external entities on lxml 5.x.
_LXML_PARSE: dict[str, tuple[int, int]] = {
    **{
        f"lxml.etree.{f}": (0, 1) for f in ("parse", "fromstring", "XML", "XMLID", "fromstringlist")
    },
    **{f"lxml.objectify.{f}": (0, 1) for f in ("parse", "fromstring", "XML")},
}
_LXML_PARSERS: dict[str, bool] = {
    "lxml.etree.XMLParser": False,
    "lxml.etree.XMLPullParser": False,
    "lxml.objectify.makeparser": False,
    "lxml.etree.ETCompatXMLParser": True,
}
_LXML_ITERPARSE = "lxml.etree.iterparse"

_DEFUSED_FIX = (
    "Parse with defusedxml (`from defusedxml.ElementTree import fromstring`), which rejects "
    "entity declarations, or call `defusedxml.defuse_stdlib()` once at start-up."
)


def _called_names(context: ModuleContext) -> frozenset[str]:
    """Resolved names of every call in the module (computed once per module)."""
    return context.derived(_call_names)


def _call_names(context: ModuleContext) -> frozenset[str]:
    """`_called_names`, computed."""
    return frozenset(
        name
        for node in ast.walk(context.tree)
        if isinstance(node, ast.Call) and (name := context.call_name(node))
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


def _document_origin(context: ModuleContext, call: ast.Call, document: ast.expr) -> DataOrigin:
    """Where the parsed document comes from; program-made when no DTD can be in it."""
    if starts_with_element(context, document):
        return DataOrigin(Trust.PROGRAM_MADE, "the document starts with an element")
    return data_origin(context, call, document)


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
    "`parseString`, `xmlrpc.client.loads` and the `xmlrpc.server` servers. Quiet when the module "
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
    calls=frozenset(_STDLIB_PARSE) | _XMLRPC_SERVERS,  # with a parser's `feed`/`parse`
    methods=_FEED_METHODS,
)
def xml_entity_expansion(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report stdlib XML parsing of documents that are not fixed in the source."""
    assert isinstance(node, ast.Call)
    if not context.imports_any(("xml", "xmlrpc", "pyexpat")):
        return
    called = _called_names(context)
    if "defusedxml.defuse_stdlib" in called:
        return
    name = context.call_name(node)
    if name in _STDLIB_PARSE:
        document = ModuleContext.argument(node, *_STDLIB_PARSE[name])
        parser = ModuleContext.keyword(node, "parser")
        if document is None or is_fixed(context, document) or _is_defused_parser(context, parser):
            return
        if name.startswith("xmlrpc.") and "defusedxml.xmlrpc.monkey_patch" in called:
            return
        hit = _expansion_hit(
            context,
            node,
            f"`{name}` parses `{code(context, document)}`",
            _document_origin(context, node, document),
        )
        yield from (hit,) if hit else ()
    elif name in _XMLRPC_SERVERS:
        if "defusedxml.xmlrpc.monkey_patch" not in called:
            hit = _expansion_hit(
                context,
                node,
                f"`{name}` parses every request body it receives",
                DataOrigin(Trust.UNTRUSTED, "requests from the network", remote=True),
            )
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
            _document_origin(context, node, document),
        )
        yield from (hit,) if hit else ()


def _resolve_entities(context: ModuleContext, call: ast.Call) -> bool | None:
    """The `resolve_entities` a parser call asks for: True, False ('internal' too), None if unset
    or not a constant."""
    value = context.constant_value(ModuleContext.keyword(call, "resolve_entities"))
    if value == "internal":
        return False
    if isinstance(value, bool | int):
        return bool(value)
    return None


def _lxml_default_hits(
    context: ModuleContext, call: ast.Call, document: ast.expr, parser: str, until: str
) -> Iterator[Hit]:
    """The hit for a parser left at a default only old lxml versions get wrong, unless the
    document is program-made; the lxml version, not the data, sets the confidence."""
    origin = _document_origin(context, call, document)
    if origin.trust is Trust.PROGRAM_MADE:
        return
    yield Hit(
        node=call,
        message=f"`{context.call_name(call)}` parses `{code(context, document)}` "
        f"({origin.phrase}) with {parser}, which resolves external entities on lxml before "
        f'{until}: a `<!ENTITY x SYSTEM "file:///etc/passwd">` in the document reads local '
        "files into the result.",
        confidence=Confidence.LOW if until == "5.0" else None,
    )


@rule(
    id="xml-external-entities",
    needs_untrusted_input=True,
    name="XML parser that resolves external entities",
    cwe=611,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="lxml parsing with entity resolution on (explicitly or by an old default), or SAX "
    "with external entities switched on.",
    fix="Parse untrusted XML with defusedxml, or build the lxml parser with "
    "`etree.XMLParser(resolve_entities=False, no_network=True)` and pass it to every parse call.",
    what_it_does="Reports lxml parsers created with `resolve_entities=True`; lxml `parse`/"
    "`fromstring`/`XML`/`iterparse` (and `lxml.objectify`) on a document not fixed in the source "
    "when the parser leaves `resolve_entities` at its default; and SAX parsers given "
    "`setFeature(feature_external_ges, True)`. Defaults that only old lxml versions get wrong are "
    "reported with lower confidence: before lxml 5.0 for the normal parsers (low), before lxml "
    "6.1 for `iterparse` and `ETCompatXMLParser` (medium).",
    why_bad="An external entity makes the parser read a URI named by the document: "
    '`<!ENTITY x SYSTEM "file:///etc/passwd">` copies a local file into the parsed tree, where '
    "it often ends up in a response; other URIs reach internal services (SSRF).",
    example="from lxml import etree\ntree = etree.fromstring(request.data, "
    "etree.XMLParser(resolve_entities=True))",
    use_instead="from lxml import etree\nPARSER = etree.XMLParser(resolve_entities=False, "
    "no_network=True)\ntree = etree.fromstring(request.data, PARSER)",
    references=(
        "https://lxml.de/parsing.html#parser-options",
        "https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint",
        "https://docs.python.org/3/library/xml.sax.handler.html#xml.sax.handler.feature_external_ges",
        "https://docs.python.org/3/library/xml.html#xml-security",
        "https://cwe.mitre.org/data/definitions/611.html",
    ),
)
def xml_external_entities(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report XML parsers that resolve external entities on documents that may be untrusted."""
    assert isinstance(node, ast.Call)
    if isinstance(node.func, ast.Attribute) and node.func.attr == "setFeature":
        yield from _sax_external_entities(node, context)
        return
    name = library_call_name(node, ("lxml",), context)
    if (name in _LXML_PARSERS or name == _LXML_ITERPARSE) and _resolve_entities(context, node):
        yield Hit(
            node=node,
            message=f"`{code(context, node)}` turns on external entity resolution; any document "
            'it parses can read local files or URLs through `<!ENTITY x SYSTEM "...">`.',
        )
        return
    if name == _LXML_ITERPARSE:
        document = ModuleContext.argument(node, 0, "source")
        unset = _resolve_entities(context, node) is None
        if document is not None and unset and not is_fixed(context, document):
            yield from _lxml_default_hits(context, node, document, "iterparse's default", "6.1")
        return
    if name not in _LXML_PARSE:
        return
    document_at, parser_at = _LXML_PARSE[name]
    document = ModuleContext.argument(node, document_at)
    if document is None or is_fixed(context, document):
        return
    parser = ModuleContext.argument(node, parser_at, "parser")
    if parser is None:
        if "lxml.etree.set_default_parser" not in _called_names(context):
            yield from _lxml_default_hits(context, node, document, "the default parser", "5.0")
        return
    factory = made_by(context, parser, _LXML_PARSERS)
    if factory is None or _resolve_entities(context, factory) is not None:
        return  # an unknown parser, or one whose setting was judged where it was built
    factory_name = context.call_name(factory) or ""
    until = "6.1" if _LXML_PARSERS[factory_name] else "5.0"
    yield from _lxml_default_hits(
        context, node, document, f"a `{factory_name}` left at its default", until
    )


def _sax_external_entities(node: ast.Call, context: ModuleContext) -> Iterator[Hit]:
    """Report `parser.setFeature(feature_external_ges, True)` on a SAX parser."""
    if not context.imports_any(("xml",)) or len(node.args) != 2:
        return
    feature, value = node.args
    named = context.resolve(feature) or context.constant_value(feature)
    if named not in _EXTERNAL_ENTITY_FEATURES:
        return
    if context.constant_value(value) not in (True, 1):
        return
    yield Hit(
        node=node,
        message=f"`{code(context, node)}` makes this SAX parser fetch external entities; any "
        'document it parses can read local files or URLs through `<!ENTITY x SYSTEM "...">`.',
    )
