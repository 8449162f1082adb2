"""Demo reminders: upcoming visits with SMS reminders in the outbox, in every state (seeded
after the other apps' demos: familjelotsen.slots.DEMO, order 90)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from agenda import reminders, sms, tasks
from cases import models as cm


def seed(base: dict) -> dict:
    """Upcoming visits with SMS reminders in the outbox: pending ones to come, a visit moved
    (its first reminders cancelled), and last week's visit with one reminder sent and one
    that failed at the gateway. Idempotent: does nothing when demo reminders exist.

    Run after the cases demo (it needs base["families"] and base["users"])."""
    families = base.get("families") or {}
    if (
        not families
        or cm.SmsReminder.objects.filter(family__in=[f.pk for f in families.values()]).exists()
    ):
        return {}
    ombud = base["users"]["ombud"]
    today = timezone.localdate()

    def at(days: int, hour: int, minute: int = 0) -> dt.datetime:
        day = today + dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def sms_parent(family) -> cm.Member | None:
        return (
            cm.Member.objects.filter(family=family, sms_reminders=True).exclude(mobile="").first()
        )

    made = []
    # Holm has protected identity: the ombud confirmed that the parent may get SMS.
    for key, days, hour, protected in (
        ("berg", 3, 9, False),
        ("lind", 4, 13, False),
        ("sjo", 6, 10, False),
        ("holm", 5, 15, True),
    ):
        family = families.get(key)
        parent = sms_parent(family) if family else None
        if parent is None or family.status != cm.Family.Status.ACTIVE:
            continue
        visit = tasks.visit_book(
            family=family,
            by=ombud,
            starts_at=at(days, hour),
            place="Familjecentralen" if key == "lind" else "Hemma hos familjen",
            reminder_members=[parent],
            remind_day_before=True,
            remind_two_hours_before=key != "sjo",
            confirm_protected=protected,
        )
        made.append(visit)
    # A visit that was moved: its first reminders are cancelled, the new ones pending.
    berg = families.get("berg")
    parent = sms_parent(berg) if berg else None
    if parent is not None and berg.status == cm.Family.Status.ACTIVE:
        moved = tasks.visit_book(
            family=berg,
            by=ombud,
            starts_at=at(9, 10),
            place="Skolan",
            reminder_members=[parent],
            remind_day_before=True,
        )
        tasks.visit_reschedule(visit=moved, by=ombud, starts_at=at(10, 14))
        # Last week's visit: the day-before reminder went out; the two-hours one failed at
        # the gateway (as if the worker had run then). Written directly: the services only
        # book visits in the future.
        past = cm.Visit.objects.create(
            family=berg,
            owner_id=ombud.administration_id,
            ombud=ombud,
            starts_at=at(-6, 10),
            place="Hemma hos familjen",
        )
        text = reminders.compose_text(past)
        common = {
            "visit": past,
            "family": berg,
            "owner_id": berg.owner_id,
            "member": parent,
            "text": text,
            "attempts": 1,
            "sent_to": sms.normalise_mobile(parent.mobile) or "",
        }
        cm.SmsReminder.objects.create(
            **common,
            slot=cm.SmsReminder.Slot.DAY_BEFORE,
            send_at=at(-7, 18),
            status=cm.SmsReminder.Status.SENT,
            last_attempt_at=at(-7, 18),
            sent_at=at(-7, 18),
            provider="console",
        )
        cm.SmsReminder.objects.create(
            **common,
            slot=cm.SmsReminder.Slot.TWO_HOURS,
            send_at=at(-6, 8),
            status=cm.SmsReminder.Status.FAILED,
            last_attempt_at=at(-6, 8, 2),
            failure_reason=sms.GATEWAY_FAULT,
        )
    return {"reminder_visits": made}
