"""Reports of concern (orosanmälan) to social services."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.base import HISTORY, InfoCategory, ShareValidity
from cases.models.families import Family
from cases.models.journal import JournalEntry
from cases.models.members import Member
from familjelotsen.models import Administration, BaseModel


@pghistory.track(**HISTORY)
class ReportOfConcern(BaseModel):
    """Orosanmälan: staff must report concern for a child to social services at once.
    Never blocked by missing consent (the duty overrides secrecy); never shared beyond the
    case team and the reporter (the recipient is outside the system)."""

    class Channel(models.TextChoices):
        E_SERVICE = "e_service", _("E-service")
        PHONE = "phone", _("Phone, followed up in writing")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")

    class Informed(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        NOT_SUITABLE = "not_suitable", _("No: not suitable (risk to the child)")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="concern_reports")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="concern_reports", verbose_name=_("child")
    )
    reported_at = models.DateTimeField(_("reported at"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporter"),
    )
    recipient_unit = models.CharField(_("recipient unit"), max_length=200)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    summary = models.TextField(_("summary of the concern"))
    custodians_informed = models.CharField(
        _("custodians informed"), max_length=14, choices=Informed.choices
    )
    feedback_received_on = models.DateField(_("feedback received"), null=True, blank=True)
    feedback = models.TextField(_("feedback from social services"), blank=True)
    journal_entry = models.OneToOneField(
        JournalEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concern_report",
        editable=False,
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("report of concern")
        verbose_name_plural = _("reports of concern")

    share_category = InfoCategory.SOCIAL


class ReportOfConcernUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ReportOfConcern, on_delete=models.CASCADE)


class ReportOfConcernGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(ReportOfConcern, on_delete=models.CASCADE)
