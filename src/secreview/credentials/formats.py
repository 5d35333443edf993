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

PASSWORD, CREDENTIAL, CRYPTO_KEY = 259, 798, 321


class _Format(NamedTuple):
    """A secret recognised by its shape alone, wherever it appears."""

    label: str
    pattern: re.Pattern[str]
    cwe: int
    severity: Severity = Severity.CRITICAL
    confidence: Confidence = Confidence.HIGH


FORMATS = (
    _Format("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), CREDENTIAL),
    _Format(
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b"),
        CREDENTIAL,
    ),
    _Format("a Slack token", re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}"), CREDENTIAL),
    _Format(
        "a Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
        CREDENTIAL,
        Severity.HIGH,
    ),
    _Format("a Stripe live key", re.compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}"), CREDENTIAL),
    _Format("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), CREDENTIAL, Severity.HIGH),
    _Format("a PyPI upload token", re.compile(r"\bpypi-AgE[A-Za-z0-9_\-]{50,}"), CREDENTIAL),
    _Format("an npm token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"), CREDENTIAL),
    _Format(
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}"),
        CREDENTIAL,
        Severity.MEDIUM,
        Confidence.MEDIUM,
    ),
)
PRIVATE_KEY_BLOCK = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----(?P<body>[\s\S]*?)(?:-----END|$)"
)
CONNECTION_URL_PASSWORD = re.compile(
    r"\b[a-z][a-z0-9+.\-]*://(?P<user>[^\s:/@]*):(?P<secret>[^\s@/:]+)@", re.IGNORECASE
)
KEY_VALUE_PASSWORD = re.compile(
    r"\b(?:password|passwd|pwd)\s*=\s*['\"]?(?P<secret>[^\s;'\"&,()]+)", re.IGNORECASE
)
