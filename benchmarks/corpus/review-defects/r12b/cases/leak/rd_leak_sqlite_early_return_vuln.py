import sqlite3


def quota_left(db_path, tenant):
    conn = sqlite3.connect(db_path)
    if not tenant:
        return 0
    row = conn.execute('SELECT left FROM quota WHERE tenant = ?', (tenant,)).fetchone()
    conn.close()
    return row[0] if row else 0
