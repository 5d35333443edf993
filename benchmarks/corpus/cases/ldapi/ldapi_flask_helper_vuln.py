import ldap
from ldap.filter import escape_filter_chars
from flask import Flask, make_response, redirect, request, session

app = Flask(__name__)
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


@app.route("/case/<value>")
def case(value):
    param = value
    bar = transform(param)
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return "done"
