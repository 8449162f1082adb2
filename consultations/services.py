"""Every change of a consultation. Keyword-only, atomic; the views asked the access policy
(`access.works_outreach`) before calling."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations import screening
from consultations.models import Consultation
from familjelotsen.models import Administration, User

FREE_TEXT = ("asked_by", "question", "advice")
PERSONNUMMER = _(
    "Remove the personal identity number: a consultation must not identify the family."
)
NAME_WARNING = _(
    "The text contains a word that is also a name in the register. A consultation must not "
    "identify the family: rewrite the text, or tick “Save anyway” if the word is not about "
    "the family."
)


class NameWarning(ValidationError):
    """The text may name a family member: the user may confirm and save anyway."""


def _refusals(*, by: User, held_on: dt.date, names_confirmed: bool, **texts: str) -> None:
    errors = {
        field: [PERSONNUMMER] for field, text in texts.items() if screening.has_personnummer(text)
    }
    if held_on > timezone.localdate():
        errors["held_on"] = [_("The date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    if not names_confirmed:
        # The professional's own name is theirs, not the family's: only the situation's text.
        named = screening.names_found(by, {k: texts[k] for k in ("question", "advice")})
        if named:
            raise NameWarning({field: [NAME_WARNING] for field in named})


@transaction.atomic
def consultation_create(
    *,
    by: User,
    asked_by: str,
    asking_administration: Administration,
    held_on: dt.date,
    question: str,
    advice: str,
    minutes: int,
    follow_up: str,
    names_confirmed: bool = False,
) -> Consultation:
    _refusals(
        by=by,
        held_on=held_on,
        names_confirmed=names_confirmed,
        asked_by=asked_by,
        question=question,
        advice=advice,
    )
    return Consultation.objects.create(
        owner_id=by.administration_id,
        recorded_by=by,
        asked_by=asked_by.strip(),
        asking_administration=asking_administration,
        held_on=held_on,
        question=question.strip(),
        advice=advice.strip(),
        minutes=minutes,
        follow_up=follow_up,
    )
