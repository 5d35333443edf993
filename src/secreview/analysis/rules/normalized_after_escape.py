"""CWE-180: text escaped or sanitised first, then put into Unicode compatibility form (NFKC/NFKD).

Compatibility normalisation maps look-alike characters onto ASCII ones: U+FE64 and U+FF1C
(small and fullwidth less-than) become `<`, U+FE65 and U+FF1E become `>`, U+FF02 and U+FF07
become `"` and `'` (Unicode UAX #15; Python's `unicodedata.normalize`). An escaper or sanitiser
leaves those characters alone, since they mean nothing in markup, a shell or SQL; normalising its
output afterwards turns them into the very characters it removed, so `\ufe64script\ufe65`
survives the sanitiser and leaves the function as `<script>` (Unicode TR #36 3.1: normalise
*before* validating). The canonical forms (NFC, NFD) map none of them and are not reported.

The value normalised is followed back through the function's own assignments (the last one
before the call of each name it is made from, a few steps deep); it is reported when one of them
is an escaping or sanitising call: a known one (`html.escape`, `markupsafe.escape`,
`bleach.clean`, `nh3.clean`, lxml's `tostring` and `clean_html`, Django's `escape`,
`shlex.quote`, ...) or one whose name says it (`sanitize_html`, `escape_markup`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from secreview.analysis.rule import Hit, rule
from secreview.analysis.taint.name_words import words_of
from secreview.findings import Confidence, Severity
from secreview.index.context import ModuleContext

_COMPATIBILITY_FORMS = frozenset({"NFKC", "NFKD"})
"""The normal forms that apply compatibility mappings (fullwidth and small forms to ASCII)."""
_ESCAPERS = frozenset(
    {
        "html.escape",
        "cgi.escape",
        "markupsafe.escape",
        "markupsafe.Markup.escape",
        "bleach.clean",
        "bleach.linkify",
        "nh3.clean",
        "xml.sax.saxutils.escape",
        "xml.sax.saxutils.quoteattr",
        "lxml.html.tostring",
        "lxml.etree.tostring",
        "lxml.html.clean.clean_html",
        "lxml_html_clean.clean_html",
        "django.utils.html.escape",
        "django.utils.html.conditional_escape",
        "django.utils.html.strip_tags",
        "django.utils.html.format_html",
        "shlex.quote",
    }
)
"""Calls whose result is text made safe for markup or a shell, or serialised markup."""
_NOT_ESCAPERS = frozenset({"re.escape", "regex.escape", "glob.escape"})
"""Escapers for a pattern language, whose output is never markup or a command."""
_ESCAPING_WORDS = frozenset({"escape", "sanitize", "sanitise", "sanitized", "sanitised"})
"""Words of a function's name that say it escapes or sanitises (`sanitize_html`, `escape_js`)."""
_ESCAPING_METHODS = frozenset({"clean_html", "strip_tags", "quoteattr"})
"""Method names that escape or sanitise whatever their receiver (`cleaner.clean_html(doc)`)."""
_DEPTH = 6
"""How many assignments back the value is followed."""


def _is_escaping_call(call: ast.Call, context: ModuleContext) -> bool:
    """Whether `call` escapes or sanitises: a known escaper, or a function named for it."""
    resolved = context.call_name(call)
    if resolved in _ESCAPERS:
        return True
    if resolved in _NOT_ESCAPERS:
        return False
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in _ESCAPING_METHODS or bool(words_of(name) & _ESCAPING_WORDS)


def _assignments_to(function: ast.AST, name: str) -> list[tuple[int, ast.expr]]:
    """(line, value) of each plain assignment to `name` in `function`, nested functions out."""
    found: list[tuple[int, ast.expr]] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                found.append((node.lineno, node.value))
        elif (
            isinstance(node, ast.AnnAssign | ast.NamedExpr)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and node.value is not None
        ):
            found.append((node.lineno, node.value))
    return found


def _escaped(
    value: ast.expr,
    line: int,
    function: ast.AST,
    context: ModuleContext,
    depth: int = 0,
) -> ast.Call | None:
    """The escaping call `value` (an expression on `line`) is made from, following each name it
    reads to that name's last assignment before `line`, or None."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and _is_escaping_call(node, context):
            return node
    if depth >= _DEPTH:
        return None
    for name in {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}:
        earlier = [(at, v) for at, v in _assignments_to(function, name) if at < line]
        if earlier:
            at, source = max(earlier, key=lambda pair: pair[0])
            found = _escaped(source, at, function, context, depth + 1)
            if found is not None:
                return found
    return None


@rule(
    id="normalized-after-escape",
    name="Unicode compatibility normalisation after escaping or sanitising",
    cwe=180,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    summary="Text that was escaped or sanitised is then normalised with NFKC/NFKD, which turns "
    "fullwidth and small look-alikes back into `<`, `>`, quotes and other characters the "
    "escaper removed.",
    fix="Normalise the input first, then escape or sanitise the normalised text (or use NFC, "
    "which maps no look-alike onto ASCII).",
    what_it_does="Reports `unicodedata.normalize('NFKC' or 'NFKD', text)` when `text` is, or "
    "is made through the function's earlier assignments from, the result of an escaping or "
    "sanitising call: `html.escape`, `markupsafe.escape`, `bleach.clean`, `nh3.clean`, lxml's "
    "`tostring`/`clean_html`, Django's `escape`/`strip_tags`, `xml.sax.saxutils.escape`, "
    "`shlex.quote`, or a function named for it (`sanitize_html`, `escape_markup`). Text "
    "normalised before it is escaped, and the NFC/NFD forms, are not reported.",
    why_bad="An escaper leaves U+FE64/U+FF1C and U+FE65/U+FF1E alone (they are not markup); "
    "NFKC maps them to `<` and `>`, so `\\uFE64script\\uFE65` passes the sanitiser and comes "
    "out as `<script>`: the check ran on a form of the text the program does not use "
    "(validate before canonicalize, CWE-180; here cross-site scripting).",
    example="html = bleach.clean(text, tags=ALLOWED)\nreturn unicodedata.normalize('NFKC', html)",
    use_instead="text = unicodedata.normalize('NFKC', text)\n"
    "return bleach.clean(text, tags=ALLOWED)",
    references=(
        "https://cwe.mitre.org/data/definitions/180.html",
        "https://www.unicode.org/reports/tr36/#Canonical_Represenation",
        "https://docs.python.org/3/library/unicodedata.html#unicodedata.normalize",
        "https://nvd.nist.gov/vuln/detail/CVE-2024-34078",
    ),
    calls=frozenset({"unicodedata.normalize"}),
    call_imports=("unicodedata",),
)
def normalized_after_escape(node: ast.AST, context: ModuleContext) -> Iterator[Hit]:
    """Report a compatibility normalisation of text an escaper or sanitiser produced."""
    assert isinstance(node, ast.Call)
    form = context.constant_value(node.args[0]) if len(node.args) == 2 else None
    if not isinstance(form, str) or form not in _COMPATIBILITY_FORMS:
        return
    function = context.enclosing_function(node)
    if function is None:
        return
    escaping = _escaped(node.args[1], node.lineno, function, context)
    if escaping is None:
        return
    yield Hit(
        node,
        f"`{context.one_line(escaping, 40)}` is normalised to a compatibility form afterwards: "
        "fullwidth and small look-alikes become `<`, `>` and quotes again, after the escaping.",
        evidence=((escaping, "escaped or sanitised here"),),
    )
