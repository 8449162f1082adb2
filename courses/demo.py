"""A demo ABC course (all fictional): four sessions this autumn, parents of two demo families
and three anonymous parents, attendance recorded for the sessions held.

Idempotent: nothing is added when a course exists.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import models as cm
from courses import services
from courses.models import Course, CourseKind, Participant


def seed(base: dict) -> dict:
    users, adms = base.get("users") or {}, base.get("administrations") or {}
    if Course.objects.exists() or "ombud" not in users:
        return {"courses": []}
    ombud, lead = users["ombud"], users["teamledare"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=35)
    course = services.course_create(
        by=lead,
        kind=CourseKind.ABC,
        name="ABC hösten",
        administration=adms["Socialtjänsten"],
        leaders=[ombud, lead],
        start_date=start,
        place="Familjecentralen, Storgatan 3",
        anonymous_participants=3,
        anonymous_completed=2,
    )
    sessions = [
        services.session_add(course=course, by=lead, held_on=start + dt.timedelta(days=7 * i))
        for i in range(4)
    ]
    # Parents of the ombud's own families (she sees them by name), unprotected.
    parents = list(
        cm.Member.objects.filter(
            kind=cm.Member.Kind.CUSTODIAN,
            protected_identity=False,
            family__team__user=ombud,
        ).order_by("family_id", "id")[:3]
    )
    participants = [
        services.participant_add(course=course, by=ombud, member=member) for member in parents
    ]
    held = [s for s in sessions if s.held_on <= today]
    for number, session in enumerate(held):
        # Each misses one session; the last parent also missed the first (not completed).
        present = [
            p
            for i, p in enumerate(participants)
            if (i + number) % 4 != 3 and not (i == 2 and number == 0)
        ]
        services.attendance_record(
            session=session, by=ombud, present=present, anonymous_present=3 - number % 2
        )
    return {"courses": [course], "participants": Participant.objects.filter(course=course)}
