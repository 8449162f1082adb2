"""Booked visits, their SMS reminders, the staff's daily digest and the calendar feed."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.base import HISTORY
from cases.models.families import Family
from cases.models.journal import JournalEntry
from cases.models.members import Member
from familjelotsen.models import Administration, BaseModel


@pghistory.track(**HISTORY)
class Visit(BaseModel):
    """A booked visit or meeting with the family (the next visit; SMS reminders hang here)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="visits")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    ombud = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("family ombud"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=JournalEntry.Kind.choices,
        default=JournalEntry.Kind.HOME_VISIT,
    )
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=120)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["starts_at"]
        indexes = [
            models.Index(
                fields=["family", "starts_at"],
                name="visit_family_start",
                condition=Q(cancelled_at__isnull=True),
            ),
        ]


# --- Reminders and calendar (issue 9) ---------------------------------------------------------
# SMS reminders of booked visits (seed 001: families with NPF diagnoses often struggle with
# planning), the staff's daily digest and the private calendar feed. Sending, planning and the
# rules about who may get a message live in the agenda app (agenda.reminders); these tables
# hold the state.


def new_idempotency_key():
    """A fresh key per message (module-level so migrations can refer to it)."""
    import uuid

    return uuid.uuid4()


class VisitReminderChoice(BaseModel):
    """What the ombud chose when booking: which reminders, to whom. Moving the visit plans the
    messages again from this choice."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="reminder_choice")
    day_before = models.BooleanField(_("the day before at 18:00"), default=False)
    two_hours_before = models.BooleanField(_("two hours before"), default=False)
    recipients = models.ManyToManyField(
        Member, related_name="+", blank=True, verbose_name=_("who gets the reminder")
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A member with protected identity gets nothing unless the ombud confirmed it explicitly.
    protected_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    protected_confirmed_at = models.DateTimeField(null=True, blank=True)


class SmsReminder(BaseModel):
    """One SMS to one member about one visit. The row is the outbox entry and the message's
    whole state: every status change goes through agenda.reminders under select_for_update,
    and the idempotency key travels with every attempt so the gateway never sends it twice."""

    class Slot(models.TextChoices):
        DAY_BEFORE = "day_before", _("The day before at 18:00")
        TWO_HOURS = "two_hours", _("Two hours before")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        VISIT_CANCELLED = "visit_cancelled", _("The visit was cancelled")
        RESCHEDULED = "rescheduled", _("The visit was moved; a new reminder replaces this one")
        NO_CONSENT = (
            "no_consent",
            _("The member no longer agrees to SMS reminders or has no valid mobile number"),
        )
        PROTECTED = "protected", _("Protected identity without the ombud's confirmation")
        TOO_LATE = "too_late", _("The visit had already started")
        CASE_CLOSED = "case_closed", _("The case is closed")
        OMBUD_LEFT = "ombud_left", _("The family ombud is no longer on the case team")
        UNSAFE_TEXT = "unsafe_text", _("The text would have revealed personal data")
        BY_STAFF = "by_staff", _("Cancelled by staff")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="sms_reminders")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="sms_reminders")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="sms_messages", verbose_name=_("to")
    )
    slot = models.CharField(_("when"), max_length=12, choices=Slot.choices)
    send_at = models.DateTimeField(_("send at"))
    text = models.CharField(_("text"), max_length=320)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    idempotency_key = models.UUIDField(default=new_idempotency_key, unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # For a failed message: when it is tried again; empty when no retry is planned.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_to = models.CharField(_("number"), max_length=16, blank=True)
    provider = models.CharField(_("sent through"), max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=300, blank=True)
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=16, choices=CancelReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("SMS reminder")
        verbose_name_plural = _("SMS reminders")
        ordering = ["-send_at", "-id"]
        indexes = [
            models.Index(fields=["family", "-send_at"], name="sms_family_send_at"),
            models.Index(
                fields=["send_at"],
                name="sms_due",
                condition=Q(status__in=["pending", "sending", "failed"]),
            ),
        ]
        constraints = [
            # At most one live message per visit, member and slot: a moved visit's reminder
            # is cancelled before its replacement is planned.
            models.UniqueConstraint(
                fields=["visit", "member", "slot"],
                condition=Q(status__in=["pending", "sending", "failed"]),
                name="sms_one_live_per_visit_member_slot",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="sms_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="sms_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"SMS #{self.pk}"

    @property
    def will_retry(self) -> bool:
        return self.status == self.Status.FAILED and self.next_attempt_at is not None


# The message's life, one table: a status may only move to those listed. SENDING → SENDING is
# the recovery of an attempt whose worker died (the same idempotency key is sent again).
SMS_TRANSITIONS: dict[str, frozenset[str]] = {
    SmsReminder.Status.PENDING: frozenset(
        {SmsReminder.Status.SENDING, SmsReminder.Status.CANCELLED}
    ),
    SmsReminder.Status.SENDING: frozenset(
        {SmsReminder.Status.SENT, SmsReminder.Status.FAILED, SmsReminder.Status.SENDING}
    ),
    SmsReminder.Status.FAILED: frozenset(
        {SmsReminder.Status.SENDING, SmsReminder.Status.CANCELLED}
    ),
    SmsReminder.Status.SENT: frozenset(),
    SmsReminder.Status.CANCELLED: frozenset(),
}


class DigestDelivery(BaseModel):
    """The daily digest e-mail to one member of staff: at most one per day (re-running the
    command sends nothing twice); a failure is kept with its reason and can be retried."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        SENT = "sent", _("Sent")
        NOTHING_DUE = "nothing_due", _("Nothing due: no e-mail")
        NO_ADDRESS = "no_address", _("No e-mail address")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # Numbers per section only: the digest's contents are computed again when shown.
    counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(_("reason"), max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "on"], name="digest_one_per_user_and_day")
        ]


class CalendarFeedToken(BaseModel):
    """A private calendar (iCal) address. Only a SHA-256 of the random token is stored: the
    address is shown once, and revoking it makes the feed answer 404 at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_one_active_token_per_user",
            )
        ]
