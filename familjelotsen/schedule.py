"""Scheduled jobs, run by the background worker (`manage.py db_worker`): no cron.

Each app registers its jobs in its `AppConfig.ready()`, as it registers its slots::

    schedule.register("expire_consents", schedule.Daily(dt.time(0, 10)), services.consents_on_date)

The worker ticks every few seconds (`familjelotsen.tasks.schedule_tick`). A tick claims the
latest period of each job that is due by inserting its `ScheduledRun` row (unique per job and
period: of two workers ticking at once, one inserts and queues the job, the other finds the
row) and queues `familjelotsen.tasks.run_scheduled_job` in the same transaction. A period
missed while no worker ran is caught up once: only the latest due period is claimed, never
each one missed.

A job runs under a PostgreSQL advisory lock held by its connection for as long as it runs, so
runs of one job never overlap, and a run whose worker died (the lock went with its
connection) is queued again by the next tick, as is a failed run, up to `MAX_ATTEMPTS`.

The services here do the work and never queue: `familjelotsen.tasks` queues. /health/ reports
a job overdue when the period after its last successful run is past its grace
(`job_states`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import zlib
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from django.db import connection
from django.db.models import Min, Q
from django.utils import timezone

from familjelotsen.history import history_context
from familjelotsen.models import ScheduledRun

Outcome = ScheduledRun.Outcome
MAX_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=5)
# A run whose task was taken by a worker but which never started is abandoned after this.
STUCK_AFTER = dt.timedelta(minutes=2)
# The first key of the two-key advisory locks taken here ("FLsc"): apart from other users.
LOCK_NAMESPACE = 0x464C7363


# --- When -----------------------------------------------------------------------------------------


class Every(Protocol):
    """When a job is due: its periods, each with a due time and a key."""

    grace: dt.timedelta

    def latest_due(self, now: dt.datetime) -> dt.datetime: ...

    def next_due(self, after: dt.datetime) -> dt.datetime: ...

    def key(self, due: dt.datetime) -> str: ...


def _local_at(day: dt.date, at: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, at))


@dataclasses.dataclass(frozen=True)
class Daily:
    """Every day at a local time (Europe/Stockholm; keep clear of 02:00-03:00, the DST hour)."""

    at: dt.time
    grace: dt.timedelta = dt.timedelta(hours=2)

    def latest_due(self, now: dt.datetime) -> dt.datetime:
        today = timezone.localdate(now)
        due = _local_at(today, self.at)
        return due if due <= now else _local_at(today - dt.timedelta(days=1), self.at)

    def next_due(self, after: dt.datetime) -> dt.datetime:
        day = timezone.localdate(after)
        due = _local_at(day, self.at)
        return due if due > after else _local_at(day + dt.timedelta(days=1), self.at)

    def key(self, due: dt.datetime) -> str:
        return timezone.localdate(due).isoformat()


@dataclasses.dataclass(frozen=True)
class Monthly:
    """Every month on a day (1-28) at a local time."""

    day: int
    at: dt.time
    grace: dt.timedelta = dt.timedelta(days=1)

    def _due(self, year: int, month: int) -> dt.datetime:
        return _local_at(dt.date(year, month, self.day), self.at)

    def latest_due(self, now: dt.datetime) -> dt.datetime:
        local = timezone.localdate(now)
        due = self._due(local.year, local.month)
        if due <= now:
            return due
        year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
        return self._due(year, month)

    def next_due(self, after: dt.datetime) -> dt.datetime:
        local = timezone.localdate(after)
        due = self._due(local.year, local.month)
        if due > after:
            return due
        year, month = (local.year, local.month + 1) if local.month < 12 else (local.year + 1, 1)
        return self._due(year, month)

    def key(self, due: dt.datetime) -> str:
        return timezone.localdate(due).strftime("%Y-%m")

    def __post_init__(self):
        if not 1 <= self.day <= 28:
            raise ValueError("a monthly job runs on day 1-28 (every month has it)")


@dataclasses.dataclass(frozen=True)
class EveryMinutes:
    """Every n minutes, on the clock (n divides an hour: 5 → :00, :05, …)."""

    minutes: int
    grace: dt.timedelta = dt.timedelta(minutes=15)

    def latest_due(self, now: dt.datetime) -> dt.datetime:
        step = self.minutes * 60
        return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)

    def next_due(self, after: dt.datetime) -> dt.datetime:
        return self.latest_due(after) + dt.timedelta(minutes=self.minutes)

    def key(self, due: dt.datetime) -> str:
        return due.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


# --- What -----------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Job:
    """A scheduled job: `run` is a service (or a queueing flow of a tasks module) taking no
    arguments; what it returns is kept as a count (an int, or the length of a list)."""

    name: str
    every: Every
    run: Callable[[], Any]


_JOBS: dict[str, Job] = {}


def register(name: str, every: Every, run: Callable[[], Any]) -> None:
    """Add a job (in an `AppConfig.ready()`). Registering a name again replaces it."""
    _JOBS[name] = Job(name=name, every=every, run=run)


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def get(name: str) -> Job | None:
    return _JOBS.get(name)


# --- Claiming and re-running ---------------------------------------------------------------------


def run_claim(*, job: Job, now: dt.datetime) -> ScheduledRun | None:
    """Claim the latest due period of the job: its new row, or None when another tick (this
    worker's earlier one, or another worker's) already did. Call inside the transaction that
    queues the run."""
    due = job.every.latest_due(now)
    run, created = ScheduledRun.objects.get_or_create(
        job=job.name, period=job.every.key(due), defaults={"due_at": due, "queued_at": now}
    )
    return run if created else None


def run_queued(*, run: ScheduledRun, task_id: str) -> None:
    ScheduledRun.objects.filter(pk=run.pk).update(task_id=task_id)


def _lock_key(name: str) -> int:
    return zlib.crc32(name.encode()) - 2**31  # a signed 32-bit key


@contextlib.contextmanager
def _job_lock(name: str) -> Iterator[None]:
    """Hold the job's advisory lock on this connection (a session lock: it outlives the job's
    transactions and goes with the connection when the worker dies)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, _lock_key(name)])
    try:
        yield
    finally:
        # A lost connection has released it already.
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, _lock_key(name)])


