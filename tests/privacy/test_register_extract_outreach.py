"""The register extract (right of access, GDPR art. 15) holds the parenting-support courses a
person took part in and the request to the team that became their family's case; the child's
own view in that request only in the child's extract; another family's request never."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from courses.models import Attendance, Course, CourseKind, Participant, Session
from referrals.models import Referral, ReferralPerson
from tests.factories import AdministrationFactory, CustodianFactory, FamilyFactory, MemberFactory

pytestmark = pytest.mark.django_db
ABOUT = "Skolan ser stor frånvaro och vill samla dem runt familjen."
CHILD_VIEW = "Hon säger själv att hon vill ha hjälp med läxorna."


def _course(parent, ombud, sessions_attended: int) -> None:
    course = Course.objects.create(
        kind=CourseKind.ABC,
        name="ABC våren",
        administration=ombud.administration,
        start_date=dt.date(2026, 2, 1),
        place="Familjecentralen",
        sessions_to_complete=3,
        owner=ombud.administration,
        created_by=ombud,
    )
    participant = Participant.objects.create(course=course, member=parent, added_by=ombud)
    for week in range(4):
        session = Session.objects.create(
            course=course, held_on=dt.date(2026, 2, 1) + dt.timedelta(weeks=week)
        )
        if week < sessions_attended:
            Attendance.objects.create(session=session, participant=participant)


def _request(family, child, parent, referrer) -> Referral:
    referral = Referral.objects.create(
        status=Referral.Status.ACCEPTED,
        referrer=referrer,
        administration=referrer.administration,
        team=family.owner,
        about=ABOUT,
        child_view=CHILD_VIEW,
        family=family,
        sent_at=timezone.now() - dt.timedelta(days=3),
        decided_at=timezone.now(),
        decided_by=referrer,
    )
    for kind, person in (
        (ReferralPerson.Kind.CHILD, child),
        (ReferralPerson.Kind.CUSTODIAN, parent),
    ):
        ReferralPerson.objects.create(
            referral=referral,
            kind=kind,
            first_name=person.first_name,
            last_name=person.last_name,
            personal_number=person.personal_number,
        )
    return referral


@pytest.fixture
def case(ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    parent = CustodianFactory(family=family, first_name="Lena", last_name="Berg")
    child = MemberFactory(family=family, first_name="Maja", last_name="Berg")
    child.custodians.add(parent)
    school = AdministrationFactory(name="Skolan")
    from tests.factories import UserFactory

    rektor = UserFactory(username="p_rektor", role="referrer", administration=school)
    _course(parent, ombud, sessions_attended=2)
    _request(family, child, parent, rektor)
    return {"family": family, "parent": parent, "child": child}


def _extract(client, member, fmt="json"):
    response = client.get(reverse("register_extract", args=[member.pk, fmt]))
    assert response.status_code == 200
    return response


def test_a_parents_extract_holds_their_course_and_the_request_but_not_the_childs_view(
    case, ombud, client
):
    client.force_login(ombud)
    data = json.loads(_extract(client, case["parent"]).content)
    [course] = data["courses"]
    assert course["course"].endswith("ABC våren") and course["sessions_attended"] == 2
    assert course["place"] == "Familjecentralen"
    [request] = data["requests"]
    assert request["about"] == ABOUT and request["from"] == "Skolan"
    assert request["child_view"] is None  # the child's own words are not the parent's to read
    assert CHILD_VIEW not in json.dumps(data, ensure_ascii=False)


@pytest.mark.swedish
def test_the_childs_extract_holds_their_own_view_and_no_course_and_the_pdf_says_so(
    case, ombud, client
):
    client.force_login(ombud)
    data = json.loads(_extract(client, case["child"]).content)
    assert data["courses"] == []
    assert data["requests"][0]["child_view"] == CHILD_VIEW
    pdf = _extract(client, case["parent"], "pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Förfrågningar till teamet" in text and "2 träffar närvarande" in text


def test_another_familys_request_about_the_same_person_stays_out(case, ombud, client):
    """A request elsewhere naming the same personnummer belongs to another case (another
    administration's, perhaps): the extract of this family's member never shows it."""
    other_family = FamilyFactory(responsible_ombud=ombud)
    stray = Referral.objects.create(
        status=Referral.Status.ACCEPTED,
        referrer=ombud,
        administration=ombud.administration,
        team=other_family.owner,
        about="En annan förfrågan.",
        family=other_family,
        sent_at=timezone.now(),
        decided_at=timezone.now(),
        decided_by=ombud,
    )
    ReferralPerson.objects.create(
        referral=stray,
        kind=ReferralPerson.Kind.CUSTODIAN,
        personal_number=case["parent"].personal_number,
    )
    client.force_login(ombud)
    data = json.loads(_extract(client, case["parent"]).content)
    assert [r["about"] for r in data["requests"]] == [ABOUT]
