"""Every change of a parenting-support course: the course, its sessions, participants and
attendance. Keyword-only, atomic; the views asked the access policy (`access.works_outreach`)
before calling, and a participant is added only from the adults the policy lets the user
name (`access.course_candidates`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.models import Member
from courses.models import COMPLETION_BY_KIND, Attendance, Course, Participant, Session
from familjelotsen import access
from familjelotsen.models import Administration, User


def _completion(kind: str, sessions_to_complete: int | None) -> int:
    return sessions_to_complete or COMPLETION_BY_KIND.get(kind, 3)


def _check_anonymous(anonymous_participants: int, anonymous_completed: int) -> None:
    if anonymous_completed > anonymous_participants:
        raise ValidationError(
            {
                "anonymous_completed": _(
                    "More anonymous participants completed than took part: at most %(n)s."
                )
                % {"n": anonymous_participants}
            }
        )


@transaction.atomic
def course_create(
    *,
    by: User,
    kind: str,
    name: str,
    administration: Administration,
    leaders,
    start_date: dt.date,
    place: str,
    sessions_to_complete: int | None = None,
    anonymous_participants: int = 0,
    anonymous_completed: int = 0,
) -> Course:
    _check_anonymous(anonymous_participants, anonymous_completed)
    course = Course.objects.create(
        kind=kind,
        name=name.strip(),
        administration=administration,
        start_date=start_date,
        place=place.strip(),
        sessions_to_complete=_completion(kind, sessions_to_complete),
        anonymous_participants=anonymous_participants,
        anonymous_completed=anonymous_completed,
        owner_id=by.administration_id,
        created_by=by,
    )
    course.leaders.set(leaders)
    return course


@transaction.atomic
def course_update(
    *,
    course: Course,
    by: User,
    kind: str,
    name: str,
    administration: Administration,
    leaders,
    start_date: dt.date,
    place: str,
    sessions_to_complete: int | None = None,
    anonymous_participants: int = 0,
    anonymous_completed: int = 0,
) -> Course:
    _check_anonymous(anonymous_participants, anonymous_completed)
    most_present = max(course.sessions.values_list("anonymous_present", flat=True), default=0)
    if anonymous_participants < most_present:
        raise ValidationError(
            {
                "anonymous_participants": _(
                    "A session already has %(n)s anonymous participants present."
                )
                % {"n": most_present}
            }
        )
    course.kind = kind
    course.name = name.strip()
    course.administration = administration
    course.start_date = start_date
    course.place = place.strip()
    course.sessions_to_complete = _completion(kind, sessions_to_complete)
    course.anonymous_participants = anonymous_participants
    course.anonymous_completed = anonymous_completed
    course.save()
    course.leaders.set(leaders)
    return course


@transaction.atomic
def session_add(*, course: Course, by: User, held_on: dt.date) -> Session:
    if held_on < course.start_date:
        raise ValidationError({"held_on": _("The session cannot be before the course starts.")})
    try:
        with transaction.atomic():
            return Session.objects.create(course=course, held_on=held_on)
    except IntegrityError:
        raise ValidationError(
            {"held_on": _("The course already has a session on that date.")}
        ) from None


@transaction.atomic
def participant_add(*, course: Course, by: User, member: Member) -> Participant:
    if not access.course_candidates(by).filter(pk=member.pk).exists():
        raise ValidationError({"member": _("Choose an adult of a family you may see.")})
    participant, created = Participant.objects.get_or_create(
        course=course, member=member, defaults={"added_by": by}
    )
    if not created:
        raise ValidationError({"member": _("The person is already a participant.")})
    return participant


@transaction.atomic
def attendance_record(
    *, session: Session, by: User, present: list[Participant], anonymous_present: int
) -> Session:
    """Who was at the session: the named participants ticked, and a count of the anonymous."""
    course = session.course
    if anonymous_present > course.anonymous_participants:
        raise ValidationError(
            {
                "anonymous_present": _(
                    "The course has %(n)s anonymous participants: at most %(n)s can be present."
                )
                % {"n": course.anonymous_participants}
            }
        )
    if any(p.course_id != course.pk for p in present):
        raise ValidationError({"present": _("Choose participants of this course.")})
    session.anonymous_present = anonymous_present
    session.save(update_fields=["anonymous_present", "updated_at"])
    Attendance.objects.filter(session=session).exclude(participant__in=present).delete()
    Attendance.objects.bulk_create(
        [Attendance(session=session, participant=p) for p in present], ignore_conflicts=True
    )
    return session
