"""Swedish error pages without stack traces or personal data."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from familjelotsen.access import NotForRole, ShortOfNeed

logger = logging.getLogger("familjelotsen.errors")


def permission_denied(request, exception=None):
    """The 403 page says what the situation is: a record the user sees but may not change, a
    page meant for other roles, or the policy's own reason (e.g. the responsible ombud stays
    on the case team). A record the user may not see at all is a 404, never a 403."""
    if isinstance(exception, ShortOfNeed):
        situation = "short_of_need"
    elif isinstance(exception, NotForRole):
        situation = "not_for_role"
    else:
        situation = "other"
    reason = str(exception) if situation == "other" and exception and exception.args else ""
    return render(
        request, "errors/403.html", {"situation": situation, "reason": reason}, status=403
    )


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Rendered without a request context: nothing about the user or the record leaks.
    return render(None, "errors/500.html", status=500)


# --- PostgreSQL unavailable: "try again shortly", never a traceback -----------------------------

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def _caused_by_database_outage(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, DATABASE_DOWN):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def note_database_outage(sender, request=None, **kwargs) -> None:
    """`got_request_exception` receiver (connected in familjelotsen.apps): Django turns an
    exception anywhere in the middleware or the view into a 500 response (with DEBUG, the
    traceback page) before any outer middleware sees it; this marks the request so that
    `DatabaseUnavailableMiddleware` can replace that response."""
    if request is not None and _caused_by_database_outage(sys.exc_info()[1]):
        request.database_unavailable = True


def database_unavailable_response(request=None) -> HttpResponse:
    """503 with a page asking the user to try again shortly; rendered without the database
    and without a request context (nothing about the user or the record)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) if request is not None else None
    language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string("errors/503.html", {"LANGUAGE_CODE": language})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is away (restarting, out of connection slots), every page answers 503
    "try again shortly" instead of a server error, with or without DEBUG; the next request
    after it is back is served as usual (Django opens a new connection: no restart)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unavailable", False):
            logger.warning("database unavailable: answered 503 for %s", request.path)
            return database_unavailable_response(request)
        return response
