"""The team's work outside the family cases (issue 20 parts 3–4): consultations for
professionals and parenting-support courses. Who may do what with them.

- Consultations hold no personal data of families, but the asking professional's name is
  personal data. The team (family ombud and team leads) records and reads them; every read
  writes an access-log row. School coordinators, the Region's coordinators and the project
  leader do not see individual consultations: the project leader counts them in the reports
  (suppressed aggregates), like every other figure.
- Courses are the team's to create and run (sessions, participants, attendance). Their
  participants are adults of registered families: a team member adds, and sees by name, only
  members the access policy lets them see with their identity; anyone else on the team sees
  that a participant is there, not who.
"""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet, Value
from django.http import Http404

from cases import models as cm
from consultations.models import Consultation
from courses.models import Course
from familjelotsen.access.policy import (
    Basis,
    NotForRole,
    Role,
    sees_cases,
    visible_members,
)
from familjelotsen.audit import log_read
from familjelotsen.models import User

# The team: the staff who record consultations and run courses.
OUTREACH_ROLES = frozenset({Role.FAMILY_OMBUD, Role.TEAM_LEAD})
# Adults a course takes (children are not participants of a parenting course).
ADULT_KINDS = (cm.Member.Kind.CUSTODIAN, cm.Member.Kind.OTHER_ADULT)


def works_outreach(user) -> bool:
    """Records consultations and creates and runs courses: the team."""
    return sees_cases(user) and user.role in OUTREACH_ROLES


def require_outreach(request) -> None:
    """A page of the team's outreach work; anyone else is told it is not for their role."""
    if not works_outreach(request.user):
        raise NotForRole


def _basis(user) -> str:
    # The team's own record, read by a team member as such (a team lead as the lead).
    return Basis.TEAM_LEAD if user.role == Role.TEAM_LEAD else Basis.CASE_TEAM


def visible_consultations(user) -> QuerySet:
    """Every consultation the user may read (the team's), with the basis of the read."""
    if not works_outreach(user):
        return Consultation.objects.none()
    return Consultation.objects.annotate(
        access_basis=Value(_basis(user), output_field=models.CharField()),
        access_consent_id=Value(None, output_field=models.BigIntegerField()),
    )


def get_consultation_for_user(request, pk) -> Consultation:
    """One consultation; 404 for anyone who may not read it (the page does not say it
    exists). A GET writes the read to the access log."""
    try:
        consultation = (
            visible_consultations(request.user)
            .select_related("asking_administration", "recorded_by")
            .get(pk=pk)
        )
    except (Consultation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if request.method in ("GET", "HEAD"):
        log_read(request, consultation)
    return consultation


def visible_courses(user) -> QuerySet:
    """The courses the user may open and run: the team's."""
    if not works_outreach(user):
        return Course.objects.none()
    return Course.objects.all()


def get_course_for_user(request, pk) -> Course:
    """One course (its leaders are staff, its participants are read through
    `course_members`); 404 for anyone outside the team."""
    try:
        return visible_courses(request.user).select_related("administration").get(pk=pk)
    except (Course.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def course_members(user) -> QuerySet:
    """The members the user may name on a course: visible to them, with the identity shown
    (never a protected identity outside the case team). Each carries its access basis, for
    the log of the page that shows them."""
    return visible_members(user).filter(identity_visible=True)


def course_candidates(user) -> QuerySet:
    """The adults the user may add to a course: those of `course_members`."""
    return course_members(user).filter(kind__in=ADULT_KINDS)


def course_leader_candidates() -> QuerySet:
    """Staff who may lead a course: active staff of an administration (never the system
    administrator, who works with no case and no course)."""
    return (
        User.objects.filter(is_active=True, administration__isnull=False)
        .exclude(role=Role.SYSTEM_ADMIN)
        .order_by("first_name", "last_name")
    )
