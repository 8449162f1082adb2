"""The system administrator's area (/administration/, issue 17 part 3): staff, administrations
and reference data, in the app and in Swedish; never a case; nothing for any other role."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import models as cm
from familjelotsen.models import (
    AccessLogEntry,
    Administration,
    AdministrationEvent,
    SecondFactorReset,
    User,
    UserEvent,
)
from reporting.models import CostSettings, FunderShare
from tests.factories import (
    FamilyFactory,
    FunderShareFactory,
    JournalEntryFactory,
    MemberFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.security.twofactor import log_in_with_password

pytestmark = pytest.mark.django_db
Role = User.Role


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


@pytest.fixture
def legal_reference(db):
    return cm.LegalReference.objects.create(
        key="test-anmalningsplikt", title="Anmälningsplikt", citation="SoL 14 kap. 1 §"
    )


@pytest.fixture
def retention_rule(legal_reference):
    """The rule the migrations put in place (the deletion run reads it by key)."""
    rule, _created = cm.RetentionRule.objects.update_or_create(
        key="closed-family",
        defaults={
            "description": "Avslutade ärenden",
            "years_after_last_entry": 5,
            "research_birth_days": [5, 15, 25],
            "legal_reference": legal_reference,
        },
    )
    return rule


def _admin_urls(user, administration, legal_reference, retention_rule):
    return [
        ("get", reverse("sysadmin:index")),
        ("get", reverse("sysadmin:history")),
        ("get", reverse("sysadmin:users")),
        ("get", reverse("sysadmin:user_create")),
        ("post", reverse("sysadmin:user_create")),
        ("get", reverse("sysadmin:user_edit", args=[user.pk])),
        ("post", reverse("sysadmin:user_edit", args=[user.pk])),
        ("post", reverse("sysadmin:user_deactivate", args=[user.pk])),
        ("post", reverse("sysadmin:user_reactivate", args=[user.pk])),
        ("get", reverse("sysadmin:second_factor_reset", args=[user.pk])),
        ("post", reverse("sysadmin:second_factor_reset", args=[user.pk])),
        ("get", reverse("sysadmin:administrations")),
        ("get", reverse("sysadmin:administration_create")),
        ("post", reverse("sysadmin:administration_create")),
        ("get", reverse("sysadmin:administration_edit", args=[administration.pk])),
        ("post", reverse("sysadmin:administration_edit", args=[administration.pk])),
        ("get", reverse("sysadmin:reference")),
        ("get", reverse("sysadmin:legal_reference_create")),
        ("get", reverse("sysadmin:legal_reference_edit", args=[legal_reference.pk])),
        ("post", reverse("sysadmin:legal_reference_edit", args=[legal_reference.pk])),
        ("get", reverse("sysadmin:retention_rule_create")),
        ("get", reverse("sysadmin:retention_rule_edit", args=[retention_rule.pk])),
        ("post", reverse("sysadmin:retention_rule_edit", args=[retention_rule.pk])),
        ("get", reverse("sysadmin:cost_key")),
        ("post", reverse("sysadmin:cost_key")),
        ("get", reverse("sysadmin:price_settings")),
        ("post", reverse("sysadmin:price_settings")),
        ("get", reverse("sysadmin:price_index_create")),
        ("post", reverse("sysadmin:price_index_create")),
        ("get", reverse("sysadmin:contribution_create")),
        ("post", reverse("sysadmin:contribution_create")),
        ("get", reverse("sysadmin:volume_target_create")),
        ("post", reverse("sysadmin:volume_target_create")),
    ]


# --- Who gets in --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["ombud", "team_lead", "school_coordinator", "region_coordinator", "project_leader"],
)
def test_every_other_role_gets_403_on_every_admin_url(
    client, request, persona, adm_soc, legal_reference, retention_rule
):
    user = request.getfixturevalue(persona)
    target = UserFactory(role=Role.FAMILY_OMBUD, administration=adm_soc)
    client.force_login(user)
    for method, url in _admin_urls(target, adm_soc, legal_reference, retention_rule):
        response = getattr(client, method)(url, {"name": "X", "reason": "x"})
        assert response.status_code == 403, (persona, method, url)
    # ... and nothing changed behind the refusals.
    target.refresh_from_db()
    assert target.is_active
    assert Authenticator.objects.filter(user=target).exists()


def test_a_deactivated_system_administrator_gets_nothing(client, sysadmin):
    client.force_login(sysadmin)
    User.objects.filter(pk=sysadmin.pk).update(is_active=False)
    assert client.get(reverse("sysadmin:users")).status_code in (302, 403)


def test_the_admin_lands_on_the_admin_area_and_its_navigation(admin_client):
    response = admin_client.get(reverse("home"))
    assert response["Location"] == reverse("sysadmin:index")
    page = admin_client.get(reverse("sysadmin:index")).content.decode()
    for name in ("sysadmin:users", "sysadmin:administrations", "sysadmin:reference"):
        assert f'href="{reverse(name)}"' in page


def test_the_reference_data_page_shows_each_section_once_under_its_own_title(admin_client):
    """The page's title is its name, and each kind of reference data appears once on it."""
    import re

    OrganisationFactory(name="Testkommunen")
    page = admin_client.get(reverse("sysadmin:reference")).content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Reference data" in title and "<" not in title
    assert page.count("Care price index (OPI)</h2>") == 1
    assert page.count("Volume targets: Testkommunen</h3>") == 1


