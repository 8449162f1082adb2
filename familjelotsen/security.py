"""Cross-cutting security: who counts as signed in with two factors, client addresses for
throttling, change-history context for background work, the health endpoint and the session
keep-alive.

The pieces here are wired in settings (authentication backend, django-axes callables, the
allauth.mfa authenticate form, a context processor) and in `familjelotsen.urls`
(health, session ping); `familjelotsen.middleware` enforces enrolment.

Change history for background work (tasks, management commands)::

    from familjelotsen.security import history_context

    @task()
    @history_context("send_consent_reminders")
    def send_consent_reminders(): ...

    with history_context("import_legal_references"):
        ...

Every history event written inside carries ``{"task": "<label>"}`` in its pghistory context,
as request events carry ``{"user": <id>, "url": <path>}`` (pghistory's middleware).

Append-only history tables: with ``PGHISTORY_APPEND_ONLY = True`` (settings) every
``@pghistory.track()`` event model gets pgtrigger "append_only" triggers that refuse UPDATE
and DELETE. For a history-like table that is not a pghistory event model, add to a migration::

    from familjelotsen.security import protect_history_sql

    forward, reverse = protect_history_sql("myapp_mytable")
    operations = [migrations.RunSQL(forward, reverse)]
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any, TypeVar

import pghistory
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from asgiref.sync import sync_to_async
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, Min, OuterRef, When
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from health_check import Database, Storage
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

F_ = TypeVar("F_", bound=Callable[..., Any])

# --- Two factors -----------------------------------------------------------------------------

#: Authenticator types that are a second factor on their own (recovery codes are a fallback
#: that allauth only issues together with one of these).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def _second_factor_exists():
    return Exists(
        Authenticator.objects.filter(user_id=OuterRef("pk"), type__in=SECOND_FACTOR_TYPES)
    )


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, loading the session's user with a flag saying whether they have
    enrolled a second factor, so the enrolment middleware costs no extra query."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(
                fl_has_second_factor=_second_factor_exists()
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def has_second_factor(user) -> bool:
    """True when the user has an authenticator app or a security key.

    allauth completes a login of such a user only after the second factor (its MFA stage), so
    an authenticated session of an enrolled user is a two-factor session.
    """
    flag = getattr(user, "fl_has_second_factor", None)
    if flag is None:
        flag = Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()
        user.fl_has_second_factor = flag
    return bool(flag)


def uses_demo_secret(user) -> bool:
    """True when the user's authenticator app uses the public demo secret (familjelotsen.demo)."""
    from allauth.mfa.utils import decrypt

    from familjelotsen.demo import DEMO_TOTP_SECRET

    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if auth is None:
        return False
    secret = decrypt(auth.data.get("secret", "")).replace(" ", "").upper()
    return hmac.compare_digest(secret, DEMO_TOTP_SECRET)


class AuthenticateForm(AllauthAuthenticateForm):
    """allauth's second-factor form; in production it refuses the published demo secret."""

    def clean_code(self) -> str:
        if not settings.DEBUG and uses_demo_secret(self.user):
            raise forms.ValidationError(
                _(
                    "This account uses the public demo authenticator, which is not allowed "
                    "here. Ask the system administrator to reset your two-factor login."
                ),
                code="demo_secret",
            )
        return super().clean_code()


# --- Throttling --------------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str | None:
    """The client address for django-axes, derived exactly as allauth's rate limits derive it
    (ALLAUTH_TRUSTED_PROXY_COUNT), so both throttles count the same client."""
    try:
        return get_account_adapter(request).get_client_ip(request)
    except PermissionDenied:
        # No usable address (a login made in code, e.g. the test client's force_login):
        # nothing to throttle by address.
        return None


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """django-axes' description of a client in log lines: a keyed pseudonym instead of the
    typed username (which may be a name or a personnummer typed by mistake) and address."""
    key = settings.SECRET_KEY.encode()
    pseudonym = hmac.new(key, f"{username}|{ip_address}".encode(), hashlib.sha256).hexdigest()
    return f"{{client: {pseudonym[:16]}, path: {str(path_info)[:80]}}}"


# --- Change history ----------------------------------------------------------------------------


class history_context:  # noqa: N801 - used like pghistory.context, as a decorator or `with`
    """Label history events written by background work with ``{"task": label}``.

    A fresh pghistory context is entered on each use, so one decorated function may run in
    several threads (task workers) at once.
    """

    def __init__(self, label: str, **metadata: Any) -> None:
        self.label = label
        self.metadata = metadata
        self._stack: list[pghistory.context] = []

    def __enter__(self):
        ctx = pghistory.context(task=self.label, **self.metadata)
        self._stack.append(ctx)
        return ctx.__enter__()

    def __exit__(self, *exc_info):
        return self._stack.pop().__exit__(*exc_info)

    def __call__(self, func: F_) -> F_:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with pghistory.context(task=self.label, **self.metadata):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def protect_history_sql(table: str) -> tuple[str, str]:
    """Forward and reverse SQL for a migration: the table refuses UPDATE and DELETE.

    pghistory event models need none of this (PGHISTORY_APPEND_ONLY installs pgtrigger's
    equivalent); use it for other append-only tables.
    """
    if not _TABLE.match(table):
        raise ValueError("table must be a plain lower-case PostgreSQL identifier")
    function = f"{table}_append_only_guard"
    forward = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history is append-only: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER {table}_append_only
  BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    reverse = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    return forward, reverse


# --- Health ------------------------------------------------------------------------------------


def oldest_pending_task_age(now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the oldest task that is ready to run has waited (None: nothing waits)."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    # A task scheduled for later is pending from its run_after, not from when it was queued.
    pending_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")),
        default=Greatest("enqueued_at", "run_after"),
    )
    oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(pending_since))["oldest"]
    if oldest is None:
        return None
    return (now or timezone.now()) - oldest


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The background worker keeps up: no ready task has waited longer than max_age."""

    max_age: dt.timedelta = dataclasses.field(
        default_factory=lambda: dt.timedelta(minutes=settings.HEALTH_TASK_MAX_WAIT_MINUTES)
    )

    async def run(self) -> None:
        backend = settings.TASKS.get("default", {}).get("BACKEND", "")
        if not backend.startswith("django_tasks_db."):
            return  # tasks do not queue in the database here (tests: immediate backend)
        # thread_sensitive: the request's own connection (and, in tests, its transaction).
        age = await sync_to_async(oldest_pending_task_age, thread_sensitive=True)()
        if age is not None and age > self.max_age:
            raise ServiceUnavailable("the oldest ready task has waited too long")


class HealthView(HealthCheckView):
    """/health/: database, private file storage and the task queue.

    Anonymous callers (the load balancer) get the status only: 200 "ok" or 503 "unavailable".
    Details (which check, why) are for signed-in staff with a second factor.
    """

    checks = (Database, Storage, TaskQueue)

    async def get(self, request, *args, **kwargs):
        user = await request.auser()
        if user.is_authenticated and user.is_staff:
            enrolled = await sync_to_async(has_second_factor, thread_sensitive=True)(user)
            if enrolled:
                return await super().get(request, *args, **kwargs)
        with self.get_executor() as executor:
            results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        healthy = not any(result.error for result in results)
        return HttpResponse(
            "ok\n" if healthy else "unavailable\n",
            status=200 if healthy else 503,
            content_type="text/plain; charset=utf-8",
        )


health = login_not_required(HealthView.as_view())


# --- Session -----------------------------------------------------------------------------------


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
