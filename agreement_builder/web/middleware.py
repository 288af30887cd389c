from __future__ import annotations

from django.utils import translation


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
        return response
