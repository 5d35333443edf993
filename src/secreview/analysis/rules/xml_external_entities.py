"""CWE-611: XML parsers that resolve external entities (`xml-external-entities`).

lxml (libxml2) resolved external entities by default (`file:///etc/passwd` read into the tree)
until lxml 5.0 made `resolve_entities='internal'` the default for its normal parsers; `iterparse`
and `ETCompatXMLParser` kept the old default until lxml 6.1. So lxml is CWE-611: high severity,
with confidence following how many installed versions still behave that way. The lxml rule
reports any document not shown to be program-made: high when untrusted input reaches the parse;
none when only the program made it (`ElementTree.tostring` of its own tree writes no DOCTYPE) or
when its fixed text starts with an element (`"<root>%s</root>" % text`), since entities can only
be declared in a DOCTYPE before the first element. The standard library's SAX parsers fetch
external entities only when the code switches `feature_external_ges` back on, which is reported
too. The standard library's entity expansion (CWE-776) is `xml_entities.py`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.rules._support.built_strings import is_fixed
from secreview.analysis.rules._support.caller_arguments import unchanged_parameter_default
from secreview.analysis.rules._support.data_origin import Trust
from secreview.analysis.rules._support.library_calls import library_call_name
from secreview.analysis.rules._support.local_bindings import made_by
from secreview.analysis.rules._support.pickle_files import reads_a_file
from secreview.analysis.rules._support.quoting import code
from secreview.analysis.rules._support.xml_documents import called_names, document_origin
from secreview.findings import Confidence, Severity
from secreview.index.context import UNKNOWN, ModuleContext

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


def _resolve_entities(context: ModuleContext, call: ast.Call) -> bool | None:
    """The `resolve_entities` a parser call asks for: True, False ('internal' too), None if unset
    or not a constant. A value passed on from a parameter of the enclosing function
    (`resolve_entities=resolve_entities`) is its default, what every caller that does not pass
    it gets; a caller passing True is judged at its own call."""
    given = ModuleContext.keyword(call, "resolve_entities")
    value = context.constant_value(given)
    if value is UNKNOWN and given is not None:
        value = unchanged_parameter_default(context, given, call)
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
    origin = document_origin(context, call, document)
    if origin.trust is Trust.PROGRAM_MADE:
        return
    yield Hit(
        node=call,
        message=f"`{context.call_name(call)}` parses `{code(context, document)}` "
        f"({origin.phrase}) with {parser}, which resolves external entities on lxml before "
        f'{until}: a `<!ENTITY x SYSTEM "file:///etc/passwd">` in the document reads local '
        "files into the result.",
        confidence=Confidence.LOW if until == "5.0" else None,
        # an opened file's text is what is parsed: the data flow follows only its path
        reads_file=reads_a_file(context, document),
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
    "when the parser leaves `resolve_entities` at its default (a value passed on from a parameter "
    "of the function counts as that parameter's default, what callers that do not pass it get); "
    "and SAX parsers given "
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
    call_imports=("lxml", "xml"),
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
        if "lxml.etree.set_default_parser" not in called_names(context):
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
