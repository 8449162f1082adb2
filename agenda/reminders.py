"""SMS reminders of booked visits to family members (seed 001): the rules, planning and
sending. Services: every write to a message; the pages' reads are in `agenda.selectors`, the
staff's daily digest in `agenda.digests`.

SMS rules, all enforced here and checked again when a message is about to go out:
- only to a member of the visit's family who agreed to SMS reminders and has a Swedish
  mobile number; to a member with protected identity only when the ombud confirmed it;
- the text holds the time, the place and the ombud's first name: no diagnosis, no other
  person's data (the place is free text, so it is checked against the family's names and
  diagnosis words before it can go out);
- a message is sent at most once: its status moves through `cases.models.SMS_TRANSITIONS`
  under `select_for_update`, and its idempotency key goes with every attempt;
- moving or cancelling the visit replans or cancels its messages; a failing gateway marks the
  message failed with the reason and retries with backoff, never touching the visit.

Background work: services here do the work and never queue it. `agenda.tasks` queues and runs
it: booking or moving a visit there queues what `planned_sends` lists; its send task calls
`reminder_attempt` (ids only) and queues a retry when the attempt asks for one; its sweep
(`manage.py send_due_reminders`) queues what `due_reminder_ids` finds, for messages whose
deferred task was lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from agenda import sms
from cases import models as cm
from familjelotsen.models import User

logger = logging.getLogger(__name__)

S = cm.SmsReminder.Status
Reason = cm.SmsReminder.CancelReason

DAY_BEFORE_AT = dt.time(18, 0)
TWO_HOURS = dt.timedelta(hours=2)
# A message that has been "sending" this long belongs to a worker that died: it is tried
# again with the same idempotency key (far above the gateway's timeout × retries).
STALE_SENDING = dt.timedelta(minutes=10)
# Retries of a failed message: 2, 8, 32 minutes after the attempts, never after the visit.
MAX_ATTEMPTS = 4
RETRY_BASE = dt.timedelta(minutes=2)
RETRY_FACTOR = 4
LAST_USEFUL = dt.timedelta(minutes=10)  # a reminder later than this before the visit is moot

LIVE = (S.PENDING, S.SENDING, S.FAILED)
CANCELLABLE = tuple(s for s, targets in cm.SMS_TRANSITIONS.items() if S.CANCELLED in targets)

# Words that would reveal a diagnosis or contact with psychiatry/habilitation if they were in
# the place of an SMS (the place is the only free text in the message).
SENSITIVE_WORDS = frozenset(
    {
        "adhd",
        "add",
        "autism",
        "asperger",
        "npf",
        "tourette",
        "diagnos",
        "diagnosen",
        "utredning",
        "bup",
        "psykiatri",
        "psykiatrin",
        "barnpsykiatri",
        "barnpsykiatrin",
        "habilitering",
        "habiliteringen",
    }
)
PLACE_MAX = 80


class ReminderError(Exception):
    """A change to a message that its state does not allow (shown to the user)."""


# --- The text -------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", (text or "").lower()))


def clean_place(place: str) -> str:
    """The place as it goes into an SMS: one line, short."""
    one_line = " ".join((place or "").split())
    return one_line[:PLACE_MAX]


def place_problem(family: cm.Family, place: str) -> str | None:
    """Why this place must not go into an SMS to the family, or None.

    The place is the only free text in a reminder: it must not name a family member (another
    person's data, or the recipient's protected identity) nor hint at a diagnosis.
    """
    words = _words(clean_place(place))
    if not words:
        return _("Write the place: it is part of the SMS reminder.")
    names: set[str] = set()
    diagnoses: set[str] = set()
    for first, last, diagnosis in cm.Member.objects.filter(family_id=family.pk).values_list(
        "first_name", "last_name", "npf_diagnosis"
    ):
        for word in _words(f"{first} {last}"):
            if len(word) > 1:
                names |= {word, f"{word}s"}  # Swedish genitive: "Berglunds kök"
        diagnoses |= _words(diagnosis)
    if words & names:
        return _("The place is sent by SMS: write it without the names of family members.")
    if words & (SENSITIVE_WORDS | diagnoses) or any(
        w.startswith(("adhd", "autis", "psykiatr", "habilit")) for w in words
    ):
        return _(
            "The place is sent by SMS: write it without anything that reveals a diagnosis or "
            "health care (e.g. 'the clinic' rather than its name)."
        )
    return None


def compose_text(visit: cm.Visit) -> str:
    """Time, place and the ombud's first name: nothing else (seed 001, SPEC §5.1).

    Written in the deployment's language (the family's phone has no session)."""
    local = timezone.localtime(visit.starts_at)
    with translation.override(settings.LANGUAGE_CODE):
        # Translators: an SMS to a family member; keep it short (one or two SMS, 160
        # characters each) and add nothing personal.
        text = _(
            "Reminder: %(day)s at %(time)s you meet %(ombud)s. Place: %(place)s. "
            "Welcome! /Familjelotsen"
        ) % {
            "day": formats.date_format(local, "l j F"),
            "time": local.strftime("%H:%M"),
            "ombud": visit.ombud.first_name or _("your family ombud"),
            "place": clean_place(visit.place),
        }
    return text[:320]


# --- Who may get a message ------------------------------------------------------------------------


def member_sms_state(member: cm.Member) -> str:
    """'ok', 'no_consent', 'no_mobile' (missing or not a Swedish mobile number)."""
    if not member.sms_reminders:
        return "no_consent"
    if sms.normalise_mobile(member.mobile) is None:
        return "no_mobile"
    return "ok"


def recipient_errors(
    *, family: cm.Family, members: Iterable[cm.Member], confirm_protected: bool
) -> dict[str, list[str]]:
    """Form-field errors for the chosen recipients (no names: messages may be logged)."""
    errors: dict[str, list[str]] = {}
    states = []
    protected = False
    for member in members:
        if member.family_id != family.pk:
            errors.setdefault("reminder_members", []).append(_("Choose members of this family."))
            continue
        states.append(member_sms_state(member))
        protected |= member.protected_identity
    if "no_consent" in states:
        errors.setdefault("reminder_members", []).append(
            _("A chosen member has not agreed to SMS reminders: no reminder can be sent to them.")
        )
    if "no_mobile" in states:
        errors.setdefault("reminder_members", []).append(
            _(
                "A chosen member has no valid mobile number: add it on the member's page "
                "(e.g. 070-123 45 67) first."
            )
        )
    if protected and not confirm_protected:
        errors.setdefault("confirm_protected", []).append(
            _(
                "A chosen member has protected identity. Confirm that an SMS may be sent to "
                "them, or leave them out."
            )
        )
    return errors


# --- Planning -------------------------------------------------------------------------------------


def _slot_times(visit: cm.Visit, choice: cm.VisitReminderChoice) -> list[tuple[str, dt.datetime]]:
    slots = []
    if choice.day_before:
        day = timezone.localtime(visit.starts_at).date() - dt.timedelta(days=1)
        at = timezone.make_aware(dt.datetime.combine(day, DAY_BEFORE_AT))
        slots.append((cm.SmsReminder.Slot.DAY_BEFORE, at))
    if choice.two_hours_before:
        slots.append((cm.SmsReminder.Slot.TWO_HOURS, visit.starts_at - TWO_HOURS))
    return slots


def _plan(
    visit: cm.Visit,
    choice: cm.VisitReminderChoice,
    *,
    now: dt.datetime,
    recipients: list[cm.Member],
) -> list[cm.SmsReminder]:
    text = compose_text(visit)
    live = set(
        cm.SmsReminder.objects.filter(visit=visit, status__in=LIVE).values_list("member_id", "slot")
    )
    made = []
    for slot, send_at in _slot_times(visit, choice):
        if send_at <= now:
            continue
        for member in recipients:
            if (member.pk, slot) in live:  # a message in flight keeps its place
                continue
            made.append(
                cm.SmsReminder.objects.create(
                    visit=visit,
                    family_id=visit.family_id,
                    owner_id=visit.owner_id,
                    member=member,
                    slot=slot,
                    send_at=send_at,
                    text=text,
                )
            )
    return made


@transaction.atomic
def reminders_schedule(
    *,
    visit: cm.Visit,
    by: User,
    members: Iterable[cm.Member] = (),
    day_before: bool = False,
    two_hours_before: bool = False,
    confirm_protected: bool = False,
    now: dt.datetime | None = None,
) -> list[cm.SmsReminder]:
    """Record the reminder choice of a newly booked visit and plan its messages (called by
    `agenda.services.visit_book` inside its transaction; `agenda.tasks.visit_book` queues the
    sending on commit)."""
    members = list(members)
    if not members and not (day_before or two_hours_before):
        return []
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if members and not (day_before or two_hours_before):
        errors["remind_day_before"] = [_("Choose when the reminder is sent.")]
    if (day_before or two_hours_before) and not members:
        errors["reminder_members"] = [_("Choose who gets the reminder.")]
    errors.update(
        recipient_errors(family=visit.family, members=members, confirm_protected=confirm_protected)
    )
    probe = cm.VisitReminderChoice(day_before=day_before, two_hours_before=two_hours_before)
    for slot, send_at in _slot_times(visit, probe):
        if send_at <= now:
            name = (
                "remind_day_before"
                if slot == cm.SmsReminder.Slot.DAY_BEFORE
                else "remind_two_hours_before"
            )
            errors.setdefault(name, []).append(_("The time for this reminder has already passed."))
    if members:
        problem = place_problem(visit.family, visit.place)
        if problem:
            errors.setdefault("place", []).append(problem)
    if errors:
        raise ValidationError(errors)
    has_protected = any(m.protected_identity for m in members)
    choice, _created = cm.VisitReminderChoice.objects.update_or_create(
        visit=visit,
        defaults={
            "day_before": day_before,
            "two_hours_before": two_hours_before,
            "chosen_by": by,
            "protected_confirmed_by": by if has_protected else None,
            "protected_confirmed_at": now if has_protected else None,
        },
    )
    choice.recipients.set(members)
    return _plan(visit, choice, now=now, recipients=members)


def _cancel_live(qs: QuerySet, reason: str) -> int:
    return qs.filter(status__in=CANCELLABLE).update(
        status=S.CANCELLED, cancel_reason=reason, next_attempt_at=None, updated_at=timezone.now()
    )


@transaction.atomic
def reminders_replan(*, visit: cm.Visit, now: dt.datetime | None = None) -> list[cm.SmsReminder]:
    """The visit moved: its unsent messages are cancelled and planned again for the new time
    (the recipients still have to qualify; a time already passed is skipped)."""
    now = now or timezone.now()
    _cancel_live(cm.SmsReminder.objects.filter(visit=visit), Reason.RESCHEDULED)
    choice = cm.VisitReminderChoice.objects.filter(visit=visit).first()
    if choice is None or visit.cancelled_at is not None:
        return []
    recipients = [
        m
        for m in choice.recipients.all()
        if member_sms_state(m) == "ok"
        and (not m.protected_identity or choice.protected_confirmed_at is not None)
    ]
    if not recipients or place_problem(visit.family, visit.place):
        return []
    return _plan(visit, choice, now=now, recipients=recipients)


def planned_sends(visit: cm.Visit) -> list[tuple[int, dt.datetime]]:
    """(id, send time) of the visit's messages waiting for their time: right after booking or
    moving the visit, exactly the ones just planned (moving cancels every unsent one first)."""
    return list(
        cm.SmsReminder.objects.filter(visit=visit, status=S.PENDING)
        .order_by("pk")  # the order they were planned in
        .values_list("pk", "send_at")
    )


def replan_check(*, visit: cm.Visit, place: str) -> None:
    """Before a visit with reminders moves: the new place must be fit for an SMS."""
    choice = cm.VisitReminderChoice.objects.filter(visit=visit).first()
    if choice is None or not choice.recipients.exists():
        return
    problem = place_problem(visit.family, place)
    if problem:
        raise ValidationError({"place": problem})


@transaction.atomic
def reminders_cancel_for_visit(*, visit: cm.Visit, reason: str = Reason.VISIT_CANCELLED) -> int:
    return _cancel_live(cm.SmsReminder.objects.filter(visit=visit), reason)


@transaction.atomic
def reminder_cancel(*, reminder: cm.SmsReminder, by: User) -> cm.SmsReminder:
    row = cm.SmsReminder.objects.select_for_update().get(pk=reminder.pk)
    if S.CANCELLED not in cm.SMS_TRANSITIONS[row.status]:
        raise ReminderError(_("This message can no longer be cancelled."))
    _move(row, S.CANCELLED, cancel_reason=Reason.BY_STAFF, next_attempt_at=None)
    return row


@transaction.atomic
def reminder_retry(*, reminder: cm.SmsReminder, by: User) -> cm.SmsReminder:
    """Make a failed message due again now (from the failed-sends page). Queueing its send is
    the caller's: `agenda.tasks.reminder_retry`."""
    row = cm.SmsReminder.objects.select_for_update().get(pk=reminder.pk)
    if row.status != S.FAILED:
        raise ReminderError(_("Only a failed message can be tried again."))
    row.next_attempt_at = timezone.now()
    row.save(update_fields=["next_attempt_at", "updated_at"])
    return row


