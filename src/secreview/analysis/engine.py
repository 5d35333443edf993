"""Run pattern rules over one module: one walk of the tree, dispatch by node type."""

from __future__ import annotations

import ast
import functools
import hashlib
import io
import tokenize
from collections import defaultdict
from collections.abc import Iterable

from secreview.analysis.rule import Hit, Rule
from secreview.analysis.taint import AnalysisContext, untrusted_input_reaches
from secreview.cwe import related
from secreview.findings import EvidenceStep, Finding, Location
from secreview.masking import mask_code, mask_prose
from secreview.patterns import lazy_pattern
from secreview.text import snippet_of

_WHITESPACE = lazy_pattern(r"\s+")


def location_of(context: AnalysisContext, node: ast.AST) -> Location:
    """Location of `node`, with columns in characters (`ast` counts UTF-8 bytes)."""
    line = getattr(node, "lineno", 1)
    end_line = getattr(node, "end_lineno", None)
    end_column = getattr(node, "end_col_offset", None)
    return Location(
        path=context.path,
        line=line,
        column=context.character_column(line, getattr(node, "col_offset", 0)),
        end_line=end_line,
        end_column=(
            context.character_column(end_line, end_column)
            if end_line is not None and end_column is not None
            else None
        ),
    )


_LAYOUT_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
)


def normalised_code(code: str) -> str:
    """`code` as its tokens joined by one space: the same for any layout of the same code.

    Re-indenting, trailing spaces, form feeds and line breaks inside brackets change the text
    but not the tokens (comments are layout here too). Code that does not tokenize loses all
    its whitespace instead.
    """
    tokens: list[str] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type not in _LAYOUT_TOKENS and token.string:
                tokens.append(token.string)
    except (tokenize.TokenError, SyntaxError):
        return _WHITESPACE.sub("", code)
    return " ".join(tokens)


def fingerprint(rule_id: str, path: str, scope: str, code: str) -> str:
    """Stable identity of a finding: rule, file, enclosing scope and normalised sink code.

    No line number goes in, so edits above the finding (or moving the function) keep it; the
    code goes in masked (`mask_code`), so the hash cannot be used to test guesses of a secret,
    and normalised (`normalised_code`), so a whitespace-only change keeps it.
    """
    normalised = normalised_code(mask_code(code).text)
    digest = hashlib.sha256("\x1f".join((rule_id, path, scope, normalised)).encode("utf-8"))
    return digest.hexdigest()[:20]


def _finding(rule: Rule, hit: Hit, context: AnalysisContext) -> Finding:
    """The finding for `hit`, every piece of code and prose in it masked (`secreview.masking`).

    Any rule may quote a line holding a password, so masking happens here, where findings get
    their text, and not in the secret rules or in each report format.
    """
    location = location_of(context, hit.node)
    code = context.segment(hit.node)
    known = set(context.secrets_around(hit.node))
    for node, _ in hit.evidence:
        known.update(context.secrets_around(node))
    evidence = tuple(
        EvidenceStep(location=location_of(context, node), note=mask_prose(note, known))
        for node, note in hit.evidence
    )
    return Finding(
        rule_id=rule.id,
        cwe=rule.cwe,
        severity=hit.severity or rule.severity,
        confidence=hit.confidence or rule.confidence,
        location=location,
        message=mask_prose(hit.message, known),
        fix=mask_prose(hit.fix, known) if hit.fix else rule.fix,
        evidence=evidence,
        fingerprint=fingerprint(
            rule.id, context.identity or context.path, context.qualified_scope(hit.node), code
        ),
        snippet=snippet_of(mask_code(code, known).text),
    )


def run_rules(context: AnalysisContext, rules: Iterable[Rule]) -> tuple[list[Finding], list[str]]:
    """Every finding the rules report on the module (deduplicated, in source order), and crashes.

    A pattern finding that a data-flow finding on its line already reports is dropped
    (`without_superseded`).
    """
    rule_list = tuple(rules)
    raw, crashes = rule_findings(context, rule_list)
    return without_superseded(raw, flow_rule_ids(rule_list)), crashes


def flow_rule_ids(rules: Iterable[Rule]) -> frozenset[str]:
    """The ids of the data-flow rules among `rules` (their findings supersede pattern ones)."""
    return frozenset(r.id for r in rules if r.follows_data_flow)


