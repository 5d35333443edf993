import csv
import io
import re

from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/export")
def export():
    name = re.sub(r"[^A-Za-z0-9_]", "", request.args.get("filename", "export"))
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["id", "total"])
    response = make_response(buffer.getvalue())
    response.headers["Content-Disposition"] = "attachment; filename=" + name + ".csv"
    response.headers["Content-Type"] = "text/csv"
    return response