# --- Sending --------------------------------------------------------------------------------------


def _move(row: cm.SmsReminder, to: str, **fields) -> None:
    if to not in cm.SMS_TRANSITIONS[row.status]:
        raise ReminderError(f"SMS {row.pk}: {row.status} -> {to} is not allowed")
    row.status = to
    for name, value in fields.items():
        setattr(row, name, value)
    row.save(update_fields=["status", "updated_at", *fields])


def _stop_reason(row: cm.SmsReminder, choice, now: dt.datetime) -> str | None:
    """Everything checked again when the message is about to go: state may have changed since
    it was planned (tasks take ids only)."""
    visit, member, family = row.visit, row.member, row.family
    if visit.cancelled_at is not None:
        return Reason.VISIT_CANCELLED
    if not family.is_open:
        return Reason.CASE_CLOSED
    if now >= visit.starts_at - LAST_USEFUL:
        return Reason.TOO_LATE
    planned = dict(_slot_times(visit, choice)) if choice else {}
    if planned.get(row.slot) != row.send_at:
        return Reason.RESCHEDULED
    if member.family_id != family.pk or member_sms_state(member) != "ok":
        return Reason.NO_CONSENT
    if member.protected_identity and (choice is None or choice.protected_confirmed_at is None):
        return Reason.PROTECTED
    if not cm.CaseTeamMember.objects.filter(family_id=family.pk, user_id=visit.ombud_id).exists():
        return Reason.OMBUD_LEFT
    if place_problem(family, visit.place):
        # Checked again: a member added since may carry a name used in the place.
        return Reason.UNSAFE_TEXT
    return None


