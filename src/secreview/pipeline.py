"""Review one file: read -> parse -> analyse -> findings in context.

This is the unit of work a worker process runs; it never raises for bad input, it returns a
`FileReport` whose `error` says what went wrong, so the rest of the scan always goes on.
"""

from __future__ import annotations

import fnmatch
from functools import cache
from pathlib import Path

from secreview.analysis.engine import fingerprint, flow_rule_ids, rule_findings, without_superseded
from secreview.analysis.models import Models, default_models, load_models, modelled_names
from secreview.analysis.rule import Rule
from secreview.analysis.rules import ALL_RULES
from secreview.analysis.rules.suppression_comments import RULE_ID as BAD_SUPPRESSION
from secreview.analysis.taint import (
    AnalysisContext,
    ProjectIndex,
    TaintSetup,
    may_read_network_input,
    reads_remote_input,
    taint_notes,
)
from secreview.analysis.taint.stubs import classes_with_stubs
from secreview.config import ScanConfig, ignored_rules_for
from secreview.context.devonly import rate_development_only
from secreview.context.maintenance import maintainer_script, management_command
from secreview.context.suppression_problems import suppression_problem
from secreview.context.suppressions import Suppression, apply_suppressions, find_suppressions
from secreview.context.testcode import is_test_code
from secreview.findings import ErrorKind, FileError, FileReport, Finding, Location
from secreview.index.choices import choice_bases
from secreview.index.decorator_fills import decorator_fills
from secreview.index.facts import (
    ModuleFacts,
    imported_modules,
    is_package_file,
    relative_import_base,
    spelled_and_defined,
)
from secreview.index.keyword_fields import keyword_classes
from secreview.index.model_text import own_text_classes
from secreview.index.node_types import grouped_nodes
from secreview.index.pyramid_routes import pyramid_routes
from secreview.index.reexports import module_bindings
from secreview.index.request_handoffs import request_handoffs
from secreview.index.urlconf import url_routes
from secreview.index.xml_defaults import (
    parser_field_stores,
    safe_parser_names,
    sets_safe_xml_default,
)
from secreview.masking import mask_code
from secreview.parse import parse_module
from secreview.sources.reading import UnreadableSourceError, read_source

TEST_CODE_TAG = "test-code"
NOTE_TAG = "note"


def active_rules(config: ScanConfig) -> tuple[Rule, ...]:
    """The rules this configuration runs, in id order (with no selection, those on by default)."""
    return tuple(
        r
        for r in ALL_RULES
        if r.id not in config.disabled_rules
        and (r.default_enabled if config.enabled_rules is None else r.id in config.enabled_rules)
    )


def _in_context(finding: Finding, rule: Rule, is_test: bool, config: ScanConfig) -> Finding:
    """Tag test-code findings; they become notes unless the rule matters everywhere."""
    if not is_test:
        return finding
    tags = [TEST_CODE_TAG]
    if not (rule.applies_in_tests or config.include_tests):
        tags.append(NOTE_TAG)
    return finding._replace(tags=tuple(tags))


def _suppression_finding(
    rule: Rule, suppression: Suppression, path: str, identity: str, message: str
) -> Finding:
    """A finding of the suppression rule, pointing at the comment itself (secrets masked)."""
    comment = mask_code(suppression.text).text
    return Finding(
        rule_id=rule.id,
        cwe=rule.cwe,
        severity=rule.severity,
        confidence=rule.confidence,
        location=Location(
            path, suppression.line, suppression.column, suppression.line, suppression.end_column
        ),
        message=message,
        fix=rule.fix,
        fingerprint=fingerprint(rule.id, identity, "", f"{comment}\x1f{message}"),
        snippet=comment,
    )


def _suppressed(
    findings: list[Finding],
    text: str,
    path: str,
    rules: dict[str, Rule],
    config: ScanConfig,
    identity: str,
) -> list[Finding]:
    """Drop suppressed findings; report suppressions without a reason and, if asked, unused ones.

    The suppression rule's own findings cannot be suppressed: the fix is to write the reason.
    """
    suppressions = find_suppressions(text, honour_nosec=config.honour_nosec)
    if not suppressions:
        return findings
    kept, used = apply_suppressions(findings, suppressions)
    meta = rules.get(BAD_SUPPRESSION)
    if meta is None:
        return kept
    for suppression in suppressions:

        def flagged(message: str, suppression: Suppression = suppression) -> Finding:
            return _suppression_finding(meta, suppression, path, identity, message)

        if problem := suppression_problem(suppression):
            kept.append(flagged(problem))
            continue
        if suppression.kind == "secreview" and not suppression.reason:
            kept.append(
                flagged("This suppression gives no reason, so the next reviewer cannot judge it.")
            )
        if config.report_unused_suppressions:
            names = suppression.rule_ids or ("*",)
            unused = [name for name in names if (suppression.line, name) not in used]
            if unused:
                shown = "every rule (# nosec)" if names == ("*",) else ", ".join(unused)
                kept.append(
                    flagged(
                        f"This suppression of {shown} matches no finding; delete it before it "
                        "hides the next real defect on this line."
                    )
                )
    return sorted(kept, key=Finding.sort_key)


