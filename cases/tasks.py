"""Background work of the cases app (django-tasks, database backend: `manage.py db_worker`).

As in `agenda.tasks`: tasks only queue, services do the work and never queue. The `@task`
functions are thin and take ids only; the flows that do work and then queue more are here.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from cases import notices
from cases.services import emergency as emergency_services
from familjelotsen.history import history_context


@task()
@history_context("send_emergency_notice")
def send_emergency_notice(emergency_id: int) -> int:
    """E-mail the case team and the owning team leads of one emergency access at once."""
    return notices.emergency_notice_send(emergency_id=emergency_id)


def emergency_access_request(**kwargs) -> emergency_services.EmergencyOutcome:
    """Open a family in an emergency (`cases.services.emergency.emergency_access_request`,
    same arguments) and, once that commits, queue the e-mail that tells each family's case
    team and owning team leads at once."""
    outcome = emergency_services.emergency_access_request(**kwargs)
    opened = [e.pk for e in outcome.opened]
    if opened:
        transaction.on_commit(lambda: [send_emergency_notice.enqueue(pk) for pk in opened])
    return outcome
