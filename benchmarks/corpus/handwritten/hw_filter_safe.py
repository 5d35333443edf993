import re

from django.http import JsonResponse

NAMES = ["alice", "bob", "carol"]


def matching(request):
    pattern = re.compile(re.escape(request.GET.get("pattern", "")))
    return JsonResponse({"names": [n for n in NAMES if pattern.search(n)]})
