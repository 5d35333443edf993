import bz2

from django.http import JsonResponse


def restore_backup(request):
    return JsonResponse({'bytes': len(request.body)})
