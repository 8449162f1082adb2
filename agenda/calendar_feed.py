"""The private calendar feed (iCal, RFC 5545): each member of staff may subscribe their
calendar app to their visits, SIP meetings and network meetings.

- The address holds a random token; only its SHA-256 is stored. It is shown once when made;
  making a new one or revoking it makes the old address answer 404 at once.
- Events carry the family's reference code, the kind of meeting and the place. Never names,
  personnummer or diagnoses, whoever subscribes. The place of a family with a member with
  protected identity is masked for everyone, the case team included (who may otherwise see
  protected identity): calendar apps sync to phones and clouds outside the municipality, and
  a place is often an address (DOMAIN.md §5.3: no protected data in calendar invitations).
- Only records the user may reach, as `familjelotsen.access` decides at each fetch: visits
  need OVERSEE (the case team and the owning team lead; a share does not show visits); SIP
  and network meetings follow the visibility (SEE) of their plan or process. Each record is
  logged with the basis the policy found for it.

The iCal text is written by hand: a few dozen lines, no dependency.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agenda.digests import site_url
from cases import models as cm
from familjelotsen import access
from familjelotsen.audit import log_list
from familjelotsen.models import User
from network import models as nm
from sip import models as sm

PAST = dt.timedelta(days=30)
AHEAD = dt.timedelta(days=365)
MAX_EVENTS = 2000
PRODID = "-//Familjelotsen//Kalender//SV"


# --- Tokens -------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User) -> str:
    """A new private address for the user; any earlier one stops working. Returns the token
    (shown once: only its hash is kept)."""
    token_revoke(user=user)
    token = secrets.token_urlsafe(32)
    cm.CalendarFeedToken.objects.create(user=user, token_hash=_hash(token))
    return token


@transaction.atomic
def token_revoke(*, user: User) -> int:
    return cm.CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), updated_at=timezone.now()
    )


def active_token(user: User) -> cm.CalendarFeedToken | None:
    return cm.CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()


def user_for_token(token: str) -> User | None:
    """The active user behind an active token, or None (unknown, revoked, user left)."""
    if not token or len(token) > 100:
        return None
    row = (
        cm.CalendarFeedToken.objects.filter(
            token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    # Calendar apps poll often: note the use at most every few minutes.
    if row.last_used_at is None or row.last_used_at < now - dt.timedelta(minutes=5):
        cm.CalendarFeedToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def feed_url(token: str) -> str:
    return site_url() + reverse("agenda:calendar_feed", kwargs={"token": token})


# --- Events -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    location: str = ""
    url: str = ""
    cancelled: bool = False
    sequence: int = 0
    obj: object = None


def _protected_family(family_ref: str) -> Exists:
    return Exists(cm.Member.objects.filter(family_id=OuterRef(family_ref), protected_identity=True))


def _family_url(family_id: int) -> str:
    return site_url() + reverse("cases:family_detail", kwargs={"pk": family_id})


def _bases(qs, ids) -> dict[int, tuple[str, int | None]]:
    """The access basis (and consent) of the records behind the events, for the log."""
    if not ids:
        return {}
    return {
        pk: (basis, consent_id)
        for pk, basis, consent_id in qs.filter(id__in=ids).values_list(
            "id", "access_basis", "access_consent_id"
        )
    }


def _mark(obj, basis: tuple[str, int | None] | None) -> bool:
    """Carry the policy's basis to the log; False when the record is no longer reachable
    (visibility changed between the two queries): its event is left out."""
    if basis is None:
        return False
    obj.access_basis, obj.access_consent_id = basis
    return True


def feed_events(user: User, *, now: dt.datetime | None = None) -> list[Event]:
    """Every event of the user's feed. Queries: visits, SIP meetings, SIP follow-up dates and
    network meetings (each joined with its family's reference code), plus one query each for
    the access basis of the families, plans and processes behind them (for the log)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    events: list[Event] = []
    families = access.visible_families(user, need=access.OVERSEE)
    plans = access.visible_records(user, sm.Plan)
    processes = access.visible_records(user, nm.NetworkProcess)
    with translation.override(settings.LANGUAGE_CODE):
        visits = list(
            cm.Visit.objects.filter(
                family_id__in=access.visible(user, cm.Family, need=access.OVERSEE).values("id"),
                starts_at__gte=now - PAST,
                starts_at__lte=now + AHEAD,
            )
            .annotate(reference=F("family__reference"), protected=_protected_family("family_id"))
            .order_by("starts_at")[:MAX_EVENTS]
        )
        basis = _bases(families, {v.family_id for v in visits})
        for visit in visits:
            if not _mark(visit, basis.get(visit.family_id)):
                continue
            events.append(
                Event(
                    uid=f"visit-{visit.pk}@familjelotsen",
                    summary=f"{visit.get_kind_display()} {visit.reference}",
                    start=visit.starts_at,
                    end=visit.starts_at + dt.timedelta(minutes=visit.duration_minutes or 60),
                    location="" if visit.protected else visit.place,
                    url=_family_url(visit.family_id),
                    cancelled=visit.cancelled_at is not None,
                    # Calendar apps replace an event when its sequence grows.
                    sequence=int(visit.updated_at.timestamp()),
                    obj=visit,
                )
            )

        sip_meetings = list(
            sm.Meeting.objects.filter(plan__in=plans.values("id"), held_on__gte=today - PAST)
            .annotate(
                family_id=F("plan__family_id"),
                reference=F("plan__family__reference"),
                protected=_protected_family("plan__family_id"),
            )
            .order_by("held_on")[:MAX_EVENTS]
        )
        basis = _bases(plans, {m.plan_id for m in sip_meetings})
        for meeting in sip_meetings:
            if not _mark(meeting, basis.get(meeting.plan_id)):
                continue
            events.append(
                Event(
                    uid=f"sip-meeting-{meeting.pk}@familjelotsen",
                    summary=f"{meeting.get_kind_display()} (SIP) {meeting.reference}",
                    start=meeting.held_on,
                    end=meeting.held_on + dt.timedelta(days=1),
                    location="" if meeting.protected else meeting.place,
                    url=_family_url(meeting.family_id),
                    obj=meeting,
                )
            )
        for plan in (
            plans.filter(next_follow_up_on__gte=today - PAST)
            .exclude(status=sm.Plan.Status.CLOSED)
            .annotate(reference=F("family__reference"))
            .order_by("next_follow_up_on")[:MAX_EVENTS]
        ):
            events.append(
                Event(
                    uid=f"sip-follow-up-{plan.pk}-{plan.next_follow_up_on:%Y%m%d}@familjelotsen",
                    summary=_("SIP follow-up %(reference)s") % {"reference": plan.reference},
                    start=plan.next_follow_up_on,
                    end=plan.next_follow_up_on + dt.timedelta(days=1),
                    url=_family_url(plan.family_id),
                    obj=plan,
                )
            )

        network_meetings = list(
            nm.NetworkMeeting.objects.filter(
                process__in=processes.values("id"), held_on__gte=today - PAST
            )
            .annotate(
                family_id=F("process__family_id"),
                reference=F("process__family__reference"),
                protected=_protected_family("process__family_id"),
            )
            .order_by("held_on")[:MAX_EVENTS]
        )
        basis = _bases(processes, {m.process_id for m in network_meetings})
        for meeting in network_meetings:
            if not _mark(meeting, basis.get(meeting.process_id)):
                continue
            events.append(
                Event(
                    uid=f"network-meeting-{meeting.pk}@familjelotsen",
                    summary=f"{meeting.get_stage_display()} {meeting.reference}",
                    start=meeting.held_on,
                    end=meeting.held_on + dt.timedelta(days=1),
                    location="" if meeting.protected else str(meeting.get_place_display()),
                    url=_family_url(meeting.family_id),
                    obj=meeting,
                )
            )
    return events


def log_feed(user: User, events: list[Event], request=None) -> None:
    """One access-log row per record in the feed (one INSERT)."""
    log_list(user=user, objects=[e.obj for e in events if e.obj is not None], request=request)


# --- iCal text ----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return f"{name}:{_stamp(value)}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def render_ical(events: list[Event], *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Familjelotsen",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{_stamp(now)}",
            _when("DTSTART", event.start),
            _when("DTEND", event.end),
            f"SUMMARY:{escape(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        if event.sequence:
            lines.append(f"SEQUENCE:{event.sequence}")
        lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
        lines += ["TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
