import sqlite3
from contextlib import closing


class Inventory:
    def __init__(self, path):
        self.db = sqlite3.connect(path, check_same_thread=False)

    def stock(self, sku):
        with closing(self.db.cursor()) as cur:
            cur.execute("SELECT qty FROM stock WHERE sku = ?", (sku,))
            row = cur.fetchone()
        return row[0] if row else 0
