"""The background worker itself (django-tasks database backend, `manage.py db_worker`), run
in-process: reminders are queued for their time on booking, and a message goes out exactly
once however many times it is queued and however often the worker runs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from agenda import sms, tasks
from cases import models as cm

# serialized_rollback: the flush after each test must not lose what migrations seeded.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
S = cm.SmsReminder.Status


@pytest.fixture(autouse=True)
def _database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command(
        "db_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0",
        verbosity=0,
    )


def test_booking_queues_each_reminder_for_its_time(family, parent, book):
    visit = book(family, members=[parent], remind_day_before=True, remind_two_hours_before=True)
    queued = DBTaskResult.objects.filter(task_path="agenda.tasks.send_sms_reminder")
    rows = {r.pk: r.send_at for r in cm.SmsReminder.objects.filter(visit=visit)}
    assert {t.args_kwargs["args"][0]: t.run_after for t in queued} == rows

    run_worker()  # nothing is due yet
    assert set(cm.SmsReminder.objects.values_list("status", flat=True)) == {S.PENDING}


def test_exactly_one_message_even_when_the_worker_runs_twice(family, parent, book, gateway):
    visit = book(family, members=[parent], remind_two_hours_before=True)
    reminder = cm.SmsReminder.objects.get(visit=visit)
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        # The sweep queues the same message again beside its deferred task.
        assert tasks.dispatch_due() == 1
        assert DBTaskResult.objects.ready().count() == 2
        run_worker()
        run_worker()
        tasks.dispatch_due()
        run_worker()

    reminder.refresh_from_db()
    assert reminder.status == S.SENT and reminder.attempts == 1
    assert len(gateway.requests) == 1 and len(gateway.delivered) == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {
        TaskResultStatus.SUCCESSFUL
    }


def test_a_failed_send_is_retried_by_the_worker_when_its_time_comes(family, parent, book, gateway):
    visit = book(family, members=[parent], remind_day_before=True)
    reminder = cm.SmsReminder.objects.get(visit=visit)
    gateway.script = [("status", 500)] * 3
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        run_worker()
    reminder.refresh_from_db()
    assert reminder.status == S.FAILED and reminder.will_retry
    retry = DBTaskResult.objects.ready().count()
    assert retry == 0  # queued for later, not now
    with time_machine.travel(reminder.next_attempt_at + dt.timedelta(seconds=5)):
        run_worker()
    reminder.refresh_from_db()
    assert reminder.status == S.SENT and len(gateway.delivered) == 1


def test_a_crash_while_sending_is_visible_on_the_message_and_the_task(
    family, parent, book, monkeypatch
):

    class Broken:
        name = "broken"

        def send(self, **kwargs):
            raise RuntimeError("bug")

    monkeypatch.setattr(sms, "get_backend", lambda: Broken())
    visit = book(family, members=[parent], remind_two_hours_before=True)
    reminder = cm.SmsReminder.objects.get(visit=visit)
    with time_machine.travel(reminder.send_at + dt.timedelta(minutes=1)):
        run_worker()
    reminder.refresh_from_db()
    assert reminder.status == S.FAILED
    assert reminder.failure_reason == sms.INTERNAL_ERROR
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
