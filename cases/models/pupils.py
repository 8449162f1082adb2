"""Support in school (pupil support) and the pupil-health team's reviews."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.base import HISTORY, ShareValidity, VersionedModel
from cases.models.families import Family
from cases.models.members import Member
from familjelotsen.models import Administration, BaseModel


@pghistory.track(**HISTORY)
class PupilSupport(VersionedModel):
    """Support in school for one child; owned by the school's administration."""

    class Level(models.TextChoices):
        GUIDANCE = "guidance", _("Guidance and stimulation")
        EXTRA_ADAPTATIONS = "extra_adaptations", _("Extra adaptations")
        SPECIAL_SUPPORT = "special_support", _("Special support (action programme)")

    class Track(models.TextChoices):
        YES = "yes", _("On track")
        AT_RISK = "at_risk", _("At risk")
        NO = "no", _("Not on track")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="pupil_support")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="pupil_support", verbose_name=_("pupil")
    )
    school = models.CharField(_("school"), max_length=120)
    grade = models.PositiveSmallIntegerField(_("grade"), validators=[MaxValueValidator(10)])
    support_level = models.CharField(
        _("support level"), max_length=20, choices=Level.choices, default=Level.GUIDANCE
    )
    action_programme_review_on = models.DateField(
        _("action programme review date"), null=True, blank=True
    )
    absence_concern = models.BooleanField(_("absence concern"), default=False)
    eligibility_track = models.CharField(
        _("upper-secondary eligibility"), max_length=8, choices=Track.choices, default=Track.YES
    )

    class Meta:
        verbose_name = _("pupil support")
        verbose_name_plural = _("pupil support")


@pghistory.track(**HISTORY)
class PupilHealthReview(BaseModel):
    """A review by the pupil-health team (elevhälsoteam, EHT)."""

    pupil_support = models.ForeignKey(
        PupilSupport, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("date"))
    decision = models.TextField(_("decision"))
    responsible = models.CharField(_("responsible"), max_length=120)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("pupil-health-team review")
        verbose_name_plural = _("pupil-health-team reviews")
        ordering = ["-reviewed_on", "-id"]


class PupilSupportUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PupilSupport, on_delete=models.CASCADE)


class PupilSupportGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(PupilSupport, on_delete=models.CASCADE)
