import sqlite3
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[1]
    conn = sqlite3.connect("app.db")
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    return HttpResponse("done")
