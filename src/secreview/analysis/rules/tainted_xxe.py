"""CWE-611 by data flow: untrusted XML parsed with external entities on (`tainted-xxe`).

Its pattern twins, which judge the parser alone, are in `xml_entities.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

tainted_xxe = taint_rule(
    TaintSpec("xxe", "external entities in the document read local files or reach internal hosts."),
    id="tainted-xxe",
    name="XML external entities: untrusted XML parsed with entity resolution",
    cwe=611,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    summary="Untrusted XML is parsed by a parser that resolves external entities.",
    fix="Parse with `defusedxml`, or with `lxml.etree.XMLParser(resolve_entities=False, "
    "no_network=True)`.",
    what_it_does="Follows untrusted data to lxml `fromstring`/`XML`/`parse` without a parser "
    "that disables entity resolution, and to SAX/pulldom parsing with external entities on.",
    why_bad="`<!ENTITY x SYSTEM 'file:///etc/passwd'>` makes the parser read the file into the "
    "document (CWE-611).",
    example="doc = etree.fromstring(request.data)",
    use_instead="doc = defusedxml.lxml.fromstring(request.data)",
    references=(
        "https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint",
        "https://github.com/tiran/defusedxml",
        "https://cwe.mitre.org/data/definitions/611.html",
    ),
)
