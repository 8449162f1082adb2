"""Goals and their follow-ups, KASAM assessments and obstacles."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.base import HISTORY, OutcomeArea, ShareValidity
from cases.models.families import Family
from cases.models.members import Member
from familjelotsen.models import Administration, BaseModel


@pghistory.track(**HISTORY)
class Goal(BaseModel):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("concerns"),
    )
    area = models.CharField(_("outcome area"), max_length=24, choices=OutcomeArea.choices)
    description = models.TextField(_("goal"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["area", "id"]


@pghistory.track(**HISTORY)
class GoalFollowUp(BaseModel):
    class Rating(models.IntegerChoices):
        MUCH_WORSE = 1, _("1 – much worse")
        WORSE = 2, _("2 – worse")
        UNCHANGED = 3, _("3 – unchanged")
        BETTER = 4, _("4 – better")
        REACHED = 5, _("5 – goal reached")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    rating = models.PositiveSmallIntegerField(
        _("progress"),
        choices=Rating.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("goal follow-up")
        verbose_name_plural = _("goal follow-ups")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="goalfollowup_rating_1_5"
            ),
        ]


@pghistory.track(**HISTORY)
class Assessment(BaseModel):
    """KASAM total score entered from the licensed paper form (no electronic questionnaire)."""

    class Instrument(models.TextChoices):
        SOC13 = "soc13", _("KASAM-13 (SOC-13)")
        SOC29 = "soc29", _("KASAM-29 (SOC-29)")

    SCORE_RANGES = {Instrument.SOC13: (13, 91), Instrument.SOC29: (29, 203)}

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="assessments")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("person")
    )
    instrument = models.CharField(_("instrument"), max_length=8, choices=Instrument.choices)
    score = models.PositiveSmallIntegerField(_("total score"))
    assessed_on = models.DateField(_("date"))
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administered by"),
    )

    class Meta:
        verbose_name = _("KASAM score")
        verbose_name_plural = _("KASAM scores")
        ordering = ["assessed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument="soc13", score__gte=13, score__lte=91)
                | Q(instrument="soc29", score__gte=29, score__lte=203),
                name="assessment_score_in_range",
            ),
        ]


@pghistory.track(**HISTORY)
class Obstacle(BaseModel):
    class Kind(models.TextChoices):
        COORDINATION = "coordination", _("Coordination in the help system")
        DAILY_LIFE = "daily_life", _("The family's daily life")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="obstacles")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administration concerned"),
    )
    description = models.TextField(_("what happened"))
    observed_on = models.DateField(_("date"))
    resolved_on = models.DateField(_("resolved"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("obstacle")
        verbose_name_plural = _("obstacles")
        ordering = ["-observed_on", "-id"]


class GoalUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Goal, on_delete=models.CASCADE)


class GoalGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Goal, on_delete=models.CASCADE)


class AssessmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Assessment, on_delete=models.CASCADE)


class AssessmentGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Assessment, on_delete=models.CASCADE)


class ObstacleUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Obstacle, on_delete=models.CASCADE)


class ObstacleGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Obstacle, on_delete=models.CASCADE)
