"""The pupil list and the waiting list (issue 16): at most 15 SQL queries, the same number for 2
rows as for 50, and the access log of the page in one INSERT.

The pupil list: the session, the user, one page of pupil support (joined with the pupil and
the family, the identity flag annotated), the panels of the work lists (the SIP interventions
the user's administration is responsible for: plans, interventions, member names; the open
survey rounds) and the log. The waiting list: the session, the user, one page of requests and
their members, the ombuds' caseloads, the referrals waiting for a decision (two), the ombuds
offered in the assign form, the counts per kind of work, and the log.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import models as cm
from familjelotsen import access
from tests.factories import ConsentFactory, FamilyFactory, MemberFactory, PupilSupportFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def _queries(client, user, url) -> list[str]:
    client.force_login(user)
    client.get(url)  # caches that fill once per process
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _shared_pupils(n, *, ombud, school):
    for i in range(n):
        family = FamilyFactory(responsible_ombud=ombud)
        child = MemberFactory(family=family, first_name=f"Elev{i}")
        PupilSupportFactory(member=child, owner=school)
        consent = ConsentFactory(subject=child, receiving=[school])
        access.apply_default_shares(consent=consent, by=ombud)


def _requests(n, *, ombud):
    for _ in range(n):
        family = FamilyFactory(responsible_ombud=ombud, status=cm.Family.Status.REQUEST)
        MemberFactory(family=family)


@pytest.mark.parametrize("who", ["ombud", "team_lead", "school"])
def test_the_pupil_list_takes_as_many_queries_for_fifty_pupils_as_for_two_and_at_most_fifteen(
    client, ombud, team_lead, school_coordinator, adm_school, who
):
    user = {"ombud": ombud, "team_lead": team_lead, "school": school_coordinator}[who]
    url = reverse("cases:pupils")
    _shared_pupils(2, ombud=ombud, school=adm_school)
    small = _queries(client, user, url)
    _shared_pupils(48, ombud=ombud, school=adm_school)
    big = _queries(client, user, url)
    assert len(big) == len(small) <= MAX_QUERIES, "\n\n".join(big)
    inserts = [q for q in big if "INSERT" in q]
    assert len(inserts) == 1 and "familjelotsen_accesslogentry" in inserts[0]


def test_the_waiting_list_takes_as_many_queries_for_fifty_requests_as_for_two_and_at_most_fifteen(
    client, ombud, team_lead
):
    url = reverse("cases:waiting_list")
    _requests(2, ombud=ombud)
    small = _queries(client, team_lead, url)
    _requests(48, ombud=ombud)
    big = _queries(client, team_lead, url)
    assert len(big) == len(small) <= MAX_QUERIES, "\n\n".join(big)
    inserts = [q for q in big if "INSERT" in q]
    assert len(inserts) == 1 and "familjelotsen_accesslogentry" in inserts[0]