def _shown(finding: Finding, config: ScanConfig) -> bool:
    """Whether the finding is at or above `--min-severity` and `--min-confidence`."""
    return finding.severity >= config.min_severity and finding.confidence >= config.min_confidence


def _with_severity(finding: Finding, config: ScanConfig) -> Finding:
    """The finding at the severity the configuration sets for its rule, if it sets one."""
    for rule_id, severity in config.severity_overrides:
        if rule_id == finding.rule_id:
            return finding._replace(severity=severity)
    return finding


@cache
def models_for(directories: tuple[str, ...]) -> Models:
    """The taint models with the user's directories, loaded once per process.

    Without directories these are the built-in models the engine already loads, not a copy.
    """
    return load_models(Path(d) for d in directories) if directories else default_models()


@cache
def library_names(directories: tuple[str, ...]) -> frozenset[str]:
    """The library names the models (with the user's `directories`) and the rules know, for a
    module's several star imports (`ModuleContext.library_names`); once per process."""
    rule_names = (name for rule in ALL_RULES for name in rule.calls)
    return modelled_names(models_for(directories)).union(rule_names)


def _module_facts(context: AnalysisContext, module: str, reads_remote: bool) -> ModuleFacts:
    """What the scanner plans the cross-module pass with, for the module `context` holds."""
    spelled, defines = spelled_and_defined(grouped_nodes(context))
    is_package = is_package_file(context.path)
    return ModuleFacts(
        module=module,
        reads_remote_input=reads_remote,
        imports=imported_modules(context.import_statements, module, is_package),
        spelled=spelled,
        defines=defines,
        bindings=module_bindings(context.tree, module, is_package),
        choice_bases=choice_bases(context.tree),
        decorator_fills=decorator_fills(context.tree, context.text),
        keyword_classes=keyword_classes(context.tree),
        url_routes=url_routes(context, module),
        pyramid_routes=pyramid_routes(context, module),
        request_handoffs=request_handoffs(context, module),
        safe_xml_default=context.derived(sets_safe_xml_default),
        safe_parsers=context.derived(safe_parser_names),
        parser_fields=context.derived(parser_field_stores),
        stub_classes=classes_with_stubs(context.tree),
        own_text_classes=own_text_classes(context.tree),
    )


