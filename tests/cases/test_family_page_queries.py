"""The family page, counted with all its panels (issue 16): at most 15 SQL queries for the
case team's ombud, the team lead and a school coordinator who sees the family under a
consent, and the same number for a family with 2 or 50 of every kind of record.

What the ombud's page reads (14), in order:

 1. the session                         2. the user (and the second factor's state)
 3. the family, through the access policy's lookup (with its basis)
 4. the members the user may see, with their custodians' ids (`cases.labels`, read once for
    the page and every panel that names a member)
 5. one page of the journal, with each entry's concerns and whether anyone objected
 6. the goals with their follow-up ratings
 7. the pupil support records (with the pupil's identity flag)
 8. the small lists in one statement: reports of concern, open obstacles, KASAM scores, and
    for those who run the case the next visits, the case team, the status history, the time
 9. the SIP plans                       10. the network processes
11. the follow-up questionnaires and the evaluation agreement (the case team only)
12. the consents with their receiving administrations (those who oversee the case only)
13. the shares with their consents' ids (the consent panel names the shared records from the
    reads above)
14. the access log: one INSERT for the family and every record the panels show

The team lead does not read 11 (not on the case team): 13. The school coordinator reads
neither 11 nor 12 but the share's consents (only its own administration's part): 13.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from network.models import NetworkParticipant
from tests.factories import (
    AssessmentFactory,
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    GoalFollowUpFactory,
    JournalEntryFactory,
    MemberFactory,
    NetworkParticipantFactory,
    NetworkProcessFactory,
    ObstacleFactory,
    PlanFactory,
    PupilSupportFactory,
    SipParticipantFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def _grow(family, n: int, *, ombud, school) -> None:
    """`n` of every kind of record the family page shows, then the shares derived."""
    now = timezone.now()
    for i in range(n):
        child = MemberFactory(family=family, first_name=f"Barn{i}")
        custodian = CustodianFactory(family=family, first_name=f"Vårdnadshavare{i}")
        cm.CustodyLink.objects.create(child=child, custodian=custodian)
        entry = JournalEntryFactory(family=family, facts=f"Anteckning {i}")
        entry.concerns.add(child, custodian)
        cm.JournalObjection.objects.create(
            entry=entry, member=custodian, statement="Stämmer inte.", recorded_by=ombud
        )
        goal = GoalFactory(family=family, member=child, description=f"Mål {i}")
        GoalFollowUpFactory(goal=goal, rating=2)
        GoalFollowUpFactory(goal=goal, rating=4)
        AssessmentFactory(member=custodian)
        ObstacleFactory(family=family, description=f"Hinder {i}")
        support = PupilSupportFactory(member=child, owner=school)
        cm.PupilHealthReview.objects.create(
            pupil_support=support,
            reviewed_on=now.date(),
            decision="Fortsatt stöd",
            responsible="Rektor",
            recorded_by=ombud,
        )
        cm.Visit.objects.create(
            family=family,
            owner=family.owner,
            ombud=ombud,
            starts_at=now + dt.timedelta(days=i + 1),
            place=f"Plats {i}",
        )
        TimeEntryFactory(family=family, minutes=30)
        cm.StatusChange.objects.create(
            family=family, from_status="active", to_status="active", changed_by=ombud
        )
        cm.ReportOfConcern.objects.create(
            family=family,
            owner=family.owner,
            child=child,
            reported_at=now,
            reporter=ombud,
            recipient_unit=f"Mottagningsenhet {i}",
            channel=cm.ReportOfConcern.Channel.E_SERVICE,
            summary="Oro",
            custodians_informed=cm.ReportOfConcern.Informed.YES,
        )
        ConsentFactory(
            subject=child,
            receiving=[school],
            categories=[
                cm.InfoCategory.COORDINATION,
                cm.InfoCategory.SCHOOL,
                cm.InfoCategory.SOCIAL,
            ],
        )
        # The school takes part in the child's SIP and network: both are shared with it.
        SipParticipantFactory(plan=PlanFactory(member=child), administration=school)
        NetworkParticipantFactory(
            process=NetworkProcessFactory(member=child),
            side=NetworkParticipant.Side.PROFESSIONAL,
            administration=school,
            relation="",
            role="Kurator",
        )
    access.family_derive(family=family, by=ombud)


@pytest.fixture
def family_of(ombud, adm_school):
    def make(n: int):
        family = FamilyFactory(responsible_ombud=ombud)
        _grow(family, n, ombud=ombud, school=adm_school)
        return family

    return make


def _page(client, user, family):
    """The family page as `user` sees it: (the response, the SQL statements it took)."""
    client.force_login(user)
    url = reverse("cases:family_detail", args=[family.pk])
    client.get(url)  # caches that fill once per process (content types, permissions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def persona(request, ombud, team_lead, school_coordinator):
    return {"ombud": ombud, "team_lead": team_lead, "school": school_coordinator}[request.param]


PERSONAS = ["ombud", "team_lead", "school"]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_family_page_with_all_its_panels_takes_at_most_fifteen_queries(
    client, family_of, persona, django_assert_max_num_queries
):
    family = family_of(3)
    client.force_login(persona)
    url = reverse("cases:family_detail", args=[family.pk])
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_family_page_takes_as_many_queries_with_fifty_of_everything_as_with_two(
    client, family_of, persona
):
    _response, small = _page(client, persona, family_of(2))
    _response, big = _page(client, persona, family_of(50))
    assert len(big) == len(small), "\n\n".join(big)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_family_page_writes_its_access_log_in_one_insert(client, family_of, persona):
    family = family_of(3)
    before = AccessLogEntry.objects.filter(user=persona).count()
    _response, queries = _page(client, persona, family)
    inserts = [q for q in queries if "INSERT" in q]
    assert len(inserts) == 1 and "familjelotsen_accesslogentry" in inserts[0]
    # The family and every record the panels show, once each; nothing else is written.
    assert AccessLogEntry.objects.filter(user=persona).count() > before
    assert not [q for q in queries if q.lstrip().upper().startswith(("UPDATE", "DELETE"))]


def test_the_ombud_still_sees_every_panel_with_what_it_showed(client, ombud, family_of):
    family = family_of(2)
    response, _queries = _page(client, ombud, family)
    page = response.content.decode()
    # Members with their custodians; the journal with whom each entry concerns and an
    # objection noted; the goals' ratings and trend; the small lists; the panels of the apps.
    assert "Custodians: Vårdnadshavare0" in page and "Custodians: Vårdnadshavare1" in page
    assert "Concerns: Barn0, Vårdnadshavare0" in page
    assert "A person considers this entry incorrect" in page
    assert "2 → 4" in page and "Better (+2)" in page
    assert "Hinder 0" in page and "Hinder 1" in page
    assert "Mottagningsenhet 0" in page and "Mottagningsenhet 1" in page
    assert "Plats 0" in page
    assert "Time recorded: 1 h" in page
    assert ombud.get_full_name() in page
    assert "Skolan" in page  # a consent's receiving administration
    assert "Pupil support for Barn0 Exempelsson" in page  # a shared record, named
    assert "SIP #" in page and "Network process #" in page
    assert "Follow-up questionnaires" in page


def test_a_school_coordinator_sees_only_their_part_of_the_family_page(
    client, school_coordinator, family_of
):
    family = family_of(2)
    response, _queries = _page(client, school_coordinator, family)
    page = response.content.decode()
    assert "Pupil support for Barn0 Exempelsson" in page
    assert "SIP #" in page and "Network process #" in page
    # Not the case team's: the visits, the team, the time, the consents, the follow-up, the
    # journal's concerns of members not shared with school.
    for hidden in ("Plats 0", "Time recorded", "The family's consents", "Follow-up questionnaires"):
        assert hidden not in page
    assert "Vårdnadshavare0" not in page
