import ldap
from ldap.filter import escape_filter_chars
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.META.get("HTTP_X_VALUE", "")
    items = ["safe", param, "other"]
    items.pop(0)
    bar = items[0]
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return HttpResponse("done")
