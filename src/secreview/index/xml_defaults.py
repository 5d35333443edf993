"""Modules that make lxml's default parser safe: `etree.set_default_parser(etree.XMLParser(
resolve_entities=False))`.

lxml parses with its default parser whenever `fromstring`, `XML` or `parse` is given none. A
package that installs a parser refusing entities as that default when its XML module is
imported (OWSLib's `owslib/etree.py`, the fix of CVE-2023-27476) has every such call of the
modules importing it parse without external entities. The call may sit in a helper the module
runs at import; a module that only defines such a helper without running it is rare enough to be
taken as setting it. lxml keeps the default per thread: a thread other than the importing one
gets lxml's own default back, which resolves no external entities since lxml 5.0.
"""

from __future__ import annotations

import ast

from secreview.index.context import ModuleContext

_SETTER = "lxml.etree.set_default_parser"


def sets_safe_xml_default(context: ModuleContext) -> bool:
    """Whether the module installs a parser with `resolve_entities=False` as lxml's default
    (the parser built in the call, or assigned once to a module-level name)."""
    if "set_default_parser" not in context.text:
        return False
    for node in context.nodes:
        if not (isinstance(node, ast.Call) and context.call_name(node) == _SETTER):
            continue
        parser = ModuleContext.argument(node, 0, "parser")
        if isinstance(parser, ast.Name):
            parser = context.module_constants.get(parser.id)
        if isinstance(parser, ast.Call) and _refuses_entities(context, parser):
            return True
    return False


def safe_parser_names(context: ModuleContext) -> tuple[str, ...]:
    """The module-level names bound once to an lxml parser with `resolve_entities=False`
    (pycsw's `pycsw.core.etree.PARSER`, which its docstring asks every module to parse with):
    another module importing one parses safely with it (`ProjectIndex.safe_parsers`)."""
    if "resolve_entities" not in context.text:
        return ()
    return tuple(
        sorted(
            name
            for name, value in context.module_constants.items()
            if isinstance(value, ast.Call) and _refuses_entities(context, value)
        )
    )


def _refuses_entities(context: ModuleContext, parser: ast.Call) -> bool:
    """`etree.XMLParser(..., resolve_entities=False)`: a parser that expands no entity."""
    return context.call_name(parser) == "lxml.etree.XMLParser" and any(
        k.arg == "resolve_entities" and context.constant_value(k.value) is False
        for k in parser.keywords
    )
