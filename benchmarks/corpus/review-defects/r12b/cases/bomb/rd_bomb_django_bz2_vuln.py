import bz2

from django.http import JsonResponse


def restore_backup(request):
    dump = bz2.decompress(request.body)
    return JsonResponse({'bytes': len(dump)})
