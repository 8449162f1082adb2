"""Parenting-support courses (issue 20 part 4): participants are adults of families the user
may see (or counted anonymously); attendance per session; completion after the course's number
of sessions. The course page names only the participants the user may see by name, and logs
each; the school, the Region and the project leader do not reach courses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses import selectors, services
from courses.models import CourseKind
from familjelotsen.models import AccessLogEntry
from tests.factories import CustodianFactory, FamilyFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def test_attendance_and_completion_are_counted_and_names_follow_the_access_policy(
    ombud, colleague_not_on_team, team_lead, school_coordinator, project_leader, adm_soc
):
    start = timezone.localdate() - dt.timedelta(days=30)
    course = services.course_create(
        by=ombud,
        kind=CourseKind.ABC,
        name="ABC hösten",
        administration=adm_soc,
        leaders=[ombud],
        start_date=start,
        place="Familjecentralen",
        anonymous_participants=3,
        anonymous_completed=1,
    )
    assert course.sessions_to_complete == 3  # the kind's usual figure
    sessions = [
        services.session_add(course=course, by=ombud, held_on=start + dt.timedelta(days=7 * i))
        for i in range(4)
    ]
    family = FamilyFactory(responsible_ombud=ombud)
    mother = CustodianFactory(family=family, first_name="Sanna", last_name="Berg")
    father = CustodianFactory(family=family, first_name="Omar", last_name="Berg")
    child = MemberFactory(family=family)
    elsewhere = CustodianFactory(family=FamilyFactory(responsible_ombud=colleague_not_on_team))
    first = services.participant_add(course=course, by=ombud, member=mother)
    second = services.participant_add(course=course, by=ombud, member=father)
    for member in (child, elsewhere):  # a child, an adult of a family the ombud does not see
        with pytest.raises(ValidationError):
            services.participant_add(course=course, by=ombud, member=member)
    with pytest.raises(ValidationError):
        services.participant_add(course=course, by=ombud, member=mother)  # already there
    # The mother attends three of four sessions (completes), the father two (does not).
    for index, session in enumerate(sessions):
        present = [p for p, n in ((first, 3), (second, 2)) if index < n]
        services.attendance_record(session=session, by=ombud, present=present, anonymous_present=2)
    with pytest.raises(ValidationError):
        services.attendance_record(
            session=sessions[0], by=ombud, present=[first], anonymous_present=4
        )

    listed = selectors.course_list(ombud).get(pk=course.pk)
    assert (listed.session_count, listed.participant_count, listed.completed_count) == (4, 5, 2)

    # The ombud's page names both parents and logs each; a colleague who does not see the
    # family sees two numbered participants and nothing is logged of them.
    page = _client(ombud).get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert "Sanna Berg" in page and "Omar Berg" in page
    assert set(
        AccessLogEntry.objects.filter(user=ombud, action="view").values_list("member_id", flat=True)
    ) == {mother.pk, father.pk}
    page = _client(colleague_not_on_team).get(reverse("courses:detail", args=[course.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Berg" not in html
    assert "Participant 2 (not visible to you)" in html
    assert not AccessLogEntry.objects.filter(user=colleague_not_on_team).exists()

    assert _client(team_lead).get(reverse("courses:list")).status_code == 200
    for user in (school_coordinator, project_leader):
        client = _client(user)
        assert client.get(reverse("courses:list")).status_code == 403
        assert client.get(reverse("courses:detail", args=[course.pk])).status_code == 403
