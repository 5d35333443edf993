import sqlite3
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


def case(request):
    param = request.GET.getlist("value")[0]
    bar = Holder(param).value
    conn = sqlite3.connect("app.db")
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE name = '" + bar + "'")
    return HttpResponse("done")
