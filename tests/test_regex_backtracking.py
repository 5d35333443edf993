"""What the annotated fixtures cannot pin for the ReDoS rules: which rule runs by default, where
a token table's finding points and what it says, and the severity and confidence they carry."""

from __future__ import annotations

import textwrap

from secreview.analysis.rules import RULES_BY_ID
from secreview.config import ScanConfig
from secreview.findings import Confidence, Finding, Severity
from secreview.pipeline import review_source

_WIDE = "regex-backtracking-separated-loops"
_DEFAULT = "regex-catastrophic-backtracking"


def _findings(source: str, rule_id: str, config: ScanConfig | None = None) -> list[Finding]:
    report = review_source(textwrap.dedent(source), "app.py", config)
    assert report.error is None, report.error
    return [f for f in report.findings if f.rule_id == rule_id]


EMAIL = """
    import re

    def find_email(word):
        return re.search(r"\\S+@\\S+\\.\\S+$", word)
    """


def test_loops_across_a_separator_are_reported_only_when_their_rule_is_selected() -> None:
    assert not RULES_BY_ID[_WIDE].default_enabled
    assert _findings(EMAIL, _WIDE) == []
    assert _findings(EMAIL, _DEFAULT) == []
    selected = ScanConfig(enabled_rules=frozenset({_WIDE}))
    [finding] = _findings(EMAIL, _WIDE, selected)
    assert finding.location.line == 5
    assert finding.severity is Severity.LOW
    assert "`\\S+` and `\\S+` competing" in finding.message


def test_a_token_table_row_is_reported_where_it_is_written() -> None:
    findings = _findings(
        """
        import re

        TOKENS = [
            (r"\\d+", "NUMBER"),
            (r"(\\w+\\s?)*:", "LABEL"),
        ]
        LEXER = [(re.compile(pattern), kind) for pattern, kind in TOKENS]
        """,
        _DEFAULT,
    )
    assert [f.location.line for f in findings] == [6]
    assert "a row of the table the loop compiles" in findings[0].message
    assert findings[0].confidence is Confidence.LOW


def test_a_configuration_value_is_not_reported_but_request_data_is() -> None:
    findings = _findings(
        """
        import re
        from flask import request

        def prefixes(cfg):
            own = re.match(r"^(\\w+\\s?)*$", cfg.statsd_prefix)
            return own, re.match(r"^(\\w+\\s?)*$", request.args["prefix"])
        """,
        _DEFAULT,
    )
    assert [(f.location.line, f.confidence) for f in findings] == [(7, Confidence.HIGH)]


def test_bytes_above_ascii_are_quoted_as_escapes_not_as_latin_1_letters() -> None:
    [finding] = _findings(
        """
        import re

        HEADER = re.compile(rb"^([\\x80-\\xff\\w]+\\s*)*$")
        """,
        _DEFAULT,
    )
    assert "[\\x80-\\xff\\w]+" in finding.message
    assert "ÿ" not in finding.message


GRAMMAR = """
    import re

    DIGIT = r"[0-9]"
    IPv6address = r"([A-Fa-f0-9:]+:+)+[A-Fa-f0-9]+"
    host = r"(?: \\[ %(IPv6address)s \\] | %(DIGIT)s+ )" % locals()
    URI = r"^ https?:// %(host)s $" % locals()
    URI_reference = r"^ (?: %(host)s )? / $" % locals()

    def is_uri(uri):
        return re.match(URI, uri, re.VERBOSE)

    def is_uri_reference(uri):
        return re.match(URI_reference, uri, re.VERBOSE)
    """


def test_a_grammar_piece_is_reported_once_where_it_is_written() -> None:
    [finding] = _findings(GRAMMAR, _DEFAULT)
    assert finding.location.line == 5  # IPv6address, not the two re.match calls using it
    assert "`([A-Fa-f0-9:]+:+)+[A-Fa-f0-9]+`, a piece of the pattern used on line" in (
        finding.message
    )
