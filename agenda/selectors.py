"""What the reminder pages read: a family's outbox, the failed sends and digests of a team
lead's administration, and the access-log basis of rows that belong to a family. Every read
starts from `familjelotsen.access`."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from agenda import sms
from cases import models as cm
from familjelotsen import access
from familjelotsen.models import User

S = cm.SmsReminder.Status


def oversee_families(user: User) -> QuerySet:
    """Families whose visits and messages the user may see: the policy's OVERSEE (the case
    team and the owning team lead; a share with another administration does not show visits),
    annotated with the basis for the log."""
    return access.visible_families(user, need=access.OVERSEE)


def with_family_basis(user: User, qs: QuerySet, family_ref: str = "family_id") -> QuerySet:
    """Annotate rows that belong to a family (messages, visits) with the access basis and
    consent the policy finds for that family, for their access-log rows (same statement)."""
    family = oversee_families(user).filter(pk=OuterRef(family_ref))
    return qs.annotate(
        access_basis=Subquery(family.values("access_basis")[:1]),
        access_consent_id=Subquery(family.values("access_consent_id")[:1]),
    )


def visible_reminders(user: User) -> QuerySet:
    """The messages the user may see (OVERSEE on their family), each with its log basis."""
    return with_family_basis(
        user,
        cm.SmsReminder.objects.filter(
            family_id__in=access.visible(user, cm.Family, need=access.OVERSEE).values("id")
        ),
    )


def _member_prefetch(user: User) -> Prefetch:
    return Prefetch("member", queryset=access.visible_members(user))


def family_outbox(user: User, family: cm.Family) -> dict:
    """The family's visits to come and every message (sent, failed, cancelled, pending).

    Queries: 1 messages (with the family's log basis) + 1 their members (identity masking
    annotated) + 1 upcoming visits with their reminder choices; for a user who may not see
    protected identity, 1 more to mask the visits' places in a family with a protected member.
    """
    reminders = list(
        visible_reminders(user)
        .filter(family=family)
        .select_related("visit")
        .prefetch_related(_member_prefetch(user))
        .order_by("-send_at", "-id")[:500]
    )
    for row in reminders:
        row.number_masked = sms.mask_number(row.sent_to) if row.sent_to else ""
    visits = list(
        cm.Visit.objects.filter(
            family=family, cancelled_at__isnull=True, starts_at__gte=timezone.now()
        )
        .select_related("ombud", "reminder_choice")
        .order_by("starts_at")[:20]
    )
    # The place may be a protected person's address: shown to those who may see identity.
    masked = bool(
        visits
        and not access.family_permissions(user, family).identity
        and family.members.filter(protected_identity=True).exists()
    )
    for visit in visits:
        visit.place_shown = not masked
    counts: dict[str, int] = {}
    for row in reminders:
        counts[row.status] = counts.get(row.status, 0) + 1
    return {"reminders": reminders, "visits": visits, "counts": counts}


def failed_sends(user: User) -> list[cm.SmsReminder]:
    """Failed messages of the families the user fully sees (for a team lead: the whole
    administration's), newest first. Queries: 1 messages with family + 1 members."""
    rows = list(
        visible_reminders(user)
        .filter(status=S.FAILED)
        .select_related("family", "visit")
        .prefetch_related(_member_prefetch(user))
        .order_by("-last_attempt_at", "-id")[:200]
    )
    return rows


def failed_digests(user: User) -> QuerySet:
    """Failed digest e-mails of the team lead's administration (no case data in them)."""
    if not access.is_team_lead(user):
        return cm.DigestDelivery.objects.none()
    return (
        cm.DigestDelivery.objects.filter(
            status=cm.DigestDelivery.Status.FAILED,
            user__administration_id=user.administration_id,
        )
        .select_related("user")
        .order_by("-on", "-id")
    )


# --- Booking the next visit -----------------------------------------------------------------------


def booking_initial(user: User, family: cm.Family, after_entry: str | None) -> dict:
    """What the booking form starts with. After signing an entry: the same kind, place and
    length, one week after it at the same time (or the next such day still ahead); and the
    SMS reminders the family's last booking chose, when it chose any.

    Queries: at most 3 (the entry, the last booking and its recipients)."""
    initial: dict = {}
    entry = None
    if after_entry and after_entry.isdigit():
        entry = (
            access.visible_journal_entries(user)
            .filter(pk=int(after_entry), family=family)
            .only("kind", "place", "duration_minutes", "event_at")
            .first()
        )
    if entry is not None:
        starts = timezone.localtime(entry.event_at) + dt.timedelta(days=7)
        now = timezone.localtime()
        while starts <= now:
            starts += dt.timedelta(days=7)
        initial.update(
            starts_at=starts.replace(second=0, microsecond=0, tzinfo=None),
            kind=entry.kind,
            place=entry.place,
            duration_minutes=entry.duration_minutes or 60,
        )
    last = (
        cm.VisitReminderChoice.objects.filter(visit__family=family)
        .order_by("-visit__starts_at", "-id")
        .prefetch_related("recipients")
        .first()
    )
    if last is not None:
        initial.update(
            remind_day_before=last.day_before,
            remind_two_hours_before=last.two_hours_before,
            reminder_members=[m.pk for m in last.recipients.all()],
        )
    return initial


def planned_reminder_times(visit: cm.Visit) -> list:
    """When the visit's SMS reminders go out (local time, earliest first)."""
    times = (
        cm.SmsReminder.objects.filter(visit=visit, status=cm.SmsReminder.Status.PENDING)
        .order_by("send_at")
        .values_list("send_at", flat=True)
        .distinct()
    )
    return [timezone.localtime(t) for t in times]
