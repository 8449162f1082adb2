"""The members of a family and who has custody of whom."""

from __future__ import annotations

import pghistory
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.base import HISTORY, ShareValidity, VersionedModel
from cases.models.families import Family
from familjelotsen.models import Administration


@pghistory.track(**HISTORY)
class Member(VersionedModel):
    class Kind(models.TextChoices):
        CHILD = "child", _("Child")
        CUSTODIAN = "custodian", _("Custodian / parent")
        SIBLING = "sibling", _("Sibling")
        OTHER_ADULT = "other_adult", _("Other adult")

    class IdType(models.TextChoices):
        PERSONNUMMER = "personnummer", _("Personal identity number")
        SAMORDNINGSNUMMER = "samordningsnummer", _("Coordination number")
        NONE = "none", _("None (birth date only)")

    class Occupation(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        STUDYING = "studying", _("Studying")
        JOB_SEEKING = "job_seeking", _("Job seeking")
        LABOUR_MARKET_PROGRAMME = "programme", _("Labour-market programme")
        SICK_LEAVE = "sick_leave", _("Sick leave / activity compensation")
        PARENTAL_LEAVE = "parental_leave", _("Parental leave")
        NONE = "none", _("No occupation")
        UNKNOWN = "unknown", _("Unknown")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    id_type = models.CharField(
        _("identifier"), max_length=20, choices=IdType.choices, default=IdType.PERSONNUMMER
    )
    personal_number = models.CharField(_("personal identity number"), max_length=12, blank=True)
    birth_date = models.DateField(_("birth date"))
    protected_identity = models.BooleanField(_("protected identity"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, blank=True)
    sms_reminders = models.BooleanField(_("agrees to SMS reminders"), default=False)
    npf_diagnosis = models.CharField(_("neuropsychiatric diagnosis"), max_length=200, blank=True)
    school = models.CharField(_("school"), max_length=120, blank=True)
    grade = models.PositiveSmallIntegerField(
        _("grade"), null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    school_class = models.CharField(_("class"), max_length=20, blank=True)
    occupation = models.CharField(
        _("occupation"), max_length=16, choices=Occupation.choices, blank=True
    )
    occupation_at_start = models.CharField(
        _("occupation at start"), max_length=16, choices=Occupation.choices, blank=True
    )
    income_support = models.BooleanField(_("household has income support"), default=False)
    income_support_at_start = models.BooleanField(_("income support at start"), default=False)
    custodians = models.ManyToManyField(
        "self",
        through="CustodyLink",
        through_fields=("child", "custodian"),
        symmetrical=False,
        related_name="children_in_custody",
        blank=True,
    )

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["kind", "birth_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(personal_number="") | Q(personal_number__regex=r"^[0-9]{12}$"),
                name="member_personal_number_12_digits",
            ),
            models.CheckConstraint(
                condition=Q(id_type="none", personal_number="")
                | (~Q(id_type="none") & ~Q(personal_number="")),
                name="member_identifier_matches_type",
            ),
            models.UniqueConstraint(
                fields=["family", "personal_number"],
                condition=~Q(personal_number=""),
                name="member_unique_personal_number_in_family",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_child(self) -> bool:
        return self.kind in (self.Kind.CHILD, self.Kind.SIBLING)


@pghistory.track(**HISTORY)
class CustodyLink(models.Model):
    child = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="custody_links")
    custodian = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("custody link")
        verbose_name_plural = _("custody links")
        constraints = [
            models.UniqueConstraint(fields=["child", "custodian"], name="custody_unique"),
            models.CheckConstraint(
                condition=~Q(child=models.F("custodian")), name="custody_not_self"
            ),
        ]


class MemberUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Member, on_delete=models.CASCADE)


class MemberGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Member, on_delete=models.CASCADE)
