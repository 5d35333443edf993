import uuid

from django.http import HttpResponseBadRequest, JsonResponse


def device_status(request):
    try:
        device = uuid.UUID(request.GET.get('device'))
    except (TypeError, ValueError):
        return HttpResponseBadRequest('bad device id')
    return JsonResponse({'device': str(device)})
