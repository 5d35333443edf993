"""The status number of an HTTP response, read from an object the scan knows nothing about.

A call the scan does not follow (`self.xom.http.post(url, ...)` through a project's own client
wrapper) is taken to return its arguments' data, so its result and every attribute read from it
carry the URL or body the request was built from. `status_code` is the one attribute every Python
HTTP library names the same and fills with the number the server answered (requests', httpx's
and Starlette's responses, Django's `HttpResponse`, Werkzeug's `Response`, `HTTPException`s): an
integer, whoever chose the request, so "upload returned %s" logs and builds nothing forged. A
response the models type (`requests.get(...)`) says the same through its own sanitiser; this is
the rule for the untyped one.

`num_pages` is the same for pagination: Django's `Paginator.num_pages` (reached from a `Page` as
`page.paginator.num_pages`, the object a template hands its pager filter) is the count of pages,
an integer, and the libraries that copy Django's paginator (Django REST framework's, wagtail's,
`django-pure-pagination`) use the name for that count too. A pager marking its "Last (12)" link
safe splices no text of the listed objects with it.
"""

from __future__ import annotations

from secreview.analysis.taint.code_names import CODE_NAMES
from secreview.analysis.taint.values import Value

STATUS_NUMBERS = frozenset({"status_code"})
"""Attributes that hold an HTTP status as an integer in every library that defines them (`status`
is left out: a row's or a job's `status` is often text)."""
PAGE_COUNTS = frozenset({"num_pages"})
"""Attributes that hold a paginator's count of pages (Django's `Paginator.num_pages`)."""


def reads_no_data(base: Value, attribute: str) -> bool:
    """Whether `base.attribute` holds none of the data `base` carries: a name of the program's
    own code (`fun.__name__`, see `code_names`), or an HTTP status number or a paginator's count
    of pages read from an untyped object."""
    return attribute in CODE_NAMES or (
        not base.type and (attribute in STATUS_NUMBERS or attribute in PAGE_COUNTS)
    )
