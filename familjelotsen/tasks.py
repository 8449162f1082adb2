"""Background work of the core: the schedule's tick and the task that runs a scheduled job.

The rule: tasks only queue, services do the work and never queue. `run_scheduled_job` is thin:
`familjelotsen.schedule.job_run` does the work. `schedule_tick` is the schedule itself, called
by the worker every few seconds (`manage.py db_worker`): it claims what is due and queues it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from familjelotsen import schedule


@task()
def run_scheduled_job(run_id: int) -> str:
    """Run one claimed period of a scheduled job (`familjelotsen.schedule`)."""
    return schedule.job_run(run_id=run_id)


def _queue(run) -> None:
    result = run_scheduled_job.enqueue(run.pk)
    schedule.run_queued(run=run, task_id=str(result.id))


def schedule_tick(*, now: dt.datetime | None = None) -> list[str]:
    """Queue each job whose latest period is due and not yet claimed, and each failed or
    abandoned run worth another attempt. Returns the names of the jobs queued.

    Claim and queue share a transaction: a period is claimed exactly when its task is queued,
    so neither a crash between them nor a second worker can lose or double a run."""
    now = now or timezone.now()
    queued = []
    for job in schedule.jobs():
        with transaction.atomic():
            run = schedule.run_claim(job=job, now=now)
            if run is not None:
                _queue(run)
                queued.append(job.name)
    with transaction.atomic():
        for run in schedule.runs_to_retry(now=now):
            schedule.run_requeue(run=run, now=now)
            _queue(run)
            queued.append(run.job)
    return queued
