"""CWE-643 by data flow: untrusted input in an XPath expression (`xpath-injection`)."""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

xpath_injection = taint_rule(
    TaintSpec("xpath", "quotes in the input rewrite the XPath query."),
    id="xpath-injection",
    name="XPath injection: untrusted input in an XPath expression",
    cwe=643,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="An XPath expression is built from untrusted input.",
    fix="Keep the expression constant and pass values as XPath variables: "
    "`tree.xpath('//user[@name=$name]', name=value)`.",
    what_it_does="Follows untrusted data into lxml `xpath`/`XPath` and ElementTree "
    "`find`/`findall`/`findtext`/`iterfind` paths.",
    why_bad="`' or '1'='1` selects every node, disclosing data the query was meant to filter "
    "(CWE-643).",
    example='root.xpath("//user[@name=\'" + name + "\']")',
    use_instead="root.xpath('//user[@name=$name]', name=name)",
    references=(
        "https://lxml.de/xpathxslt.html#the-xpath-method",
        "https://cwe.mitre.org/data/definitions/643.html",
    ),
)
