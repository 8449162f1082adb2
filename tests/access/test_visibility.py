"""SPEC §3 from both sides, for every guarded model of cases: who lists it, who opens it,
who gets 404 and who gets 403; the access log; query counts that do not grow."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from tests.factories import (
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    GoalFactory,
    JournalEntryFactory,
    MemberFactory,
    PupilSupportFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ombud, colleague_on_team, adm_school, adm_rs):
    """One family of the ombud's, with a colleague on the team, a child whose consent covers
    school (pupil support shared by default), a parent without consent, and records."""
    family = FamilyFactory(responsible_ombud=ombud, team=[colleague_on_team])
    child = MemberFactory(family=family, first_name="Maja")
    parent = CustodianFactory(family=family, first_name="Lena")
    support = PupilSupportFactory(member=child, owner=adm_school)
    entry = JournalEntryFactory(family=family, facts="Hembesök hos familjen.")
    entry.concerns.set([child])
    goal = GoalFactory(family=family, member=child, area=cm.OutcomeArea.SCHOOLING)
    consent = ConsentFactory(subject=child, receiving=[adm_school])
    access.apply_default_shares(consent=consent, by=ombud)
    other_family = FamilyFactory(responsible_ombud=ombud)
    return {
        "family": family,
        "child": child,
        "parent": parent,
        "support": support,
        "entry": entry,
        "goal": goal,
        "consent": consent,
        "other": other_family,
    }


def _ids(user, model):
    return set(access.visible(user, model).values_list("pk", flat=True))


def test_case_team_sees_every_record_of_the_family(world, ombud, colleague_on_team):
    for user in (ombud, colleague_on_team):
        assert world["family"].pk in _ids(user, cm.Family)
        assert {world["child"].pk, world["parent"].pk} <= _ids(user, cm.Member)
        assert world["entry"].pk in _ids(user, cm.JournalEntry)
        assert world["goal"].pk in _ids(user, cm.Goal)
        assert world["support"].pk in _ids(user, cm.PupilSupport)


def test_employment_in_the_administration_alone_grants_nothing(world, colleague_not_on_team):
    for model in (cm.Family, cm.Member, cm.JournalEntry, cm.Goal, cm.PupilSupport):
        assert _ids(colleague_not_on_team, model) == set()


def test_the_team_lead_of_the_owner_sees_the_families_it_owns(world, team_lead, other_team_lead):
    assert {world["family"].pk, world["other"].pk} <= _ids(team_lead, cm.Family)
    assert world["entry"].pk in _ids(team_lead, cm.JournalEntry)
    assert _ids(other_team_lead, cm.Family) == set()


def test_school_sees_exactly_what_the_consent_shares(world, school_coordinator):
    assert _ids(school_coordinator, cm.Family) == {world["family"].pk}
    assert _ids(school_coordinator, cm.Member) == {world["child"].pk}
    assert _ids(school_coordinator, cm.PupilSupport) == {world["support"].pk}
    assert _ids(school_coordinator, cm.JournalEntry) == set()
    assert _ids(school_coordinator, cm.Goal) == set()


def test_an_administration_without_consent_sees_nothing(world, region_coordinator):
    for model in (cm.Family, cm.Member, cm.JournalEntry, cm.PupilSupport):
        assert _ids(region_coordinator, model) == set()


def test_project_leader_and_system_administrator_see_no_case_contents(
    world, project_leader, sysadmin
):
    for user in (project_leader, sysadmin):
        for model in (cm.Family, cm.Member, cm.JournalEntry, cm.Goal, cm.PupilSupport):
            assert _ids(user, model) == set()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ombud", 200),
        ("colleague_on_team", 200),
        ("team_lead", 200),
        ("school_coordinator", 200),
        ("colleague_not_on_team", 404),
        ("region_coordinator", 404),
        ("other_team_lead", 404),
        ("project_leader", 404),
    ],
)
def test_who_can_open_the_family_page(world, client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("cases:family_detail", args=[world["family"].pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("ombud", 200),
        ("colleague_on_team", 200),
        ("team_lead", 200),
        ("school_coordinator", 404),
        ("colleague_not_on_team", 404),
        ("region_coordinator", 404),
    ],
)
def test_who_can_open_a_journal_entry(world, client, request, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("cases:journal_edit", args=[world["entry"].pk]))
    assert response.status_code == expected


def test_school_can_update_shared_pupil_support_but_not_write_journal(
    world, client, school_coordinator
):
    client.force_login(school_coordinator)
    url = reverse("cases:pupil_detail", args=[world["support"].pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "add_review": "1",
            "reviewed_on": "2026-11-20",
            "decision": "Anpassad studiegång",
            "responsible": "Rektor",
        },
    )
    assert response.status_code == 302
    assert world["support"].reviews.get().decision == "Anpassad studiegång"
    response = client.get(reverse("cases:journal_new", args=[world["family"].pk]))
    assert response.status_code == 403


def test_the_team_lead_can_see_but_not_write_the_journal(world, client, team_lead):
    client.force_login(team_lead)
    assert client.get(reverse("cases:journal_new", args=[world["family"].pk])).status_code == 403
    assert client.get(reverse("cases:family_edit", args=[world["family"].pk])).status_code == 200


def test_a_colleague_not_on_the_team_gets_404_not_403_on_writes(
    world, client, colleague_not_on_team
):
    client.force_login(colleague_not_on_team)
    assert client.get(reverse("cases:journal_new", args=[world["family"].pk])).status_code == 404
    assert client.post(reverse("cases:journal_sign", args=[world["entry"].pk])).status_code == 404


def test_school_stops_seeing_the_pupil_when_the_consent_is_revoked(
    world, client, ombud, school_coordinator
):
    consent = world["consent"]
    consent.revoked_on = timezone.localdate()
    consent.revoked_by = ombud
    consent.revoke_reason = "Vårdnadshavaren återkallade"
    consent.save()
    access.reconcile_shares(family_id=world["family"].pk)
    client.force_login(school_coordinator)
    assert client.get(reverse("cases:pupils")).content.decode().count("Maja") == 0
    url = reverse("cases:pupil_detail", args=[world["support"].pk])
    assert client.get(url).status_code == 404
    assert world["support"].pk in _ids(ombud, cm.PupilSupport)  # the owner keeps it


def test_an_expired_consent_grants_nothing_even_before_the_expiry_job(
    world, school_coordinator, time_machine
):
    time_machine.move_to(world["consent"].valid_until + timezone.timedelta(days=1))
    assert _ids(school_coordinator, cm.PupilSupport) == set()
    assert _ids(school_coordinator, cm.Family) == set()


def test_protected_identity_is_masked_outside_the_case_team(
    world, client, ombud, team_lead, school_coordinator
):
    child = world["child"]
    child.protected_identity = True
    child.save()
    client.force_login(ombud)
    assert (
        "Maja"
        in client.get(reverse("cases:family_detail", args=[world["family"].pk])).content.decode()
    )
    for user in (team_lead, school_coordinator):
        client.force_login(user)
        body = client.get(
            reverse("cases:family_detail", args=[world["family"].pk])
        ).content.decode()
        assert "Maja" not in body
        assert child.personal_number[:8] not in body
    client.force_login(school_coordinator)
    assert "Maja" not in client.get(reverse("cases:pupils")).content.decode()


def test_the_npf_diagnosis_is_shown_to_the_case_team_only(world, client, team_lead, ombud):
    child = world["child"]
    child.npf_diagnosis = "Autism"
    child.save()
    client.force_login(ombud)
    assert (
        "Autism"
        in client.get(reverse("cases:family_detail", args=[world["family"].pk])).content.decode()
    )
    client.force_login(team_lead)
    assert (
        "Autism"
        not in client.get(
            reverse("cases:family_detail", args=[world["family"].pk])
        ).content.decode()
    )


# --- The access log --------------------------------------------------------------------------


def test_opening_the_family_page_writes_exactly_one_log_row_with_its_basis(
    world, client, school_coordinator
):
    client.force_login(school_coordinator)
    before = AccessLogEntry.objects.count()
    client.get(reverse("cases:family_detail", args=[world["family"].pk]))
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert len(rows) == 1
    row = rows[0]
    assert (row.user, row.action, row.object_type, row.object_id, row.family_id) == (
        school_coordinator,
        "view",
        "cases.family",
        world["family"].pk,
        world["family"].pk,
    )
    assert row.basis == "share" and row.consent_id == world["consent"].pk
    assert row.administration == school_coordinator.administration


def test_a_list_page_logs_one_row_per_family_shown(world, client, ombud):
    client.force_login(ombud)
    before = AccessLogEntry.objects.count()
    client.get(reverse("cases:my_families"))
    rows = AccessLogEntry.objects.order_by("id")[before:]
    assert sorted(r.family_id for r in rows) == sorted([world["family"].pk, world["other"].pk])
    assert {r.basis for r in rows} == {"case_team"}


def test_a_404_writes_no_log_row(world, client, region_coordinator):
    client.force_login(region_coordinator)
    before = AccessLogEntry.objects.count()
    client.get(reverse("cases:family_detail", args=[world["family"].pk]))
    assert AccessLogEntry.objects.count() == before


def test_the_access_log_refuses_update_and_delete_at_the_database(world, client, ombud):
    client.force_login(ombud)
    client.get(reverse("cases:family_detail", args=[world["family"].pk]))
    row = AccessLogEntry.objects.latest("id")
    for statement in (
        "UPDATE familjelotsen_accesslogentry SET action = 'x' WHERE id = %s",
        "DELETE FROM familjelotsen_accesslogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [row.pk])
    assert AccessLogEntry.objects.filter(pk=row.pk, action="view").exists()


# --- Query counts: constant in the data size ---------------------------------------------------


def _grow(ombud, n):
    for _ in range(n):
        family = FamilyFactory(responsible_ombud=ombud)
        MemberFactory(family=family)
        JournalEntryFactory(family=family)


@pytest.mark.parametrize("model", [cm.Family, cm.Member, cm.JournalEntry, cm.PupilSupport, cm.Goal])
def test_each_visibility_selector_is_one_query_whatever_the_size(
    ombud, model, django_assert_num_queries
):
    _grow(ombud, 2)
    with django_assert_num_queries(1):
        small = len(list(access.visible(ombud, model)))
    _grow(ombud, 48)
    with django_assert_num_queries(1):
        large = len(list(access.visible(ombud, model)))
    assert large >= small


def test_my_families_query_count_does_not_grow_with_families(
    ombud, client, django_assert_max_num_queries
):
    client.force_login(ombud)
    _grow(ombud, 2)
    client.get(reverse("cases:my_families"))  # the session's renewal is not part of the page
    # session + user, families (subqueries for visits and contacts), visible members,
    # consent expiry panel, access-log insert, plus framework overhead.
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("cases:my_families"))
    _grow(ombud, 48)
    with django_assert_max_num_queries(12) as large:
        client.get(reverse("cases:my_families"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_family_page_query_count_is_constant_in_the_number_of_entries(
    world, ombud, client, django_assert_max_num_queries
):
    client.force_login(ombud)
    url = reverse("cases:family_detail", args=[world["family"].pk])
    client.get(url)  # the session's renewal is not part of the page
    # Every panel (members, journal, goals, assessments, obstacles, pupil support, visits,
    # team, history, time, concerns, consents, shares, SIP, network): 32 with the session.
    with django_assert_max_num_queries(32) as few:
        client.get(url)
    for _ in range(30):
        entry = JournalEntryFactory(family=world["family"])
        entry.concerns.set([world["child"]])
    with django_assert_max_num_queries(32) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    # The page's access log (the family and every record its panels show) is one INSERT.
    log_inserts = [
        q for q in many.captured_queries if 'INSERT INTO "familjelotsen_accesslogentry"' in q["sql"]
    ]
    assert len(log_inserts) == 1


def test_sync_access_reports_no_drift_then_repairs_a_forged_grant(world, adm_region):
    from django.contrib.auth.models import Permission

    assert access.sync_access() == {"missing": [], "unjustified": [], "shares": [], "groups": []}
    cm.FamilyGroupObjectPermission.objects.create(
        group=adm_region.group,
        content_object=world["family"],
        permission=Permission.objects.get(codename="view_family"),
        valid_until=timezone.localdate() + timezone.timedelta(days=30),
    )
    report = access.sync_access()
    assert len(report["unjustified"]) == 1
    access.sync_access(repair=True)
    assert access.sync_access()["unjustified"] == []
