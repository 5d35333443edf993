import base64
import json

from django.http import HttpResponse


def restore_cart(request):
    cart = json.loads(base64.b64decode(request.COOKIES.get("cart", "")))
    return HttpResponse(str(len(cart)))
