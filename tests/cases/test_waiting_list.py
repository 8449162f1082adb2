from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases import models as cm
from cases import selectors
from tests.factories import FamilyFactory, MemberFactory, UserFactory, today

pytestmark = pytest.mark.django_db


def _request(lead, priority, child_age, days_ago):
    family = FamilyFactory(
        responsible_ombud=None,
        owner=lead.administration,
        requesting_administration=lead.administration,
        status=cm.Family.Status.REQUEST,
        start_date=None,
        priority=priority,
        request_date=today() - dt.timedelta(days=days_ago),
    )
    MemberFactory(family=family, birth_date=today().replace(year=today().year - child_age))
    return family


def test_waiting_list_orders_by_priority_then_youngest_child_then_request_date(team_lead):
    late_young = _request(team_lead, cm.Family.Priority.NORMAL, 7, 5)
    early_old = _request(team_lead, cm.Family.Priority.NORMAL, 12, 30)
    urgent = _request(team_lead, cm.Family.Priority.URGENT, 15, 1)
    same_age_earlier = _request(team_lead, cm.Family.Priority.NORMAL, 7, 20)
    order = list(selectors.waiting_list(team_lead))
    assert order == [urgent, same_age_earlier, late_young, early_old]


def test_the_team_lead_assigns_an_ombud_and_sees_caseloads_against_eight(team_lead, adm_rs, client):
    ombud = UserFactory(username="new_ombud", administration=adm_rs)
    for _ in range(9):
        FamilyFactory(responsible_ombud=ombud)
    family = _request(team_lead, cm.Family.Priority.HIGH, 8, 3)
    client.force_login(team_lead)
    page = client.get(reverse("cases:waiting_list")).content.decode()
    assert family.reference in page
    assert "9" in page and "8" in page
    row = [r for r in selectors.caseloads(team_lead) if r["ombud"] == ombud][0]
    assert row["open"] == 9 and row["over"]
    client.post(reverse("cases:assign_ombud", args=[family.pk]), {"ombud": ombud.pk})
    family.refresh_from_db()
    assert family.responsible_ombud == ombud
    assert cm.CaseTeamMember.objects.filter(
        family=family, user=ombud, role="responsible_ombud"
    ).exists()


def test_an_ombud_cannot_open_the_waiting_list(ombud, client):
    client.force_login(ombud)
    response = client.get(reverse("cases:waiting_list"))
    assert response.status_code == 403
    # A page for another role, not a record they may see but not change.
    body = response.content.decode()
    assert "This page is for other roles than yours" in body
    assert "You can see this record" not in body


def test_after_assigning_the_lead_sees_the_mark_the_days_waited_and_the_new_load(
    team_lead, adm_rs, client
):
    ombud = UserFactory(username="load_ombud", first_name="Olle", administration=adm_rs)
    family = _request(team_lead, cm.Family.Priority.NORMAL, 9, 12)
    client.force_login(team_lead)
    before = [r for r in selectors.caseloads(team_lead) if r["ombud"] == ombud][0]
    page = client.get(reverse("cases:waiting_list")).content.decode()
    assert f"{ombud.get_full_name()} ({before['load']} of 8)" in page  # room in the choice
    assert ">12<" in page  # days waited

    client.post(reverse("cases:assign_ombud", args=[family.pk]), {"ombud": ombud.pk})

    after = [r for r in selectors.caseloads(team_lead) if r["ombud"] == ombud][0]
    assert after["assigned"] == before["assigned"] + 1 and after["load"] == before["load"] + 1
    page = client.get(reverse("cases:waiting_list")).content.decode()
    assert f"Assigned to {ombud.get_full_name()}" in page
