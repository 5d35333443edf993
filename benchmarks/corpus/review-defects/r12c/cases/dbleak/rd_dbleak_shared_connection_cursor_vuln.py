import sqlite3


class Inventory:
    def __init__(self, path):
        self.db = sqlite3.connect(path, check_same_thread=False)

    def stock(self, sku):
        cur = self.db.cursor()
        cur.execute("SELECT qty FROM stock WHERE sku = ?", (sku,))
        row = cur.fetchone()
        return row[0] if row else 0
