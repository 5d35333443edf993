"""Schema migrations: code the operator runs once, at deploy time, on the project's own database.

An Alembic revision (it imports `alembic.op` and defines `upgrade()`) or a Django migration (a
`Migration` class deriving from `migrations.Migration`) reads only the schema and rows of the
database it migrates; no request or client reaches it. The SQL text it splices column names,
constraint names, enum values and ids into is its own: on three fresh samples of web
applications, every `formatted-sql-query` in a migration (six) was read false. A row it reads
could still hold text a user stored once (second-order), so findings there are not dropped but
rated low confidence with the reason, as code that only runs in development is (`devonly`).
"""

from __future__ import annotations

import ast

_ALEMBIC = frozenset({"alembic", "alembic.op"})
_DJANGO_MIGRATION_BASES = frozenset({"migrations.Migration", "django.db.migrations.Migration"})


def is_schema_migration(tree: ast.Module) -> bool:
    """Whether the module is an Alembic revision or a Django migration (see the module)."""
    return _is_alembic_revision(tree) or _is_django_migration(tree)


def _is_alembic_revision(tree: ast.Module) -> bool:
    """`from alembic import op` (or `import alembic`) and a top-level `def upgrade()`."""
    imports_alembic = any(
        (isinstance(s, ast.ImportFrom) and s.module in _ALEMBIC)
        or (isinstance(s, ast.Import) and any(a.name in _ALEMBIC for a in s.names))
        for s in tree.body
    )
    return imports_alembic and any(
        isinstance(s, ast.FunctionDef) and s.name == "upgrade" for s in tree.body
    )


def _is_django_migration(tree: ast.Module) -> bool:
    """A top-level `class Migration(migrations.Migration)`."""
    return any(
        isinstance(s, ast.ClassDef)
        and s.name == "Migration"
        and any(ast.unparse(base) in _DJANGO_MIGRATION_BASES for base in s.bases)
        for s in tree.body
    )