def rule_findings(
    context: AnalysisContext, rules: Iterable[Rule]
) -> tuple[list[Finding], list[str]]:
    """What the rules report on the module, before superseding, and the rules that crashed.

    Findings come in the order they were found (a rule's own findings in source order) with
    duplicates of one rule, line, column and message removed, so the findings of two disjoint
    sets of rules, joined, are those of the two sets run together: the cross-module pass runs
    again only the rules that consult other modules and joins the others' first-pass findings.
    A rule that raises is recorded as one message naming the rule and line, after the other
    rules ran, so a bug in one rule costs that rule's findings on that node and nothing else.
    The tree is walked once: each node goes to the rules of its type, and a call only to the
    rules that judge every call or name it (`Rule.calls`) or its method (`Rule.methods`), among
    those whose modules the module imports (`Rule.call_imports`); a rule whose
    `Rule.text_words` the module's text lacks does not run on it at all.
    """
    text = context.text
    table = _dispatch_table(
        tuple(r for r in rules if not r.text_words or any(w in text for w in r.text_words))
    )
    calls = table.calls_in(context)
    findings: dict[tuple[str, int, int, str], Finding] = {}
    crashes: list[str] = []
    # The loop runs for every node of every module: its look-ups are hoisted into locals.
    call_type, constant_type, name_type = ast.Call, ast.Constant, ast.Name
    for_call, for_constant = calls.for_call, table.for_constant
    by_name_of, by_type = table.by_name_of, table.by_type.get
    for node in context.nodes:
        node_type = type(node)
        if node_type is call_type:
            candidates = for_call(node, context)  # type: ignore[arg-type]
        elif node_type is constant_type:
            candidates = for_constant(type(node.value))  # type: ignore[attr-defined]
        elif node_type in by_name_of:
            words, unnamed = by_name_of[node_type]
            name = node.id if node_type is name_type else node.attr  # type: ignore[attr-defined]
            candidates = words.get(name, unnamed)
        else:
            candidates = by_type(node_type)
            if candidates is None:
                continue
        for each in candidates:
            try:
                for hit in each.check(node, context):
                    if (
                        each.needs_untrusted_input
                        and not hit.reads_file
                        and _proven_harmless(context, hit.node, hit.judged)
                    ):
                        continue
                    finding = _finding(each, hit, context)
                    key = (
                        each.id,
                        finding.location.line,
                        finding.location.column,
                        finding.message,
                    )
                    findings.setdefault(key, finding)
            except Exception as error:  # a rule bug must not lose the rest of the file
                line = getattr(node, "lineno", "?")
                crashes.append(f"rule {each.id} failed at line {line}: {error!r}")
    return list(findings.values()), crashes


@functools.lru_cache(maxsize=32)
def _dispatch_table(rules: tuple[Rule, ...]) -> _DispatchTable:
    """The table of `rules`, built once per process for each set of rules (the first pass and
    the second review each run one set, less the rules whose `Rule.text_words` a module lacks:
    a tree gives few such sets)."""
    return _DispatchTable(rules)


class _DispatchTable:
    """Which rules see which node, built once per set of rules (`_dispatch_table`) so the loop
    over every node of every module does look-ups instead of testing each rule's filters on
    every node.

    Nodes other than calls go to the rules visiting their exact type. Calls go through a
    `_CallTable` of the rules whose `Rule.call_imports` the module meets, one per combination
    of unmet imports met so far (a tree has few).
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = tuple(rules)
        by_type: dict[type[ast.AST], list[Rule]] = defaultdict(list)
        for each in self._rules:
            for node_type in each.visits:
                if node_type is not ast.Call:
                    by_type[node_type].append(each)
        self.by_type = dict(by_type)
        self.by_name_of = {
            node_type: _by_name(by_type[node_type])
            for node_type in (ast.Name, ast.Attribute)
            if any(each.names for each in by_type.get(node_type, ()))
        }
        """For `Name` and `Attribute` nodes, when a rule visiting them names its identifiers
        (`Rule.names`): the rules by identifier, and those for any other identifier."""
        self._by_value_type: dict[type, list[Rule]] = {}
        self._gates = sorted({each.call_imports for each in self._rules if each.call_imports})
        self._call_tables: dict[tuple[tuple[str, ...], ...], _CallTable] = {}

    def for_constant(self, value_type: type) -> list[Rule]:
        """The rules a constant of `value_type` goes to (`Rule.constants`), in rule order."""
        found = self._by_value_type.get(value_type)
        if found is None:
            found = self._by_value_type[value_type] = [
                each
                for each in self.by_type.get(ast.Constant, ())
                if not each.constants or issubclass(value_type, each.constants)
            ]
        return found

    def calls_in(self, context: AnalysisContext) -> _CallTable:
        """The call table of `context`'s module: without the rules whose imports it lacks."""
        unmet = tuple(gate for gate in self._gates if not context.imports_any(gate))
        table = self._call_tables.get(unmet)
        if table is None:
            table = self._call_tables[unmet] = _CallTable(
                each
                for each in self._rules
                if ast.Call in each.visits and each.call_imports not in unmet
            )
        return table


