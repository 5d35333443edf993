import sqlite3

from flask import Flask, request

app = Flask(__name__)


class ReportRepository:
    def __init__(self, path):
        self.connection = sqlite3.connect(path)

    def totals(self, column, region):
        sql = "SELECT {}, SUM(amount) FROM sales WHERE region = ? GROUP BY {}".format(column, column)
        return self.connection.execute(sql, (region,)).fetchall()


@app.get("/reports")
def reports():
    repository = ReportRepository("sales.db")
    rows = repository.totals(request.args.get("group", "month"), request.args.get("region", "eu"))
    return {"rows": rows}
