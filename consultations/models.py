"""Consultations (issue 20 part 3, seed 002): a professional asks the team for advice about a
situation without identifying the family.

The record names the asking professional (their title or role, a name only when needed), their
administration, the question, the advice, the time spent and what followed. It has no field
for a family, a member, a personnummer or an address, and the services refuse free text that
holds a personnummer (`consultations.screening`). The asking professional's name is personal
data: reads are access-logged, and who reads is decided in `familjelotsen/access/outreach.py`.
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from familjelotsen.models import Administration, BaseModel, User


@pghistory.track(append_only=True)
class Consultation(BaseModel):
    class FollowUp(models.TextChoices):
        NONE = "none", _("None")
        NEW_CONSULTATION = "new_consultation", _("A new consultation")
        REQUEST = "request", _("Became a request")

    # The team member's administration when it was recorded (the team's record, not a case).
    owner = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded in")
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    asked_by = models.CharField(_("asking professional"), max_length=120)
    asking_administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("their administration"),
    )
    held_on = models.DateField(_("date"), db_index=True)
    question = models.TextField(_("question"))
    advice = models.TextField(_("advice given"))
    minutes = models.PositiveIntegerField(_("time spent (minutes)"))
    follow_up = models.CharField(
        _("follow-up"), max_length=24, choices=FollowUp.choices, default=FollowUp.NONE
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=24 * 60),
                name="consultation_minutes_within_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.asking_administration_id}"

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)
