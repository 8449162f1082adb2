"""Reference data the system administrator keeps: legal references and retention rules.

They are data, not code (the Social Services Act was renumbered in 2025, SFS 2025:400).
Every change is kept by the change history (pghistory, append-only event tables); a rule or a
reference in use is never deleted: a retention rule is switched off instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases import models as cm

LEGAL_REFERENCE_FIELDS = ("key", "title", "citation", "wording", "url", "verified_on")
RETENTION_RULE_FIELDS = (
    "key",
    "description",
    "years_after_last_entry",
    "by_end_of_following_year",
    "research_birth_days",
    "legal_reference",
    "active",
)


def _check_key(model, key: str, exclude_pk: int | None) -> None:
    taken = model.objects.filter(key=key)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"key": _("This key is already used: choose another.")})


@transaction.atomic
def legal_reference_save(
    *,
    reference: cm.LegalReference | None = None,
    key: str,
    title: str,
    citation: str,
    wording: str = "",
    url: str = "",
    verified_on: dt.date | None = None,
) -> cm.LegalReference:
    """Create a legal reference, or change one (the pages that cite it by key show the new
    citation at once)."""
    reference = reference or cm.LegalReference()
    _check_key(cm.LegalReference, key, reference.pk)
    for name, value in {
        "key": key,
        "title": title,
        "citation": citation,
        "wording": wording,
        "url": url,
        "verified_on": verified_on,
    }.items():
        setattr(reference, name, value)
    reference.full_clean()
    reference.save()
    return reference


def _check_birth_days(days: Sequence[int]) -> list[int]:
    days = sorted(set(days))
    if any(d < 1 or d > 31 for d in days):
        raise ValidationError(
            {"research_birth_days": _("Give days of the month between 1 and 31.")}
        )
    return days


@transaction.atomic
def retention_rule_save(
    *,
    rule: cm.RetentionRule | None = None,
    key: str,
    description: str,
    years_after_last_entry: int,
    by_end_of_following_year: bool,
    research_birth_days: Sequence[int],
    legal_reference: cm.LegalReference | None,
    active: bool,
) -> cm.RetentionRule:
    """Create a retention rule, or change one. The deletion run reads the active rule."""
    rule = rule or cm.RetentionRule()
    _check_key(cm.RetentionRule, key, rule.pk)
    if years_after_last_entry is None or years_after_last_entry < 1:
        raise ValidationError({"years_after_last_entry": _("Give at least one year.")})
    rule.key = key
    rule.description = description
    rule.years_after_last_entry = years_after_last_entry
    rule.by_end_of_following_year = by_end_of_following_year
    rule.research_birth_days = _check_birth_days(research_birth_days)
    rule.legal_reference = legal_reference
    rule.active = active
    rule.full_clean()
    rule.save()
    return rule
