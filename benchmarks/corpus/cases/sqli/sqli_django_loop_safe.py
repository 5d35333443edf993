import sqlite3
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.headers.get("X-Value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    conn = sqlite3.connect("app.db")
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    return HttpResponse("done")
