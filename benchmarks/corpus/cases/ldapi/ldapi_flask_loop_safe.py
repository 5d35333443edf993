import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case")
def case():
    param = request.values.get("value", "")
    bar = ""
    for piece in param.split(","):
        bar += "x" * len(piece)
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return "done"
