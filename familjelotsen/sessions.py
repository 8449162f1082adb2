"""The session keep-alive: the "stay signed in" endpoint (`familjelotsen.urls`) and the
idle-timeout warning's context (a context processor in settings)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def session_ping(request: HttpRequest) -> HttpResponse:
    """The "stay signed in" button: any signed-in request extends the session
    (SESSION_SAVE_EVERY_REQUEST); this one does nothing else. Anonymous callers are sent to
    login (LoginRequiredMiddleware), which tells session.js that the session has ended."""
    return HttpResponse(status=204)


def session_timeout(request: HttpRequest) -> dict[str, Any]:
    """Context for the idle-timeout warning in base.html (signed-in pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_timeout": {
            "age": settings.SESSION_COOKIE_AGE,
            "warn": settings.SESSION_TIMEOUT_WARNING,
        }
    }
