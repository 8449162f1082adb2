"""Reads of courses for the pages, from the access policy's visible sets: the courses with
their counts, and a course's sessions, participants and attendance. A participant is named
only when the policy lets the user see that member by name (`access.course_members`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from courses.models import Attendance, Course, Participant
from familjelotsen import access


def _completed_named() -> Subquery:
    """The named participants of the course who attended at least its completion figure."""
    attended = (
        Attendance.objects.filter(participant_id=OuterRef("pk"))
        .order_by()
        .values("participant_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    done = (
        Participant.objects.filter(course_id=OuterRef("pk"))
        .annotate(attended=Coalesce(Subquery(attended, output_field=IntegerField()), 0))
        .filter(attended__gte=OuterRef("sessions_to_complete"))
        .order_by()
        .values("course_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(done, output_field=IntegerField()), Value(0))


def course_list(user) -> QuerySet:
    """The courses with their sessions, participants (named and anonymous) and completed."""
    return (
        access.visible_courses(user)
        .select_related("administration")
        .annotate(
            session_count=Count("sessions", distinct=True),
            named=Count("participants", distinct=True),
            completed_named=_completed_named(),
        )
        .annotate(
            participant_count=F("named") + F("anonymous_participants"),
            completed_count=F("completed_named") + F("anonymous_completed"),
        )
    )


def course_overview(user, pk) -> Course | None:
    return course_list(user).filter(pk=pk).first()


@dataclass
class Line:
    """One participant on the course page: named or not, and their attendance."""

    participant: Participant
    number: int
    name: str  # empty when the user may not see who it is
    named: bool
    attended: list[bool]
    count: int
    completed: bool

    @property
    def display(self) -> str:
        if self.named:
            return self.name
        return gettext("Participant %(n)s (not visible to you)") % {"n": self.number}


def course_page(user, course: Course) -> dict:
    """The course's sessions and a line per participant; `shown` are the members named on
    the page (for the access log, with the basis the policy gave each)."""
    sessions = list(course.sessions.all())
    participants = list(
        Participant.objects.filter(course=course)
        .annotate(attended_ids=_attended_ids())
        .order_by("created_at", "id")
    )
    members = {
        m.pk: m
        for m in access.course_members(user).filter(pk__in=[p.member_id for p in participants])
    }
    lines = []
    for number, participant in enumerate(participants, start=1):
        member = members.get(participant.member_id)
        present = set(participant.attended_ids or [])
        attended = [s.pk in present for s in sessions]
        count = sum(attended)
        lines.append(
            Line(
                participant,
                number,
                f"{member.first_name} {member.last_name}" if member else "",
                member is not None,
                attended,
                count,
                count >= course.sessions_to_complete,
            )
        )
    return {
        "sessions": sessions,
        "lines": lines,
        "shown": list(members.values()),
        "completed": sum(1 for line in lines if line.completed) + course.anonymous_completed,
    }


def _attended_ids() -> ArrayAgg:
    return ArrayAgg("attendances__session_id", filter=Q(attendances__isnull=False), default=[])
