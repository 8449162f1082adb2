"""Requests (förfrågan) to the team from outside: a school's rektor or pupil-health team, or a
social-services case officer, sends the family as they know it with the family's signed
consent form (seed 004: "Vid förfrågan används en samtyckesblankett").

A request is the referrer's document until the team decides: a draft, then sent; the team
lead (and, from a school, the team's school-responsible member) accepts it into the waiting
list, which makes the family, its members and its consents from the attached form, or
declines it with a reason the referrer sees. Who reads a request is decided by
`familjelotsen.access.referrals`.
"""

from __future__ import annotations

import secrets

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Family, InfoCategory, VersionedModel, WorkKind
from familjelotsen.models import Administration, BaseModel

HISTORY = {"append_only": True}


def scan_upload_to(instance, filename: str) -> str:
    # A random name, as for consent scans: the original file name may hold personal data.
    return f"referral-scans/{secrets.token_hex(16)}"


@pghistory.track(**HISTORY)
class Referral(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", pgettext_lazy("a request's status", "Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", pgettext_lazy("a request's status", "Declined")
        # The referrer took it back before the team decided (sent by mistake, say).
        WITHDRAWN = "withdrawn", pgettext_lazy("a request's status", "Withdrawn")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referrer"),
    )
    # The referrer's administration when the request was written (the referrer may move).
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requesting administration"),
    )
    # The administration that holds the team the request goes to.
    team = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    kind = models.CharField(
        _("kind of work wished"),
        max_length=24,
        choices=WorkKind.choices,
        default=WorkKind.COORDINATED_SUPPORT,
    )
    about = models.TextField(_("what the help is about"), blank=True)
    school = models.CharField(_("the child's school"), max_length=120, blank=True)
    referrer_phone = models.CharField(_("your phone number"), max_length=30, blank=True)
    # The signed consent form (samtyckesblankett) and what it covers.
    scan = models.FileField(_("signed consent form (scan)"), upload_to=scan_upload_to, blank=True)
    scan_content_type = models.CharField(max_length=40, blank=True, editable=False)
    consent_signed_on = models.DateField(_("signed on"), null=True, blank=True)
    consent_valid_until = models.DateField(_("valid until"), null=True, blank=True)
    consent_receiving = models.ManyToManyField(
        Administration,
        related_name="+",
        blank=True,
        verbose_name=_("receiving administrations"),
    )
    consent_categories = ArrayField(
        models.CharField(max_length=16, choices=InfoCategory.choices),
        default=list,
        blank=True,
        verbose_name=_("information covered"),
    )
    child_view = models.TextField(_("the child's age, maturity and own view"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    family = models.ForeignKey(
        Family,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        editable=False,
    )

    class Meta:
        verbose_name = _("request to the team")
        verbose_name_plural = _("requests to the team")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["referrer", "-created_at"], name="referral_referrer"),
            models.Index(
                fields=["team", "sent_at"],
                name="referral_waiting",
                condition=Q(status="sent"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False), name="referral_sent_at"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(decided_at__isnull=False),
                name="referral_accept_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Request')} #{self.pk}"

    @property
    def has_consent_form(self) -> bool:
        return bool(self.scan)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SENT)


# The referrer's changes: a draft becomes sent, and a sent request may be withdrawn until the
# team decides (a draft is the referrer's alone: it is simply not sent); the team's decision:
# accepted or declined.
TRANSITIONS: dict[str, frozenset[str]] = {
    Referral.Status.DRAFT: frozenset({Referral.Status.SENT}),
    Referral.Status.SENT: frozenset(
        {Referral.Status.ACCEPTED, Referral.Status.DECLINED, Referral.Status.WITHDRAWN}
    ),
    Referral.Status.ACCEPTED: frozenset(),
    Referral.Status.DECLINED: frozenset(),
    Referral.Status.WITHDRAWN: frozenset(),
}


@pghistory.track(**HISTORY)
class ReferralPerson(BaseModel):
    """The child or a custodian as the referrer knows them."""

    class Kind(models.TextChoices):
        CHILD = "child", _("Child")
        CUSTODIAN = "custodian", _("Custodian")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="people")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    personal_number = models.CharField(_("personal identity number"), max_length=12, blank=True)
    signed_consent = models.BooleanField(_("signed the consent form"), default=False)

    class Meta:
        verbose_name = _("person in a request")
        verbose_name_plural = _("people in a request")
        ordering = ["referral", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind", "position"], name="referralperson_unique_slot"
            ),
            models.CheckConstraint(
                condition=Q(personal_number="") | Q(personal_number__regex=r"^[0-9]{12}$"),
                name="referralperson_personal_number_12_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@pghistory.track(**HISTORY)
class SchoolContact(BaseModel):
    """The team's school-responsible member (seed 004, "Kontakt med skolan": the rektor
    contacts the school-responsible member of the team). One per team, set by its team lead;
    requests from a school go to them as well as to the team lead."""

    team = models.OneToOneField(
        Administration, on_delete=models.CASCADE, related_name="+", verbose_name=_("team")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("school-responsible member"),
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("school-responsible member")
        verbose_name_plural = _("school-responsible members")
