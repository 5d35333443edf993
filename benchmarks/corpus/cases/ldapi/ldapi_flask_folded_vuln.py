import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


@app.route("/case", methods=["POST"])
def case():
    param = request.form["value"]
    num = 106
    bar = param if 7 * 18 + num > 200 else "safe"
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return "done"
