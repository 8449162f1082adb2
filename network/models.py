"""Network work (nätverksarbete, seed 004 part 2; DOMAIN.md §6.2, §6.3, §6.5).

A network process per child or young person (0–20 years): coordination, the pre-meeting with
the family, the network meeting, and follow-up meetings; the private and professional network;
the actions agreed (open ones carried over to the follow-up); the needs inventory of the
Familjeträffen method over the eight GIRFEC wellbeing areas; the time spent against the
planning figure. Who may see a process is decided in familjelotsen.access; its children
follow it.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models import Family, InfoCategory, Member, Provision, ShareValidity, VersionedModel
from familjelotsen.models import Administration, BaseModel

# Every change is kept by PostgreSQL triggers (django-pghistory), with the acting user.


class Stage(models.TextChoices):
    """The activities of the process; meetings and time entries use the same four."""

    COORDINATION = "coordination", _("Coordination")
    PRE_MEETING = "pre_meeting", _("Pre-meeting")
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    FOLLOW_UP_MEETING = "follow_up_meeting", _("Follow-up meeting")


class GirfecArea(models.TextChoices):
    """The eight SHANARRI wellbeing indicators of GIRFEC (DOMAIN.md §6.2), in wheel order."""

    SAFE = "safe", _("Safe")
    HEALTHY = "healthy", _("Healthy")
    ACHIEVING = "achieving", _("Achieving")
    NURTURED = "nurtured", _("Nurtured")
    ACTIVE = "active", _("Active")
    RESPECTED = "respected", _("Respected")
    RESPONSIBLE = "responsible", _("Responsible")
    INCLUDED = "included", _("Included")


@pghistory.track()
class NetworkProcess(VersionedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    # Bistånd (with individual needs assessment) takes precedence over service; the family
    # of network work only carries the same choices for its place on the waiting list.
    Provision = Provision

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="network_processes")
    owner = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.CASCADE,
        related_name="network_processes",
        verbose_name=_("child or young person"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    purpose = models.TextField(_("what the network work is about"), blank=True)
    provision = models.CharField(
        _("given as"), max_length=8, choices=Provision.choices, default=Provision.SERVICE
    )
    decision_reference = models.CharField(_("decision reference"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    follow_up_person = models.CharField(
        _("named follow-up person"),
        max_length=120,
        blank=True,
        help_text=_("The one who keeps the threads together after the meeting."),
    )
    started_on = models.DateField(_("started"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("network process")
        verbose_name_plural = _("network processes")
        ordering = ["provision", "-started_on", "-id"]
        indexes = [models.Index(fields=["family", "status"], name="network_family_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(provision="decided") | ~Q(decision_reference=""),
                name="network_decided_has_reference",
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True)
                | (Q(status="closed", closed_on__isnull=False) & ~Q(close_reason="")),
                name="network_closed_documented",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Network process')} #{self.pk}"

    @property
    def share_category(self) -> str:
        # The needs inventory and the meeting notes describe the child's social situation.
        return InfoCategory.SOCIAL


@pghistory.track()
class NetworkParticipant(BaseModel):
    """A person in the child's network: private (invited by the child and parents; their
    relation) or professional (administration or other organisation; their role)."""

    class Side(models.TextChoices):
        PRIVATE = "private", _("Private network")
        PROFESSIONAL = "professional", _("Professional network")

    process = models.ForeignKey(
        NetworkProcess, on_delete=models.CASCADE, related_name="participants"
    )
    side = models.CharField(_("network"), max_length=16, choices=Side.choices)
    name = models.CharField(_("name"), max_length=120)
    relation = models.CharField(_("relation to the child"), max_length=120, blank=True)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administration"),
    )
    organisation = models.CharField(
        _("other organisation"),
        max_length=120,
        blank=True,
        help_text=_("For professionals outside the administrations, e.g. Försäkringskassan."),
    )
    role = models.CharField(_("role"), max_length=120, blank=True)

    class Meta:
        ordering = ["side", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(side="private") | ~Q(relation=""),
                name="network_private_has_relation",
            ),
            models.CheckConstraint(
                condition=~Q(side="professional")
                | Q(administration__isnull=False)
                | ~Q(organisation=""),
                name="network_professional_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class NetworkMeeting(BaseModel):
    """One stage of the process: coordination, pre-meeting, network meeting, follow-up."""

    class Place(models.TextChoices):
        HOME = "home", _("Home")
        SCHOOL = "school", _("School")
        OFFICE = "office", _("Office")
        DIGITAL = "digital", _("Digital")

    process = models.ForeignKey(NetworkProcess, on_delete=models.CASCADE, related_name="meetings")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=8, choices=Place.choices)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["held_on", "id"]
        indexes = [models.Index(fields=["process", "held_on"], name="network_meeting_date")]


@pghistory.track()
class Attendance(models.Model):
    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        NetworkParticipant, on_delete=models.CASCADE, related_name="attendance"
    )
    attended = models.BooleanField(_("attended"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="network_attendance_unique"
            )
        ]


@pghistory.track()
class Action(VersionedModel):
    """An action agreed at a meeting: what, who (a network member or an administration), by
    when. Open actions are carried over to the follow-up meeting."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    process = models.ForeignKey(NetworkProcess, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        NetworkMeeting,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("agreed at"),
    )
    what = models.CharField(_("what"), max_length=300)
    responsible_participant = models.ForeignKey(
        NetworkParticipant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("who (network member)"),
    )
    responsible_administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who (administration)"),
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    status_changed_on = models.DateField(_("status changed"), null=True, blank=True)
    carried_to = models.ManyToManyField(
        NetworkMeeting,
        related_name="carried_actions",
        blank=True,
        verbose_name=_("carried over to"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # Exactly one "who": a network member or an administration.
            models.CheckConstraint(
                condition=Q(
                    responsible_participant__isnull=False, responsible_administration__isnull=True
                )
                | Q(responsible_participant__isnull=True, responsible_administration__isnull=False),
                name="network_action_one_responsible",
            ),
        ]

    def __str__(self) -> str:
        return self.what


@pghistory.track()
class NeedsInventory(BaseModel):
    """Behovsinventering: the eight GIRFEC areas rated by the family, or by the ombud."""

    class RatedBy(models.TextChoices):
        FAMILY = "family", _("The family")
        OMBUD = "ombud", _("The family ombud")

    process = models.ForeignKey(
        NetworkProcess, on_delete=models.CASCADE, related_name="inventories"
    )
    made_on = models.DateField(_("date"))
    rated_by = models.CharField(_("rated by"), max_length=8, choices=RatedBy.choices)
    child_view = models.TextField(_("the child's own view"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["made_on", "rated_by", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "made_on", "rated_by"], name="network_inventory_one_per_day"
            )
        ]


@pghistory.track()
class NeedsRating(models.Model):
    inventory = models.ForeignKey(NeedsInventory, on_delete=models.CASCADE, related_name="ratings")
    area = models.CharField(_("area"), max_length=12, choices=GirfecArea.choices)
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"))
    strengths = models.TextField(_("strengths"), blank=True)
    concerns = models.TextField(_("concerns"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["inventory", "area"], name="network_rating_one_per_area"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="network_rating_1_5"
            ),
        ]


@pghistory.track()
class NetworkTimeEntry(BaseModel):
    process = models.ForeignKey(
        NetworkProcess, on_delete=models.CASCADE, related_name="time_entries"
    )
    activity = models.CharField(_("activity"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=1440), name="network_time_minutes_range"
            ),
        ]


# --- Object permissions (shares), django-guardian direct foreign-key tables -------------------
# Granted and withdrawn only by familjelotsen.access.


class NetworkProcessUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(NetworkProcess, on_delete=models.CASCADE)


class NetworkProcessGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(NetworkProcess, on_delete=models.CASCADE)
