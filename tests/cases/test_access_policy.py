"""The cases pages ask the access policy (issue 14): the need of each page, one access-log row
per read (forms included), the case team inside the owning administration, and templates that
read the permissions instead of roles."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from cases import services
from familjelotsen import access
from familjelotsen.models import AccessLogEntry, User
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    JournalEntryFactory,
    MemberFactory,
    PupilSupportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ombud, adm_school):
    family = FamilyFactory(responsible_ombud=ombud)
    child = MemberFactory(family=family, first_name="Maja")
    parent = CustodianFactory(family=family, first_name="Lena")
    child.custodians.add(parent)
    support = PupilSupportFactory(member=child, owner=adm_school)
    entry = JournalEntryFactory(family=family)
    entry.concerns.set([child])
    goal = GoalFactory(family=family, member=child)
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    report = services.report_of_concern_record(
        child=child,
        by=ombud,
        reported_at=timezone.now(),
        recipient_unit="Socialtjänsten",
        channel="phone",
        summary="Oro.",
        custodians_informed="yes",
    )
    return {
        "family": family,
        "child": child,
        "parent": parent,
        "support": support,
        "entry": entry,
        "goal": goal,
        "report": report,
    }


def _rows_of(client, url):
    before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url)
    return response, list(AccessLogEntry.objects.filter(id__gt=before).order_by("id"))


def _form_pages(w):
    f = w["family"].pk
    return [
        ("cases:family_edit", f, "cases.family"),
        ("cases:eligibility_edit", f, "cases.family"),
        ("cases:team_edit", f, "cases.family"),
        ("cases:member_create", f, "cases.family"),
        ("cases:member_edit", w["child"].pk, "cases.member"),
        ("cases:journal_new", f, "cases.family"),
        ("cases:journal_edit", w["entry"].pk, "cases.journalentry"),
        ("agenda:visit_book", f, "cases.family"),
        ("cases:goal_create", f, "cases.family"),
        ("cases:goal_follow_up", w["goal"].pk, "cases.goal"),
        ("cases:assessment_create", f, "cases.family"),
        ("cases:obstacle_create", f, "cases.family"),
        ("cases:time_entry_add", f, "cases.family"),
        ("cases:concern_report_new", w["child"].pk, "cases.member"),
        ("cases:concern_report_detail", w["report"].pk, "cases.reportofconcern"),
        ("cases:pupil_support_create", w["parent"].pk, "cases.member"),
        ("cases:pupil_detail", w["support"].pk, "cases.pupilsupport"),
        ("cases:family_history", f, "cases.family.history"),
    ]


def test_every_form_page_writes_exactly_one_log_row_with_the_policys_basis(world, client, ombud):
    client.force_login(ombud)
    for name, pk, object_type in _form_pages(world):
        response, rows = _rows_of(client, reverse(name, args=[pk]))
        assert response.status_code == 200, name
        assert len(rows) == 1, (name, rows)
        row = rows[0]
        assert (row.user_id, row.action, row.object_type, row.basis) == (
            ombud.pk,
            "view",
            object_type,
            "case_team",
        ), name
        assert row.family_id == world["family"].pk, name


def test_a_shared_form_page_logs_the_consent_behind_the_share(world, client, school_coordinator):
    client.force_login(school_coordinator)
    response, rows = _rows_of(client, reverse("cases:concern_report_new", args=[world["child"].pk]))
    assert response.status_code == 200
    assert [(r.basis, r.object_type) for r in rows] == [("share", "cases.member")]
    assert rows[0].consent_id is not None


def test_a_created_record_is_logged_once_with_the_basis_it_was_reached_through(
    world, client, ombud
):
    client.force_login(ombud)
    before = AccessLogEntry.objects.count()
    response = client.post(
        reverse("cases:obstacle_create", args=[world["family"].pk]),
        {
            "kind": cm.Obstacle.Kind.DAILY_LIFE,
            "description": "Trasig tvättmaskin",
            "observed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert [(r.action, r.object_type, r.basis) for r in rows] == [
        ("create", "cases.obstacle", "case_team")
    ]


# --- The needs of the pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key", "expected"),
    [
        # OVERSEE: the owning team lead runs visits, the case team and time.
        ("agenda:visit_book", "family", 200),
        ("cases:time_entry_add", "family", 200),
        ("cases:team_edit", "family", 200),
        # CHANGE of the family itself: the lead prioritises and edits it.
        ("cases:family_edit", "family", 200),
        ("cases:eligibility_edit", "family", 200),
        # DOCUMENT: the case team only.
        ("cases:journal_new", "family", 403),
        ("cases:goal_create", "family", 403),
        ("cases:assessment_create", "family", 403),
        ("cases:obstacle_create", "family", 403),
        ("cases:member_create", "family", 403),
        ("cases:goal_follow_up", "goal", 403),
        ("cases:pupil_support_create", "parent", 403),
        ("cases:family_history", "family", 403),
    ],
)
def test_what_the_owning_team_lead_may_do(world, client, team_lead, name, key, expected):
    client.force_login(team_lead)
    assert client.get(reverse(name, args=[world[key].pk])).status_code == expected


@pytest.mark.parametrize(
    "name", ["agenda:visit_book", "cases:team_edit", "cases:family_edit", "cases:journal_new"]
)
def test_a_share_opens_no_page_that_runs_the_case(world, client, school_coordinator, name):
    client.force_login(school_coordinator)
    assert client.get(reverse(name, args=[world["family"].pk])).status_code == 403


def test_the_team_lead_reads_a_member_but_does_not_edit_it(world, client, team_lead):
    client.force_login(team_lead)
    url = reverse("cases:member_edit", args=[world["child"].pk])
    body = client.get(url).content.decode()
    assert 'name="first_name"' not in body
    assert reverse("register_extract", args=[world["child"].pk, "pdf"]) in body
    assert client.post(url, {"first_name": "Ändrad"}).status_code == 403


def test_the_family_page_offers_what_the_permissions_allow(world, client, ombud, team_lead):
    family = world["family"]
    journal_new = reverse("cases:journal_new", args=[family.pk])
    visit_book = reverse("agenda:visit_book", args=[family.pk])
    family_edit = reverse("cases:family_edit", args=[family.pk])
    client.force_login(ombud)
    body = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert journal_new in body and visit_book in body and family_edit in body
    client.force_login(team_lead)
    body = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert journal_new not in body
    assert visit_book in body and family_edit in body


# --- The case team stays inside the owning administration -------------------------------------


def test_the_team_page_offers_only_staff_of_the_owning_administration(
    world, client, ombud, colleague_not_on_team, school_coordinator, region_coordinator
):
    client.force_login(ombud)
    body = client.get(reverse("cases:team_edit", args=[world["family"].pk])).content.decode()
    assert f'value="{colleague_not_on_team.pk}"' in body
    assert f'value="{school_coordinator.pk}"' not in body
    assert f'value="{region_coordinator.pk}"' not in body


def test_adding_someone_of_another_administration_is_refused_with_the_reason(
    world, client, ombud, region_coordinator
):
    client.force_login(ombud)
    response = client.post(
        reverse("cases:team_edit", args=[world["family"].pk]), {"user": region_coordinator.pk}
    )
    assert response.status_code == 200
    assert "consent" in response.content.decode()
    assert response.context["form"].errors["user"]
    assert not cm.CaseTeamMember.objects.filter(
        family=world["family"], user=region_coordinator
    ).exists()
    assert not access.visible(region_coordinator, cm.Family).exists()


def test_a_colleague_of_the_owning_administration_is_added(
    world, client, team_lead, colleague_not_on_team
):
    client.force_login(team_lead)
    response = client.post(
        reverse("cases:team_edit", args=[world["family"].pk]), {"user": colleague_not_on_team.pk}
    )
    assert response.status_code == 302
    assert access.visible(colleague_not_on_team, cm.Family).filter(pk=world["family"].pk).exists()


def test_an_ombud_of_another_administration_cannot_be_made_responsible(
    client, team_lead, adm_rs, adm_soc
):
    family = FamilyFactory(
        responsible_ombud=None, owner=adm_rs, status=cm.Family.Status.REQUEST, start_date=None
    )
    outsider = UserFactory(
        username="soc_ombud", role=User.Role.FAMILY_OMBUD, administration=adm_soc
    )
    client.force_login(team_lead)
    page = client.get(reverse("cases:waiting_list")).content.decode()
    assert f'value="{outsider.pk}"' not in page
    response = client.post(
        reverse("cases:assign_ombud", args=[family.pk]), {"ombud": outsider.pk}, follow=True
    )
    assert "consent" in response.content.decode()
    family.refresh_from_db()
    assert family.responsible_ombud is None
    assert not cm.CaseTeamMember.objects.filter(family=family).exists()


# --- Pages that used to test roles in the template --------------------------------------------


def test_my_families_is_the_ombuds_own_caseload_and_the_team_leads_families(
    world, client, ombud, team_lead
):
    client.force_login(ombud)
    assert "<h1>My families</h1>" in client.get(reverse("cases:my_families")).content.decode()
    client.force_login(team_lead)
    body = client.get(reverse("cases:my_families")).content.decode()
    assert "<h1>Families</h1>" in body


def test_the_pupil_page_leads_back_to_where_the_user_works(
    world, client, ombud, school_coordinator
):
    url = reverse("cases:pupil_detail", args=[world["support"].pk])
    client.force_login(school_coordinator)
    assert client.get(url).context["back_url"] == reverse("cases:pupils")
    client.force_login(ombud)
    assert client.get(url).context["back_url"] == reverse(
        "cases:family_detail", args=[world["family"].pk]
    )


def test_the_pupil_list_holds_exactly_the_visible_pupil_support(
    world, client, school_coordinator, ombud
):
    other_family = FamilyFactory(responsible_ombud=ombud)
    unshared = PupilSupportFactory(
        member=MemberFactory(family=other_family, first_name="Osynlig"),
        owner=world["support"].owner,
    )
    client.force_login(school_coordinator)
    response = client.get(reverse("cases:pupils"))
    assert [p.pk for p in response.context["pupils"]] == [world["support"].pk]
    assert unshared.pk not in set(
        access.visible(school_coordinator, cm.PupilSupport).values_list("pk", flat=True)
    )
    assert "Osynlig" not in response.content.decode()


def test_the_shared_list_holds_only_families_of_other_administrations(
    world, client, ombud, school_coordinator
):
    client.force_login(school_coordinator)
    assert [f.pk for f in client.get(reverse("cases:shared")).context["families"]] == [
        world["family"].pk
    ]
    client.force_login(ombud)
    assert list(client.get(reverse("cases:shared")).context["families"]) == []


def test_a_protected_name_is_found_by_search_only_by_the_case_team(world, client, ombud, team_lead):
    child = world["child"]
    child.protected_identity = True
    child.save()
    client.force_login(ombud)
    found = client.get(reverse("cases:my_families"), {"q": "Maja", "status": ""}).context
    assert [f.pk for f in found["families"]] == [world["family"].pk]
    client.force_login(team_lead)
    found = client.get(reverse("cases:my_families"), {"q": "Maja", "status": ""}).context
    assert list(found["families"]) == []
