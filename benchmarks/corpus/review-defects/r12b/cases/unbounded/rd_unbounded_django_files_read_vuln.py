from django.http import JsonResponse


def import_contacts(request):
    upload = request.FILES['contacts']
    rows = upload.read().decode().splitlines()
    return JsonResponse({'rows': len(rows)})
