import hmac

from django.conf import settings
from django.http import HttpResponseForbidden


class ApiKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        provided = request.headers.get("X-Api-Key", "")
        if provided != settings.SERVICE_API_KEY:
            return HttpResponseForbidden()
        return self.get_response(request)
