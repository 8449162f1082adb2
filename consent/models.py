"""Consent (samtycke) records: the family's waiver of secrecy (OSL 12 kap. 2 §) that lets one
administration's information reach another, and the shares it allows.

A consent is one data subject's; a child's consent is given by the custodian(s), each
signature recorded separately, with the child's own view. The consent itself decides access,
for as long as it is valid (familjelotsen.access reads it on every request).
"""

from __future__ import annotations

import datetime as dt
import secrets

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Family, InfoCategory, Member, VersionedModel
from familjelotsen.models import Administration, BaseModel


def scan_upload_to(instance, filename: str) -> str:
    # A random name: the original file name may hold personal data and is never kept.
    return f"consent-scans/{secrets.token_hex(16)}"


class ConsentQuerySet(models.QuerySet):
    def active(self, on: dt.date | None = None):
        on = on or timezone.localdate()
        return self.filter(revoked_on__isnull=True, valid_from__lte=on, valid_until__gte=on)


# Every change of a consent, its signatures and the shares it allows is kept by PostgreSQL
# triggers (django-pghistory): who (the request user in the context), when and what. The event
# tables are append-only (triggers refuse UPDATE and DELETE), so the trail cannot be rewritten.
HISTORY = {"append_only": True}


@pghistory.track(**HISTORY)
class Consent(VersionedModel):
    class Form(models.TextChoices):
        WRITTEN = "written", _("Written, signed form")
        ORAL = "oral", _("Oral")

    class Custody(models.TextChoices):
        NOT_A_CHILD = "", _("Not a child")
        SOLE = "sole", _("Sole custody")
        JOINT = "joint", _("Joint custody")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("whose information"),
    )
    disclosing = models.ManyToManyField(
        Administration, related_name="+", verbose_name=_("disclosing administrations")
    )
    receiving = models.ManyToManyField(
        Administration, related_name="+", verbose_name=_("receiving administrations")
    )
    categories = ArrayField(
        models.CharField(max_length=16, choices=InfoCategory.choices),
        verbose_name=_("information covered"),
    )
    not_covered = models.TextField(_("does not cover"), blank=True)
    purpose = models.TextField(_("purpose"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    form = models.CharField(
        _("how it was given"), max_length=8, choices=Form.choices, default=Form.WRITTEN
    )
    scan = models.FileField(_("signed form (scan)"), upload_to=scan_upload_to, blank=True)
    scan_content_type = models.CharField(max_length=40, blank=True, editable=False)
    oral_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oral consent taken by"),
    )
    oral_wording = models.TextField(_("wording of the oral consent"), blank=True)
    child_view = models.TextField(_("the child's own view"), blank=True)
    child_maturity_note = models.TextField(_("the child's age and maturity"), blank=True)
    # The child's custody as registered when the consent was given (DOMAIN §2.4: a child's
    # consent records the custodian status and whether one or both custodians consented).
    custody = models.CharField(
        _("custody"), max_length=8, choices=Custody.choices, blank=True, default=""
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    revoked_on = models.DateField(_("revoked"), null=True, blank=True, editable=False)
    revoked_how = models.CharField(
        _("how it was revoked"), max_length=120, blank=True, editable=False
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    revoke_reason = models.TextField(_("reason for revocation"), blank=True, editable=False)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(
                fields=["subject", "valid_until"],
                name="consent_subject_valid",
                condition=Q(revoked_on__isnull=True),
            ),
            models.Index(fields=["family", "valid_until"], name="consent_family_valid"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="consent_period_order"
            ),
            models.CheckConstraint(condition=~Q(categories=[]), name="consent_has_categories"),
            models.CheckConstraint(
                condition=~Q(form="oral") | (Q(oral_taken_by__isnull=False) & ~Q(oral_wording="")),
                name="consent_oral_documented",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True)
                | (Q(revoked_by__isnull=False) & ~Q(revoke_reason="")),
                name="consent_revocation_documented",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Consent')} #{self.pk}"

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_on is None and self.valid_from <= on <= self.valid_until

    @property
    def only_one_custodian_signed(self) -> bool:
        """Joint custody and fewer than both custodians signed: the consent is partial.

        Uses the `custodian_signatures` annotation of the selectors when present, so lists do
        not query per row.
        """
        if self.custody != self.Custody.JOINT:
            return False
        signed = getattr(self, "custodian_signatures", None)
        if signed is None:
            signed = self.signatures.filter(capacity=ConsentSignature.Capacity.CUSTODIAN).count()
        return signed < 2


@pghistory.track(**HISTORY)
class ConsentSignature(BaseModel):
    """One person's consent: the adult for themselves, or each custodian for a child."""

    class Capacity(models.TextChoices):
        SELF = "self", _("For themselves")
        CUSTODIAN = "custodian", _("As custodian")

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="signatures")
    signer = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("given by")
    )
    capacity = models.CharField(_("capacity"), max_length=12, choices=Capacity.choices)
    signed_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("consent signature")
        verbose_name_plural = _("consent signatures")
        constraints = [
            models.UniqueConstraint(fields=["consent", "signer"], name="signature_unique"),
        ]


@pghistory.track(**HISTORY)
class Share(BaseModel):
    """Why an administration can see a record: who shared it, when, under which consent(s).

    The grant itself is a django-guardian group object permission row; familjelotsen.access
    derives those rows from the active shares and nothing else writes them.
    """

    class Reason(models.TextChoices):
        DEFAULT = "default", _("Default share under the consent")
        MANUAL = "manual", _("Shared by the family ombud")
        SIP = "sip", _("Participant in the SIP")
        NETWORK = "network", _("Part of the professional network")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="shares")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="shares"
    )
    can_change = models.BooleanField(default=False)
    reason = models.CharField(max_length=8, choices=Reason.choices)
    consents = models.ManyToManyField(Consent, related_name="shares")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "administration"],
                condition=Q(withdrawn_at__isnull=True),
                name="share_one_active_per_record_and_administration",
            ),
        ]
        indexes = [
            models.Index(
                fields=["family"],
                name="share_family_active",
                condition=Q(withdrawn_at__isnull=True),
            ),
        ]


