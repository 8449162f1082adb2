"""The journal: drafts, signing, addenda, objections."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from familjelotsen import access
from familjelotsen.models import User
from familjelotsen.versioning import save_versioned

# --- Journal ---------------------------------------------------------------------------------

JOURNAL_FIELDS = (
    "kind",
    "event_at",
    "duration_minutes",
    "place",
    "other_participants",
    "facts",
    "assessment",
    "outcome_areas",
    "next_steps",
    "category",
)


class SignedEntryError(ValidationError):
    pass


def _check_members(family: cm.Family, members: Iterable[cm.Member]) -> list[cm.Member]:
    members = list(members)
    if any(m.family_id != family.pk for m in members):
        raise ValidationError({"concerns": _("Choose members of this family.")})
    return members


@transaction.atomic
def journal_entry_save_draft(
    *,
    family: cm.Family,
    by: User,
    entry: cm.JournalEntry | None = None,
    expected_version: int | None = None,
    concerns: Iterable[cm.Member] = (),
    participants: Iterable[cm.Member] = (),
    draft_key: uuid.UUID | None = None,
    **fields,
) -> cm.JournalEntry:
    """Create or update a draft. A signed entry can never be changed (also a DB trigger)."""
    concerns = _check_members(family, concerns)
    participants = _check_members(family, participants)
    if entry is None and draft_key is not None:
        # The same browser draft saved again after its first answer was lost: update it.
        entry = (
            cm.JournalEntry.objects.select_for_update()
            .filter(draft_key=draft_key, family=family, author=by, signed_at__isnull=True)
            .first()
        )
        if entry is not None:
            expected_version = entry.version
    if entry is None:
        entry = cm.JournalEntry(
            family=family,
            owner_id=by.administration_id,
            author=by,
            draft_key=draft_key,
            **fields,
        )
        entry.full_clean(exclude=["concerns", "participants"])
        entry.save()
    else:
        if entry.is_signed:
            raise SignedEntryError(_("A signed entry cannot be changed. Write an addendum."))
        for name, value in fields.items():
            if name not in JOURNAL_FIELDS:
                raise ValueError(name)
            setattr(entry, name, value)
        entry.full_clean(exclude=["concerns", "participants", "family", "owner", "author"])
        save_versioned(entry, expected_version=expected_version, fields=fields)
    entry.concerns.set(concerns)
    entry.participants.set(participants)
    if expected_version is not None:
        # Whom the entry concerns and its kind of information decide which consents cover
        # a share of it: re-derive when a draft changes.
        access.family_derive(family=family, by=by)
    return entry


@transaction.atomic
def journal_entry_sign(*, entry: cm.JournalEntry, by: User) -> cm.JournalEntry:
    locked = cm.JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.is_signed:
        raise SignedEntryError(_("The entry is already signed."))
    if not (locked.facts.strip() or locked.assessment.strip()):
        raise ValidationError({"facts": _("Write what happened before signing.")})
    locked.signed_at = timezone.now()
    locked.signed_by = by
    locked.version += 1
    locked.save(update_fields=["signed_at", "signed_by", "version", "updated_at"])
    # The caller's instance reflects the signature too.
    entry.signed_at, entry.signed_by, entry.version = locked.signed_at, by, locked.version
    return locked


@transaction.atomic
def journal_entry_addendum(
    *, original: cm.JournalEntry, by: User, facts: str, assessment: str = ""
) -> cm.JournalEntry:
    """A correction: a new signed entry pointing at the original, which stays readable."""
    if not original.is_signed:
        raise ValidationError(_("Edit the draft instead: only signed entries get addenda."))
    if not (facts or "").strip():
        raise ValidationError({"facts": _("Write the correction.")})
    addendum = cm.JournalEntry.objects.create(
        family=original.family,
        owner_id=by.administration_id,
        author=by,
        kind=original.kind,
        event_at=original.event_at,
        place=original.place,
        facts=facts,
        assessment=assessment,
        outcome_areas=original.outcome_areas,
        category=original.category,
        corrects=original,
    )
    addendum.concerns.set(original.concerns.all())
    return journal_entry_sign(entry=addendum, by=by)


@transaction.atomic
def journal_objection_record(
    *, entry: cm.JournalEntry, member: cm.Member, statement: str, by: User
) -> cm.JournalObjection:
    if member.family_id != entry.family_id:
        raise ValidationError({"member": _("Choose a member of this family.")})
    if not statement.strip():
        raise ValidationError({"statement": _("Write what the person considers incorrect.")})
    return cm.JournalObjection.objects.create(
        entry=entry, member=member, statement=statement, recorded_by=by
    )


@transaction.atomic
def journal_entry_discard_draft(*, entry: cm.JournalEntry) -> None:
    if entry.is_signed:
        raise SignedEntryError(_("A signed entry cannot be removed."))
    entry.delete()
