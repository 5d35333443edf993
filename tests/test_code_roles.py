"""Test, benchmark and development-only code: recognised, and their findings rated as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from secreview.context.testcode import is_test_path
from secreview.findings import Confidence
from secreview.pipeline import review_source


@pytest.mark.parametrize(
    "path",
    [
        "tests/app.py",
        "pkg/testing.py",  # the test helpers a framework ships (pyramid.testing)
        "pkg/config/testing.py",
        "pkg/fixture.py",
        "pkg/fixtures.py",
        "pkg/fixtures/data.py",
        "pkg/bench/dj/settings.py",
        "benchmarks/run.py",
        "pkg/conftest.py",
        "pkg/app_test.py",
        "pkg/app_tests.py",
        "pkg/test_app.py",
        "pkg/tests.py",  # Django's per-app tests
        "pkg/testutils.py",
        "pkg/bench_parse.py",
        "pkg/debug/doctest_webapp.py",
        "netbox/configuration_testing.py",  # the settings a CI run loads
        "proj/settings_ci.py",
        "e2e/utils.py",  # end-to-end tests (Selenium against a test server)
        "app/e2e_tests/test_login.py",
        "tools/stress_testing/run_ingest.py",  # a load generator against the project's server
        "loadtest/locustfile.py",
        "app/integration_tests/helpers.py",
        "C:\\proj\\tests\\x.py",
    ],
)
def test_test_and_benchmark_paths_are_test_code(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "pkg/app.py",
        "pkg/attestation.py",
        "pkg/contest.py",
        "pkg/latest.py",
        "pkg/benchmarking_client.py",
        "sphinx/ext/doctest.py",  # runs doctests as a product feature
        "pkg/fixtures_loader.py",
        "pkg/testing_tools/__init__.py",
        "pkg/ab_testing.py",  # a product feature (A/B tests), not settings for a test run
        "pkg/ab_testing/variants.py",
        "pkg/configuration.py",
        "pkg/e2e_encryption.py",  # end-to-end encryption, a product feature
    ],
)
def test_real_code_named_near_tests_is_not_test_code(path: str) -> None:
    assert not is_test_path(path)


@pytest.mark.parametrize("framework", ["behave", "pytest_bdd"])
def test_bdd_step_modules_are_test_code(framework: str) -> None:
    """A step module takes its arguments from the project's feature files, not from a caller."""
    source = (
        f"from {framework} import then\n\n"
        "@then('the value is {value}')\n"
        "def then_value_is(context, value):\n"
        "    assert context.value == eval(value)\n"
    )
    findings = review_source(source, "features/steps/values.py").findings
    assert findings and all("test-code" in f.tags for f in findings)


def test_a_secret_in_a_testing_module_is_a_note() -> None:
    source = "def new_csrf_token():\n    token = 'k1Zq8vR2xY7wN4pL0sT6uB3c'\n    return token\n"
    (finding,) = review_source(source, "pkg/testing.py").findings
    assert finding.rule_id == "hardcoded-credential" and "test-code" in finding.tags


def _confidence_at(source: str, line: int) -> tuple[Confidence, str, tuple[str, ...]]:
    report = review_source(source, "pkg/module.py")
    (finding,) = [f for f in report.findings if f.location.line == line]
    return finding.confidence, finding.message, finding.tags


LIBRARY_MAIN = """\
import sys


def helper(text):
    return text.upper()


if __name__ == "__main__":
    eval(helper(sys.modules[__name__].EXPRESSION))
"""


def test_the_main_block_of_a_library_module_is_development_only() -> None:
    confidence, message, tags = _confidence_at(LIBRARY_MAIN, 9)
    assert confidence is Confidence.LOW and "development-only" in tags
    assert 'runs only in the `if __name__ == "__main__":` block' in message


def test_the_main_block_of_a_script_keeps_its_confidence() -> None:
    script = 'import hashlib\n\nif __name__ == "__main__":\n'
    script += "    signature = hashlib.md5(open(0).read())\n"
    confidence, _, tags = _confidence_at(script, 4)
    assert confidence is Confidence.MEDIUM and "development-only" not in tags
    library = script.replace("import hashlib\n", "import hashlib\n\n\ndef helper():\n    pass\n")
    confidence, _, tags = _confidence_at(library, 8)
    assert confidence is Confidence.LOW and "development-only" in tags


DEBUG_ONLY = """\
import pickle
from django.conf import settings


def load(blob, debug_blob):
    if settings.DEBUG:
        pickle.loads(debug_blob)
    else:
        pickle.loads(blob)
    if not settings.DEBUG:
        pickle.loads(blob)
    else:
        pickle.loads(debug_blob)
"""


