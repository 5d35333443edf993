import sqlite3
from contextlib import closing


def quota_left(db_path, tenant):
    if not tenant:
        return 0
    with closing(sqlite3.connect(db_path)) as conn:
        row = conn.execute('SELECT left FROM quota WHERE tenant = ?', (tenant,)).fetchone()
    return row[0] if row else 0
