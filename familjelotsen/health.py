"""The health endpoint (/health/, `familjelotsen.urls`): database, private file storage, the
task queue and each scheduled job."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.http import HttpResponse
from django.utils import timezone
from health_check import Database, Storage
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from familjelotsen import schedule
from familjelotsen.two_factor import has_second_factor


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


@dataclasses.dataclass
class ScheduledJob(HealthCheck):
    """A scheduled job (familjelotsen.schedule) ran when it should: unavailable when the period
    after its last successful run is past its grace. Staff see its last run in `last_run`."""

    job: str
    last_run: str = ""

    async def run(self) -> None:
        backend = settings.TASKS.get("default", {}).get("BACKEND", "")
        if not backend.startswith("django_tasks_db."):
            return  # no worker runs a schedule here (tests: immediate backend)
        states = await sync_to_async(schedule.job_states, thread_sensitive=True)()
        state = next((s for s in states if s.name == self.job), None)
        if state is None:
            return
        self.last_run = state.describe()
        if state.overdue(timezone.now()):
            raise ServiceUnavailable("overdue: is the worker (manage.py db_worker) running?")


class HealthView(HealthCheckView):
    """/health/: database, private file storage, the task queue and the scheduled jobs.

    Anonymous callers (the load balancer) get the status only: 200 "ok" or 503 "unavailable".
    Details (which check, why) are for signed-in staff with a second factor.
    """

    checks = (Database, Storage, TaskQueue)

    def get_checks(self):
        yield from super().get_checks()
        for job in schedule.jobs():
            yield ScheduledJob(job=job.name)

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
