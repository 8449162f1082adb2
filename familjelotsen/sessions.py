"""The session keep-alive: the "stay signed in" endpoint (`familjelotsen.urls`), the renewal
of a signed-in session by the requests it makes, and the idle-timeout warning's context (a
context processor in settings).

A session ends SESSION_COOKIE_AGE after it was last renewed. Every request renews it, but at
most once per SESSION_RENEW_AFTER seconds: writing the session row on every page would cost
each page a transaction and a disk flush. The server's deadline is therefore up to that long
before the one the browser counts from its last request (static/js/session.js), which opens
its warning SESSION_TIMEOUT_WARNING seconds (three minutes) ahead; when the browser's
deadline passes it asks the server, which has already ended the session.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST


@require_POST
def session_ping(request: HttpRequest) -> HttpResponse:
    """The "stay signed in" button: signed-in requests extend the session
    (SessionRenewalMiddleware); this one always renews it and does nothing else. Anonymous
    callers are sent to login (LoginRequiredMiddleware), which tells session.js that the
    session has ended."""
    request.session[RENEWED_KEY] = int(time.time())
    return HttpResponse(status=204)


RENEWED_KEY = "_fl_renewed"


class SessionRenewalMiddleware:
    """Renews a signed-in session (new expiry in the table and the cookie) when it was last
    renewed SESSION_RENEW_AFTER seconds ago or more. Below SessionMiddleware, which saves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.modified or session.is_empty():
            return response  # saved anyway (login), or nothing to renew (logged out)
        now = int(time.time())
        if now - session.get(RENEWED_KEY, 0) >= settings.SESSION_RENEW_AFTER:
            session[RENEWED_KEY] = now
        return response


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
