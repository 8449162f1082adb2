"""SIP – samordnad individuell plan (SoL 2 kap. 7 § old numbering, HSL 16 kap. 4 §).

One plan per individual who needs coordinated interventions from municipality and Region.
What the law requires is structure here, not free text (DOMAIN.md §1.2): the needed
interventions, which huvudman is responsible for each, measures by other actors, which
huvudman has the overall responsibility, and the follow-up. Who may see a plan is decided in
familjelotsen.access; a plan's children (interventions, meetings, …) follow their plan.
"""

from __future__ import annotations

import datetime as dt

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Family, InfoCategory, Member, ShareValidity, VersionedModel
from consent.models import Consent
from familjelotsen.models import Administration, BaseModel

# Every change of a plan and its parts is kept by PostgreSQL triggers (django-pghistory), with
# the acting user from the request: the SIP is a record the family and the huvudmän rely on.


@pghistory.track()
class Plan(VersionedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PREPARED = "prepared", _("Prepared (pre-meeting held)")
        AGREED = "agreed", _("Agreed")
        FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
        FOLLOWED_UP = "followed_up", _("Followed up")
        CLOSED = "closed", _("Closed")

    class Initiator(models.TextChoices):
        PERSON = "person", _("The person themselves")
        NEXT_OF_KIN = "next_of_kin", _("Custodian or next of kin")
        MUNICIPALITY = "municipality", _("The municipality")
        REGION = "region", _("The Region")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="sip_plans")
    owner = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    # `member` (not `person`): access.concerned_member_ids reads `member_id`.
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="sip_plans",
        verbose_name=_("the plan is for"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    initiator = models.CharField(
        _("who took the initiative"), max_length=16, choices=Initiator.choices
    )
    initiator_administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("initiating administration"),
    )
    need_noticed_on = models.DateField(_("need noticed on"))
    own_words = models.TextField(
        _("what is important to me"),
        blank=True,
        help_text=_("The person's own words and goals."),
    )
    child_participation = models.TextField(
        _("the child's participation"),
        blank=True,
        help_text=_("How the child's views were obtained, according to age and maturity."),
    )
    current_situation = models.TextField(_("current situation"), blank=True)
    questions = models.TextField(_("questions for the meeting"), blank=True)
    own_actions = models.TextField(_("what the person and the family will do"), blank=True)
    overall_responsible = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huvudman with overall responsibility"),
    )
    coordinator_name = models.CharField(_("named coordinator"), max_length=120, blank=True)
    coordinator_contact = models.CharField(
        _("coordinator's contact details"), max_length=120, blank=True
    )
    next_follow_up_on = models.DateField(_("next follow-up"), null=True, blank=True)
    # RESTRICT, not PROTECT: deleting the whole family (retention) removes both together.
    consent = models.ForeignKey(
        Consent,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="sip_plans",
        verbose_name=_("consent"),
    )
    prepared_on = models.DateField(_("pre-meeting held"), null=True, blank=True)
    # The date of the first SIP meeting: the law says the work starts "without delay", so the
    # time from need noticed to this date is reported.
    first_meeting_on = models.DateField(_("first SIP meeting"), null=True, blank=True)
    agreed_on = models.DateField(_("agreed"), null=True, blank=True)
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIPs")
        ordering = ["family_id", "member_id", "-need_noticed_on", "-id"]
        indexes = [
            models.Index(fields=["family", "status"], name="sip_plan_family_status"),
            models.Index(
                fields=["next_follow_up_on"],
                name="sip_plan_follow_up",
                condition=~Q(status="closed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(close_reason=""),
                name="sip_plan_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(first_meeting_on__isnull=True)
                | Q(first_meeting_on__gte=F("need_noticed_on")),
                name="sip_plan_meeting_after_need",
            ),
            # An agreed plan always names its overall-responsible huvudman and follow-up date.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "prepared"])
                | Q(
                    overall_responsible__isnull=False,
                    next_follow_up_on__isnull=False,
                    consent__isnull=False,
                )
                | Q(status="closed"),
                name="sip_plan_agreed_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"SIP #{self.pk}"

    @property
    def share_category(self) -> str:
        return InfoCategory.COORDINATION

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def days_to_first_meeting(self) -> int | None:
        if self.first_meeting_on is None:
            return None
        return (self.first_meeting_on - self.need_noticed_on).days

    def follow_up_overdue(self, on: dt.date) -> bool:
        return (
            self.is_open
            and self.status not in (self.Status.DRAFT, self.Status.PREPARED)
            and self.next_follow_up_on is not None
            and self.next_follow_up_on < on
        )


S = Plan.Status
# The SIP process (DOMAIN.md §1.4), one table: a status may only move to those listed.
# A person who declines during preparation closes the plan (with the reason recorded).
# A follow-up may be held early, so agreed may go straight to followed up; after a follow-up
# the next one comes due.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PREPARED, S.CLOSED}),
    S.PREPARED: frozenset({S.AGREED, S.CLOSED}),
    S.AGREED: frozenset({S.FOLLOW_UP_DUE, S.FOLLOWED_UP, S.CLOSED}),
    S.FOLLOW_UP_DUE: frozenset({S.FOLLOWED_UP, S.CLOSED}),
    S.FOLLOWED_UP: frozenset({S.FOLLOW_UP_DUE, S.CLOSED}),
    S.CLOSED: frozenset(),
}
REASON_REQUIRED = frozenset({S.CLOSED})
# Statuses in which the plan is in force (interventions count as active).
IN_FORCE = frozenset({S.AGREED, S.FOLLOW_UP_DUE, S.FOLLOWED_UP})


class PlanStatusChange(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Plan.Status.choices)
    to_status = models.CharField(max_length=16, choices=Plan.Status.choices)
    on = models.DateField(_("date"))
    # Null when the system moved the plan (the follow-up date was reached).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_status="closed") | ~Q(reason=""),
                name="sip_statuschange_close_reason",
            )
        ]


