"""Scheduled jobs run by the worker (familjelotsen.schedule), no cron: each period runs once
however many workers tick, a period missed while no worker ran is caught up once, a run whose
worker died is run again, and /health/ says when a job is overdue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from familjelotsen import schedule
from familjelotsen.management.commands.db_worker import Worker
from familjelotsen.models import ScheduledRun
from familjelotsen.tasks import schedule_tick

pytestmark = pytest.mark.django_db
Outcome = ScheduledRun.Outcome
DAILY = ("expire_consents", "send_digests", "sip_follow_ups_due")


def local(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def counted(monkeypatch):
    """The real jobs, each counting its runs (they run for real afterwards too)."""
    runs: dict[str, int] = {}
    lock = threading.Lock()
    for job in schedule.jobs():

        def counting(job=job):
            with lock:
                runs[job.name] = runs.get(job.name, 0) + 1
            return job.run()

        monkeypatch.setitem(schedule._JOBS, job.name, dataclasses.replace(job, run=counting))
    return runs


def worker() -> Worker:
    return Worker(
        schedule_interval=None,
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"test-{threading.get_ident()}",
        excluded_queue_names=[],
    )


def run_worker():
    """What the worker does with each queued task, inside the test's transaction (the worker's
    own loop closes its connection between tasks, which a test transaction cannot survive)."""
    w = worker()
    while (row := DBTaskResult.objects.ready().get_locked()) is not None:
        row.claim(w.worker_id)
        w.run_task(row)


def run_worker_in_thread():
    """`db_worker --batch`: its loop, without its signal handlers (main thread only)."""
    worker().run()


def in_threads(target, n=2):
    """Run target in n threads at once (each with its own database connection)."""
    barrier = threading.Barrier(n)
    errors = []

    def go():
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors


def test_the_worker_runs_every_job_the_apps_had_run_by_cron():
    assert {job.name for job in schedule.jobs()} == {
        "apply_retention",
        "expire_consents",
        "send_digests",
        "send_due_reminders",
        "sip_follow_ups_due",
    }


def test_a_daily_job_waits_for_its_time_and_runs_once_that_day():
    schedule_tick(now=local(2026, 3, 10, 6, 0))  # before 06:30: yesterday's digest period
    schedule_tick(now=local(2026, 3, 10, 6, 29))
    schedule_tick(now=local(2026, 3, 10, 6, 31))
    schedule_tick(now=local(2026, 3, 10, 23, 59))
    assert list(
        ScheduledRun.objects.filter(job="send_digests").order_by("due_at").values_list("period")
    ) == [("2026-03-09",), ("2026-03-10",)]


def test_periods_missed_while_no_worker_ran_are_caught_up_once(counted):
    schedule_tick(now=local(2026, 3, 10, 7, 0))
    run_worker()
    # Down from the 10th to the 13th: three digests and three expiry days missed, a month
    # boundary passed.
    schedule_tick(now=local(2026, 4, 13, 8, 0))
    schedule_tick(now=local(2026, 4, 13, 8, 0, 4))
    run_worker()

    for name in DAILY:
        periods = ScheduledRun.objects.filter(job=name).order_by("due_at")
        assert [r.period for r in periods] == ["2026-03-10", "2026-04-13"]
    assert [r.period for r in ScheduledRun.objects.filter(job="apply_retention")] == [
        "2026-04",
        "2026-03",
    ]
    assert set(counted.values()) == {2}


def _abandon(run: ScheduledRun, *, at: dt.datetime) -> None:
    """What a worker killed mid-job leaves: the run started, never finished; its task running."""
    ScheduledRun.objects.filter(pk=run.pk).update(started_at=at)
    DBTaskResult.objects.filter(id=run.task_id).update(status="RUNNING", started_at=at)


def test_a_run_whose_worker_was_killed_mid_job_runs_again(counted):
    now = local(2026, 3, 10, 7, 0)
    schedule_tick(now=now)
    run = ScheduledRun.objects.get(job="expire_consents")
    _abandon(run, at=now)

    # The job's lock went with the dead worker's connection: the next tick queues it again.
    assert "expire_consents" in schedule_tick(now=now + dt.timedelta(minutes=1))
    run_worker()
    run.refresh_from_db()
    assert (run.outcome, run.attempts) == (Outcome.OK, 2)
    assert counted["expire_consents"] == 1  # the killed attempt never got to count


def test_a_run_in_progress_elsewhere_is_left_alone(counted):
    now = local(2026, 3, 10, 7, 0)
    schedule_tick(now=now)
    run = ScheduledRun.objects.get(job="expire_consents")
    _abandon(run, at=now)
    holding, release = threading.Event(), threading.Event()

    def other_worker():  # alive and running the job: it holds the job's lock
        with schedule._job_lock("expire_consents"):
            holding.set()
            release.wait(30)
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        holding.wait(10)
        assert "expire_consents" not in schedule_tick(now=now + dt.timedelta(minutes=1))
    finally:
        release.set()
        thread.join(10)
    run.refresh_from_db()
    assert run.attempts == 1


def test_a_failed_run_is_tried_again_a_few_times_then_left_for_the_next_period(monkeypatch):
    job = schedule.get("sip_follow_ups_due")

    def broken():
        raise RuntimeError("bug")

    monkeypatch.setitem(schedule._JOBS, job.name, dataclasses.replace(job, run=broken))
    now = local(2026, 3, 10, 7, 0)
    for minutes in (0, 6, 12, 18, 24):
        with time_machine.travel(now + dt.timedelta(minutes=minutes), tick=False):
            schedule_tick()
            run_worker()
    run = ScheduledRun.objects.get(job="sip_follow_ups_due")
    assert (run.outcome, run.attempts, run.summary) == (Outcome.FAILED, 3, "RuntimeError")


def test_health_turns_unavailable_when_a_job_is_overdue_and_staff_see_each_last_run(
    client, sysadmin
):
    url = reverse("health")
    now = timezone.now()
    schedule_tick(now=now)
    run_worker()
    assert client.get(url).status_code == 200

    # The worker stopped yesterday: the 5-minute sweep and the daily jobs are overdue.
    ScheduledRun.objects.update(
        due_at=now - dt.timedelta(days=2), queued_at=now - dt.timedelta(days=2)
    )
    response = client.get(url)
    assert (response.status_code, response.content) == (503, b"unavailable\n")

    client.force_login(sysadmin)
    detail = client.get(url, {"format": "json"}).json()
    sweep = next(v for k, v in detail.items() if "send_due_reminders" in k)
    assert "overdue" in sweep
    assert all("last_run=" in k for k in detail if k.startswith("ScheduledJob"))
