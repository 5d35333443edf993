from django.http import HttpResponse
from django.utils.safestring import mark_safe


def render_bio(profile_text):
    return mark_safe("<div class='bio'>" + profile_text + "</div>")


def profile(request):
    bio = render_bio(request.POST.get("bio", ""))
    return HttpResponse(bio)
