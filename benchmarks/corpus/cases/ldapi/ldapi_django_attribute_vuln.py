import ldap
from ldap.filter import escape_filter_chars
from django.http import HttpResponse, HttpResponseRedirect
ALLOWED_VALUES = ("alpha", "beta", "gamma")


class Holder:
    def __init__(self, value):
        self.value = value
        self.label = "safe"


def case(request):
    param = request.GET.getlist("value")[0]
    bar = Holder(param).value
    conn = ldap.initialize("ldap://localhost")
    conn.search_s("dc=example,dc=com", ldap.SCOPE_SUBTREE, "(uid=" + bar + ")")
    return HttpResponse("done")
