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
from collections.abc import Callable, Iterable

from secreview.index.context import ModuleContext

_SETTER = "lxml.etree.set_default_parser"
BUILT_SAFE = "lxml.SafeParser"
"""What `parser_field_stores` records for a store of a parser built, here, to refuse entities."""
_SAFE_BUILDERS = frozenset({"defusedxml.lxml.XMLParser", "lxml.etree.HTMLParser"})


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


def parser_field_stores(context: ModuleContext) -> tuple[tuple[str, str], ...]:
    """Each store into an attribute named like a parser (`self.parser = PARSER`, a class body's
    `xml_parser = ...`), as (attribute, what it stores): `BUILT_SAFE` for a parser refusing
    entities built here (in place or as a module-level name), the qualified name of an imported
    name (resolved against the project's safe parsers later), else "" (anything else: a
    parameter, another call, an unpacking).

    pycsw keeps its `PARSER` on a configuration object (`self.parser = PARSER`) and parses with
    `context.parser` in functions whose `context` parameter has no annotation: only a
    project-wide look at every store into that field can say it always holds a safe parser."""
    if "parser" not in context.text.lower():
        return ()
    stores: list[tuple[str, str]] = []
    for node in context.nodes:
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            name = node.attr
        elif (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and isinstance(context.parent(context.parent(node)), ast.ClassDef)
        ):
            name = node.id  # a class attribute, read through its instances
        else:
            continue
        if "parser" in name.lower():
            stores.append((name, _stored(context, node)))
    return tuple(sorted(set(stores)))


def _stored(context: ModuleContext, target: ast.expr) -> str:
    """What a store into a parser field puts there (`parser_field_stores`)."""
    statement = context.parent(target)
    if not isinstance(statement, ast.Assign | ast.AnnAssign) or statement.value is None:
        return ""  # an unpacking, a loop or `with` target, an augmented assignment
    value = statement.value
    if isinstance(value, ast.Name) and value.id in context.module_constants:
        value = context.module_constants[value.id]
    if isinstance(value, ast.Call) and (
        _refuses_entities(context, value) or context.call_name(value) in _SAFE_BUILDERS
    ):
        return BUILT_SAFE
    return context.resolve(value) or "" if isinstance(value, ast.Name | ast.Attribute) else ""


def safe_parser_fields(
    stores: Iterable[tuple[str, str]],
    safe_parsers: frozenset[str],
    defining_name: Callable[[str], str],
) -> frozenset[str]:
    """The parser fields every store in the project fills with a parser refusing entities
    (`parser_field_stores`): `anything.<field>` handed to a parse is then safe, whatever the
    object's type. One store of anything else (a parameter, a default parser) rules it out."""
    verdicts: dict[str, bool] = {}
    for name, stored in stores:
        safe = stored == BUILT_SAFE or (bool(stored) and defining_name(stored) in safe_parsers)
        verdicts[name] = verdicts.get(name, True) and safe
    return frozenset(name for name, safe in verdicts.items() if safe)


def _refuses_entities(context: ModuleContext, parser: ast.Call) -> bool:
    """`etree.XMLParser(..., resolve_entities=False)`: a parser that expands no entity."""
    return context.call_name(parser) == "lxml.etree.XMLParser" and any(
        k.arg == "resolve_entities" and context.constant_value(k.value) is False
        for k in parser.keywords
    )
