"""Shared building blocks of the case models: the history setting, the information
categories and outcome areas, optimistic locking and the validity of shares."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from familjelotsen.models import BaseModel

# Every change of a case record is kept by PostgreSQL triggers (django-pghistory): who (the
# request user in the context), when and what; `QuerySet.update()` and raw SQL are caught
# too. The event tables are append-only. The case team sees a family's history.
HISTORY = {"append_only": True}


class InfoCategory(models.TextChoices):
    """Kinds of information a consent can cover (OSL: consent must name what it covers)."""

    COORDINATION = "coordination", _("Participation in the coordination and contact details")
    SCHOOL = "school", _("School situation")
    HEALTH = "health", _("Health and diagnoses")
    SOCIAL = "social", _("Social situation")
    DISABILITY = "disability", _("Disability services (LSS)")
    EMPLOYMENT = "employment", _("Employment and economy")


class OutcomeArea(models.TextChoices):
    HOME = "home", _("Daily life at home")
    SCHOOLING = "schooling", _("The children's schooling")
    LEISURE = "leisure", _("The children's leisure")
    PARENTS_OCCUPATION = "parents_occupation", _("The parents' occupation")
    UPPER_SECONDARY = "upper_secondary", _("Eligibility for a national upper-secondary programme")
    DAILY_STRUCTURE = "daily_structure", _("Structure and control of daily life")
    ECONOMY = "economy", _("Parents' employment and economy")


# The four outcome areas of seed 000 §2.3, touched by journal entries.
JOURNAL_OUTCOME_AREAS = [
    OutcomeArea.HOME,
    OutcomeArea.SCHOOLING,
    OutcomeArea.LEISURE,
    OutcomeArea.PARENTS_OCCUPATION,
]


class VersionedModel(BaseModel):
    """Optimistic locking: a save names the version it was read at; a stale save is refused."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


# --- Object permissions (shares), django-guardian direct foreign-key tables -------------------
# Granted and withdrawn only by familjelotsen.access. `valid_until` carries the end of the
# consent(s) behind the share, so an expired consent never grants access, even before the
# daily expiry command has withdrawn the row.


class ShareValidity(models.Model):
    granted_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateField(null=True)

    class Meta:
        abstract = True
