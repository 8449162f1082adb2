"""Hypothesis fuzzes every form with arbitrary text, dates and numbers: whatever a user types,
no request ends in a 500 (and nothing is written with a bad date or a NUL byte)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services as case_services
from familjelotsen import access
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    JournalEntryFactory,
    MemberFactory,
    PlanFactory,
    PupilSupportFactory,
)

pytestmark = pytest.mark.django_db

FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', re.I)
SKIP = {"csrfmiddlewaretoken", "form_token", "next", "language"}
VALUE = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(str),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "0",
            "-1",
            "9" * 40,
            "2026-02-30",
            "19121212-1212",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "NaN",
            "1e400",
        ]
    ),
)


@pytest.fixture
def world(ombud, adm_school, school_coordinator, colleague_not_on_team):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family)
    parent = CustodianFactory(family=family)
    child.custodians.add(parent)
    support = PupilSupportFactory(member=child, owner=adm_school)
    entry = JournalEntryFactory(family=family)
    goal = GoalFactory(family=family)
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    plan = PlanFactory(member=child)
    emergency = case_services.emergency_access_request(
        user=colleague_not_on_team,
        personal_number=child.personal_number,
        reason="Barnet är i fara och ingen vuxen nås.",
        days=1,
    ).opened[0]
    return {
        "emergency": emergency,
        "family": family,
        "child": child,
        "support": support,
        "entry": entry,
        "goal": goal,
        "consent": consent,
        "plan": plan,
    }


def _forms(w):
    f = w["family"].pk
    return [
        ("ombud", reverse("cases:family_create")),
        ("ombud", reverse("cases:family_edit", args=[f])),
        ("ombud", reverse("cases:eligibility_edit", args=[f])),
        ("ombud", reverse("cases:member_create", args=[f])),
        ("ombud", reverse("cases:member_edit", args=[w["child"].pk])),
        ("ombud", reverse("cases:journal_new", args=[f])),
        ("ombud", reverse("cases:journal_edit", args=[w["entry"].pk])),
        ("ombud", reverse("agenda:visit_book", args=[f])),
        ("ombud", reverse("cases:goal_create", args=[f])),
        ("ombud", reverse("cases:goal_follow_up", args=[w["goal"].pk])),
        ("ombud", reverse("cases:assessment_create", args=[f])),
        ("ombud", reverse("cases:obstacle_create", args=[f])),
        ("ombud", reverse("cases:time_entry_add", args=[f])),
        ("ombud", reverse("cases:concern_report_new", args=[w["child"].pk])),
        ("ombud", reverse("consent:register", args=[f, w["child"].pk])),
        ("ombud", reverse("consent:revoke", args=[w["consent"].pk])),
        ("ombud", reverse("sip:plan_create", args=[f])),
        ("ombud", reverse("sip:plan_edit", args=[w["plan"].pk])),
        ("ombud", reverse("network:process_create", args=[f])),
        ("school_coordinator", reverse("cases:pupil_detail", args=[w["support"].pk])),
        ("team_lead", reverse("access_log")),
        ("colleague_not_on_team", reverse("cases:emergency_access")),
        ("team_lead", reverse("cases:emergency_review", args=[w["emergency"].pk])),
        ("project_leader", reverse("reporting:report_new")),
        ("project_leader", reverse("reporting:cost_key")),
    ]


def test_no_form_answers_arbitrary_input_with_a_server_error(client, request, world):
    for persona, url in _forms(world):
        user = request.getfixturevalue(persona)
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200, url
        names = sorted(set(FIELD.findall(page.content.decode())) - SKIP)
        assert names, url

        _fuzz(client, url, names)()


def _fuzz(client, url, names):
    method = client.get if url == reverse("access_log") else client.post

    @settings(
        max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(st.fixed_dictionaries(dict.fromkeys(names, VALUE)))
    def post_anything(data):
        response = method(url, data)
        assert response.status_code < 500, (url, data)

    return post_anything
