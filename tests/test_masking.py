"""No output format ever prints a secret, whichever rule quotes the code that holds it."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from secreview.cli import cli
from secreview.config import ScanConfig
from secreview.masking import MASK, mask_code, mask_lines, mask_prose, mask_secret
from secreview.pipeline import review_source
from secreview.text import source_lines_with_ends

SECRETS = (
    "hunter2-real-password",
    "Q3EGRT5ZK7LPMX2N",  # the AWS key id after its public 'AKIA' prefix
    "Pl4intextP4ss",
    "Tr0ub4dor",
    "0ld-Secret-Passw0rd",
    "5c2e9a7f1d8b3e6a0c4f9b2d7e1a8c3f",
)
BEFORE = """\
import requests


def legacy(url):
    return requests.get(url, auth=("root", "0ld-Secret-Passw0rd"))
"""
AFTER = """\
import hmac
import subprocess
import urllib.request

import requests


def fetch(url):
    return requests.get(url, auth=("admin", "hunter2-real-password"))


def sync(bucket):
    subprocess.call("aws s3 sync . s3://b --access-key AKIAQ3EGRT5ZK7LPMX2N " + bucket, shell=True)


def report(path):
    return urllib.request.urlopen("http://svc:Pl4intextP4ss@reports.internal/" + path)


def login(session):
    return session.post(
        "https://api.example.com/login",
        data={"user": "root", "password": "Tr0ub4dor&3-horse"},
    )


def sign(message):
    return hmac.new(b"5c2e9a7f1d8b3e6a0c4f9b2d7e1a8c3f", message, "md5").hexdigest()
