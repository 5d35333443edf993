import subprocess

from django.http import JsonResponse


def make_thumbnail(source, size):
    command = f"convert {source} -resize {size} /tmp/thumb.png"
    return subprocess.run(command, shell=True, check=False).returncode


def thumbnail(request):
    code = make_thumbnail("/srv/images/original.png", request.GET.get("size", "64x64"))
    return JsonResponse({"status": code})
