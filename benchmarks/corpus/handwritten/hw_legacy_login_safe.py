from django.contrib.auth.hashers import check_password
from django.http import HttpResponse, HttpResponseForbidden
from django.views import View

from .models import Account


class LoginView(View):
    def post(self, request):
        account = Account.objects.get(username=request.POST["username"])
        supplied = request.POST["password"]
        if not check_password(supplied, account.password):
            return HttpResponseForbidden("wrong user name or password")
        return HttpResponse("welcome")
