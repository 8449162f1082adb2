"""Two workers ticking at once run each scheduled period once (familjelotsen.schedule).

Two workers at once means two connections that see each other's commits: these tests run
outside a test transaction and the database is flushed afterwards (serialized_rollback keeps
what migrations seeded). A file of its own, so that `make test`'s workers (pytest-xdist, a
file at a time) run it after the tests that need the migrations' rows, as pytest-django
orders it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from familjelotsen import schedule
from familjelotsen.models import ScheduledRun
from familjelotsen.tasks import schedule_tick
from tests import test_schedule as shared

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
Outcome = ScheduledRun.Outcome
# The fixtures of the other scheduling tests: the database task backend and counted jobs.
_database_backend = shared._database_backend
counted = shared.counted


def test_two_workers_ticking_at_once_run_each_period_once(counted):
    now = shared.local(2026, 3, 10, 7, 0)
    shared.in_threads(lambda: schedule_tick(now=now))
    shared.in_threads(lambda: schedule_tick(now=now + dt.timedelta(seconds=5)))
    # Both workers take tasks from the queue at once too.
    shared.in_threads(shared.run_worker_in_thread)

    jobs = [job.name for job in schedule.jobs()]
    assert counted == dict.fromkeys(jobs, 1)
    assert sorted(ScheduledRun.objects.values_list("job", flat=True)) == jobs
    assert set(ScheduledRun.objects.values_list("outcome", flat=True)) == {Outcome.OK}
    assert DBTaskResult.objects.filter(task_path__endswith="run_scheduled_job").count() == 5
    periods = dict(ScheduledRun.objects.values_list("job", "period"))
    assert periods["send_digests"] == "2026-03-10"
    assert periods["apply_retention"] == "2026-03"
    assert periods["send_due_reminders"] == "2026-03-10T06:00Z"  # 07:00 in Stockholm
