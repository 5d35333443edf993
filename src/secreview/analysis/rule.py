"""What a rule is: its metadata and documentation as data, plus one check function.

A rule sees one node at a time (the node types it asks for) together with the module's
`AnalysisContext` (a `ModuleContext` with the taint engine's inputs), which resolves names
through the module's imports, so `hashlib.new` is matched whatever alias it was imported
under. The check yields `Hit`s; the engine turns them into `Finding`s with location,
fingerprint, CWE and tags, so rules never build findings by hand.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from secreview.cwe import lookup
from secreview.findings import Confidence, Severity

if TYPE_CHECKING:
    from secreview.analysis.taint.context import AnalysisContext


class RuleDoc(NamedTuple):
    """The five sections every rule documents (the habit we copy from Ruff)."""

    what_it_does: str
    why_bad: str
    example: str
    use_instead: str
    references: tuple[str, ...]


class Hit(NamedTuple):
    """What a check reports: the node to point at and what to say about it.

    `evidence` lists (node, note) steps that led here, in order, ending before the sink;
    `fix`, `severity` and `confidence` override the rule's defaults for this one hit.
    `reads_file` says the dangerous data is the contents of a file the call is handed: the data
    flow follows the path, not what the file holds, so "no untrusted flow reaches the call"
    proves nothing about it and does not silence the hit (`needs_untrusted_input`).
    """

    node: ast.AST
    message: str
    fix: str | None = None
    evidence: tuple[tuple[ast.AST, str], ...] = ()
    severity: Severity | None = None
    confidence: Confidence | None = None
    reads_file: bool = False
    judged: ast.AST | None = None
    """The argument of `node` whose data decides (the SQL text, not the parameters bound beside
    it): "no untrusted flow reaches it" silences the hit; None judges the whole call."""


CheckFunction = Callable[[ast.AST, "AnalysisContext"], Iterator[Hit]]


class Rule(NamedTuple):
    """A pattern rule: one CWE, default severity/confidence, its documentation and its check."""

    id: str
    name: str
    cwe: int
    severity: Severity
    confidence: Confidence
    summary: str
    fix: str
    doc: RuleDoc
    visits: tuple[type[ast.AST], ...]
    check: CheckFunction
    applies_in_tests: bool = False
    follows_data_flow: bool = False
    """A taint rule: its findings carry the path from an untrusted source, so on the same line
    they replace a pattern rule's finding of the same (or a related) CWE."""
    needs_untrusted_input: bool = False
    """A pattern rule that reports a call only because its input *might* be chosen by an
    attacker: where data-flow analysis proves that only constants, sanitised or cast values reach
    that call, the finding is dropped."""
    calls: frozenset[str] = frozenset()
    """The resolved names of the only calls the check can report (empty: it judges every call).
    The engine then hands it only calls of those names, resolving each call's name once for all
    such rules instead of every rule resolving every call of the module."""
    methods: frozenset[str] = frozenset()
    """Method names (`anything.NAME(...)`) of further calls the check can report, whatever their
    resolved name: for rules about methods of objects whose type is not known (a response's
    `set_cookie`, a parser's `feed`). With `calls`, a call goes to the check when either matches;
    alone, only calls of these methods do, with no name resolved."""
    call_keywords: frozenset[str] = frozenset()
    """Keyword argument names (`f(..., shell=True)`) of further calls the check can report,
    whatever the called name or the module's imports: for a flag that makes any function
    dangerous (a project's own `execute(cmd, shell=True)`). Needs `calls` or `methods` beside
    it, else the rule still judges every call."""
    call_imports: tuple[str, ...] = ()
    """Modules (prefixes, as `ModuleContext.imports_any` reads them) one of which a module must
    import for the check to judge its calls at all: the check's own first test, declared so the
    engine drops the rule from every call of a module that fails it instead of asking at each
    call. Empty: every module. Nodes of other types the rule visits are not affected."""
    names: frozenset[str] = frozenset()
    """The identifiers of the only `Name` nodes (their `id`) and `Attribute` nodes (their
    `attr`) the check can report, when it visits those types: a tree holds more names than
    any other node, and a rule watching two of them need not be handed the rest. Empty: all."""
    constants: tuple[type, ...] = ()
    """The types of the only `Constant` values the check can report (`str`, `bytes`), when it
    visits constants: half of a tree's constants are numbers, `None` and booleans. Empty: all."""
    text_words: tuple[str, ...] = ()
    """Strings one of which a module's text must hold for the check to report anything there
    (case-sensitive): the check's own first test, declared so the engine leaves the rule out of
    every other module instead of calling it on each node it visits. Empty: every module."""
    default_enabled: bool = True
    """Off by default when False: a rule whose findings on mature code fall short of the
    precision target runs only when a selector names it (its id, a prefix, a CWE or `ALL`),
    as Ruff's rules outside its default set do."""
    uses_project_summaries: bool = False
    """Whether the rule's findings can depend on other modules: it asks the taint analysis
    (`taint_events`, `untrusted_input_reaches`, `data_origin`), which reads the summaries of
    the project's functions. Only such rules run again when the cross-module pass reviews a
    module again; every other rule's first-pass findings stand. `rule()` sets it for taint
    rules and for rules that need untrusted input (the engine asks the analysis for them)."""


def rule(
    *,
    id: str,
    name: str,
    cwe: int,
    severity: Severity,
    confidence: Confidence,
    summary: str,
    fix: str,
    what_it_does: str,
    why_bad: str,
    example: str,
    use_instead: str,
    references: tuple[str, ...],
    visits: tuple[type[ast.AST], ...] = (ast.Call,),
    applies_in_tests: bool = False,
    follows_data_flow: bool = False,
    needs_untrusted_input: bool = False,
    calls: frozenset[str] = frozenset(),
    methods: frozenset[str] = frozenset(),
    call_keywords: frozenset[str] = frozenset(),
    call_imports: tuple[str, ...] = (),
    names: frozenset[str] = frozenset(),
    constants: tuple[type, ...] = (),
    text_words: tuple[str, ...] = (),
    default_enabled: bool = True,
    uses_project_summaries: bool = False,
) -> Callable[[CheckFunction], Rule]:
    """Turn a check function into a `Rule` carrying its metadata and documentation.

    A taint rule, or one that needs untrusted input, always uses the project's summaries;
    `uses_project_summaries` says so for a pattern rule that asks the taint analysis itself.
    """

    lookup(cwe)  # fail at import time if a rule names a CWE MITRE does not have

    def wrap(check: CheckFunction) -> Rule:
        return Rule(
            id=id,
            name=name,
            cwe=cwe,
            severity=severity,
            confidence=confidence,
            summary=summary,
            fix=fix,
            doc=RuleDoc(
                what_it_does=what_it_does,
                why_bad=why_bad,
                example=example,
                use_instead=use_instead,
                references=references,
            ),
            visits=visits,
            check=check,
            applies_in_tests=applies_in_tests,
            follows_data_flow=follows_data_flow,
            needs_untrusted_input=needs_untrusted_input,
            calls=calls,
            methods=methods,
            call_keywords=call_keywords,
            call_imports=call_imports,
            names=names,
            constants=constants,
            text_words=text_words,
            default_enabled=default_enabled,
            uses_project_summaries=(
                uses_project_summaries or follows_data_flow or needs_untrusted_input
            ),
        )

    return wrap