def review_source(
    text: str,
    path: str,
    config: ScanConfig | None = None,
    *,
    module: str = "",
    project: ProjectIndex | None = None,
    identity: str = "",
    local_findings: tuple[Finding, ...] | None = None,
) -> FileReport:
    """Review Python source `text` shown as `path`; never raises for any input text.

    `module` is the file's dotted name in its project (for relative imports) and `project` the
    summaries of the project's functions, when the scanner computed them (cross-module taint);
    `identity` its repository-relative name for fingerprints (default: `path`). With
    `project`, `local_findings` are the first pass's `FileReport.local_findings`: only the rules
    that use the project's summaries run again, the others' findings are these.
    """
    config = config or ScanConfig()
    outcome = parse_module(text, path)
    is_test = is_test_code(path, outcome.tree) or any(
        fnmatch.fnmatch(path, pattern) for pattern in config.test_paths
    )
    if outcome.tree is None:
        return FileReport(
            path=path,
            error=FileError(path, f"{outcome.error}; the file was not reviewed", ErrorKind.SYNTAX),
            is_test=is_test,
            reviewed=False,
        )
    ignored_here = ignored_rules_for(path, config)
    rules = tuple(r for r in active_rules(config) if r.id not in ignored_here)
    # A script beside the package (`setup.py`, `docs/` helpers) is a program, not its API.
    script = path in config.project_scripts
    threat_model = "web" if script and config.threat_model == "library" else config.threat_model
    setup = TaintSetup.for_threat_model(
        threat_model,
        models=models_for(config.model_dirs),
        project=project,
        module_name=module or None,
    )
    context = AnalysisContext(
        path=path,
        text=text,
        tree=outcome.tree,
        is_test=is_test,
        identity=identity,
        taint_setup=setup,
        project_pickle_files=config.project_pickle_files,
        project_debug_helpers=config.project_debug_helpers,
        project_quiet_helpers=config.project_quiet_helpers,
        project_logs_json=config.project_logs_json,
        project_logs_keywords_apart=config.project_logs_keywords_apart,
        shim_names=dict(config.project_shims),
        project_constants=dict(config.project_constants),
        package=relative_import_base(module, is_package_file(path)) if module else None,
        library_names=library_names(config.model_dirs),
    )
    by_id = {r.id: r for r in rules}
    if project is not None and local_findings is not None:
        again = [r for r in rules if r.uses_project_summaries]
        own, crashes = rule_findings(context, again)
        found = [*local_findings, *own]
    else:
        found, crashes = rule_findings(context, rules)
    # Test code's findings of flow rules are notes (none applies in tests), so the cross-module
    # pass would review a test module again only to add notes: it does not start from one.
    starts_flows = not is_test or config.include_tests
    reads_remote = bool(module) and starts_flows and reads_remote_input(context)
    kept_local = None
    if project is None and reads_remote and not crashes:  # the cross-module pass may need them
        kept_local = tuple(f for f in found if not by_id[f.rule_id].uses_project_summaries)
    raw = without_superseded(found, flow_rule_ids(rules))
    kept = _suppressed(raw, text, path, by_id, config, identity or path)
    script = maintainer_script(path, config.project_scripts)
    command = management_command(path, outcome.tree)
    offline = (script or command) and not may_read_network_input(context)  # an operator's tool
    rated = rate_development_only(
        (_with_severity(f, config) for f in kept),
        outcome.tree,
        context.nodes,
        frozenset(r.id for r in rules if r.applies_in_tests),
        maintainer_script=script and offline,
        management_command=command and offline,
    )
    in_context = [_in_context(f, by_id[f.rule_id], is_test, config) for f in rated]
    findings = tuple(f for f in in_context if _shown(f, config))
    hidden = tuple(f.cwe for f in in_context if not _shown(f, config) and not f.is_note)
    messages = ([outcome.error] if outcome.error else []) + [
        f"internal error: {c}" for c in crashes
    ]
    if crashes:
        messages.insert(0, "was only partly reviewed (a rule failed, its findings may be missing)")
    kind = ErrorKind.INTERNAL if crashes else ErrorKind.SYNTAX
    error = FileError(path, "; ".join(messages), kind) if messages else None
    return FileReport(
        path=path,
        findings=findings,
        error=error,
        is_test=is_test,
        parsed_with_fallback=outcome.used_fallback,
        unrecoverable_lines=outcome.unrecoverable_lines,
        notes=taint_notes(context),
        hidden_cwes=hidden,
        facts=_module_facts(context, module, reads_remote) if module else None,
        local_findings=kept_local,
    )


def review_file(
    path: Path,
    shown_as: str,
    config: ScanConfig,
    module: str = "",
    project: ProjectIndex | None = None,
    identity: str = "",
    local_findings: tuple[Finding, ...] | None = None,
) -> FileReport:
    """Read and review the file at `path`, reporting it under the name `shown_as`."""
    try:
        text = read_source(path, config.max_file_bytes)
    except UnreadableSourceError as error:
        return FileReport(
            path=shown_as, error=FileError(shown_as, str(error), error.kind), reviewed=False
        )
    return review_text_guarded(
        text,
        shown_as,
        config,
        module=module,
        project=project,
        identity=identity,
        local_findings=local_findings,
    )


def review_text_guarded(
    text: str,
    path: str,
    config: ScanConfig,
    *,
    module: str = "",
    project: ProjectIndex | None = None,
    identity: str = "",
    local_findings: tuple[Finding, ...] | None = None,
) -> FileReport:
    """`review_source`, with every exception it can still raise turned into the file's error."""
    try:
        return review_source(
            text,
            path,
            config,
            module=module,
            project=project,
            identity=identity,
            local_findings=local_findings,
        )
    except RecursionError:
        message = "is nested too deeply to analyse; the file was not reviewed"
        kind = ErrorKind.BUDGET
    except MemoryError:
        message = "needed more memory than there is to review; the file was not reviewed"
        kind = ErrorKind.BUDGET
    except Exception as error:  # a defect of ours must cost this file only, never the scan
        message = (
            f"raised an internal error during review ({type(error).__name__}: {error}); "
            "the file was not reviewed"
        )
        kind = ErrorKind.INTERNAL
    return FileReport(path=path, error=FileError(path, message, kind), reviewed=False)
