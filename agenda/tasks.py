"""Background work of the agenda app (django-tasks, database backend: `manage.py db_worker`).

The rule: tasks only queue, services do the work and never queue. The `@task` functions here
are thin: each calls a function of `agenda.reminders` or `agenda.digests` that does the work.
Whoever needs work queued (a view, a management command, a scheduled job) calls this module;
a flow that does work and then queues more (a failed SMS retried later, the sweep of due
messages, a retry by hand, booking or moving a visit with reminders) is orchestrated here
too. Services (`agenda.reminders`, `agenda.digests`, `agenda.services`) never import this
module.

Tasks take ids only and look everything up again when they run: a message planned a week ago
is checked against the visit, the member's consent and the case team as they are now.

Upgrading: these tasks lived in `cases.tasks` before the agenda app (issue 15), and
django-tasks stores a task's import path in its queued row. Drain the queue before upgrading
(let `manage.py db_worker` finish every task queued by the old version); a row still naming
`cases.tasks...` cannot run afterwards. Messages whose task was lost this way are still sent
by the sweep (`manage.py send_due_reminders`); a lost digest is queued again by running
`manage.py send_digests` for that day.

Scheduled (familjelotsen.schedule, registered in `agenda.apps`): `dispatch_due` every five
minutes and `digests_queue` each morning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from agenda import digests, reminders, services
from cases import models as cm
from familjelotsen.history import history_context

if TYPE_CHECKING:
    from agenda import sms
    from familjelotsen.models import User


# --- Tasks ----------------------------------------------------------------------------------------


@task()
@history_context("send_sms_reminder")
def send_sms_reminder(reminder_id: int) -> str:
    """Send one SMS reminder if it is due and may still go; returns its status."""
    return reminder_send(reminder_id=reminder_id)


@task()
@history_context("dispatch_due_reminders")
def dispatch_due_reminders() -> int:
    """Queue every reminder that is due (the sweep; `manage.py send_due_reminders`)."""
    return dispatch_due()


@task()
@history_context("send_digest")
def send_digest(user_id: int, on: str) -> str:
    """Send one member of staff's daily digest for the day `on` (ISO date), at most once."""
    delivery = digests.digest_send(user_id=user_id, on=dt.date.fromisoformat(on))
    return delivery.status if delivery is not None else "skipped"


# --- Queueing -------------------------------------------------------------------------------------


def queue_send(reminder_id: int, at: dt.datetime) -> None:
    """Queue the send task for `at`. Backends that cannot defer (tests, development without
    the worker) get nothing for a future time: the sweep sends it when it is due."""
    send = send_sms_reminder
    if at > timezone.now() + dt.timedelta(seconds=5):
        if not send.get_backend().supports_defer:
            return
        send = send.using(run_after=at)
    send.enqueue(reminder_id)


def queue_sends_on_commit(rows: Iterable[tuple[int, dt.datetime]]) -> None:
    """Queue the send of each (reminder id, time) once the current transaction commits."""
    rows = list(rows)
    if rows:
        transaction.on_commit(lambda: [queue_send(pk, at) for pk, at in rows])


def reminder_send(*, reminder_id: int, backend: sms.SmsBackend | None = None) -> str:
    """Send one message (`reminders.reminder_attempt`) and queue its retry when the attempt
    failed in a way worth trying again. Safe to run any number of times for the same id.
    An unexpected error of the SMS backend is recorded on the message, then raised so the
    task shows it too."""
    attempt = reminders.reminder_attempt(reminder_id=reminder_id, backend=backend)
    if attempt.retry_at is not None:
        queue_sends_on_commit([(reminder_id, attempt.retry_at)])
    if attempt.error is not None:
        raise attempt.error
    return attempt.status


def dispatch_due(*, now: dt.datetime | None = None) -> int:
    """Queue every message that is due (the sweep behind deferred tasks): pending ones past
    their time, failed ones whose retry is due, and attempts whose worker died."""
    now = now or timezone.now()
    ids = reminders.due_reminder_ids(now=now)
    for pk in ids:
        queue_send(pk, now)
    return len(ids)


def digests_queue(*, on: dt.date | None = None) -> int:
    """Queue the day's digest of every family ombud and team lead (the daily schedule,
    `manage.py send_digests`). Queueing twice sends nothing twice: `send_digest` sends each
    user's digest for a day at most once. Returns how many were queued."""
    on = on or timezone.localdate()
    count = 0
    for user_id in digests.digest_recipients().values_list("pk", flat=True):
        send_digest.enqueue(user_id, on.isoformat())
        count += 1
    return count


@transaction.atomic
def visit_book(**kwargs) -> cm.Visit:
    """Book a visit (`services.visit_book`, same arguments) and queue its SMS reminders, each
    for its time, once the transaction commits."""
    visit = services.visit_book(**kwargs)
    queue_sends_on_commit(reminders.planned_sends(visit))
    return visit


@transaction.atomic
def visit_reschedule(**kwargs) -> cm.Visit:
    """Move a visit (`services.visit_reschedule`, same arguments) and queue its replanned SMS
    reminders once the transaction commits."""
    visit = services.visit_reschedule(**kwargs)
    queue_sends_on_commit(reminders.planned_sends(visit))
    return visit


def reminder_retry(*, reminder: cm.SmsReminder, by: User) -> cm.SmsReminder:
    """Try a failed message again now (from the failed-sends page): queued on commit."""
    row = reminders.reminder_retry(reminder=reminder, by=by)
    queue_sends_on_commit([(row.pk, row.next_attempt_at)])
    return row


def digest_retry(*, delivery: cm.DigestDelivery, by: User) -> None:
    """Send a failed digest again (from the failed-sends page): queued on commit."""
    digests.digest_retry_check(delivery=delivery)
    transaction.on_commit(lambda: send_digest.enqueue(delivery.user_id, delivery.on.isoformat()))
