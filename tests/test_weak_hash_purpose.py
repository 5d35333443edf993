"""`weak-hash` says how sure it is from what the code shows the digest is for.

A digest kept under a name that signs or authenticates, or computed over a secret, is a security
control, reported at the rule's medium confidence; one whose purpose the code does not show (most
name a file, key a lookup, version a URL or detect a change) is still reported, at low confidence.
"""

from __future__ import annotations

import pytest

from secreview.findings import Confidence
from secreview.pipeline import review_source

VOUCHING = {
    "stored as a signature": "signature = hashlib.md5(body).hexdigest()",
    "in a function that signs": "def sign_url(body):\n    return hashlib.md5(body).hexdigest()",
    "over a secret fed later": "h = hashlib.md5()\nh.update(body + self.secret)\nsent = h.digest()",
    "in a method of an authenticator": (
        "class DigestAuthenticator:\n    def compute(self, body):\n"
        "        return hashlib.md5(body).hexdigest()"
    ),
    "over an API key": "digest = hashlib.sha1(api_key.encode()).hexdigest()",
}

SILENT_PURPOSE = {
    "a file's checksum": "file_md5 = hashlib.md5(data).hexdigest()",
    "a stored name": "name = 'project/' + hashlib.md5(path.encode()).hexdigest()",
    "compared to detect a change": (
        "digest = hashlib.md5(data).hexdigest()\nif digest != self.previous:\n    reload()"
    ),
    "a lookup key a service defines": "key = hashlib.md5(domain.encode()).hexdigest()",
    "a public key's label": "label = hashlib.sha1(public_key).hexdigest()",
}


def _weak_hash(body: str) -> Confidence:
    lines = "\n".join("    " + line for line in body.splitlines())
    parameters = "self, body, expected, given, data, path, domain, public_key, api_key"
    source = f"import hashlib\nimport hmac\n\n\ndef handle({parameters}):\n{lines}\n"
    findings = [
        f for f in review_source(source, "app/module.py").findings if f.rule_id == "weak-hash"
    ]
    assert len(findings) == 1, findings
    return findings[0].confidence


@pytest.mark.parametrize("body", VOUCHING.values(), ids=VOUCHING.keys())
def test_a_digest_that_vouches_keeps_medium_confidence(body: str) -> None:
    assert _weak_hash(body) is Confidence.MEDIUM


@pytest.mark.parametrize("body", SILENT_PURPOSE.values(), ids=SILENT_PURPOSE.keys())
def test_a_digest_of_unstated_purpose_is_low_confidence(body: str) -> None:
    assert _weak_hash(body) is Confidence.LOW
