"""Reads of the referrals app; each starts from the access policy's `visible_referrals`."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from cases.models import InfoCategory
from cases.personnummer import format_full
from familjelotsen import access
from referrals.models import Referral, ReferralPerson, SchoolContact

# A panel lists at most this many waiting requests; the full list is one link away.
PANEL_SIZE = 10


def _with_people(qs: QuerySet) -> QuerySet:
    return qs.select_related("administration", "referrer", "team").prefetch_related(
        Prefetch("people", queryset=ReferralPerson.objects.order_by("kind", "position"))
    )


def label(referral: Referral) -> Referral:
    """`child` and `custodians` of a request (its people fetched once)."""
    people = list(referral.people.all())
    referral.child = next((p for p in people if p.kind == ReferralPerson.Kind.CHILD), None)
    referral.custodians = [p for p in people if p.kind == ReferralPerson.Kind.CUSTODIAN]
    for person in people:
        person.display_number = format_full(person.personal_number)
    referral.categories_display = ", ".join(
        str(InfoCategory(c).label) for c in referral.consent_categories if c in InfoCategory.values
    )
    return referral


def my_referrals(user) -> QuerySet:
    """The referrer's own requests, newest first."""
    return _with_people(access.visible_referrals(user).filter(referrer_id=user.pk)).order_by(
        "-created_at", "-id"
    )


def incoming(user, *, decided: bool = False) -> QuerySet:
    """Requests sent to the user's team: waiting for a decision (oldest first), or decided
    (newest first)."""
    qs = access.visible_referrals(user).exclude(referrer_id=user.pk)
    if decided:
        qs = qs.filter(status__in=[Referral.Status.ACCEPTED, Referral.Status.DECLINED])
        return _with_people(qs).order_by("-decided_at", "-id")
    return _with_people(qs.filter(status=Referral.Status.SENT)).order_by("sent_at", "id")


def waiting(user) -> list[Referral]:
    """The panel of the waiting list and the school-responsible member's list of families:
    requests waiting for the user's decision (none for anyone who decides none)."""
    rows = _with_people(access.waiting_referrals(user)).order_by("sent_at", "id")[:PANEL_SIZE]
    return [label(r) for r in rows]


def school_contact_id(user) -> int | None:
    """The team's school-responsible member, for the team lead's choice."""
    return (
        SchoolContact.objects.filter(team_id=user.administration_id)
        .values_list("member_id", flat=True)
        .first()
    )
