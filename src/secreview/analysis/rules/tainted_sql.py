"""CWE-89 by data flow: untrusted input in the text of an SQL statement (`tainted-sql`).

Its pattern twin, `formatted-sql-query`, is in `sql_injection.py`.
"""

from __future__ import annotations

from secreview.analysis.rules._support.taint import TaintSpec, taint_rule
from secreview.findings import Confidence, Severity

tainted_sql = taint_rule(
    TaintSpec("sql", "quotes in the input rewrite the query (read, change or delete any row)."),
    id="tainted-sql",
    name="SQL injection: untrusted input in query text",
    cwe=89,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    summary="Query text built from untrusted input is executed.",
    fix="Keep the SQL constant and pass values as parameters: "
    "`cursor.execute('SELECT * FROM t WHERE id = ?', (value,))`; for identifiers use an "
    "allow-list or `psycopg.sql.Identifier`.",
    what_it_does="Follows untrusted data into the statement text of DB-API `execute*`, "
    "SQLAlchemy `text`/`exec_driver_sql`, Django `raw`/`extra`/`RawSQL` and `pandas.read_sql`. "
    "A project helper outside the scan whose name says it runs SQL (`db.execute_sql`) is taken "
    "for one at low confidence, a guess its evidence names.",
    why_bad="`' OR '1'='1` or `'; DROP TABLE users; --` in the input becomes SQL (CWE-89).",
    example="cursor.execute(f\"SELECT * FROM users WHERE name = '{name}'\")",
    use_instead="cursor.execute('SELECT * FROM users WHERE name = %s', (name,))",
    references=(
        "https://peps.python.org/pep-0249/#paramstyle",
        "https://docs.djangoproject.com/en/stable/topics/security/#sql-injection-protection",
        "https://cwe.mitre.org/data/definitions/89.html",
    ),
)