@pytest.mark.parametrize(("line", "development"), [(7, True), (9, False), (11, False), (13, True)])
def test_findings_under_a_debug_flag_are_development_only(line: int, development: bool) -> None:
    confidence, message, tags = _confidence_at(DEBUG_ONLY, line)
    assert ("development-only" in tags) is development
    assert (confidence is Confidence.LOW) is development
    assert ("settings.DEBUG" in message) is development


def test_a_secret_under_a_debug_flag_keeps_its_confidence() -> None:
    source = "import app\n\nif app.debug:\n    API_TOKEN = 'k1Zq8vR2xY7wN4pL0sT6uB3c'\n"
    confidence, _, tags = _confidence_at(source, 4)
    assert confidence is not Confidence.LOW and "development-only" not in tags


def test_exception_text_a_helper_shows_only_under_a_debug_flag_is_rated_low() -> None:
    path = Path(__file__).parent / "fixtures" / "rules" / "exception_details_debug_helpers.py"
    source = path.read_text()
    lines = source.splitlines()
    findings = [
        f
        for f in review_source(source, "pkg/views.py").findings
        if f.rule_id == "exception-details-in-response"
    ]
    rated = [(lines[f.location.line - 1].rsplit("# ", 1)[-1], f.confidence) for f in findings]
    assert sorted(word for word, _ in rated) == ["debug-only"] * 2 + ["deployed"] * 3
    assert all((rating is Confidence.LOW) is (word == "debug-only") for word, rating in rated)


ALEMBIC_REVISION = """\
import sqlalchemy as sa
from alembic import op

revision = "0dafe96ea97f"


def upgrade():
    inspector = sa.inspect(op.get_bind())
    columns = [c["name"] for c in inspector.get_columns("provider_log")]
    op.execute(f"INSERT INTO provider_log_new SELECT {', '.join(columns)} FROM provider_log")
"""

DJANGO_MIGRATION = """\
from django.db import migrations


def rename_tables(apps, schema_editor):
    for table in schema_editor.connection.introspection.table_names():
        schema_editor.execute("ALTER TABLE %s RENAME TO legacy_%s" % (table, table))


class Migration(migrations.Migration):
    operations = [migrations.RunPython(rename_tables)]
"""


@pytest.mark.parametrize(("source", "line"), [(ALEMBIC_REVISION, 10), (DJANGO_MIGRATION, 6)])
def test_a_schema_migration_s_findings_are_rated_low_with_the_reason(
    source: str, line: int
) -> None:
    confidence, message, tags = _confidence_at(source, line)
    assert confidence is Confidence.LOW and "schema-migration" in tags
    assert "when the operator migrates the database" in message
    not_a_migration = source.replace("def upgrade", "def apply").replace(
        "class Migration", "class M"
    )
    confidence, _, tags = _confidence_at(not_a_migration, line)
    assert confidence is not Confidence.LOW and "schema-migration" not in tags


MANAGEMENT_COMMAND = """\
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    def handle(self, *args, **options):
        table = options["table"]
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM %s WHERE stale" % table)
"""
FETCHING_COMMAND = MANAGEMENT_COMMAND.replace(
    'table = options["table"]', 'table = requests.get(options["url"], timeout=5).text'
).replace("from django.db", "import requests\nfrom django.db")


def _tagged_at(source: str, path: str, line: int) -> tuple[Confidence, tuple[str, ...]]:
    report = review_source(source, path)
    (finding,) = [f for f in report.findings if f.location.line == line]
    return finding.confidence, finding.tags


def test_a_django_management_command_is_an_operators_tool() -> None:
    """`manage.py purge --table ...` runs with the operator's arguments: its findings are rated
    low, tagged `management-command`, unless it reads the network, or is no command (the
    same class in a view module, a command module without `class Command`)."""
    command = "shop/management/commands/purge.py"
    confidence, tags = _tagged_at(MANAGEMENT_COMMAND, command, 9)
    assert confidence is Confidence.LOW and "management-command" in tags
    confidence, tags = _tagged_at(FETCHING_COMMAND, command, 10)
    assert "management-command" not in tags
    confidence, tags = _tagged_at(MANAGEMENT_COMMAND, "shop/views.py", 9)
    assert confidence is not Confidence.LOW and "management-command" not in tags
    renamed = MANAGEMENT_COMMAND.replace("class Command", "class Purge")
    confidence, tags = _tagged_at(renamed, command, 9)
    assert "management-command" not in tags


def test_a_management_command_writing_passwords_to_its_log_keeps_that_finding() -> None:
    """A command runs on the production database: a user's password it logs is exposed
    whoever typed `manage.py importusers`."""
    source = """\
import logging

from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    def handle(self, *args, **options):
        for user in User.objects.all():
            password = user.initial_password
            logger.info("created %s with password %s", user.username, password)
"""
    confidence, tags = _tagged_at(source, "users/management/commands/importusers.py", 12)
    assert confidence is not Confidence.LOW and "management-command" not in tags
