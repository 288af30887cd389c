"""Who may see what: the preparer everything; a council secretary their own party's pages only.

Another party's pages answer 404 (not 403), so a secretary cannot even learn what exists.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import User


def preparer_required(view):
    @login_required
    @wraps(view)
    def inner(request, *args, **kwargs):
        if not request.user.is_preparer:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return inner


def check_party(user: User, party: str | None) -> None:
    """Raise Http404 unless the user may see this party's records."""
    if user.is_preparer:
        return
    if not party or not user.is_secretary or user.party != party:
        raise Http404