def _claim(reminder_id: int, now: dt.datetime) -> tuple[cm.SmsReminder | None, str]:
    """Lock the row and move it to SENDING if it is due and may go; else say why not."""
    with transaction.atomic():
        row = (
            cm.SmsReminder.objects.select_for_update(of=("self",))
            .select_related("visit", "visit__ombud", "member", "family")
            .filter(pk=reminder_id)
            .first()
        )
        if row is None:
            return None, "missing"
        due_slack = dt.timedelta(minutes=1)
        if row.status in (S.SENT, S.CANCELLED):
            return None, row.status
        if row.status == S.SENDING and (
            row.last_attempt_at and row.last_attempt_at > now - STALE_SENDING
        ):
            return None, row.status  # another worker has it right now
        if row.status == S.PENDING and row.send_at > now + due_slack:
            return None, row.status
        if row.status == S.FAILED and (
            row.next_attempt_at is None or row.next_attempt_at > now + due_slack
        ):
            return None, row.status
        choice = cm.VisitReminderChoice.objects.filter(visit_id=row.visit_id).first()
        reason = _stop_reason(row, choice, now)
        if reason:
            if row.status == S.SENDING:  # a dead worker's attempt: record it as failed
                _move(
                    row,
                    S.FAILED,
                    failure_reason=str(Reason(reason).label)[:300],
                    next_attempt_at=None,
                )
                return None, row.status
            _move(row, S.CANCELLED, cancel_reason=reason, next_attempt_at=None)
            return None, row.status
        # The text is written again from the visit as it is now (the ombud's name, the
        # place), under the same idempotency key.
        _move(
            row,
            S.SENDING,
            text=compose_text(row.visit),
            attempts=row.attempts + 1,
            last_attempt_at=now,
            next_attempt_at=None,
            sent_to=sms.normalise_mobile(row.member.mobile) or "",
        )
        return row, row.status


