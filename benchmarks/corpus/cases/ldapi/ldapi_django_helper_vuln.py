import ldap
from ldap.filter import escape_filter_chars
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def transform(value):
    return value.strip()


def case(request, value):
    param = value
    bar = transform(param)
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return HttpResponse("done")
