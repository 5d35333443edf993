"""What a secret looks like by its shape alone: provider tokens, private key blocks, passwords
written into a URL or a `password=` string.

The secret rules report these wherever they appear, and the masking of what a report prints
masks them in code, comments and prose alike; both read the patterns here, so a shape added
for one is known to the other. Each kind of secret carries its CWE: a login password (259), a
credential for a service (798) or a cryptographic key (321).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from secreview.findings import Confidence, Severity
from secreview.patterns import lazy_pattern

PASSWORD, CREDENTIAL, CRYPTO_KEY = 259, 798, 321


class _Format(NamedTuple):
    """A secret recognised by its shape alone, wherever it appears."""

    label: str
    pattern: re.Pattern[str]
    cwe: int
    needs: tuple[str, ...]
    """Literal text at least one of which every match of `pattern` holds: a string holding none
    cannot match, and a substring test costs a fraction of a regular expression's scan (every
    string constant of every module is asked)."""
    severity: Severity = Severity.CRITICAL
    confidence: Confidence = Confidence.HIGH

    def may_match(self, text: str) -> bool:
        """Whether `pattern` can match somewhere in `text` (False: it cannot)."""
        return any(literal in text for literal in self.needs)


FORMATS = (
    _Format(
        "an AWS access key id",
        lazy_pattern(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        CREDENTIAL,
        ("AKIA", "ASIA"),
    ),
    _Format(
        "a GitHub token",
        lazy_pattern(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b"),
        CREDENTIAL,
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    ),
    _Format("a Slack token", lazy_pattern(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"), CREDENTIAL, ("xox",)),
    _Format(
        "a Slack webhook URL",
        lazy_pattern(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
        CREDENTIAL,
        ("https://hooks.slack.com/services/T",),
        Severity.HIGH,
    ),
    _Format(
        "a Stripe live key",
        lazy_pattern(r"\b[sr]k_live_[0-9A-Za-z]{20,}"),
        CREDENTIAL,
        ("k_live_",),
    ),
    _Format(
        "a Google API key",
        lazy_pattern(r"\bAIza[0-9A-Za-z_\-]{35}"),
        CREDENTIAL,
        ("AIza",),
        Severity.HIGH,
    ),
    _Format(
        "a PyPI upload token",
        lazy_pattern(r"\bpypi-AgE[A-Za-z0-9_\-]{50,}"),
        CREDENTIAL,
        ("pypi-AgE",),
    ),
    _Format("an npm token", lazy_pattern(r"\bnpm_[A-Za-z0-9]{36}\b"), CREDENTIAL, ("npm_",)),
    _Format(
        "a JSON Web Token",
        lazy_pattern(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}"),
        CREDENTIAL,
        ("eyJ",),
        Severity.MEDIUM,
        Confidence.MEDIUM,
    ),
)
ANY_FORMAT_LITERAL = lazy_pattern("|".join(re.escape(t) for known in FORMATS for t in known.needs))
"""Matches text holding any format's `needs`: one scan rules out every format for most strings."""
PRIVATE_KEY_BLOCK = lazy_pattern(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?P<body>[\s\S]*?)(?:-----END|$)"
)
CONNECTION_URL_PASSWORD = lazy_pattern(
    r"\b[a-z][a-z0-9+.\-]*://(?P<user>[^\s:/@]*):(?P<secret>[^\s@/:]+)@", re.IGNORECASE
)
KEY_VALUE_PASSWORD = lazy_pattern(
    r"\b(?:password|passwd|pwd)\s*=\s*['\"]?(?P<secret>[^\s;'\"&,()]+)", re.IGNORECASE
)