"""
EXPECTED_RULES = {
    "missing-timeout",
    "shell-command-injection",
    "cleartext-credentials",
    "hardcoded-password",
    "hardcoded-credential",
}


def assert_no_secret(output: str) -> None:
    leaked = [secret for secret in SECRETS if secret in output]
    assert not leaked, f"leaked {leaked}"


@pytest.mark.parametrize("output_format", ["text", "markdown", "json", "sarif", "gitlab"])
def test_no_scan_format_prints_a_secret(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "app.py").write_text(AFTER)
    result = CliRunner().invoke(
        cli, ["scan", str(tmp_path / "app.py"), "--format", output_format, "--no-progress"]
    )
    assert result.exit_code == 1, result.output
    assert_no_secret(result.output)
    assert MASK in result.output
    assert all(rule_id in result.output for rule_id in EXPECTED_RULES)


def diff_of(before: str, after: str) -> str:
    return "".join(
        difflib.unified_diff(
            source_lines_with_ends(before), source_lines_with_ends(after), "a/app.py", "b/app.py"
        )
    )


@pytest.mark.parametrize(
    "output_format", ["text", "markdown", "json", "sarif", "gerrit", "github", "gitlab"]
)
def test_no_review_format_prints_a_secret(tmp_path: Path, output_format: str) -> None:
    """New findings with their change excerpts, and the resolved finding of the removed code."""
    (tmp_path / "app.py").write_text(AFTER)
    result = CliRunner().invoke(
        cli,
        ["review", "-C", str(tmp_path), "--diff", "-", "--format", output_format],
        input=diff_of(BEFORE, AFTER),
    )
    assert result.exit_code == 1, result.output
    assert_no_secret(result.output)
    assert MASK in result.output


def test_the_review_still_reports_what_it_masks(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(AFTER)
    result = CliRunner().invoke(
        cli,
        ["review", "-C", str(tmp_path), "--diff", "-", "--format", "json"],
        input=diff_of(BEFORE, AFTER),
    )
    payload = json.loads(result.output)
    assert {f["rule_id"] for f in payload["findings"]} >= EXPECTED_RULES
    assert [f["rule_id"] for f in payload["resolved"]] == ["missing-timeout"]
    timeout = next(f for f in payload["findings"] if f["rule_id"] == "missing-timeout")
    assert timeout["message"].startswith('`requests.get(url, auth=("admin", "****"))`')


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ('requests.get(url, auth=("admin", "hunter2-xyz"))', 'auth=("admin", "****")'),
        ('connect(host="db", password="hunter2-xyz")', 'host="db", password="****"'),
        ('CONFIG = {"api_key": "k3y-hunter2-xyz"}', '{"api_key": "****"}'),
        ('settings["SECRET_KEY"] = "hunter2-xyz"', 'settings["SECRET_KEY"] = "****"'),
        ('db_password: str = "hunter2-xyz"', 'db_password: str = "****"'),
        ('if password == "hunter2-xyz":', 'if password == "****":'),
        ('os.getenv("API_TOKEN", "hunter2-xyz")', 'os.getenv("API_TOKEN", "****")'),
        ('server.login("me", "hunter2-xyz")', 'server.login("me", "****")'),
        ('hmac.new(b"hunter2-xyz", data)', 'hmac.new(b"****", data)'),
        ('run("curl https://me:hunter2-xyz@host/")', 'run("curl https://me:****@host/")'),
        ("x = 1  # postgres://me:hunter2-xyz@db/app", "# postgres://me:****@db/app"),
        ('TOKEN = "ghp_hunter2xyzA1b2C3d4E5f6G7h8I9j0K1l2M3"', 'TOKEN = "ghp_****"'),
        ('call(value="hunter2xyzA1b2C3d4E5f6")', 'call(value="****")'),  # random-looking
    ],
)
def test_secrets_are_masked_by_tokens(code: str, shown: str) -> None:
    masked = mask_code(code)
    assert "hunter2" not in masked.text
    assert shown in masked.text


@pytest.mark.parametrize(
    "code",
    [
        'requests.get("https://example.com/api/v1/users")',
        'hashlib.new("sha256")',
        'open("/etc/app/v2/config.json")',
        'password_field = "password"',
        'token = os.environ["API_TOKEN"]',
    ],
)
def test_code_without_secrets_is_left_alone(code: str) -> None:
    assert mask_code(code).text == code


def test_a_called_name_is_code_however_random_it_looks() -> None:
    """`base64url_decode` passes the word test for key material; called, it is a function."""
    code = "claims = json.loads(jwt.base64url_decode(payload)) + urlsafe_b64decode(x)"
    assert mask_code(code).text == code
    assert mask_code("key = xK9mQ2pL7nR4vB8wZ3yT").text == "key = " + MASK  # not called
    assert "ghp_" + MASK in mask_code("ghp_hunter2xyzA1b2C3d4E5f6G7h8I9j0K1l2M3(x)").text


def test_an_attribute_of_a_name_is_code_however_random_it_looks() -> None:
    """An evidence note quotes the qualified name of a helper (`Plugin.generate_args2cmd`): an
    attribute read of a name is code; a random word alone, or after a space, still is not."""
    note = "returned by `sql.plugins.plugin.Plugin.generate_args2cmd`"
    assert mask_prose(note) == note
    assert mask_code("argv = soar.generate_args2cmd").text == "argv = soar.generate_args2cmd"
    assert mask_code("key = xK9mQ2pL7nR4vB8wZ3yT").text == "key = " + MASK
    assert mask_code("x = cfg . xK9mQ2pL7nR4vB8wZ3yT").text == "x = cfg . " + MASK
    token = "ghp_" + "hunter2xyzA1b2C3d4E5f6G7h8I9j0K1l2M3"
    assert mask_code(f"x = cfg.{token}").text == "x = cfg.ghp_" + MASK  # a provider format


def test_a_masked_value_shows_neither_characters_nor_length() -> None:
    assert mask_secret("hunter2") == mask_secret("a-much-longer-password-1") == MASK
    assert mask_secret("AKIAQ3EGRT5ZK7LPMX2N") == "AKIA" + MASK


def test_fragments_that_do_not_tokenize_are_masked_by_shape() -> None:
    """A diff hunk may start inside a triple-quoted string or dedent below its first line."""
    lines = [
        "MIIEowIBAAKCAQEA7bq3VZ1Ksl9Vbx3ZuZlLqz8sd9D0Mi1",
        '-----END RSA PRIVATE KEY-----"""',
        '        password = "hunter2-xyz"',
        '    token = "hunter2-abc"',
        'DSN = """',
        "postgres://app:hunter2-dsn@db/app",
    ]
    masked = mask_lines(lines)
    assert len(masked) == len(lines)
    assert not any("hunter2" in line or "MIIEow" in line for line in masked)
    assert masked[1] == lines[1]


def test_multi_line_secrets_keep_their_line_breaks() -> None:
    code = 'KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq3VZ1Ksl9V\n"""\nx = 1'
    masked = mask_code(code).text
    assert masked.count("\n") == code.count("\n")
    assert "MIIEow" not in masked


def test_prose_masks_known_secrets_and_quoted_code() -> None:
    text = "`login(password='hunter2-xyz')` then hunter2-abc"
    masked = mask_prose(text, known={"hunter2-abc"})
    assert "hunter2" not in masked
    assert masked.startswith("`login(password='****')`")


def test_an_unused_suppression_does_not_quote_a_token_in_its_comment() -> None:
    token = "ghp_hunter2xyzA1b2C3d4E5f6G7h8I9j0K1l2M3"
    text = f"x = 1  # secreview: ignore[shell-command-injection] {token}\n"
    report = review_source(text, "app.py", ScanConfig(report_unused_suppressions=True))
    assert [f.rule_id for f in report.findings] == ["bad-suppression"]
    rendered = repr(report.findings)
    assert token not in rendered and "ghp_****" in rendered
