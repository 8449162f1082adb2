"""Emergency access (break-the-glass, issue 21 part 3).

A case worker who needs a family's records that are not shared with them, in an emergency (a
child at risk), opens them for themselves with a written reason, for at most seven days (as
Swedish health care lifts a block: the access is temporary, logged with its own basis, shown
to the case team at once and reviewed afterwards). The owning administration's team lead then
reviews it: accepted, or reported as unjustified.

What the access lets the user read is decided in familjelotsen.access, never here.
"""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models.base import HISTORY
from cases.models.families import Family
from familjelotsen.models import Administration, BaseModel

# Health care lifts a block for at most a week at a time; so does Familjelotsen.
EMERGENCY_MAX_DAYS = 7
EMERGENCY_DEFAULT_DAYS = 1
# A reason must say something: what happened and why the records are needed now.
EMERGENCY_REASON_MIN_LENGTH = 20


@pghistory.track(**HISTORY)
class EmergencyAccess(BaseModel):
    """One user's temporary, read-only access to one family's records, with its review."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        ACCEPTED = "accepted", _("Accepted")
        REPORTED = "reported", _("Reported as unjustified")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
        verbose_name=_("opened by"),
    )
    # The requester's administration when they asked (staff may move later).
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("administration"),
    )
    # The access log keeps every read after the family is deleted under the retention rules.
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="emergency_accesses")
    reason = models.TextField(_("reason"))
    days = models.PositiveSmallIntegerField(_("length in days"))
    starts_at = models.DateTimeField(_("opened"))
    # Moved earlier when the user ends the access early or the team lead reports it.
    ends_at = models.DateTimeField(_("ends"))
    ended_early = models.BooleanField(_("ended early"), default=False)
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["user", "ends_at"]), models.Index(fields=["review"])]
        constraints = [
            models.CheckConstraint(
                name="emergency_access_days_1_to_7",
                condition=Q(days__gte=1, days__lte=EMERGENCY_MAX_DAYS),
            ),
            models.CheckConstraint(
                name="emergency_access_at_most_7_days",
                condition=Q(ends_at__gte=F("starts_at"))
                & Q(ends_at__lte=F("starts_at") + dt.timedelta(days=EMERGENCY_MAX_DAYS)),
            ),
            models.CheckConstraint(
                name="emergency_access_review_complete",
                condition=(
                    Q(review="pending", reviewed_by__isnull=True, reviewed_at__isnull=True)
                    | (
                        ~Q(review="pending")
                        & Q(reviewed_by__isnull=False, reviewed_at__isnull=False)
                    )
                ),
            ),
        ]

    @property
    def pending(self) -> bool:
        return self.review == self.Review.PENDING

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"