@pghistory.track()
class Participant(BaseModel):
    """Who takes part in the plan: professionals (administration, role), the person, and the
    private network (närstående), who may take part only if the person agrees."""

    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", _("Professional")
        PERSON = "person", _("The person / custodian")
        PRIVATE = "private", _("Private network")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administration"),
    )
    # A family member taking part (the person, a custodian): their name is shown from the
    # member record, so protected identity is masked in one place.
    family_member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family member"),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    role = models.CharField(_("role or relation"), max_length=120, blank=True)
    contact = models.CharField(_("contact details"), max_length=120, blank=True)
    # Närstående take part only if the person does not object (SoL 2 kap. 7 § 2 st.).
    person_agrees = models.BooleanField(_("the person agrees to their taking part"), default=False)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="professional") | Q(administration__isnull=False),
                name="sip_participant_professional_has_administration",
            ),
            models.CheckConstraint(
                condition=Q(family_member__isnull=False) | ~Q(name=""),
                name="sip_participant_named",
            ),
            models.CheckConstraint(
                condition=~Q(kind="private") | Q(person_agrees=True),
                name="sip_participant_private_agreed",
            ),
        ]


@pghistory.track()
class Need(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="needs")
    description = models.TextField(_("need"))

    class Meta:
        ordering = ["id"]


@pghistory.track()
class Intervention(VersionedModel):
    """An insats and the huvudman responsible for it [L]."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="interventions")
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("meets the need"),
    )
    description = models.CharField(_("intervention"), max_length=300)
    goal = models.TextField(_("goal"), blank=True)
    # Nullable while the plan is a draft; the plan cannot be agreed until every intervention
    # names its huvudman.
    responsible_administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sip_interventions",
        verbose_name=_("responsible administration"),
    )
    unit = models.CharField(_("responsible unit"), max_length=120, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["start_on", "id"]
        indexes = [
            models.Index(fields=["responsible_administration", "plan"], name="sip_int_adm_plan"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="sip_intervention_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def is_active_on(self, on: dt.date) -> bool:
        started = self.start_on is None or self.start_on <= on
        not_ended = self.end_on is None or self.end_on >= on
        return started and not_ended


@pghistory.track()
class OtherMeasure(BaseModel):
    """Measures by actors other than the municipality and the Region [L]."""

    class Actor(models.TextChoices):
        SCHOOL = "school", _("School")
        SOCIAL_INSURANCE = "social_insurance", _("Försäkringskassan")
        EMPLOYMENT_SERVICE = "employment_service", _("Arbetsförmedlingen")
        PRIVATE = "private", _("Private provider")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="other_measures")
    actor = models.CharField(_("actor"), max_length=24, choices=Actor.choices)
    actor_name = models.CharField(_("name of the actor"), max_length=120, blank=True)
    description = models.CharField(_("measure"), max_length=300)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["actor", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="sip_othermeasure_end_after_start",
            ),
        ]


@pghistory.track()
class Meeting(BaseModel):
    class Kind(models.TextChoices):
        PRE_MEETING = "pre_meeting", _("Pre-meeting")
        SIP_MEETING = "sip_meeting", _("SIP meeting")
        FOLLOW_UP = "follow_up", _("Follow-up meeting")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    present = models.ManyToManyField(
        Participant, related_name="meetings", blank=True, verbose_name=_("present")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]


@pghistory.track()
class FollowUp(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="follow_ups")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField(_("date"))
    # The follow-up date that was planned, so "followed up on time" can be reported.
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]


@pghistory.track()
class FollowUpOutcome(models.Model):
    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", _("Goal achieved")
        PARTLY = "partly", _("Partly achieved")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        NOT_STARTED = "not_started", _("Not started")
        ENDED = "ended", _("Ended")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="outcomes")
    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="outcomes"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    continues = models.BooleanField(_("continues"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["intervention_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "intervention"], name="sip_outcome_one_per_intervention"
            )
        ]


@pghistory.track()
class Distribution(BaseModel):
    """Who got the plan and when: the person (or custodians) keep the original, every
    participating organisation a copy."""

    class Copy(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="distribution")
    recipient = models.CharField(_("recipient"), max_length=120)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administration"),
    )
    copy_kind = models.CharField(_("original or copy"), max_length=8, choices=Copy.choices)
    sent_on = models.DateField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_on", "id"]


# --- Object permissions (shares), django-guardian direct foreign-key tables -------------------
# Granted and withdrawn only by familjelotsen.access.


class PlanUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Plan, on_delete=models.CASCADE)


class PlanGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Plan, on_delete=models.CASCADE)
