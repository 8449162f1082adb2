"""Reminders: SMS reminders of booked visits to family members (seed 001), the outbox, and the
staff's daily digest. Services (every write) and selectors (every read a page shows).

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

Background work: services here do the work and never queue it. `cases.tasks` queues and runs
it: booking or moving a visit there queues what `planned_sends` lists; its send task calls
`reminder_attempt` (ids only) and queues a retry when the attempt asks for one; its sweep
(`manage.py send_due_reminders`) queues what `due_reminder_ids` finds, for messages whose
deferred task was lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from cases import models as cm
from cases import sms
from cases.selectors import caseloads
from familjelotsen import access
from familjelotsen.audit import Action, log_access
from familjelotsen.models import User

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
    `cases.services.visit_book` inside its transaction; `cases.tasks.visit_book` queues the
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
    the caller's: `cases.tasks.reminder_retry`."""
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
    `cases.tasks.reminder_send` queues the retry the attempt asks for."""
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
        failure = sms.SmsError(f"Internal error while sending ({type(exc).__name__}).")
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
    (`cases.tasks.dispatch_due`): pending ones past their time, failed ones whose retry is due,
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


# --- Selectors: outbox and failed sends -----------------------------------------------------------


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


# --- The staff digest -----------------------------------------------------------------------------

GOAL_TARGET_AHEAD = dt.timedelta(days=14)
GOAL_FOLLOW_UP_EVERY = dt.timedelta(days=90)
SIP_AHEAD = dt.timedelta(days=14)
ACTION_AHEAD = dt.timedelta(days=7)
CONSENT_DAYS = 30
NO_CONTACT = dt.timedelta(days=30)
REQUEST_WAITING = dt.timedelta(days=14)
OPEN_STATUSES = (cm.Family.Status.ASSESSMENT, cm.Family.Status.ACTIVE, cm.Family.Status.PHASING_OUT)


@dataclass
class DigestItem:
    family_id: int | None
    when: dt.date | dt.datetime | None
    what: str
    obj: object = None
    overdue: bool = False
    reference: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)


@dataclass
class DigestSection:
    key: str
    title: str
    items: list[DigestItem] = field(default_factory=list)


@dataclass
class Digest:
    user: User
    on: dt.date
    sections: list[DigestSection]

    @property
    def total(self) -> int:
        return sum(len(s.items) for s in self.sections)

    def counts(self) -> dict[str, int]:
        return {s.key: len(s.items) for s in self.sections}


def _section(key: str, title: str, items: list[DigestItem]) -> DigestSection:
    return DigestSection(key=key, title=title, items=items)


def digest_for(user: User, on: dt.date | None = None) -> Digest:
    """What is due for one member of staff, from the families they may see only.

    An ombud's digest covers the families on their case teams; a team lead's adds the
    administration's requests waiting more than 14 days and the ombud over the caseload figure.
    Queries: about ten, whatever the number of families.
    """
    from consent.selectors import expiring_soon
    from network import models as nm
    from sip import models as sm

    on = on or timezone.localdate()
    team = access.team_family_ids(user)
    open_team = access.visible_families(user).filter(id__in=team, status__in=OPEN_STATUSES)
    start = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    end = start + dt.timedelta(days=1)

    visits = [
        DigestItem(v.family_id, v.starts_at, v.get_kind_display(), v)
        for v in with_family_basis(
            user,
            cm.Visit.objects.filter(
                family_id__in=open_team.values("id"),
                cancelled_at__isnull=True,
                starts_at__gte=start,
                starts_at__lt=end,
            ),
        ).order_by("starts_at")
    ]

    reached = cm.GoalFollowUp.objects.filter(goal_id=OuterRef("pk"), rating=5)
    goals = []
    for goal in (
        access.visible_goals(user)
        .filter(family_id__in=open_team.values("id"))
        .annotate(last_follow_up=Max("follow_ups__date"), reached=Exists(reached))
        .filter(reached=False)
        .filter(
            Q(target_date__lte=on + GOAL_TARGET_AHEAD)
            | Q(last_follow_up__lt=on - GOAL_FOLLOW_UP_EVERY)
            | Q(last_follow_up__isnull=True, created_at__lt=start - GOAL_FOLLOW_UP_EVERY)
        )
        .order_by("target_date", "id")
    ):
        due = goal.target_date or (
            (goal.last_follow_up or goal.created_at.date()) + GOAL_FOLLOW_UP_EVERY
        )
        goals.append(DigestItem(goal.family_id, due, str(goal.get_area_display()), goal, due < on))

    plans = [
        DigestItem(
            p.family_id,
            p.next_follow_up_on,
            _("SIP follow-up"),
            p,
            p.next_follow_up_on < on,
        )
        for p in access.with_basis(user, access.visible(user, sm.Plan))
        .filter(
            family_id__in=team,
            status__in=[
                sm.Plan.Status.AGREED,
                sm.Plan.Status.FOLLOW_UP_DUE,
                sm.Plan.Status.FOLLOWED_UP,
            ],
            next_follow_up_on__lte=on + SIP_AHEAD,
        )
        .order_by("next_follow_up_on", "id")
    ]

    actions = []
    # The log basis of an action is its process's, as the policy finds it.
    process = access.visible_records(user, nm.NetworkProcess).filter(pk=OuterRef("process_id"))
    for action in (
        nm.Action.objects.filter(
            process__in=access.visible(user, nm.NetworkProcess).filter(family_id__in=team),
            status=nm.Action.Status.OPEN,
            due_on__lte=on + ACTION_AHEAD,
        )
        .annotate(
            access_basis=Subquery(process.values("access_basis")[:1]),
            access_consent_id=Subquery(process.values("access_consent_id")[:1]),
        )
        .select_related("process")
        .order_by("due_on", "id")
    ):
        action.family_id = action.process.family_id
        actions.append(
            DigestItem(
                action.family_id, action.due_on, _("Network action"), action, action.due_on < on
            )
        )

    consents = [
        DigestItem(c.family_id, c.valid_until, _("Consent ends"), c)
        for c in expiring_soon(user, days=CONSENT_DAYS)
    ]

    last_contact = (
        cm.JournalEntry.objects.filter(family_id=OuterRef("pk"), event_at__lte=timezone.now())
        .order_by("-event_at")
        .values("event_at")[:1]
    )
    quiet = []
    for family in (
        open_team.annotate(last_contact=Subquery(last_contact))
        .filter(
            Q(last_contact__lt=start - NO_CONTACT)
            | Q(last_contact__isnull=True, request_date__lt=on - NO_CONTACT)
        )
        .order_by("reference")
    ):
        quiet.append(
            DigestItem(family.pk, family.last_contact, _("No contact for 30 days"), family)
        )

    sections = [
        _section("visits_today", _("Visits today"), visits),
        _section("goal_follow_ups", _("Goal follow-ups due"), goals),
        _section("sip_follow_ups", _("SIP follow-ups due or overdue"), plans),
        _section("network_actions", _("Network actions due"), actions),
        _section("consents_expiring", _("Consents ending within 30 days"), consents),
        _section("no_contact", _("Families without contact for 30 days"), quiet),
    ]
    if access.is_team_lead(user):  # the administration's waiting list and caseloads
        waiting = [
            DigestItem(f.pk, f.request_date, _("Request waiting"), f)
            for f in access.visible_families(user)
            .filter(
                owner_id=user.administration_id,
                status=cm.Family.Status.REQUEST,
                request_date__lt=on - REQUEST_WAITING,
            )
            .order_by("priority", "request_date", "id")
        ]
        over_text = _("%(name)s: %(open)s open families (planning figure %(figure)s)")
        over = [
            DigestItem(
                None,
                None,
                over_text
                % {
                    "name": row["ombud"].get_full_name() or row["ombud"].username,
                    "open": row["open"],
                    "figure": row["figure"],
                },
            )
            for row in caseloads(user)
            if row["over"]
        ]
        sections += [
            _section("requests_waiting", _("Requests waiting more than 14 days"), waiting),
            _section("over_caseload", _("Family ombud over the caseload figure"), over),
        ]
    _attach_references(sections)
    return Digest(user=user, on=on, sections=sections)


def _attach_references(sections: list[DigestSection]) -> None:
    ids = {i.family_id for s in sections for i in s.items if i.family_id}
    refs = dict(cm.Family.objects.filter(id__in=ids).values_list("id", "reference")) if ids else {}
    for section in sections:
        for item in section.items:
            item.reference = refs.get(item.family_id, "")


def digest_logged_objects(digest: Digest) -> list:
    """The records a digest page shows, for the access log (one row each)."""
    return [item.obj for section in digest.sections for item in section.items if item.obj]


def digest_email(digest: Digest, *, site_url: str) -> tuple[str, str]:
    """Subject and body: counts, reference codes and a link; never names or case text."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Familjelotsen: %(n)s things to look at today") % {"n": digest.total}
        lines = [
            _("Good morning! This is what is due on %(day)s.")
            % {"day": formats.date_format(digest.on, "l j F")},
            "",
        ]
        for section in digest.sections:
            if not section.items:
                continue
            refs = sorted({i.reference for i in section.items if i.reference})
            line = f"{section.title}: {len(section.items)}"
            if refs:
                line += " (" + ", ".join(refs[:20]) + (", …" if len(refs) > 20 else "") + ")"
            lines.append(line)
        lines += ["", _("Open the list: %(url)s") % {"url": site_url + reverse("cases:digest")}]
    return str(subject), "\n".join(str(x) for x in lines) + "\n"


