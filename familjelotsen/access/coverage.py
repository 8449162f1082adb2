"""Which consents cover a record for an administration, and what a record is and whom it
concerns (its information category, the members it is about). Read by the derivation of
shares (grants.py) and by the pages that offer a share or check a SIP's agreement."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cases import models as cm
from consent.models import Consent
from familjelotsen.models import Administration


class ShareRefused(Exception):
    """A share that the consents do not allow; the message says why, for the user."""


# --- What a record is and whom it concerns ------------------------------------------------------

GOAL_AREA_CATEGORY = {
    cm.OutcomeArea.SCHOOLING: cm.InfoCategory.SCHOOL,
    cm.OutcomeArea.UPPER_SECONDARY: cm.InfoCategory.SCHOOL,
    cm.OutcomeArea.PARENTS_OCCUPATION: cm.InfoCategory.EMPLOYMENT,
    cm.OutcomeArea.ECONOMY: cm.InfoCategory.EMPLOYMENT,
}


def record_category(obj) -> str:
    """The kind of information a record holds, which a covering consent must name."""
    if isinstance(obj, cm.Family | cm.Member):
        return cm.InfoCategory.COORDINATION
    if isinstance(obj, cm.JournalEntry):
        return obj.category
    if isinstance(obj, cm.Goal):
        return GOAL_AREA_CATEGORY.get(obj.area, cm.InfoCategory.SOCIAL)
    if isinstance(obj, cm.Assessment):
        return cm.InfoCategory.HEALTH
    if isinstance(obj, cm.PupilSupport):
        return cm.InfoCategory.SCHOOL
    extra = getattr(obj, "share_category", None)
    if extra:
        return extra
    return cm.InfoCategory.SOCIAL


def concerned_member_ids(obj, family_member_ids: list[int] | None = None) -> list[int]:
    """Whose information a record is: every one of them must have consented.
    `family_member_ids`, when the caller has them, saves the query for a family-wide record."""

    def everyone(family_id: int) -> list[int]:
        if family_member_ids is not None:
            return list(family_member_ids)
        return list(cm.Member.objects.filter(family_id=family_id).values_list("id", flat=True))

    if isinstance(obj, cm.Member):
        return [obj.pk]
    if isinstance(obj, cm.JournalEntry):
        ids = list(obj.concerns.values_list("id", flat=True))
        return ids or everyone(obj.family_id)
    member_id = getattr(obj, "member_id", None) or getattr(obj, "subject_id", None)
    if member_id:
        return [member_id]
    return everyone(obj.pk if isinstance(obj, cm.Family) else obj.family_id)


def family_of(obj) -> cm.Family:
    return obj if isinstance(obj, cm.Family) else obj.family


@dataclass
class FamilyConsents:
    """A family's consents active on a day, with whom each names, read once: every record of
    the family is checked against them in Python."""

    family: cm.Family
    consents: list[Consent]
    member_ids: list[int] | None = None

    @classmethod
    def load(cls, family: cm.Family, on: dt.date | None, *, members: bool = False):
        consents = list(
            Consent.objects.active(on)
            .filter(family_id=family.pk)
            .select_related("subject")
            .prefetch_related("receiving", "disclosing")
            .order_by("-valid_until", "pk")
        )
        for consent in consents:
            consent.receiving_ids = {a.pk for a in consent.receiving.all()}
            consent.disclosing_ids = {a.pk for a in consent.disclosing.all()}
        member_ids = (
            list(cm.Member.objects.filter(family_id=family.pk).values_list("id", flat=True))
            if members
            else None
        )
        return cls(family, consents, member_ids)

    def covering(self, obj, administration: Administration) -> list[Consent]:
        family = self.family
        if administration.pk == family.owner_id:
            raise ShareRefused(_("The administration already holds the case."))
        category = record_category(obj)
        owner_id = getattr(obj, "owner_id", family.owner_id)
        # A record the receiving administration owns itself (pupil support for school) still
        # reveals the case: the case owner must be a disclosing party.
        disclosing_id = family.owner_id if owner_id == administration.pk else owner_id
        by_subject: dict[int, Consent] = {}
        for consent in self.consents:
            if (
                administration.pk in consent.receiving_ids
                and disclosing_id in consent.disclosing_ids
                and category in consent.categories
            ):
                by_subject.setdefault(consent.subject_id, consent)
        if isinstance(obj, cm.Family):
            # The family overview: at least one member's consent must cover the administration.
            if not by_subject:
                raise ShareRefused(
                    _("No valid consent covers sharing the family with %(adm)s.")
                    % {"adm": administration.name}
                )
            return list(by_subject.values())
        members = concerned_member_ids(obj, self.member_ids)
        missing = [m for m in members if m not in by_subject]
        if missing or not members:
            raise ShareRefused(
                _(
                    "Not every person the record concerns has a valid consent that covers "
                    "%(category)s for %(adm)s."
                )
                % {"category": cm.InfoCategory(category).label, "adm": administration.name}
            )
        return [by_subject[m] for m in members]


def covering_consents(
    obj, administration: Administration, on: dt.date | None = None
) -> list[Consent]:
    """The consents that allow `obj` to reach `administration`, or ShareRefused saying why."""
    return FamilyConsents.load(family_of(obj), on).covering(obj, administration)


def consent_cover(obj, on: dt.date | None = None) -> FamilyConsents:
    """The consents of `obj`'s family, read once, to check the record against several
    administrations: `consent_cover(plan).covering(plan, administration)`."""
    return FamilyConsents.load(family_of(obj), on)


def share_check(obj, administration: Administration) -> str | None:
    """None when the record may be shared with the administration, else the reason why not."""
    try:
        covering_consents(obj, administration)
    except ShareRefused as refused:
        return str(refused)
    return None
