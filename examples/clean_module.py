"""A small, carefully written module: the review should find nothing here."""

import hashlib
import hmac
import json
import secrets
import subprocess
from pathlib import Path

ALLOWED_REPORTS = {"daily", "weekly"}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def same_digest(left: bytes, right: bytes) -> bool:
    return hmac.compare_digest(left, right)


def load_settings(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def run_report(kind: str) -> str:
    if kind not in ALLOWED_REPORTS:
        raise ValueError(f"unknown report {kind!r}")
    completed = subprocess.run(["report-tool", "--kind", kind], capture_output=True, check=True)
    return completed.stdout.decode()
