import base64
import pickle

from django.http import HttpResponse


def restore_cart(request):
    cart = pickle.loads(base64.b64decode(request.COOKIES.get("cart", "")))
    return HttpResponse(str(len(cart)))
