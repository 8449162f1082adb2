"""Background work of the cases app (django-tasks, database backend: `manage.py db_worker`).

Tasks take ids only and look everything up again when they run: a message planned a week ago
is checked against the visit, the member's consent and the case team as they are now.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from cases import reminders
from familjelotsen.security import history_context


@task()
@history_context("send_sms_reminder")
def send_sms_reminder(reminder_id: int) -> str:
    """Send one SMS reminder if it is due and may still go; returns its status."""
    return reminders.reminder_send(reminder_id=reminder_id)


@task()
@history_context("dispatch_due_reminders")
def dispatch_due_reminders() -> int:
    """Queue every reminder that is due (the sweep; `manage.py send_due_reminders`)."""
    return reminders.dispatch_due()


@task()
@history_context("send_digest")
def send_digest(user_id: int, on: str) -> str:
    """Send one member of staff's daily digest for the day `on` (ISO date), at most once."""
    delivery = reminders.digest_send(user_id=user_id, on=dt.date.fromisoformat(on))
    return delivery.status if delivery is not None else "skipped"
