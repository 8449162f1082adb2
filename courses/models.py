"""Parenting-support courses (issue 20 part 4, seed 002: ABC föräldraskapsstöd).

A course has a kind (a choice list), the municipality's administration it is run for, its
leaders (staff), a start date and a place; sessions by date; participants, who are adults of
registered families (`Participant`, the member) or counted anonymously on the course; and the
attendance of each participant at each session. A participant completed the course when they
attended at least `sessions_to_complete` of its sessions: the course's own figure, which a new
course takes from its kind (`COMPLETION_BY_KIND`).

Participants are personal data of families: who sees their names is decided in
`familjelotsen/access/outreach.py` (the member as the access policy lets the user see it).
"""

from __future__ import annotations

import pghistory
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Member
from familjelotsen.models import Administration, BaseModel, User


class CourseKind(models.TextChoices):
    ABC = "abc", _("ABC – All children in focus")
    ABC_TEENS = "abc_teens", _("ABC Teens")
    CONNECT = "connect", _("Connect")
    COPE = "cope", _("COPE")
    OTHER = "other", _("Other parenting support")


# Sessions a participant must attend to have completed a course of the kind (a new course's
# default; each course may set its own). ABC: four group meetings, three of them.
COMPLETION_BY_KIND = {
    CourseKind.ABC: 3,
    CourseKind.ABC_TEENS: 3,
    CourseKind.CONNECT: 8,
    CourseKind.COPE: 5,
    CourseKind.OTHER: 3,
}


@pghistory.track(append_only=True)
class Course(BaseModel):
    kind = models.CharField(_("kind of course"), max_length=16, choices=CourseKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    # The municipality's administration the course is run for (the reports count by it).
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality / administration"),
    )
    leaders = models.ManyToManyField(User, related_name="+", verbose_name=_("leaders"))
    start_date = models.DateField(_("start date"), db_index=True)
    place = models.CharField(_("place"), max_length=120)
    sessions_to_complete = models.PositiveSmallIntegerField(
        _("sessions needed to complete the course")
    )
    anonymous_participants = models.PositiveSmallIntegerField(
        _("anonymous participants"), default=0
    )
    anonymous_completed = models.PositiveSmallIntegerField(
        _("anonymous participants who completed"), default=0
    )
    owner = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded in")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("parenting-support course")
        verbose_name_plural = _("parenting-support courses")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions_to_complete__gte=1), name="course_completion_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(anonymous_completed__lte=F("anonymous_participants")),
                name="course_anonymous_completed_within_participants",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.get_kind_display()} {self.start_date:%Y-%m-%d}"


@pghistory.track(append_only=True)
class Session(BaseModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    anonymous_present = models.PositiveSmallIntegerField(
        _("anonymous participants present"), default=0
    )

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "held_on"], name="session_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"


@pghistory.track(append_only=True)
class Participant(BaseModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("participant")
    )
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("course participant")
        verbose_name_plural = _("course participants")
        constraints = [
            models.UniqueConstraint(fields=["course", "member"], name="participant_once"),
        ]


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendances"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_once_per_session"
            ),
        ]