def site_url() -> str:
    return sms.config("FL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def digest_recipients() -> QuerySet:
    return User.objects.filter(
        is_active=True,
        administration__isnull=False,
        role__in=access.PLANNING_ROLES,
    ).order_by("pk")


def digest_send(*, user_id: int, on: dt.date) -> cm.DigestDelivery | None:
    """Send one user's digest for a day, at most once (the row is locked while sending).

    A failure is recorded with its reason and may be retried; a sent digest never goes again.
    """
    user = digest_recipients().filter(pk=user_id).first()
    if user is None:  # left, deactivated or no longer in a role with a digest
        return None
    try:
        with transaction.atomic():
            cm.DigestDelivery.objects.get_or_create(user=user, on=on)
    except IntegrityError:  # a concurrent run created it first
        pass
    with transaction.atomic():
        delivery = cm.DigestDelivery.objects.select_for_update().get(user=user, on=on)
        if delivery.status not in (
            cm.DigestDelivery.Status.PENDING,
            cm.DigestDelivery.Status.FAILED,
        ):
            return delivery
        digest = digest_for(user, on)
        delivery.counts = digest.counts()
        delivery.attempts += 1
        if not user.email:
            delivery.status = cm.DigestDelivery.Status.NO_ADDRESS
        elif digest.total == 0:
            delivery.status = cm.DigestDelivery.Status.NOTHING_DUE
        else:
            subject, body = digest_email(digest, site_url=site_url())
            try:
                send_mail(subject, body, None, [user.email], fail_silently=False)
            except Exception as exc:  # SMTP, DNS, refused: kept for the retry button
                delivery.status = cm.DigestDelivery.Status.FAILED
                delivery.failure_reason = f"{type(exc).__name__}"[:300]
            else:
                delivery.status = cm.DigestDelivery.Status.SENT
                delivery.sent_at = timezone.now()
                delivery.failure_reason = ""
                families = {i.family_id for s in digest.sections for i in s.items if i.family_id}
                for family in access.visible_families(user).filter(id__in=families):
                    log_access(
                        user=user,
                        action=Action.EXPORT,
                        obj=family,
                        basis=family.access_basis,
                        consent_id=family.access_consent_id,
                    )
        delivery.save()
        return delivery


def digest_retry_check(*, delivery: cm.DigestDelivery) -> None:
    """A digest may be sent again only after it failed (`cases.tasks.digest_retry` queues it)."""
    if delivery.status != cm.DigestDelivery.Status.FAILED:
        raise ReminderError(_("Only a failed digest can be sent again."))
