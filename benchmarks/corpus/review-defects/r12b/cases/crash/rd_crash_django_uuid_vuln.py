import uuid

from django.http import JsonResponse


def device_status(request):
    device = uuid.UUID(request.GET.get('device'))
    return JsonResponse({'device': str(device)})
