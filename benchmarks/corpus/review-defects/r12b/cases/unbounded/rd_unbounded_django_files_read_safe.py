from django.http import JsonResponse


def import_contacts(request):
    upload = request.FILES['contacts']
    rows = 0
    for chunk in upload.chunks():
        rows += chunk.count(b'\n')
    return JsonResponse({'rows': rows})