def _by_name(rules: list[Rule]) -> tuple[dict[str, list[Rule]], list[Rule]]:
    """The rules a node of each watched identifier goes to (in rule order), and those every
    other identifier goes to (the rules naming none)."""
    unnamed = [each for each in rules if not each.names]
    words = sorted({word for each in rules for word in each.names})
    return {w: [r for r in rules if not r.names or w in r.names] for w in words}, unnamed


class _CallTable:
    """The rules judging calls, by what they ask of a call.

    A call goes, in rule order, to the rules that judge every call, to those naming its
    method (`Rule.methods`), to those naming its resolved name (`Rule.calls`), the name
    resolved once for all of them, and to those naming one of its keywords
    (`Rule.call_keywords`).
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        every_call: list[tuple[int, Rule]] = []
        by_method: dict[str, list[tuple[int, Rule]]] = defaultdict(list)
        by_name: dict[str, list[tuple[int, Rule]]] = defaultdict(list)
        by_keyword: dict[str, list[tuple[int, Rule]]] = defaultdict(list)
        for order, each in enumerate(rules):
            if not (each.calls or each.methods):
                every_call.append((order, each))
                continue
            for method in each.methods:
                by_method[method].append((order, each))
            for name in each.calls:
                by_name[name].append((order, each))
            for keyword in each.call_keywords:
                by_keyword[keyword].append((order, each))
        self._every_call = every_call
        self._by_method = dict(by_method)
        self._by_name = dict(by_name)
        self._by_keyword = dict(by_keyword)
        self._plain_call = [each for _, each in every_call]

    def for_call(self, call: ast.Call, context: AnalysisContext) -> list[Rule]:
        """The rules `call` goes to, in rule order, each once."""
        func = call.func
        by_method = self._by_method.get(func.attr) if isinstance(func, ast.Attribute) else None
        by_name = self._by_name.get(context.call_name(call)) if self._by_name else None
        by_keyword = (
            [r for k in call.keywords if k.arg for r in self._by_keyword.get(k.arg, ())]
            if self._by_keyword and call.keywords
            else None
        )
        if not by_method and not by_name and not by_keyword:
            return self._plain_call
        chosen = {order: each for order, each in (*self._every_call, *(by_method or ()))}
        chosen.update(by_name or ())
        chosen.update(by_keyword or ())
        return [chosen[order] for order in sorted(chosen)]


def _reads_only_local_values(
    context: AnalysisContext, call: ast.Call, judged: ast.AST | None = None
) -> bool:
    """Whether the call's arguments (or only the one `judged`) read only local variables and
    constants.

    A module global or an imported name is outside what one module's data flow can vouch for,
    so a call reading one stays reported. Functions being called (`shlex.quote(x)`) are not
    values and do not count.
    """
    arguments = (judged,) if judged is not None else (*call.args, *(k.value for k in call.keywords))
    called = {
        id(inner)
        for argument in arguments
        for node in ast.walk(argument)
        if isinstance(node, ast.Call) and node is not call
        for inner in ast.walk(node.func)
    }
    for argument in arguments:
        for node in ast.walk(argument):
            if (
                isinstance(node, ast.Name)
                and id(node) not in called
                and not context.is_local_name(node)
                and not context.is_constant(node)
            ):
                return False
    return True


def _proven_harmless(
    context: AnalysisContext, node: ast.AST, judged: ast.AST | None = None
) -> bool:
    """Data flow shows only constants, sanitised or cast local values reach this call (or the
    one argument of it the rule `judged`)."""
    return (
        isinstance(node, ast.Call)
        and _reads_only_local_values(context, node, judged)
        and untrusted_input_reaches(context, judged if judged is not None else node) is False
    )


def without_superseded(findings: Iterable[Finding], flow_rules: frozenset[str]) -> list[Finding]:
    """Drop pattern findings that a data-flow finding on the same line already reports.

    A pattern rule and a taint rule often see one defect (`shell=True` with a built string, and
    request data reaching that very call); the reviewer wants it once, with the path as evidence.
    Distinct defects on one line (a DES cipher *and* ECB mode) both stay.
    """
    findings = list(findings)
    flows: dict[int, list[int]] = {}
    for finding in findings:
        if finding.rule_id in flow_rules:
            flows.setdefault(finding.location.line, []).append(finding.cwe)
    return sorted(
        (
            f
            for f in findings
            if f.rule_id in flow_rules
            or not any(related(f.cwe, cwe) for cwe in flows.get(f.location.line, ()))
        ),
        key=Finding.sort_key,
    )
