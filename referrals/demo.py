"""Demo requests (all fictional): the rektor of Ekbackens skola has sent the team a request
for a pupil with the family's signed consent form (a small generated PDF), waiting for the team
lead. The team's school-responsible member is the demo family ombud (`ombud`).

Idempotent: nothing is made when the rektor already has a request, or a user is missing.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import InfoCategory, WorkKind
from cases.personnummer import with_check_digit
from familjelotsen.pdf import render_pdf
from referrals import services
from referrals.models import Referral, SchoolContact

Kind = services.PersonKind


def _personnummer(birth: dt.date, serial: int) -> str:
    ten = with_check_digit(f"{birth:%y%m%d}{serial:03d}")
    return f"{birth:%Y}{ten[2:]}"


def consent_form_pdf(names: list[str], receiving: list[str], valid_until: dt.date) -> bytes:
    """A one-page "scanned" consent form for the demo."""
    return render_pdf(
        "referrals/demo_consent_form.html",
        {"names": names, "receiving": receiving, "valid_until": valid_until},
    )


def seed(base: dict) -> dict:
    users = base.get("users") or {}
    adms = base.get("administrations") or {}
    rektor, lead, ombud = users.get("rektor"), users.get("teamledare"), users.get("ombud")
    school, team = adms.get("Skolan"), adms.get("Råd & Stöd")
    if None in (rektor, lead, ombud, school, team):
        return {}
    if not SchoolContact.objects.filter(team=team).exists():
        services.school_contact_set(by=lead, member=ombud)
    if Referral.objects.filter(referrer=rektor).exists():
        return {}
    today = timezone.localdate()
    signed_on = today - dt.timedelta(days=3)
    valid_until = today + dt.timedelta(days=365)
    child_birth = dt.date(today.year - 11, 3, 14)
    people = [
        services.PersonInput(Kind.CHILD, 0, "Oskar", "Ekström", _personnummer(child_birth, 512)),
        services.PersonInput(
            Kind.CUSTODIAN, 0, "Maria", "Ekström", _personnummer(dt.date(1984, 6, 2), 224), True
        ),
        services.PersonInput(
            Kind.CUSTODIAN, 1, "Jonas", "Ekström", _personnummer(dt.date(1982, 1, 19), 331), True
        ),
    ]
    pdf = consent_form_pdf(
        ["Oskar Ekström", "Maria Ekström", "Jonas Ekström"],
        [school.name],
        valid_until,
    )
    referral = services.referral_save(
        by=rektor,
        send=True,
        team=team,
        kind=WorkKind.COORDINATED_SUPPORT,
        people=people,
        about=(
            "Oskar går i årskurs 5 och har diagnosen ADHD. Han är ofta frånvarande och familjen "
            "har kontakt med socialtjänsten, BUP och skolans elevhälsa utan att insatserna "
            "hänger ihop. Föräldrarna önskar stöd med samordningen och vardagen."
        ),
        school="Ekbackens skola",
        referrer_phone="013-20 00 00",
        scan=SimpleUploadedFile("samtycke.pdf", pdf, content_type="application/pdf"),
        consent_signed_on=signed_on,
        consent_valid_until=valid_until,
        consent_receiving=[school],
        consent_categories=[InfoCategory.COORDINATION, InfoCategory.SCHOOL],
        child_view=(
            "Oskar är 11 år. Han har fått förfrågan förklarad av kuratorn och säger att han "
            "vill ha hjälp med läxorna och att mamma och pappa ska slippa bråka med skolan."
        ),
    )
    return {"referrals": [referral]}
