"""The calls that declare text to be markup already, so templates insert it unescaped.

Rules about HTML built by hand ask whether what reaches one of these was escaped first: the call
itself escapes nothing, it only promises that someone did.
"""

from __future__ import annotations

MARK_SAFE_CALLS = frozenset(
    {
        "markupsafe.Markup",
        "flask.Markup",
        "jinja2.Markup",
        "django.utils.safestring.mark_safe",
        "django.utils.safestring.SafeString",
        "django.utils.safestring.SafeText",
    }
)
"""Wrappers (by resolved name) whose argument a template engine inserts as markup."""