def _retry_at(row: cm.SmsReminder, now: dt.datetime) -> dt.datetime | None:
    if row.attempts >= MAX_ATTEMPTS:
        return None
    at = now + RETRY_BASE * (RETRY_FACTOR ** (row.attempts - 1))
    if at >= row.visit.starts_at - LAST_USEFUL:
        return None
    return at


@dataclass(frozen=True)
class SendAttempt:
    """What `reminder_attempt` did: the message's status, when to try again (a failure that
    may be retried; queueing it is the caller's), and an unexpected error of the SMS backend
    (recorded on the message; the caller raises it so the task shows it too)."""

    status: str
    retry_at: dt.datetime | None = None
    error: BaseException | None = None


def reminder_attempt(*, reminder_id: int, backend: sms.SmsBackend | None = None) -> SendAttempt:
    """Send one message if it is due and still may go. Safe to run any number of times for
    the same id: only the run that moves it to SENDING talks to the gateway. Queues nothing:
    `agenda.tasks.reminder_send` queues the retry the attempt asks for."""
    now = timezone.now()
    row, status = _claim(reminder_id, now)
    if row is None:
        return SendAttempt(status)
    failure: sms.SmsError | None = None
    result = None
    unexpected: BaseException | None = None
    retry_at: dt.datetime | None = None
    try:
        result = (backend or sms.get_backend()).send(
            to=row.sent_to, text=row.text, idempotency_key=str(row.idempotency_key)
        )
    except sms.SmsError as exc:
        failure = exc
    except Exception as exc:  # recorded on the message, then raised so the task shows it too
        logger.warning("Internal error while sending an SMS (%s).", type(exc).__name__)
        failure = sms.SmsError(sms.INTERNAL_ERROR)
        unexpected = exc
    with transaction.atomic():
        row = (
            cm.SmsReminder.objects.select_for_update(of=("self",))
            .select_related("visit")
            .get(pk=row.pk)
        )
        if row.status != S.SENDING:  # another run recorded it meanwhile: nothing to raise
            return SendAttempt(row.status)
        if failure is None:
            _move(
                row,
                S.SENT,
                sent_at=timezone.now(),
                provider=result.provider,
                provider_message_id=result.message_id,
                failure_reason="",
            )
        else:
            retry_at = None if failure.permanent else _retry_at(row, timezone.now())
            _move(row, S.FAILED, failure_reason=failure.reason, next_attempt_at=retry_at)
    return SendAttempt(row.status, retry_at=retry_at, error=unexpected)


def due_reminder_ids(*, now: dt.datetime) -> list[int]:
    """The messages that are due, for the sweep behind deferred tasks
    (`agenda.tasks.dispatch_due`): pending ones past their time, failed ones whose retry is due,
    and attempts whose worker died."""
    return list(
        cm.SmsReminder.objects.filter(
            Q(status=S.PENDING, send_at__lte=now)
            | Q(status=S.FAILED, next_attempt_at__lte=now)
            | Q(status=S.SENDING, last_attempt_at__lt=now - STALE_SENDING)
        )
        .order_by("send_at")
        .values_list("pk", flat=True)
    )
