"""A constant imported from another module of the project folds like the module's own."""

from __future__ import annotations

from pathlib import Path

from package_files import write_package

from secreview.config import ScanConfig
from secreview.project_constants import with_project_constants
from secreview.scanner import scan
from secreview.sources.discovery import SourceFile, discover

CONSTANTS = """
DB_TABLE_CACHE = "cache"
DB_TABLES = (DB_TABLE_CACHE, "settings")
GROUP_ADMIN = "admin_" + DB_TABLE_CACHE
DB_TABLE_OTHER = "first"
DB_TABLE_OTHER = "second"
DB_TABLE_ENV = __import__("os").environ["TABLE"]
DB_TABLE_LONG = "x" * 1000
lower_table = "lower"
SMTP_HOST = None
"""
STORE = """
from alembic import op

from .constants import DB_TABLE_CACHE, DB_TABLES, GROUP_ADMIN
from app.constants import DB_TABLE_ENV, DB_TABLE_LONG, DB_TABLE_OTHER, SMTP_HOST, lower_table


def upgrade():
    op.execute(f"DELETE FROM {DB_TABLE_CACHE}")
    op.execute(f"INSERT INTO groups (name) VALUES ('{GROUP_ADMIN}')")
    for table in DB_TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute(f"DELETE FROM {DB_TABLE_OTHER}")
    op.execute(f"DELETE FROM {DB_TABLE_ENV}")
    op.execute(f"DELETE FROM {DB_TABLE_LONG}")
    op.execute(f"DELETE FROM {lower_table}")
"""
REBOUND = """
from alembic import op

from app.constants import DB_TABLE_CACHE, DB_TABLES

DB_TABLE_CACHE = DB_TABLE_CACHE + __import__("os").environ["SUFFIX"]


def upgrade():
    op.execute(f"DELETE FROM {DB_TABLE_CACHE}")


def downgrade(DB_TABLES):
    op.execute(f"DELETE FROM {DB_TABLES}")
"""


def _sql_lines(root: Path, module: str, config: ScanConfig | None = None) -> set[int]:
    result = scan([str(root)], config or ScanConfig(), jobs=1)
    return {
        f.location.line
        for r in result.files
        for f in r.findings
        if f.rule_id == "formatted-sql-query" and r.path.endswith(f"{module}.py")
    }


def test_imported_constants_fold_and_the_rest_stay_reported(tmp_path: Path) -> None:
    """Lines 9-12 splice constants of `app.constants` (relative and absolute imports, a tuple
    iterated); 13-16 a name assigned twice, one read from the environment, one too long to
    keep, and a lower-case name (not looked for)."""
    write_package(tmp_path, {"constants": CONSTANTS, "store": STORE})
    assert _sql_lines(tmp_path, "store") == {13, 14, 15, 16}


def test_a_name_the_importer_binds_again_is_not_the_imported_constant(tmp_path: Path) -> None:
    """At module level (line 10) or as a function's parameter (line 14)."""
    write_package(tmp_path, {"constants": CONSTANTS, "store": REBOUND})
    assert _sql_lines(tmp_path, "store") == {10, 14}


def test_the_table_holds_only_the_imported_plain_constants(tmp_path: Path) -> None:
    write_package(tmp_path, {"constants": CONSTANTS, "store": STORE})
    sources, _ = discover([str(tmp_path)], ScanConfig().excludes)
    table = dict(with_project_constants(ScanConfig(), sources).project_constants)
    assert table == {
        "app.constants.DB_TABLES": ("cache", "settings"),
        "app.constants.DB_TABLE_CACHE": "cache",
        "app.constants.GROUP_ADMIN": "admin_cache",
    }


def test_the_cache_reviews_the_importer_again_when_a_constant_changes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    write_package(project, {"constants": CONSTANTS, "store": STORE})
    config = ScanConfig(cache_dir=str(tmp_path / "cache"))
    assert _sql_lines(project, "store", config) == {13, 14, 15, 16}
    constants = project / "app" / "constants.py"
    constants.write_text(constants.read_text().replace('"cache"', '__import__("os").getcwd()'))
    assert _sql_lines(project, "store", config) == {9, 10, 12, 13, 14, 15, 16}


def test_a_module_two_files_define_differently_is_left_unknown(tmp_path: Path) -> None:
    """Two subprojects each with an `app/constants.py`: `PORT` is 8080 in one and "8080" in the
    other (no order between an int and a str decides), `NAME` the same in both."""
    sources = []
    for folder, port in (("one", "8080"), ("two", '"8080"')):
        constants = tmp_path / folder / "constants.py"
        constants.parent.mkdir()
        constants.write_text(f'PORT = {port}\nNAME = "shared"\n')
        sources.append(SourceFile(f"{folder}/constants.py", constants, module="app.constants"))
    user = tmp_path / "user.py"
    user.write_text("from app.constants import NAME, PORT\n")
    sources.append(SourceFile("user.py", user, module="user"))
    table = dict(with_project_constants(ScanConfig(), sources).project_constants)
    assert table == {"app.constants.NAME": "shared"}
