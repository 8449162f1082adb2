"""Families (cases): reference codes, the status flow, the eligibility checklist and the
case team."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.base import HISTORY, ShareValidity, VersionedModel
from familjelotsen.models import Administration, BaseModel, Organisation


class ReferenceCounter(models.Model):
    """Hands out FL-<code>-<year>-<nnnn> reference codes, counted per organisation and year,
    without gaps or races (issue 21)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="referencecounter_per_organisation_year"
            )
        ]


class WorkKind(models.TextChoices):
    """The team's two assignments for a family (seed 004): coordinated support under the
    Familjelotsen criteria, or network work only (children and young people 0–20, ~13 h)."""

    COORDINATED_SUPPORT = "coordinated_support", _("Coordinated support")
    NETWORK_WORK = "network_work", _("Network work only")


class Provision(models.TextChoices):
    """How network work is given (seed 004, "Bistånd och service"): as a decided intervention
    after an individual needs assessment, or as a service without one. Decided interventions
    take precedence over service on the waiting list. The network process carries the same
    choices (`network.models.NetworkProcess.Provision`)."""

    DECIDED = "decided", _("Decided intervention")
    SERVICE = "service", _("Service (without individual needs assessment)")


@pghistory.track(**HISTORY)
class Family(VersionedModel):
    class Status(models.TextChoices):
        REQUEST = "request", _("Request")
        ASSESSMENT = "assessment", _("Assessment")
        ACTIVE = "active", _("Active")
        PHASING_OUT = "phasing_out", _("Phasing out")
        # Network work only (WorkKind.NETWORK_WORK): the stages of seed 004.
        PRE_MEETING = "pre_meeting", _("Pre-meeting")
        NETWORK_MEETING = "network_meeting", _("Network meeting")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Priority(models.IntegerChoices):
        URGENT = 1, _("Urgent")
        HIGH = 2, _("High")
        NORMAL = 3, _("Normal")
        LOW = 4, _("Low")

    # FL-<organisation code>-<year>-<nnnn>; families registered before organisations keep
    # FL-<year>-<nnnn>.
    reference = models.CharField(_("reference code"), max_length=24, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUEST
    )
    kind = models.CharField(
        _("kind of work"),
        max_length=24,
        choices=WorkKind.choices,
        default=WorkKind.COORDINATED_SUPPORT,
    )
    provision = models.CharField(
        _("given as"),
        max_length=8,
        choices=Provision.choices,
        blank=True,
        help_text=_("Network work only: a decided intervention goes before a service."),
    )
    owner = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    requesting_administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requesting administration"),
    )
    requesting_contact = models.CharField(
        _("contact at the requesting administration"), max_length=120, blank=True
    )
    responsible_ombud = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_families",
        verbose_name=_("responsible family ombud"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    background = models.TextField(_("background"), blank=True)
    request_date = models.DateField(_("request date"))
    start_date = models.DateField(_("start date"), null=True, blank=True)
    phase_out_date = models.DateField(_("phase-out date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_reason = models.TextField(_("end reason"), blank=True)
    placements_at_risk_at_start = models.PositiveSmallIntegerField(
        _("placements at risk at start"), default=0
    )
    placements_happened = models.PositiveSmallIntegerField(_("placements that happened"), default=0)
    legal_hold = models.BooleanField(_("legal hold (not to be deleted)"), default=False)
    retention_flag = models.CharField(_("retention"), max_length=16, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["-request_date", "-id"]
        indexes = [
            models.Index(fields=["owner", "status"], name="family_owner_status"),
            models.Index(fields=["responsible_ombud", "status"], name="family_ombud_status"),
            models.Index(
                fields=["priority", "request_date"],
                name="family_waiting_list",
                condition=Q(status="request"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=r"^FL-([A-ZÅÄÖ]{2,6}-)?[0-9]{4}-[0-9]{4,}$"),
                name="family_reference_format",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__gte=models.F("request_date")),
                name="family_start_after_request",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES


CLOSED_STATUSES = frozenset({Family.Status.CLOSED, Family.Status.DECLINED, Family.Status.WITHDRAWN})

# The status flow: one table per kind of work. A status may only move to the statuses listed
# for it in the table of the family's kind.
S = Family.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    # Coordinated support: the Familjelotsen criteria gate the step from request to assessment.
    S.REQUEST: frozenset({S.ASSESSMENT, S.DECLINED, S.WITHDRAWN}),
    S.ASSESSMENT: frozenset({S.ACTIVE, S.DECLINED, S.WITHDRAWN}),
    S.ACTIVE: frozenset({S.PHASING_OUT, S.CLOSED, S.WITHDRAWN}),
    S.PHASING_OUT: frozenset({S.ACTIVE, S.CLOSED, S.WITHDRAWN}),
    S.CLOSED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
NETWORK_TRANSITIONS: dict[str, frozenset[str]] = {
    # Network work only (seed 004): request → pre-meeting → network meeting → follow-up →
    # closed. A follow-up may call a further network meeting. The family's network process
    # moves the family along as its meetings are recorded (network.services.meeting_record).
    S.REQUEST: frozenset({S.PRE_MEETING, S.DECLINED, S.WITHDRAWN}),
    S.PRE_MEETING: frozenset({S.NETWORK_MEETING, S.WITHDRAWN}),
    S.NETWORK_MEETING: frozenset({S.FOLLOW_UP, S.CLOSED, S.WITHDRAWN}),
    S.FOLLOW_UP: frozenset({S.NETWORK_MEETING, S.CLOSED, S.WITHDRAWN}),
    S.CLOSED: frozenset(),
    S.DECLINED: frozenset(),
    S.WITHDRAWN: frozenset(),
}
TRANSITIONS_BY_KIND: dict[str, dict[str, frozenset[str]]] = {
    WorkKind.COORDINATED_SUPPORT: TRANSITIONS,
    WorkKind.NETWORK_WORK: NETWORK_TRANSITIONS,
}
# The statuses in which the work with the family is under way (not waiting, not over).
WORKING_STATUSES: dict[str, frozenset[str]] = {
    WorkKind.COORDINATED_SUPPORT: frozenset({S.ASSESSMENT, S.ACTIVE, S.PHASING_OUT}),
    WorkKind.NETWORK_WORK: frozenset({S.PRE_MEETING, S.NETWORK_MEETING, S.FOLLOW_UP}),
}
# A network-only family may move into coordinated support from these statuses.
MOVES_TO_COORDINATED_SUPPORT = frozenset({S.REQUEST, *WORKING_STATUSES[WorkKind.NETWORK_WORK]})
del S
REASON_REQUIRED = frozenset({Family.Status.CLOSED, Family.Status.DECLINED, Family.Status.WITHDRAWN})


class StatusChange(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Family.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Family.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    # The family's kind of work after the change: a move from network work into coordinated
    # support is a row whose kind differs from the row before.
    kind = models.CharField(
        _("kind of work"),
        max_length=24,
        choices=WorkKind.choices,
        default=WorkKind.COORDINATED_SUPPORT,
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_status__in=["closed", "declined", "withdrawn"]) | ~Q(reason=""),
                name="statuschange_reason_required",
            )
        ]


@pghistory.track(**HISTORY)
class Eligibility(models.Model):
    """The inclusion checklist (seed 000 §2.4, seed 004): one answer per criterion."""

    class Criterion(models.TextChoices):
        # The three mandatory criteria of seed 000 §2.4.
        KNOWN_TO_SOCIAL_SERVICES = (
            "known_to_social_services",
            _("The family is known to social services (or Råd & Stöd)"),
        )
        SCHOOL_AGE_CHILD = "school_age_child", _("The family has a child of compulsory-school age")
        NPF_DIAGNOSIS = (
            "npf_diagnosis",
            _("At least one parent and/or child has a neuropsychiatric diagnosis"),
        )
        # Further indicators, seed 000 §2.4.
        EXTRA_SCHOOL_SUPPORT = (
            "extra_school_support",
            _("At least one child needs extra support in school"),
        )
        SOCIAL_SUPPORT_NEEDS = (
            "social_support_needs",
            _("The family needs social support in daily life"),
        )
        SEVERAL_SERVICES = (
            "several_services",
            _("The family has several ongoing interventions from different services"),
        )
        PARENT_WITHOUT_OCCUPATION = (
            "parent_without_occupation",
            _("At least one parent has no occupation"),
        )
        WEAK_ECONOMY = (
            "weak_economy",
            _("The family's economy is weak and insecure (possibly income support)"),
        )
        NO_SOCIAL_NETWORK = (
            "no_social_network",
            _("The family lacks a social network that can give practical support"),
        )
        # Further indicators, seed 004.
        COORDINATION_NOT_WORKING = (
            "coordination_not_working",
            _("Several actors are involved and their coordination does not work for the child"),
        )
        ELIGIBILITY_AT_RISK = (
            "eligibility_at_risk",
            _("A child risks not becoming eligible for a national upper-secondary programme"),
        )

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Unknown")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="eligibility")
    criterion = models.CharField(max_length=40, choices=Criterion.choices)
    answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.UNKNOWN)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("eligibility answer")
        verbose_name_plural = _("eligibility answers")
        constraints = [
            models.UniqueConstraint(fields=["family", "criterion"], name="eligibility_unique")
        ]


MANDATORY_CRITERIA = (
    Eligibility.Criterion.KNOWN_TO_SOCIAL_SERVICES,
    Eligibility.Criterion.SCHOOL_AGE_CHILD,
    Eligibility.Criterion.NPF_DIAGNOSIS,
)


@pghistory.track(**HISTORY)
class CaseTeamMember(BaseModel):
    """Need to know: staff see a family when they are on its case team."""

    class Role(models.TextChoices):
        RESPONSIBLE_OMBUD = "responsible_ombud", _("Responsible family ombud")
        OMBUD = "ombud", _("Family ombud")
        OTHER = "other", _("Other team member")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams"
    )
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.OMBUD)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        constraints = [
            models.UniqueConstraint(fields=["family", "user"], name="caseteam_unique_member"),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(role="responsible_ombud"),
                name="caseteam_one_responsible",
            ),
        ]
        indexes = [models.Index(fields=["user", "family"], name="caseteam_user_family")]


class FamilyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)


class FamilyGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)
