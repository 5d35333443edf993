"""Whether lxml's default parser refuses entities where a module parses.

`lxml.etree.fromstring(doc)` with no parser uses lxml's default, which resolves entities: the
`xxe` sink model reports it unless a safe parser is passed. A project that installs an
entity-refusing parser as that default (`secreview.index.xml_defaults`) makes the call safe in
that module and in every module importing it (`ProjectIndex.safe_xml_modules`), as OWSLib's
parse modules import its `owslib.etree`.
"""

from __future__ import annotations

from secreview.analysis.taint.summaries import ProjectIndex
from secreview.index.context import ModuleContext
from secreview.index.facts import imported_modules, is_package_file
from secreview.index.xml_defaults import sets_safe_xml_default


def default_parser_safe(context: ModuleContext, module: str | None, project: ProjectIndex) -> bool:
    """Whether a parse without a parser in this module uses an entity-refusing default."""
    if context.derived(sets_safe_xml_default):
        return True
    setters = project.safe_xml_modules
    if not setters or not module:
        return False
    imported = imported_modules(context.import_statements, module, is_package_file(context.path))
    return not imported.isdisjoint(setters)