@pghistory.track(**HISTORY)
class ExplicitShare(BaseModel):
    """The family ombud's decision to share one record with an administration: a source of
    shares, kept while the ombud stands by it. Whether it opens the record is decided anew by
    familjelotsen.access each time the consents change, so a renewed consent restores it."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="explicit_shares")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="explicit_shares"
    )
    can_change = models.BooleanField(default=False)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("explicit share")
        verbose_name_plural = _("explicit shares")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "administration"],
                condition=Q(ended_at__isnull=True),
                name="explicitshare_one_active_per_record_and_administration",
            ),
        ]
        indexes = [
            models.Index(
                fields=["family"],
                name="explicitshare_family_active",
                condition=Q(ended_at__isnull=True),
            ),
        ]


# Which administrations a consent names, and which consents a share rests on, are many-to-many
# rows: their additions and removals are kept too.
pghistory.track(
    pghistory.InsertEvent("add"),
    pghistory.DeleteEvent("remove"),
    obj_field=None,
    model_name="ConsentReceivingEvent",
    **HISTORY,
)(Consent.receiving.through)
pghistory.track(
    pghistory.InsertEvent("add"),
    pghistory.DeleteEvent("remove"),
    obj_field=None,
    model_name="ConsentDisclosingEvent",
    **HISTORY,
)(Consent.disclosing.through)
pghistory.track(
    pghistory.InsertEvent("add"),
    pghistory.DeleteEvent("remove"),
    obj_field=None,
    model_name="ShareConsentEvent",
    **HISTORY,
)(Share.consents.through)


class ConsentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Consent, on_delete=models.CASCADE)


class ConsentGroupObjectPermission(GroupObjectPermissionBase):
    granted_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateField(null=True)
    content_object = models.ForeignKey(Consent, on_delete=models.CASCADE)
