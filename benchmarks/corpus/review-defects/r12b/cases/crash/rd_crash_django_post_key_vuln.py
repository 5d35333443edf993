from django.http import JsonResponse


def change_email(request):
    email = request.POST['email']
    request.user.email = email
    request.user.save()
    return JsonResponse({'ok': True})
