"""Members of a family: identifiers, creation, editing, custody."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import models as cm
from cases.personnummer import PersonnummerError, parse
from familjelotsen import access
from familjelotsen.models import User
from familjelotsen.versioning import save_versioned

# --- Members ---------------------------------------------------------------------------------

MEMBER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "id_type",
    "personal_number",
    "birth_date",
    "protected_identity",
    "address",
    "mobile",
    "sms_reminders",
    "npf_diagnosis",
    "school",
    "grade",
    "school_class",
    "occupation",
    "occupation_at_start",
    "income_support",
    "income_support_at_start",
)


def resolve_identifier(
    *, id_type: str, raw_number: str, birth_date: dt.date | None
) -> tuple[str, dt.date]:
    """Validate the identifier against its type; returns (12 digits or "", birth date)."""
    if id_type == cm.Member.IdType.NONE:
        if birth_date is None:
            raise ValidationError({"birth_date": _("Give the birth date when there is no number.")})
        return "", birth_date
    try:
        parsed = parse(raw_number)
    except PersonnummerError as exc:
        raise ValidationError({"personal_number": str(exc)}) from None
    if id_type == cm.Member.IdType.SAMORDNINGSNUMMER and not parsed.is_coordination_number:
        raise ValidationError(
            {
                "personal_number": _(
                    "A coordination number has 60 added to the day of birth; this is a personal "
                    "identity number."
                )
            }
        )
    if id_type == cm.Member.IdType.PERSONNUMMER and parsed.is_coordination_number:
        raise ValidationError(
            {
                "personal_number": _(
                    "This is a coordination number (the day is over 60): choose that type."
                )
            }
        )
    return parsed.digits, parsed.birth_date


@transaction.atomic
def member_create(
    *, family: cm.Family, by: User, custodians: Iterable[cm.Member] = (), **fields
) -> cm.Member:
    member = cm.Member(family=family, owner_id=by.administration_id, **fields)
    member.full_clean(exclude=["custodians"])
    member.save()
    member_set_custodians(member=member, custodians=list(custodians))
    # A record about the whole family now concerns one more person, whose consent it needs:
    # a share no longer covered is withdrawn in the same transaction.
    access.family_derive(family=family, by=by)
    return member


@transaction.atomic
def member_update(
    *,
    member: cm.Member,
    expected_version: int,
    custodians: Iterable[cm.Member] | None = None,
    **fields,
) -> cm.Member:
    for name, value in fields.items():
        if name not in MEMBER_FIELDS:
            raise ValueError(name)
        setattr(member, name, value)
    member.full_clean(exclude=["custodians", "family", "owner"])
    save_versioned(member, expected_version=expected_version, fields=fields)
    if custodians is not None:
        member_set_custodians(member=member, custodians=list(custodians))
    return member


def member_set_custodians(*, member: cm.Member, custodians: list[cm.Member]) -> None:
    if not custodians:
        cm.CustodyLink.objects.filter(child=member).delete()
        return
    if not member.is_child:
        raise ValidationError({"custodians": _("Only a child has custodians.")})
    if len(custodians) > 2:
        raise ValidationError({"custodians": _("A child has at most two custodians.")})
    for custodian in custodians:
        if custodian.family_id != member.family_id or custodian.is_child:
            raise ValidationError({"custodians": _("A custodian is an adult in the same family.")})
    cm.CustodyLink.objects.filter(child=member).exclude(custodian__in=custodians).delete()
    for custodian in custodians:
        cm.CustodyLink.objects.get_or_create(child=member, custodian=custodian)
