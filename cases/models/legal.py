"""Legal references and the retention rules and log (gallring)."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.base import HISTORY
from familjelotsen.models import BaseModel

# --- Legal duties over a record's life (issue: reports of concern, access, retention) --------


@pghistory.track(**HISTORY)
class LegalReference(BaseModel):
    """A legal reference shown in the UI and PDFs, kept as data an administrator edits: the
    Social Services Act was renumbered in 2025 (SFS 2025:400) and more changes are pending."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    citation = models.CharField(
        _("citation"), max_length=200, help_text=_("E.g. 'SoL (2025:400) 20 kap. 2 §'.")
    )
    wording = models.TextField(_("current wording or summary"), blank=True)
    url = models.URLField(_("source"), blank=True)
    verified_on = models.DateField(_("verified against the official text"), null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")

    def __str__(self) -> str:
        return f"{self.citation} – {self.title}"


@pghistory.track(**HISTORY)
class RetentionRule(BaseModel):
    """When a closed case's records are deleted (gallring). Configurable: SoL renumbered and
    prop. 2025/26:12 proposes longer retention for some child records."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=200)
    years_after_last_entry = models.PositiveSmallIntegerField(
        _("years after the last journal entry"), default=5
    )
    by_end_of_following_year = models.BooleanField(
        _("deletion due by the end of the following calendar year"), default=True
    )
    research_birth_days = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        verbose_name=_("birth days kept for research"),
        help_text=_("Persons born on these days of a month are kept (default 5, 15, 25)."),
    )
    legal_reference = models.ForeignKey(
        LegalReference, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return self.description


class RetentionLogEntry(models.Model):
    """The deletion log (gallringslogg): what was deleted when, without personal content."""

    class Action(models.TextChoices):
        DELETED = "deleted", _("personal data deleted")
        KEPT_RESEARCH = "kept_research", _("kept for research")
        KEPT_HOLD = "kept_hold", _("kept under legal hold")

    run_at = models.DateTimeField(auto_now_add=True, db_index=True)
    family_reference = models.CharField(max_length=24)
    action = models.CharField(max_length=16, choices=Action.choices)
    rule = models.CharField(max_length=60)
    due_on = models.DateField()
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-run_at", "-id"]
