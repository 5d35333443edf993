from django.http import HttpResponse
from django.utils.html import format_html


def render_bio(profile_text):
    return format_html("<div class='bio'>{}</div>", profile_text)


def profile(request):
    bio = render_bio(request.POST.get("bio", ""))
    return HttpResponse(bio)
