import sqlite3
from contextlib import closing


def record_login(db_path, user_id, when):
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("INSERT INTO logins (user_id, at) VALUES (?, ?)", (user_id, when))