def _job_running(name: str) -> bool:
    """Whether some connection holds the job's lock right now (a run is in progress)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, _lock_key(name)])
        (got,) = cursor.fetchone()
        if got:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, _lock_key(name)])
    return not got


def _task_states(task_ids: list[str]) -> dict[str, tuple[str, dt.datetime | None]]:
    from django_tasks_db.models import DBTaskResult

    ids = [pk for pk in task_ids if pk]
    return {
        str(pk): (status, started)
        for pk, status, started in DBTaskResult.objects.filter(id__in=ids).values_list(
            "id", "status", "started_at"
        )
    }


def runs_to_retry(*, now: dt.datetime) -> list[ScheduledRun]:
    """Runs to queue again, locked for this transaction (another worker's tick skips them):
    failed ones after `RETRY_AFTER`, and abandoned ones — started by a worker that died (the
    job's lock is free, yet the run never finished), or taken from the queue and never started.
    Only the latest period of a job is retried; an older one gives way to it."""
    candidates = list(
        ScheduledRun.objects.select_for_update(skip_locked=True)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .filter(
            Q(outcome=Outcome.FAILED, finished_at__lt=now - RETRY_AFTER)
            | Q(outcome=Outcome.PENDING, queued_at__lt=now - dt.timedelta(seconds=30))
        )
        .order_by("job", "-due_at")
    )
    latest = {job.name: job.every.key(job.every.latest_due(now)) for job in jobs()}
    pending = [r for r in candidates if r.outcome == Outcome.PENDING]
    tasks = _task_states([r.task_id for r in pending]) if pending else {}
    retry = []
    for run in candidates:
        if latest.get(run.job) != run.period:
            continue
        if run.outcome == Outcome.PENDING:
            status, task_started = tasks.get(run.task_id, ("MISSING", None))
            if status == "READY":
                continue  # still waiting for a worker: the task queue check watches that
            just_taken = task_started is not None and task_started > now - STUCK_AFTER
            if run.started_at is None and status == "RUNNING" and just_taken:
                continue  # a worker took it a moment ago and is about to start it
            if _job_running(run.job):
                continue  # alive (this run, or another of the same job it waits for)
        retry.append(run)
    return retry


def run_requeue(*, run: ScheduledRun, now: dt.datetime) -> None:
    """Reset a run for another attempt (the caller queues it in the same transaction)."""
    ScheduledRun.objects.filter(pk=run.pk).update(
        attempts=run.attempts + 1,
        queued_at=now,
        started_at=None,
        finished_at=None,
        outcome=Outcome.PENDING,
        summary="",
    )
    run.attempts += 1


# --- Running --------------------------------------------------------------------------------------


def _count(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple | set | dict):
        return str(len(value))
    return ""


def job_run(*, run_id: int) -> str:
    """Run one claimed period of a job (the task `run_scheduled_job`): under the job's lock,
    recorded on its row. Returns the outcome; a failure is recorded, then raised."""
    job_name = ScheduledRun.objects.filter(pk=run_id).values_list("job", flat=True).first()
    if job_name is None:
        return "missing"
    job = get(job_name)
    rows = ScheduledRun.objects.filter(pk=run_id)
    if job is None:
        rows.update(finished_at=timezone.now(), outcome=Outcome.FAILED, summary="unknown job")
        return Outcome.FAILED
    with _job_lock(job.name):
        if rows.filter(outcome=Outcome.OK).exists():
            return Outcome.OK  # queued twice and already done
        rows.update(started_at=timezone.now(), finished_at=None, outcome=Outcome.PENDING)
        try:
            with history_context(job.name):
                value = job.run()
        except Exception as exc:
            rows.update(
                finished_at=timezone.now(), outcome=Outcome.FAILED, summary=type(exc).__name__
            )
            raise
        rows.update(finished_at=timezone.now(), outcome=Outcome.OK, summary=_count(value))
    return Outcome.OK


# --- State (for /health/) -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class JobState:
    name: str
    last_run: ScheduledRun | None
    last_success_due: dt.datetime | None
    expected_by: dt.datetime | None

    def overdue(self, now: dt.datetime) -> bool:
        return self.expected_by is not None and now > self.expected_by

    def describe(self) -> str:
        """For staff on /health/: the last run's period, outcome and times (no personal data)."""
        run = self.last_run
        if run is None:
            return "not run yet"
        when = timezone.localtime(run.finished_at or run.started_at or run.queued_at)
        outcome = run.outcome or ("running" if run.started_at else "queued")
        return f"{run.period} {outcome} {when:%Y-%m-%d %H:%M}"


def job_states(*, now: dt.datetime | None = None) -> list[JobState]:
    """Each job's last run and when its next successful run is due at the latest: the due
    time of the period after its last success, plus the job's grace. A job that never
    succeeded is expected within its grace of the schedule's first tick; before any tick
    (no worker has run yet) nothing is expected."""
    now = now or timezone.now()
    first_tick = ScheduledRun.objects.aggregate(first=Min("queued_at"))["first"]
    states = []
    for job in jobs():
        runs = ScheduledRun.objects.filter(job=job.name)
        last = runs.order_by("-due_at", "-queued_at").first()
        success = runs.filter(outcome=Outcome.OK).order_by("-due_at").first()
        if success is not None:
            expected_by = job.every.next_due(success.due_at) + job.every.grace
        elif first_tick is not None:
            expected_by = first_tick + job.every.grace
        else:
            expected_by = None
        states.append(
            JobState(
                name=job.name,
                last_run=last,
                last_success_due=success.due_at if success else None,
                expected_by=expected_by,
            )
        )
    return states
