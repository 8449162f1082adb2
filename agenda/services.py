"""Booking, moving and cancelling visits, with their SMS reminders (planned, replanned or
cancelled in the same transaction; `agenda.reminders`). Typed, keyword-only, atomic. Queueing
the messages once the transaction commits is `agenda.tasks`' (services never queue)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda import reminders
from cases import models as cm
from familjelotsen.models import User


@transaction.atomic
def visit_book(
    *,
    family: cm.Family,
    by: User,
    starts_at: dt.datetime,
    place: str,
    kind: str = cm.JournalEntry.Kind.HOME_VISIT,
    duration_minutes: int = 60,
    reminder_members: Iterable[cm.Member] = (),
    remind_day_before: bool = False,
    remind_two_hours_before: bool = False,
    confirm_protected: bool = False,
) -> cm.Visit:
    """Book a visit, with SMS reminders to the chosen members (planned in this transaction,
    sent by the background worker after commit; see agenda.reminders)."""
    if starts_at < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationError({"starts_at": _("Book the next visit at a future time.")})
    visit = cm.Visit.objects.create(
        family=family,
        owner_id=by.administration_id,
        ombud=by,
        starts_at=starts_at,
        place=place,
        kind=kind,
        duration_minutes=duration_minutes,
    )
    reminders.reminders_schedule(
        visit=visit,
        by=by,
        members=reminder_members,
        day_before=remind_day_before,
        two_hours_before=remind_two_hours_before,
        confirm_protected=confirm_protected,
    )
    return visit


@transaction.atomic
def visit_reschedule(
    *,
    visit: cm.Visit,
    by: User,
    starts_at: dt.datetime,
    place: str | None = None,
    duration_minutes: int | None = None,
) -> cm.Visit:
    """Move a booked visit; its unsent SMS reminders are planned again for the new time."""
    visit = cm.Visit.objects.select_for_update().select_related("family").get(pk=visit.pk)
    if visit.cancelled_at is not None:
        raise ValidationError(_("A cancelled visit cannot be moved: book a new one."))
    if starts_at < timezone.now() - dt.timedelta(minutes=5):
        raise ValidationError({"starts_at": _("Move the visit to a future time.")})
    place = visit.place if place is None else place
    reminders.replan_check(visit=visit, place=place)
    visit.starts_at = starts_at
    visit.place = place
    if duration_minutes is not None:
        visit.duration_minutes = duration_minutes
    visit.save(update_fields=["starts_at", "place", "duration_minutes", "updated_at"])
    reminders.reminders_replan(visit=visit)
    return visit


@transaction.atomic
def visit_cancel(*, visit: cm.Visit) -> None:
    visit.cancelled_at = timezone.now()
    visit.save(update_fields=["cancelled_at", "updated_at"])
    reminders.reminders_cancel_for_visit(visit=visit)