def test_the_django_admin_site_is_gone(admin_client):
    assert admin_client.get("/admin/").status_code == 404
    assert admin_client.get("/admin/familjelotsen/user/").status_code == 404


def test_demo_users_keep_their_names_and_password_and_the_admin_its_area(client, settings):
    from familjelotsen.demo import give_demo_authenticator, seed

    seed()
    demo_users = ("ombud", "ombud2", "teamledare", "skola", "region", "projektledare", "admin")
    for username in (*demo_users, "rektor", "handlaggare"):
        assert User.objects.get(username=username).check_password(settings.DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.role == Role.SYSTEM_ADMIN and admin.administration_id is None
    give_demo_authenticator(admin)  # the seed gives it only where DEBUG is on
    client.force_login(admin)
    assert client.get(reverse("sysadmin:users")).status_code == 200


# --- Users ---------------------------------------------------------------------------------------


def test_admin_lists_and_searches_users_and_the_reads_are_logged(admin_client, sysadmin, adm_rs):
    anna = UserFactory(first_name="Annika", last_name="Sökbar", administration=adm_rs)
    UserFactory(first_name="Olle", last_name="Annan", administration=adm_rs)
    response = admin_client.get(reverse("sysadmin:users"), {"q": "sökbar"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Annika Sökbar" in body
    assert "Olle Annan" not in body
    row = AccessLogEntry.objects.get(user=sysadmin, object_id=anna.pk)
    assert row.basis == AccessLogEntry.Basis.ADMINISTRATION
    assert row.object_type == "familjelotsen.user"
    assert row.family_id is None


def test_the_user_list_is_paginated(admin_client, adm_rs):
    UserFactory.create_batch(51, administration=adm_rs, last_name="Sidsson")
    rows = re.compile(r'href="/administration/anvandare/\d+/"')
    first = admin_client.get(reverse("sysadmin:users"), {"q": "Sidsson"}).content.decode()
    assert len(rows.findall(first)) == 50
    assert "sida=2" in first
    second = admin_client.get(reverse("sysadmin:users"), {"q": "Sidsson", "sida": 2})
    assert len(rows.findall(second.content.decode())) == 1


def test_admin_creates_a_user_in_an_administration_with_its_group(admin_client, adm_soc):
    response = admin_client.post(
        reverse("sysadmin:user_create"),
        {
            "username": "ny_ombud",
            "first_name": "Nina",
            "last_name": "Ny",
            "role": Role.FAMILY_OMBUD,
            "administration": adm_soc.pk,
            "password1": "Ett-starkt-lösenord-2026",
            "password2": "Ett-starkt-lösenord-2026",
        },
    )
    user = User.objects.get(username="ny_ombud")
    assert response.status_code == 302
    assert response["Location"] == reverse("sysadmin:user_edit", args=[user.pk])
    assert user.administration == adm_soc and user.role == Role.FAMILY_OMBUD
    assert list(user.groups.values_list("pk", flat=True)) == [adm_soc.group_id]
    assert user.check_password("Ett-starkt-lösenord-2026")
    assert not user.is_staff


def test_admin_edits_another_users_role_and_administration(admin_client, adm_rs, adm_soc):
    user = UserFactory(role=Role.COORDINATOR, administration=adm_rs)
    response = admin_client.post(
        reverse("sysadmin:user_edit", args=[user.pk]),
        {
            "first_name": "Ändrad",
            "last_name": "Person",
            "role": Role.SCHOOL_COORDINATOR,
            "administration": adm_soc.pk,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.role, user.administration) == (
        "Ändrad",
        Role.SCHOOL_COORDINATOR,
        adm_soc,
    )
    assert list(user.groups.values_list("pk", flat=True)) == [adm_soc.group_id]


def test_a_user_who_moves_leaves_the_case_teams_of_the_former_administration(
    admin_client, ombud, colleague_on_team, adm_soc
):
    family = FamilyFactory(responsible_ombud=ombud, team=[colleague_on_team])
    admin_client.post(
        reverse("sysadmin:user_edit", args=[colleague_on_team.pk]),
        {
            "first_name": "Flytt",
            "last_name": "Person",
            "role": Role.FAMILY_OMBUD,
            "administration": adm_soc.pk,
        },
    )
    assert not cm.CaseTeamMember.objects.filter(family=family, user=colleague_on_team).exists()


@pytest.mark.swedish
def test_admin_cannot_change_own_role_or_administration(admin_client, sysadmin, adm_rs):
    for data in (
        {"role": Role.TEAM_LEAD, "administration": adm_rs.pk},
        {"role": Role.COORDINATOR, "administration": adm_rs.pk},
    ):
        response = admin_client.post(
            reverse("sysadmin:user_edit", args=[sysadmin.pk]),
            {"first_name": "Gun", "last_name": "Systemsson", **data},
        )
        assert response.status_code == 200
        assert "Du kan inte ändra din egen roll eller förvaltning" in response.content.decode()
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSTEM_ADMIN
    assert sysadmin.administration_id is None
    assert not sysadmin.groups.exists()


def test_admin_can_still_edit_own_name(admin_client, sysadmin):
    response = admin_client.post(
        reverse("sysadmin:user_edit", args=[sysadmin.pk]),
        {"first_name": "Gunilla", "last_name": "Systemsson", "role": Role.SYSTEM_ADMIN},
    )
    assert response.status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.first_name == "Gunilla"


def test_admin_cannot_grant_self_a_case_role_nor_join_a_case_team(
    admin_client, sysadmin, ombud, adm_rs
):
    from familjelotsen import access

    family = FamilyFactory(responsible_ombud=ombud)
    admin_client.post(
        reverse("sysadmin:user_edit", args=[sysadmin.pk]),
        {
            "first_name": "Gun",
            "last_name": "Systemsson",
            "role": Role.FAMILY_OMBUD,
            "administration": adm_rs.pk,
        },
    )
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSTEM_ADMIN
    assert access.team_refusal(family, sysadmin)
    with pytest.raises(ValidationError):
        access.team_add(family=family, user=sysadmin, added_by=sysadmin)
    assert not cm.CaseTeamMember.objects.filter(user=sysadmin).exists()
    assert not access.visible_families(sysadmin).exists()


def test_admin_cannot_deactivate_own_account(admin_client, sysadmin):
    admin_client.post(reverse("sysadmin:user_deactivate", args=[sysadmin.pk]))
    sysadmin.refresh_from_db()
    assert sysadmin.is_active


# --- Deactivation and hand-over ----------------------------------------------------------------


@pytest.mark.swedish
def test_deactivation_is_blocked_while_the_ombud_holds_families(admin_client, ombud):
    FamilyFactory(responsible_ombud=ombud)
    FamilyFactory(responsible_ombud=ombud, status=cm.Family.Status.REQUEST)
    FamilyFactory(responsible_ombud=ombud, status=cm.Family.Status.CLOSED)  # over: not held
    page = admin_client.get(reverse("sysadmin:user_edit", args=[ombud.pk])).content.decode()
    assert "är ansvarig för 2 familjer" in page
    assert "teamledaren" in page.lower()
    assert reverse("sysadmin:user_deactivate", args=[ombud.pk]) not in page
    response = admin_client.post(reverse("sysadmin:user_deactivate", args=[ombud.pk]), follow=True)
    ombud.refresh_from_db()
    assert ombud.is_active
    assert "måste lämna över" in response.content.decode()


def test_role_or_administration_change_is_blocked_while_the_ombud_holds_families(
    admin_client, ombud, adm_soc
):
    FamilyFactory(responsible_ombud=ombud)
    response = admin_client.post(
        reverse("sysadmin:user_edit", args=[ombud.pk]),
        {
            "first_name": "A",
            "last_name": "B",
            "role": Role.FAMILY_OMBUD,
            "administration": adm_soc.pk,
        },
    )
    assert response.status_code == 200
    ombud.refresh_from_db()
    assert ombud.administration.name == "Råd & Stöd"


def test_team_lead_hands_over_and_then_the_admin_deactivates(
    admin_client, ombud, colleague_on_team, team_lead
):
    from django.test import Client

    families = [FamilyFactory(responsible_ombud=ombud) for _ in range(3)]
    client = Client()
    client.force_login(team_lead)
    listing = client.get(reverse("cases:hand_over_list")).content.decode()
    assert reverse("cases:hand_over", args=[ombud.pk]) in listing
    response = client.post(
        reverse("cases:hand_over", args=[ombud.pk]), {"to_ombud": colleague_on_team.pk}
    )
    assert response.status_code == 302
    for family in families:
        family.refresh_from_db()
        assert family.responsible_ombud == colleague_on_team
        team = dict(family.team.values_list("user_id", "role"))
        assert team[colleague_on_team.pk] == cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD
        assert ombud.pk not in team
    assert AccessLogEntry.objects.filter(
        user=team_lead, action=AccessLogEntry.Action.CHANGE, family_id=families[0].pk
    ).exists()

    response = admin_client.post(reverse("sysadmin:user_deactivate", args=[ombud.pk]))
    ombud.refresh_from_db()
    assert not ombud.is_active
    # The deactivated account signs in no more.
    leaver = Client()
    log_in_with_password(leaver, ombud.username)
    assert "_auth_user_id" not in leaver.session


def test_hand_over_only_within_the_team_leads_administration(
    client, ombud, colleague_on_team, other_team_lead, adm_soc
):
    family = FamilyFactory(responsible_ombud=ombud)
    soc_ombud = UserFactory(role=Role.FAMILY_OMBUD, administration=adm_soc)
    client.force_login(other_team_lead)
    assert client.get(reverse("cases:hand_over", args=[ombud.pk])).status_code == 403
    response = client.post(reverse("cases:hand_over", args=[ombud.pk]), {"to_ombud": soc_ombud.pk})
    assert response.status_code == 403
    family.refresh_from_db()
    assert family.responsible_ombud == ombud
    assert (
        reverse("cases:hand_over", args=[ombud.pk])
        not in client.get(reverse("cases:hand_over_list")).content.decode()
    )


def test_hand_over_refuses_an_ombud_of_another_administration(client, ombud, team_lead, adm_soc):
    family = FamilyFactory(responsible_ombud=ombud)
    soc_ombud = UserFactory(role=Role.FAMILY_OMBUD, administration=adm_soc)
    client.force_login(team_lead)
    response = client.post(reverse("cases:hand_over", args=[ombud.pk]), {"to_ombud": soc_ombud.pk})
    assert response.status_code == 200
    assert 'id="id_to_ombud_errors"' in response.content.decode()
    family.refresh_from_db()
    assert family.responsible_ombud == ombud


def test_the_service_refuses_a_hand_over_by_someone_not_leading(ombud, colleague_on_team):
    from django.core.exceptions import PermissionDenied

    from cases import services

    FamilyFactory(responsible_ombud=ombud)
    with pytest.raises(PermissionDenied):
        services.family_hand_over(
            by=colleague_on_team, from_ombud=ombud, to_ombud=colleague_on_team
        )


# --- Second factor -------------------------------------------------------------------------------


def test_second_factor_reset_removes_the_authenticator_and_records_the_reason(
    admin_client, sysadmin, ombud
):
    assert Authenticator.objects.filter(user=ombud).exists()
    response = admin_client.post(
        reverse("sysadmin:second_factor_reset", args=[ombud.pk]),
        {"reason": "Tappad telefon; identitet kontrollerad via chef"},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=ombud).exists()
    reset = SecondFactorReset.objects.get(user=ombud)
    assert reset.reset_by == sysadmin
    assert reset.reason == "Tappad telefon; identitet kontrollerad via chef"
    event = reset.events.get()
    assert event.pgh_context.metadata["reason"] == reset.reason
    assert event.pgh_context.metadata["user"] == sysadmin.pk
    history = admin_client.get(reverse("sysadmin:history")).content.decode()
    assert "Tappad telefon; identitet kontrollerad via chef" in history


@pytest.mark.swedish
def test_second_factor_reset_needs_a_reason(admin_client, ombud):
    response = admin_client.post(
        reverse("sysadmin:second_factor_reset", args=[ombud.pk]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert 'id="id_reason_errors"' in response.content.decode()
    assert "Fyll i skäl" in response.content.decode()
    assert Authenticator.objects.filter(user=ombud).exists()
    assert not SecondFactorReset.objects.exists()


def test_reset_records_cannot_be_changed_afterwards(admin_client, sysadmin, ombud):
    from django.db import DatabaseError, transaction

    admin_client.post(
        reverse("sysadmin:second_factor_reset", args=[ombud.pk]), {"reason": "Ny telefon"}
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        SecondFactorReset.objects.update(reason="något annat")


# --- Administrations -----------------------------------------------------------------------------


def test_admin_creates_an_administration_with_its_group_and_edits_its_kind(admin_client):
    organisation = OrganisationFactory()
    response = admin_client.post(
        reverse("sysadmin:administration_create"),
        {
            "name": "Kultur och fritid",
            "kind": Administration.Kind.OTHER,
            "organisation": organisation.pk,
        },
    )
    assert response.status_code == 302
    adm = Administration.objects.get(name="Kultur och fritid")
    assert adm.group.name == "Förvaltning: Kultur och fritid"
    admin_client.post(
        reverse("sysadmin:administration_edit", args=[adm.pk]),
        {
            "name": "Kultur och fritid",
            "kind": Administration.Kind.EMPLOYMENT,
            "organisation": organisation.pk,
        },
    )
    adm.refresh_from_db()
    assert adm.kind == Administration.Kind.EMPLOYMENT
    labels = list(AdministrationEvent.objects.filter(pgh_obj=adm).values_list("kind", flat=True))
    assert labels == [Administration.Kind.OTHER, Administration.Kind.EMPLOYMENT]
    assert (
        "Kultur och fritid"
        in admin_client.get(reverse("sysadmin:administrations")).content.decode()
    )


@pytest.mark.swedish
def test_a_taken_administration_name_is_refused_next_to_the_field_and_kept(admin_client, adm_rs):
    response = admin_client.post(
        reverse("sysadmin:administration_create"),
        {"name": "Råd & Stöd", "kind": Administration.Kind.SCHOOL},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_errors"' in body
    assert "Det finns redan en förvaltning med det namnet" in body
    assert 'value="Råd &amp; Stöd"' in body
    assert 'value="school" selected' in body
    assert Administration.objects.filter(name="Råd & Stöd").count() == 1


# --- Reference data ------------------------------------------------------------------------------


def test_admin_creates_and_edits_a_legal_reference_kept_in_history(admin_client, sysadmin):
    admin_client.post(
        reverse("sysadmin:legal_reference_create"),
        {"key": "sol-renumbered", "title": "Socialtjänstlagen", "citation": "SoL (2025:400) 1 §"},
    )
    ref = cm.LegalReference.objects.get(key="sol-renumbered")
    response = admin_client.post(
        reverse("sysadmin:legal_reference_edit", args=[ref.pk]),
        {"key": "sol-renumbered", "title": "Socialtjänstlagen", "citation": "SoL (2025:400) 2 §"},
    )
    assert response.status_code == 302
    ref.refresh_from_db()
    assert ref.citation == "SoL (2025:400) 2 §"
    events = ref.events.order_by("pgh_id")
    assert [e.citation for e in events] == ["SoL (2025:400) 1 §", "SoL (2025:400) 2 §"]
    assert events.last().pgh_context.metadata["user"] == sysadmin.pk
    history = admin_client.get(reverse("sysadmin:history")).content.decode()
    assert "sol-renumbered" in history


def test_admin_edits_a_retention_rule(admin_client, retention_rule, legal_reference):
    events_before = retention_rule.events.count()
    response = admin_client.post(
        reverse("sysadmin:retention_rule_edit", args=[retention_rule.pk]),
        {
            "key": "closed-family",
            "description": "Avslutade ärenden",
            "years_after_last_entry": 7,
            "by_end_of_following_year": "on",
            "research_birth_days": "5, 15",
            "legal_reference": legal_reference.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    retention_rule.refresh_from_db()
    assert retention_rule.years_after_last_entry == 7
    assert retention_rule.research_birth_days == [5, 15]
    assert retention_rule.events.count() == events_before + 1


@pytest.mark.swedish
def test_bad_birth_days_get_a_swedish_message_and_the_input_stays(admin_client, retention_rule):
    response = admin_client.post(
        reverse("sysadmin:retention_rule_edit", args=[retention_rule.pk]),
        {
            "key": "closed-family",
            "description": "Ny beskrivning som ska finnas kvar",
            "years_after_last_entry": 5,
            "research_birth_days": "5, 40",
            "active": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_research_birth_days_errors"' in body
    assert "mellan 1 och 31" in body
    assert 'value="Ny beskrivning som ska finnas kvar"' in body
    assert 'value="5, 40"' in body
    retention_rule.refresh_from_db()
    assert retention_rule.description == "Avslutade ärenden"


def test_admin_changes_the_distribution_key_and_it_is_kept_in_history(admin_client, adm_rs):
    FunderShareFactory(name="Kommunen", share_percent=Decimal("100"))
    response = admin_client.post(
        reverse("sysadmin:cost_key"),
        {
            "hourly_cost": "750",
            "share-TOTAL_FORMS": "2",
            "share-INITIAL_FORMS": "0",
            "share-0-name": "Kommunen",
            "share-0-share_percent": "60",
            "share-1-name": "Regionen",
            "share-1-share_percent": "40",
        },
    )
    assert response.status_code == 302
    assert CostSettings.objects.get().hourly_cost == Decimal("750")
    assert dict(FunderShare.objects.values_list("name", "share_percent")) == {
        "Kommunen": Decimal("60"),
        "Regionen": Decimal("40"),
    }
    kommunen = FunderShare.objects.get(name="Kommunen")
    assert [e.share_percent for e in kommunen.events.order_by("pgh_id")] == [
        Decimal("100"),
        Decimal("60"),
    ]


@pytest.mark.swedish
def test_a_distribution_key_that_does_not_add_up_is_refused(admin_client):
    OrganisationFactory()  # whose key it is
    response = admin_client.post(
        reverse("sysadmin:cost_key"),
        {
            "hourly_cost": "750",
            "share-TOTAL_FORMS": "1",
            "share-INITIAL_FORMS": "0",
            "share-0-name": "Kommunen",
            "share-0-share_percent": "60",
        },
    )
    assert response.status_code == 200
    assert "100 %" in response.content.decode()
    assert 'value="Kommunen"' in response.content.decode()
    assert not FunderShare.objects.exists()


# --- Bad input, in Swedish -----------------------------------------------------------------------


@pytest.mark.swedish
def test_bad_user_input_shows_swedish_errors_next_to_the_fields_and_keeps_the_input(
    admin_client, ombud
):
    response = admin_client.post(
        reverse("sysadmin:user_create"),
        {
            "username": ombud.username,
            "first_name": "Kvarvarande",
            "last_name": "Namn",
            "role": Role.FAMILY_OMBUD,
            "password1": "Ett-starkt-lösenord-2026",
            "password2": "Ett-starkt-lösenord-2026",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_administration_errors"' in body
    assert "Välj den förvaltning" in body
    assert 'value="Kvarvarande"' in body
    assert 'value="family_ombud" selected' in body
    # The taken username is said at its field once the administration is given.
    response = admin_client.post(
        reverse("sysadmin:user_create"),
        {
            "username": ombud.username,
            "first_name": "Kvarvarande",
            "last_name": "Namn",
            "role": Role.FAMILY_OMBUD,
            "administration": ombud.administration_id,
            "password1": "Ett-starkt-lösenord-2026",
            "password2": "Annat-lösenord-2026",
        },
    )
    body = response.content.decode()
    assert 'id="id_password2_errors"' in body
    assert User.objects.filter(first_name="Kvarvarande").count() == 0


@pytest.mark.swedish
def test_a_taken_username_is_refused_at_its_field(admin_client, ombud):
    response = admin_client.post(
        reverse("sysadmin:user_create"),
        {
            "username": ombud.username,
            "first_name": "Ny",
            "last_name": "Person",
            "role": Role.FAMILY_OMBUD,
            "administration": ombud.administration_id,
            "password1": "Ett-starkt-lösenord-2026",
            "password2": "Ett-starkt-lösenord-2026",
        },
    )
    body = response.content.decode()
    assert 'id="id_username_errors"' in body
    assert "Användarnamnet är upptaget" in body


# --- No case content -----------------------------------------------------------------------------


def test_admin_sees_no_case_content_anywhere_in_the_area(admin_client, ombud, team_lead):
    family = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=family, first_name="Hemligamalin", last_name="Barnsson")
    JournalEntryFactory(family=family, facts="Hemligt journalinnehåll")
    pages = [
        reverse("sysadmin:index"),
        reverse("sysadmin:history"),
        reverse("sysadmin:users"),
        reverse("sysadmin:user_edit", args=[ombud.pk]),
        reverse("sysadmin:administrations"),
        reverse("sysadmin:reference"),
    ]
    for url in pages:
        body = admin_client.get(url).content.decode()
        assert "Hemligamalin" not in body, url
        assert "Barnsson" not in body, url
        assert family.reference not in body, url
        assert "Hemligt journalinnehåll" not in body, url
    for url in (
        reverse("cases:family_detail", args=[family.pk]),
        reverse("cases:family_history", args=[family.pk]),
        reverse("cases:my_families"),
        reverse("cases:hand_over_list"),
        reverse("cases:hand_over", args=[ombud.pk]),
        reverse("access_log"),
    ):
        assert admin_client.get(url).status_code in (403, 404), url


def test_the_admins_reads_never_name_a_family_in_the_access_log(admin_client, sysadmin, ombud):
    FamilyFactory(responsible_ombud=ombud)
    admin_client.get(reverse("sysadmin:users"))
    admin_client.get(reverse("sysadmin:user_edit", args=[ombud.pk]))
    rows = AccessLogEntry.objects.filter(user=sysadmin)
    assert rows.exists()
    assert not rows.filter(family_id__isnull=False).exists()
    assert set(rows.values_list("basis", flat=True)) == {AccessLogEntry.Basis.ADMINISTRATION}


def test_staff_changes_appear_in_the_change_history_with_the_acting_admin(
    admin_client, sysadmin, adm_rs
):
    user = UserFactory(role=Role.COORDINATOR, administration=adm_rs, first_name="Historia")
    admin_client.post(
        reverse("sysadmin:user_edit", args=[user.pk]),
        {
            "first_name": "Historia",
            "last_name": "Ny",
            "role": Role.COORDINATOR,
            "administration": adm_rs.pk,
        },
    )
    event = UserEvent.objects.filter(pgh_obj=user).order_by("pgh_id").last()
    assert event.last_name == "Ny"
    assert event.pgh_context.metadata["user"] == sysadmin.pk
    history = admin_client.get(reverse("sysadmin:history")).content.decode()
    assert "Historia Ny" in history


def test_a_new_administration_is_usable_at_once_for_a_new_user(admin_client):
    admin_client.post(
        reverse("sysadmin:administration_create"),
        {
            "name": "Ny förvaltning",
            "kind": Administration.Kind.OTHER,
            "organisation": OrganisationFactory().pk,
        },
    )
    adm = Administration.objects.get(name="Ny förvaltning")
    admin_client.post(
        reverse("sysadmin:user_create"),
        {
            "username": "i_ny",
            "first_name": "I",
            "last_name": "Ny",
            "role": Role.COORDINATOR,
            "administration": adm.pk,
            "password1": "Ett-starkt-lösenord-2026",
            "password2": "Ett-starkt-lösenord-2026",
        },
    )
    assert User.objects.get(username="i_ny").groups.get() == adm.group


def test_the_user_list_costs_the_same_queries_for_2_or_50_users(admin_client, adm_rs):
    """Queries: the session, the signed-in user, the page of users (with the second-factor
    flag and the administration joined), and the one INSERT of the access-log rows."""
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    UserFactory.create_batch(2, administration=adm_rs, last_name="Räknad")
    # Both pages at one moment: the session's renewal (at most once a minute, whenever the
    # slow password hashing of 48 users ends) is not part of the page.
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        admin_client.get(reverse("sysadmin:users"))
        with CaptureQueriesContext(connection) as few:
            admin_client.get(reverse("sysadmin:users"), {"q": "Räknad"})
    UserFactory.create_batch(48, administration=adm_rs, last_name="Räknad")
    with (
        time_machine.travel(moment, tick=False),
        CaptureQueriesContext(connection) as many,
    ):
        admin_client.get(reverse("sysadmin:users"), {"q": "Räknad"})
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 8
