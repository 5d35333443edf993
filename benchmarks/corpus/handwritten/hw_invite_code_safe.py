import secrets
import string

from django.http import JsonResponse

from .models import Invite

ALPHABET = string.ascii_uppercase + string.digits


def generate_invite_code(length=8):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def create_invite(request):
    code = generate_invite_code()
    Invite.objects.create(code=code, email=request.POST["email"])
    return JsonResponse({"code": code})
