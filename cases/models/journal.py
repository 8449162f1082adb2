"""The journal: documented contacts, objections to them and the time spent on a family."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.models.base import HISTORY, InfoCategory, OutcomeArea, ShareValidity, VersionedModel
from cases.models.families import Family
from cases.models.members import Member
from familjelotsen.models import Administration, BaseModel


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

    class Meta:
        verbose_name = _("objection to a journal entry")
        verbose_name_plural = _("objections to journal entries")


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
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=1440), name="timeentry_minutes_range"
            ),
        ]


class JournalEntryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(JournalEntry, on_delete=models.CASCADE)


class JournalEntryGroupObjectPermission(GroupObjectPermissionBase, ShareValidity):
    content_object = models.ForeignKey(JournalEntry, on_delete=models.CASCADE)
