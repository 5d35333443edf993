import ldap
from ldap.filter import escape_filter_chars
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


def case(request):
    param = request.POST["value"]
    num = 106
    bar = "safe" if 7 * 18 + num > 200 else param
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return HttpResponse("done")
