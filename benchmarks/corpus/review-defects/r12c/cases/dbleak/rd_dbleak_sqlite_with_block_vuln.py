import sqlite3


def record_login(db_path, user_id, when):
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO logins (user_id, at) VALUES (?, ?)", (user_id, when))
