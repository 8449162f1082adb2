"""Every SIP page renders for the case team (no template errors), and the plan page and the
coordinators' intervention list stay at a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from sip import models as sm
from sip import selectors, services
from tests.factories import (
    ConsentFactory,
    FamilyFactory,
    MemberFactory,
    PlanFactory,
    SipInterventionFactory,
    SipParticipantFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    def _client(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        # English through the language cookie (the UI is Swedish unless the user chose).
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return _client


@pytest.mark.parametrize(
    "name",
    [
        "plan_detail",
        "plan_edit",
        "participant_add",
        "need_add",
        "intervention_add",
        "measure_add",
        "meeting_add",
        "follow_up_add",
        "distribution_add",
    ],
)
def test_every_plan_page_renders_for_the_case_team(client_for, ready_plan, ombud, name):
    services.plan_transition(plan=ready_plan, to_status="agreed", by=ombud)
    response = client_for(ombud).get(reverse(f"sip:{name}", args=[ready_plan.pk]))
    assert response.status_code == 200


def test_the_family_pages_render_for_the_case_team(client_for, ready_plan, ombud):
    client = client_for(ombud)
    assert client.get(reverse("sip:family", args=[ready_plan.family_id])).status_code == 200
    assert client.get(reverse("sip:plan_create", args=[ready_plan.family_id])).status_code == 200
    intervention = ready_plan.interventions.first()
    url = reverse("sip:intervention_edit", args=[ready_plan.pk, intervention.pk])
    assert client.get(url).status_code == 200


def test_an_intervention_of_another_plan_is_not_found_through_this_plan(
    client_for, ready_plan, ombud
):
    other = SipInterventionFactory(plan=PlanFactory(member=ready_plan.member))
    url = reverse("sip:intervention_edit", args=[ready_plan.pk, other.pk])
    assert client_for(ombud).get(url).status_code == 404


def test_the_plan_page_issues_the_same_number_of_queries_however_big_the_plan(
    client_for, ready_plan, ombud, adm_region, django_assert_max_num_queries
):
    client = client_for(ombud)
    url = reverse("sip:plan_detail", args=[ready_plan.pk])
    SipParticipantFactory(plan=ready_plan, administration=adm_region)
    services.meeting_record(
        plan=ready_plan,
        by=ombud,
        kind="pre_meeting",
        held_on=timezone.localdate(),
        present=ready_plan.participants.all(),
    )
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for _ in range(5):
        SipInterventionFactory(plan=ready_plan, responsible_administration=adm_region)
        SipParticipantFactory(plan=ready_plan, administration=adm_region)
        services.need_add(plan=ready_plan, by=ombud, description="Behov")
        services.meeting_record(
            plan=ready_plan,
            by=ombud,
            kind="sip_meeting",
            held_on=timezone.localdate(),
            present=ready_plan.participants.all(),
        )
    assert count() == before
    # 19 for the page: session, user, plan with access basis, members (names), participants,
    # needs, interventions, other measures, meetings + present (prefetch), follow-ups,
    # distribution, status history, the access-log row, the page header, the session save (3);
    # plus the agreement checklist of a prepared plan (consent, its receiving administrations,
    # the participating administrations, the covering consents per administration): bounded by
    # the number of administrations, not by the size of the plan.
    with django_assert_max_num_queries(30):
        client.get(url)


def _agreed_plan_with_school_intervention(
    family, ombud, adm_school, adm_region, *, days=30, **intervention
) -> sm.Plan:
    """An agreed SIP for a new child of `family`, under a consent shared with the school and
    the Region, with one intervention the school answers for; followed up in `days`."""
    child = MemberFactory(family=family)
    consent = ConsentFactory(subject=child, receiving=[adm_school, adm_region])
    access.apply_default_shares(consent=consent, by=ombud)
    plan = PlanFactory(
        member=child,
        status=sm.Plan.Status.PREPARED,
        overall_responsible=adm_region,
        next_follow_up_on=timezone.localdate() + dt.timedelta(days=days),
        consent=consent,
    )
    SipInterventionFactory(plan=plan, responsible_administration=adm_school, **intervention)
    services.plan_transition(plan=plan, to_status="agreed", by=ombud)
    return plan


def test_the_intervention_list_of_a_coordinator_does_not_grow_in_queries_with_the_plans(
    ombud, adm_school, adm_region, school_coordinator, django_assert_max_num_queries
):
    def agreed_plans(n):
        family = FamilyFactory(responsible_ombud=ombud)
        for _ in range(n):
            _agreed_plan_with_school_intervention(family, ombud, adm_school, adm_region)

    agreed_plans(2)
    with CaptureQueriesContext(connection) as small:
        assert len(selectors.interventions_for_user(school_coordinator)) == 2
    agreed_plans(50)
    # plans with access basis, their interventions (prefetch), the members (names, masking)
    with django_assert_max_num_queries(3):
        rows = selectors.interventions_for_user(school_coordinator)
    assert len(rows) == 52
    assert len(small.captured_queries) == 3


def test_the_pupil_list_shows_the_plans_followed_up_first_and_links_to_all(
    ombud, adm_school, adm_region, school_coordinator, client_for, monkeypatch
):
    """A large school is responsible for interventions in hundreds of plans: the pupil list
    shows (and logs) those of the plans followed up first, and links to the whole list."""
    monkeypatch.setattr(selectors, "PANEL_PLANS", 2)
    family = FamilyFactory(responsible_ombud=ombud)
    plans = [
        _agreed_plan_with_school_intervention(
            family, ombud, adm_school, adm_region, days=days, description=f"Insats {days}"
        )
        for days in (30, 10, 20)
    ]
    page = client_for(school_coordinator).get(reverse("cases:pupils")).content.decode()
    assert "Insats 10" in page and "Insats 20" in page
    assert "Insats 30" not in page
    assert reverse("sip:my_interventions") in page
    logged = set(
        AccessLogEntry.objects.filter(user=school_coordinator, object_type="sip.plan").values_list(
            "object_id", flat=True
        )
    )
    assert logged == {plans[1].pk, plans[2].pk}
    # The whole list, on its own page.
    everything = client_for(school_coordinator).get(reverse("sip:my_interventions"))
    assert "Insats 30" in everything.content.decode()


def test_a_double_submitted_intervention_is_recorded_once(
    client_for, ready_plan, ombud, adm_region
):
    import re

    client = client_for(ombud)
    url = reverse("sip:intervention_add", args=[ready_plan.pk])
    token = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode())[1]
    data = {
        "form_token": token,
        "description": "Kontaktperson LSS",
        "responsible_administration": adm_region.pk,
    }
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ready_plan.interventions.filter(description="Kontaktperson LSS").count() == 1
