import hashlib

from django.http import HttpResponse, HttpResponseForbidden
from django.views import View

from .models import Account


class LoginView(View):
    def post(self, request):
        account = Account.objects.get(username=request.POST["username"])
        supplied = request.POST["password"]
        if hashlib.sha1(supplied.encode()).hexdigest() != account.password_sha1:
            return HttpResponseForbidden("wrong user name or password")
        return HttpResponse("welcome")
