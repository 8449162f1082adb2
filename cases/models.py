"""Families (cases), their members, the status flow, the journal, goals, assessments,
obstacles, pupil support, booked visits and time entries.

Every guarded record has an owning administration (`owner`): the one whose staff created it.
Who may see a record is decided in familjelotsen.access, never here.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from familjelotsen.models import Administration, BaseModel

# Every change of a case record is kept by PostgreSQL triggers (django-pghistory): who (the
# request user in the context), when and what; `QuerySet.update()` and raw SQL are caught
# too. The event tables are append-only. The case team sees a family's history.
HISTORY = {"append_only": True}


class InfoCategory(models.TextChoices):
    """Kinds of information a consent can cover (OSL: consent must name what it covers)."""

    COORDINATION = "coordination", _("Participation in the coordination and contact details")
    SCHOOL = "school", _("School situation")
    HEALTH = "health", _("Health and diagnoses")
    SOCIAL = "social", _("Social situation")
    DISABILITY = "disability", _("Disability services (LSS)")
    EMPLOYMENT = "employment", _("Employment and economy")


class OutcomeArea(models.TextChoices):
    HOME = "home", _("Daily life at home")
    SCHOOLING = "schooling", _("The children's schooling")
    LEISURE = "leisure", _("The children's leisure")
    PARENTS_OCCUPATION = "parents_occupation", _("The parents' occupation")
    UPPER_SECONDARY = "upper_secondary", _("Eligibility for a national upper-secondary programme")
    DAILY_STRUCTURE = "daily_structure", _("Structure and control of daily life")
    ECONOMY = "economy", _("Parents' employment and economy")


# The four outcome areas of seed 000 §2.3, touched by journal entries.
JOURNAL_OUTCOME_AREAS = [
    OutcomeArea.HOME,
    OutcomeArea.SCHOOLING,
    OutcomeArea.LEISURE,
    OutcomeArea.PARENTS_OCCUPATION,
]


class VersionedModel(BaseModel):
    """Optimistic locking: a save names the version it was read at; a stale save is refused."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class ReferenceCounter(models.Model):
    """Hands out FL-<year>-<nnnn> reference codes without gaps or races."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


@pghistory.track(**HISTORY)
class Family(VersionedModel):
    class Status(models.TextChoices):
        REQUEST = "request", _("Request")
        ASSESSMENT = "assessment", _("Assessment")
        ACTIVE = "active", _("Active")
        PHASING_OUT = "phasing_out", _("Phasing out")
        CLOSED = "closed", _("Closed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Priority(models.IntegerChoices):
        URGENT = 1, _("Urgent")
        HIGH = 2, _("High")
        NORMAL = 3, _("Normal")
        LOW = 4, _("Low")

    reference = models.CharField(_("reference code"), max_length=16, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUEST
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
                condition=Q(reference__regex=r"^FL-[0-9]{4}-[0-9]{4,}$"),
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

# The status flow: one table. A status may only move to the statuses listed for it.
TRANSITIONS: dict[str, frozenset[str]] = {
    Family.Status.REQUEST: frozenset(
        {Family.Status.ASSESSMENT, Family.Status.DECLINED, Family.Status.WITHDRAWN}
    ),
    Family.Status.ASSESSMENT: frozenset(
        {Family.Status.ACTIVE, Family.Status.DECLINED, Family.Status.WITHDRAWN}
    ),
    Family.Status.ACTIVE: frozenset(
        {Family.Status.PHASING_OUT, Family.Status.CLOSED, Family.Status.WITHDRAWN}
    ),
    Family.Status.PHASING_OUT: frozenset(
        {Family.Status.ACTIVE, Family.Status.CLOSED, Family.Status.WITHDRAWN}
    ),
    Family.Status.CLOSED: frozenset(),
    Family.Status.DECLINED: frozenset(),
    Family.Status.WITHDRAWN: frozenset(),
}
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

    class Meta:
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
        constraints = [
            models.UniqueConstraint(fields=["family", "user"], name="caseteam_unique_member"),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(role="responsible_ombud"),
                name="caseteam_one_responsible",
            ),
        ]
        indexes = [models.Index(fields=["user", "family"], name="caseteam_user_family")]


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
        constraints = [
            models.UniqueConstraint(fields=["child", "custodian"], name="custody_unique"),
            models.CheckConstraint(
                condition=~Q(child=models.F("custodian")), name="custody_not_self"
            ),
        ]


@pghistory.track(**HISTORY)
class JournalEntry(VersionedModel):
    """A documented contact. Drafts autosave; signing locks the row for good (a trigger
    refuses any UPDATE of a signed row); corrections are signed addenda pointing here."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone call")
        MEETING = "meeting", _("Meeting")
        SCHOOL_MEETING = "school_meeting", _("School meeting")
        SIP_MEETING = "sip_meeting", _("SIP meeting")
        NETWORK_MEETING = "network_meeting", _("Network meeting")
        REPORT_OF_CONCERN = "report_of_concern", _("Report of concern")
        OTHER = "other", _("Other contact")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="journal")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HOME_VISIT)
    event_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), null=True, blank=True, validators=[MaxValueValidator(24 * 60)]
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    concerns = models.ManyToManyField(
        Member, related_name="journal_entries", verbose_name=_("concerns"), blank=True
    )
    participants = models.ManyToManyField(
        Member, related_name="+", verbose_name=_("family members taking part"), blank=True
    )
    other_participants = models.CharField(_("other participants"), max_length=300, blank=True)
    facts = models.TextField(_("what happened (facts)"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    outcome_areas = ArrayField(
        models.CharField(max_length=24, choices=OutcomeArea.choices),
        default=list,
        blank=True,
        verbose_name=_("outcome areas"),
    )
    next_steps = models.TextField(_("agreed next steps"), blank=True)
    category = models.CharField(
        _("kind of information"),
        max_length=16,
        choices=InfoCategory.choices,
        default=InfoCategory.SOCIAL,
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Chosen by the browser when a new draft is started, so a draft whose first save reached
    # the server but whose answer was lost (the network dropped) is found again, not doubled.
    draft_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addenda",
        verbose_name=_("addendum to"),
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-event_at", "-id"]
        indexes = [
            models.Index(fields=["family", "-event_at"], name="journal_family_event"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True, signed_by__isnull=True)
                | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="journal_signed_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_at:%Y-%m-%d}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


@pghistory.track(**HISTORY)
class JournalObjection(BaseModel):
    """A person considers an entry incorrect: recorded beside it (SoL 11 kap. 6 §)."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="objections")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    statement = models.TextField(_("the person's statement"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )


@pghistory.track(**HISTORY)
class Visit(BaseModel):
    """A booked visit or meeting with the family (the next visit; SMS reminders hang here)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="visits")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    ombud = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("family ombud"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=JournalEntry.Kind.choices,
        default=JournalEntry.Kind.HOME_VISIT,
    )
    starts_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=120)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(
                fields=["family", "starts_at"],
                name="visit_family_start",
                condition=Q(cancelled_at__isnull=True),
            ),
        ]


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
        ordering = ["-observed_on", "-id"]


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
        ordering = ["-reviewed_on", "-id"]


@pghistory.track(**HISTORY)
class TimeEntry(BaseModel):
    class Activity(models.TextChoices):
        COORDINATION = "coordination", _("Coordination")
        HOME_VISIT = "home_visit", _("Home visit")
        MEETING = "meeting", _("Meeting")
        TRAVEL = "travel", _("Travel")
        DOCUMENTATION = "documentation", _("Documentation")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="time_entries")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    activity = models.CharField(_("activity"), max_length=16, choices=Activity.choices)
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    journal_entry = models.ForeignKey(
        JournalEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="time_entries"
    )

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=1440), name="timeentry_minutes_range"
            ),
        ]


