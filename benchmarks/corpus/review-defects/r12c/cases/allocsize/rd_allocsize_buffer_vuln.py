from django.http import HttpResponse


def blank_image(request):
    length = int(request.GET.get("length", "1024"))
    data = bytearray(length)
    return HttpResponse(bytes(data), content_type="application/octet-stream")
