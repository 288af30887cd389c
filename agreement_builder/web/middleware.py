from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class UserLanguageMiddleware:
    """A signed-in user's pages are in the language chosen in their account (Finnish or
    Swedish); LocaleMiddleware has chosen one for everyone else."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        # Scripts and styles from the site's own files only: no inline script can run, so text
        # that slipped into a page could not act even if it escaped the templates' escaping.
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose body is larger than any upload may be (413), before Django reads
    it to a temporary file; the forms then check each file's own limit and type."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(
                "Request too large", status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
