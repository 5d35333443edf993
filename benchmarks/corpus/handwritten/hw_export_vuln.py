import csv
import io

from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/export")
def export():
    name = request.args.get("filename", "export.csv")
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["id", "total"])
    response = make_response(buffer.getvalue())
    response.headers["Content-Disposition"] = "attachment; filename=" + name
    response.headers["Content-Type"] = "text/csv"
    return response
