import sqlite3

from flask import Flask, abort, request

app = Flask(__name__)
GROUPINGS = {"month", "quarter", "year"}


class ReportRepository:
    def __init__(self, path):
        self.connection = sqlite3.connect(path)

    def totals(self, column, region):
        sql = "SELECT {}, SUM(amount) FROM sales WHERE region = ? GROUP BY {}".format(column, column)
        return self.connection.execute(sql, (region,)).fetchall()


@app.get("/reports")
def reports():
    group = request.args.get("group", "month")
    if group not in GROUPINGS:
        abort(400)
    repository = ReportRepository("sales.db")
    rows = repository.totals(group, request.args.get("region", "eu"))
    return {"rows": rows}
