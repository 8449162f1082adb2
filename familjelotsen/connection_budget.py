"""A connection budget per web process: never more requests at work (each holding at most one
database connection) than `FL_DB_CONNECTIONS_PER_PROCESS`, so the processes together stay
under PostgreSQL's `max_connections`.

The development server (`manage.py runserver`, `make run`) starts a thread per request, and
Django keeps one connection per thread: 50 people at once meant 50 connections, past the
local cluster's limit, and pages failed. Here a request waits (up to `FL_DB_CONNECTION_WAIT`
seconds) for a slot, and a threaded server's request closes its connection before giving its
slot back (a per-request thread never reuses it). A request that cannot get a slot in time
gets the 503 "try again shortly" page. gunicorn's sync workers run one request per process:
the budget never binds there, and their connections stay persistent (CONN_MAX_AGE).

The arithmetic (README, "Connections"): web processes × slots + the worker's 2 (its task loop
and the schedule's thread) + maintenance must stay below max_connections -
superuser_reserved_connections.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connections

from familjelotsen.errors import database_unavailable_response


class ConnectionBudget:
    """WSGI middleware around Django's application (familjelotsen.wsgi)."""

    def __init__(self, application, *, slots: int | None = None, wait: float | None = None):
        self.application = application
        self.slots = slots or settings.FL_DB_CONNECTIONS_PER_PROCESS
        self.wait = settings.FL_DB_CONNECTION_WAIT if wait is None else wait
        self._semaphore = threading.BoundedSemaphore(self.slots)

    def __call__(self, environ, start_response):
        if not self._semaphore.acquire(timeout=self.wait):
            response = database_unavailable_response()
            start_response(f"{response.status_code} {response.reason_phrase}", [*response.items()])
            return [response.content]
        try:
            result = self.application(environ, start_response)
        except BaseException:
            self._release(environ)
            raise
        return _ClosingIterable(result, lambda: self._release(environ))

    def _release(self, environ) -> None:
        try:
            if environ.get("wsgi.multithread"):
                connections.close_all()  # this thread's connections only
        finally:
            self._semaphore.release()


class _ClosingIterable:
    """Passes the response through; its close() (called by the server once the response is
    sent, which is when Django closes the request's connection) then gives the slot back."""

    def __init__(self, result, on_close):
        self._result = result
        self._on_close = on_close
        self._closed = False

    def __iter__(self):
        return iter(self._result)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            self._on_close()
