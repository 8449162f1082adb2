"""Whom a goal or a KASAM score is about, on the family page (issue 18: "Berör: Skyddad
identitet" for a child without protected identity). The case team reads the members by name;
a member with protected identity stays masked for those outside the case team."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    AssessmentFactory,
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    MemberFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.swedish]


def _panel(page: str, panel_id: str) -> str:
    start = page.index(f'id="{panel_id}"')
    return page[start : page.index("</details>", start)]


@pytest.fixture
def family(ombud):
    family = FamilyFactory(responsible_ombud=ombud)
    maja = MemberFactory(family=family, first_name="Maja", last_name="Berg")
    lena = CustodianFactory(family=family, first_name="Lena", last_name="Berg")
    hidden = MemberFactory(
        family=family, first_name="Hemlig", last_name="Berg", protected_identity=True
    )
    GoalFactory(family=family, member=maja, description="Går till skolan varje dag")
    GoalFactory(family=family, member=hidden, description="Sover hela natten")
    AssessmentFactory(member=lena, score=61)
    AssessmentFactory(member=hidden, score=55)
    return family


def _page(user, family) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("cases:family_detail", args=[family.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_case_team_reads_goals_and_scores_by_the_members_first_names(ombud, family):
    page = _page(ombud, family)

    goals, kasam = _panel(page, "panel-goals"), _panel(page, "panel-kasam")
    assert "Maja" in goals and "Hemlig" in goals
    assert "Lena" in kasam and "Hemlig" in kasam
    assert "Skyddad identitet" not in goals + kasam


def test_outside_the_case_team_a_protected_member_stays_masked_in_goals_and_scores(
    team_lead, family
):
    page = _page(team_lead, family)

    goals, kasam = _panel(page, "panel-goals"), _panel(page, "panel-kasam")
    assert "Maja" in goals and "Lena" in kasam
    assert "Hemlig" not in page
    assert goals.count("Skyddad identitet") == 1 and kasam.count("Skyddad identitet") == 1
