from django.http import HttpResponse


def blank_image(request):
    length = min(int(request.GET.get("length", "1024")), 65536)
    data = bytearray(length)
    return HttpResponse(bytes(data), content_type="application/octet-stream")
