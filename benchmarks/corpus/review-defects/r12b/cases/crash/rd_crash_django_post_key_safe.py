from django.http import HttpResponseBadRequest, JsonResponse


def change_email(request):
    email = request.POST.get('email')
    if not email:
        return HttpResponseBadRequest('email is required')
    request.user.email = email
    request.user.save()
    return JsonResponse({'ok': True})