# --- Object permissions (shares), django-guardian direct foreign-key tables -------------------
# Granted and withdrawn only by familjelotsen.access. `valid_until` carries the end of the
# consent(s) behind the share, so an expired consent never grants access, even before the
# daily expiry command has withdrawn the row.


class ShareValidity(models.Model):
    granted_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateField(null=True)

    class Meta:
        abstract = True


class FamilyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)


class FamilyGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Family, on_delete=models.CASCADE)


class MemberUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Member, on_delete=models.CASCADE)


class MemberGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(Member, on_delete=models.CASCADE)


class JournalEntryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(JournalEntry, on_delete=models.CASCADE)


class JournalEntryGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(JournalEntry, on_delete=models.CASCADE)


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


class PupilSupportUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(PupilSupport, on_delete=models.CASCADE)


class PupilSupportGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(PupilSupport, on_delete=models.CASCADE)


# --- Legal duties over a record's life (issue: reports of concern, access, retention) --------


@pghistory.track(**HISTORY)
class LegalReference(BaseModel):
    """A legal reference shown in the UI and PDFs, kept as data an administrator edits: the
    Social Services Act was renumbered in 2025 (SFS 2025:400) and more changes are pending."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    citation = models.CharField(
        _("citation"), max_length=200, help_text=_("E.g. 'SoL (2025:400) 20 kap. 2 §'.")
    )
    wording = models.TextField(_("current wording or summary"), blank=True)
    url = models.URLField(_("source"), blank=True)
    verified_on = models.DateField(_("verified against the official text"), null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")

    def __str__(self) -> str:
        return f"{self.citation} – {self.title}"


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


@pghistory.track(**HISTORY)
class RetentionRule(BaseModel):
    """When a closed case's records are deleted (gallring). Configurable: SoL renumbered and
    prop. 2025/26:12 proposes longer retention for some child records."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=200)
    years_after_last_entry = models.PositiveSmallIntegerField(
        _("years after the last journal entry"), default=5
    )
    by_end_of_following_year = models.BooleanField(
        _("deletion due by the end of the following calendar year"), default=True
    )
    research_birth_days = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        blank=True,
        verbose_name=_("birth days kept for research"),
        help_text=_("Persons born on these days of a month are kept (default 5, 15, 25)."),
    )
    legal_reference = models.ForeignKey(
        LegalReference, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return self.description


class RetentionLogEntry(models.Model):
    """The deletion log (gallringslogg): what was deleted when, without personal content."""

    class Action(models.TextChoices):
        DELETED = "deleted", _("personal data deleted")
        KEPT_RESEARCH = "kept_research", _("kept for research")
        KEPT_HOLD = "kept_hold", _("kept under legal hold")

    run_at = models.DateTimeField(auto_now_add=True, db_index=True)
    family_reference = models.CharField(max_length=16)
    action = models.CharField(max_length=16, choices=Action.choices)
    rule = models.CharField(max_length=60)
    due_on = models.DateField()
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-run_at", "-id"]


# --- Reminders and calendar (issue 9) ---------------------------------------------------------
# SMS reminders of booked visits (seed 001: families with NPF diagnoses often struggle with
# planning), the staff's daily digest and the private calendar feed. Sending, planning and the
# rules about who may get a message live in cases.reminders; these tables hold the state.


def new_idempotency_key():
    """A fresh key per message (module-level so migrations can refer to it)."""
    import uuid

    return uuid.uuid4()


class VisitReminderChoice(BaseModel):
    """What the ombud chose when booking: which reminders, to whom. Moving the visit plans the
    messages again from this choice."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="reminder_choice")
    day_before = models.BooleanField(_("the day before at 18:00"), default=False)
    two_hours_before = models.BooleanField(_("two hours before"), default=False)
    recipients = models.ManyToManyField(
        Member, related_name="+", blank=True, verbose_name=_("who gets the reminder")
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A member with protected identity gets nothing unless the ombud confirmed it explicitly.
    protected_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    protected_confirmed_at = models.DateTimeField(null=True, blank=True)


class SmsReminder(BaseModel):
    """One SMS to one member about one visit. The row is the outbox entry and the message's
    whole state: every status change goes through cases.reminders under select_for_update,
    and the idempotency key travels with every attempt so the gateway never sends it twice."""

    class Slot(models.TextChoices):
        DAY_BEFORE = "day_before", _("The day before at 18:00")
        TWO_HOURS = "two_hours", _("Two hours before")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class CancelReason(models.TextChoices):
        VISIT_CANCELLED = "visit_cancelled", _("The visit was cancelled")
        RESCHEDULED = "rescheduled", _("The visit was moved; a new reminder replaces this one")
        NO_CONSENT = (
            "no_consent",
            _("The member no longer agrees to SMS reminders or has no valid mobile number"),
        )
        PROTECTED = "protected", _("Protected identity without the ombud's confirmation")
        TOO_LATE = "too_late", _("The visit had already started")
        CASE_CLOSED = "case_closed", _("The case is closed")
        OMBUD_LEFT = "ombud_left", _("The family ombud is no longer on the case team")
        UNSAFE_TEXT = "unsafe_text", _("The text would have revealed personal data")
        BY_STAFF = "by_staff", _("Cancelled by staff")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="sms_reminders")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="sms_reminders")
    owner = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="sms_messages", verbose_name=_("to")
    )
    slot = models.CharField(_("when"), max_length=12, choices=Slot.choices)
    send_at = models.DateTimeField(_("send at"))
    text = models.CharField(_("text"), max_length=320)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    idempotency_key = models.UUIDField(default=new_idempotency_key, unique=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # For a failed message: when it is tried again; empty when no retry is planned.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_to = models.CharField(_("number"), max_length=16, blank=True)
    provider = models.CharField(_("sent through"), max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(_("reason"), max_length=300, blank=True)
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=16, choices=CancelReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("SMS reminder")
        verbose_name_plural = _("SMS reminders")
        ordering = ["-send_at", "-id"]
        indexes = [
            models.Index(fields=["family", "-send_at"], name="sms_family_send_at"),
            models.Index(
                fields=["send_at"],
                name="sms_due",
                condition=Q(status__in=["pending", "sending", "failed"]),
            ),
        ]
        constraints = [
            # At most one live message per visit, member and slot: a moved visit's reminder
            # is cancelled before its replacement is planned.
            models.UniqueConstraint(
                fields=["visit", "member", "slot"],
                condition=Q(status__in=["pending", "sending", "failed"]),
                name="sms_one_live_per_visit_member_slot",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False)
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="sms_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="sms_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"SMS #{self.pk}"

    @property
    def will_retry(self) -> bool:
        return self.status == self.Status.FAILED and self.next_attempt_at is not None


# The message's life, one table: a status may only move to those listed. SENDING → SENDING is
# the recovery of an attempt whose worker died (the same idempotency key is sent again).
SMS_TRANSITIONS: dict[str, frozenset[str]] = {
    SmsReminder.Status.PENDING: frozenset(
        {SmsReminder.Status.SENDING, SmsReminder.Status.CANCELLED}
    ),
    SmsReminder.Status.SENDING: frozenset(
        {SmsReminder.Status.SENT, SmsReminder.Status.FAILED, SmsReminder.Status.SENDING}
    ),
    SmsReminder.Status.FAILED: frozenset(
        {SmsReminder.Status.SENDING, SmsReminder.Status.CANCELLED}
    ),
    SmsReminder.Status.SENT: frozenset(),
    SmsReminder.Status.CANCELLED: frozenset(),
}


class DigestDelivery(BaseModel):
    """The daily digest e-mail to one member of staff: at most one per day (re-running the
    command sends nothing twice); a failure is kept with its reason and can be retried."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        SENT = "sent", _("Sent")
        NOTHING_DUE = "nothing_due", _("Nothing due: no e-mail")
        NO_ADDRESS = "no_address", _("No e-mail address")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    on = models.DateField(_("date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # Numbers per section only: the digest's contents are computed again when shown.
    counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(_("reason"), max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "on"], name="digest_one_per_user_and_day")
        ]


class CalendarFeedToken(BaseModel):
    """A private calendar (iCal) address. Only a SHA-256 of the random token is stored: the
    address is shown once, and revoking it makes the feed answer 404 at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_one_active_token_per_user",
            )
        ]
