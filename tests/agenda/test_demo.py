"""Demo data: upcoming visits with reminders in the outbox (pending, cancelled after a move,
sent and failed), made once."""

from __future__ import annotations

import pytest

from agenda import demo as agenda_demo
from cases import demo as cases_demo
from cases import models as cm
from familjelotsen import demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_reminders_in_every_state_and_is_made_once(settings):
    base = demo.seed()
    base.update(cases_demo.seed(base))
    made = agenda_demo.seed(base)

    statuses = set(cm.SmsReminder.objects.values_list("status", flat=True))
    assert statuses == {"pending", "cancelled", "sent", "failed"}
    assert len(made["reminder_visits"]) == 4
    protected = cm.SmsReminder.objects.filter(member__protected_identity=True)
    assert protected.exists()
    assert all(r.visit.reminder_choice.protected_confirmed_at for r in protected)

    count = cm.SmsReminder.objects.count()
    assert agenda_demo.seed(base) == {}
    assert cm.SmsReminder.objects.count() == count
