import ldap
from ldap.filter import escape_filter_chars
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.GET.get("value", "")
    if param not in ALLOWED_VALUES:
        return HttpResponse("done")
    bar = param
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return HttpResponse("done")
