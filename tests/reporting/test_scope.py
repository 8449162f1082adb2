"""Report figures per organisation (issue 21): a project leader of one municipality sees the
figures of their own municipality's families only, never another's, on the dashboard, in
reports and in the cache they share; a project leader given no organisation sees none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from familjelotsen import access
from familjelotsen.models import User
from reporting import figures as fig
from reporting import services
from tests.factories import (
    AdministrationFactory,
    FamilyFactory,
    OrganisationFactory,
    ReportFactory,
    UserFactory,
)

Role = User.Role
LIN_FAMILIES = 6
NOR_FAMILIES = 7


@pytest.fixture
def lindesberg(db):
    return OrganisationFactory(name="Lindesbergs kommun", code="LIN")


@pytest.fixture
def nora(db):
    return OrganisationFactory(name="Nora kommun", code="NOR")


def _staff(organisation, name, role=Role.FAMILY_OMBUD, **kw):
    adm = AdministrationFactory(name=name, organisation=organisation)
    return UserFactory(role=role, administration=adm, **kw)


@pytest.fixture
def two_municipalities(lindesberg, nora):
    """Six families of Lindesberg and seven of Nora, all requested and started today."""
    today = timezone.localdate()
    ombud_lin = _staff(lindesberg, "Råd & Stöd LIN")
    ombud_nor = _staff(nora, "Socialtjänsten NOR")
    for _ in range(LIN_FAMILIES):
        FamilyFactory(responsible_ombud=ombud_lin, request_date=today, start_date=today)
    for _ in range(NOR_FAMILIES):
        FamilyFactory(responsible_ombud=ombud_nor, request_date=today, start_date=today)
    return ombud_lin, ombud_nor


def _requested(figures) -> int:
    return figures["flow"].total.cells["requested"].value


def _period(**kw) -> fig.Period:
    today = timezone.localdate()
    return fig.Period(today - dt.timedelta(days=30), today, **kw)


def test_figures_count_only_the_families_of_the_organisations_in_scope(
    two_municipalities, lindesberg, nora
):
    assert _requested(fig.compute(_period(organisations={lindesberg.pk}))) == LIN_FAMILIES
    assert _requested(fig.compute(_period(organisations={nora.pk}))) == NOR_FAMILIES
    both = fig.compute(_period(organisations={lindesberg.pk, nora.pk}))
    assert _requested(both) == LIN_FAMILIES + NOR_FAMILIES
    assert _requested(fig.compute(_period(organisations=set()))) == 0


def test_a_family_counts_where_its_owning_administration_belongs_not_where_it_was_asked_for(
    two_municipalities, lindesberg, nora
):
    ombud_lin, ombud_nor = two_municipalities
    today = timezone.localdate()
    FamilyFactory(
        responsible_ombud=ombud_lin,
        requesting_administration=ombud_nor.administration,
        request_date=today,
        start_date=today,
    )
    assert _requested(fig.compute(_period(organisations={lindesberg.pk}))) == LIN_FAMILIES + 1
    assert _requested(fig.compute(_period(organisations={nora.pk}))) == NOR_FAMILIES


def _dashboard_requested(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    flow = response.context["flow"]
    column = [c["key"] for c in flow.columns].index("requested")
    total = next(r for r in flow.rows if r.is_total)
    return total.cells[column].display, response.content.decode()


def test_each_project_leader_sees_only_their_municipalitys_counts_on_the_dashboard(
    client, two_municipalities, lindesberg, nora
):
    leader_lin = _staff(lindesberg, "Projekt LIN", Role.PROJECT_LEADER)
    leader_nor = _staff(nora, "Projekt NOR", Role.PROJECT_LEADER)
    # The same period one after the other: the cached figures of one scope are never the
    # other's.
    shown, page = _dashboard_requested(client, leader_lin)
    assert shown == str(LIN_FAMILIES)
    assert "Lindesbergs kommun" in page and "Nora kommun" not in page
    shown, page = _dashboard_requested(client, leader_nor)
    assert shown == str(NOR_FAMILIES)
    assert "Nora kommun" in page and "Lindesbergs kommun" not in page


def test_a_project_leader_of_both_municipalities_sees_both(
    client, two_municipalities, lindesberg, nora
):
    leader = _staff(
        lindesberg, "Projekt LIN", Role.PROJECT_LEADER, organisations=[lindesberg, nora]
    )
    shown, _page = _dashboard_requested(client, leader)
    assert shown == str(LIN_FAMILIES + NOR_FAMILIES)


def test_a_project_leader_given_no_organisation_sees_no_families_not_all(
    client, two_municipalities, lindesberg
):
    leader = _staff(lindesberg, "Projekt LIN", Role.PROJECT_LEADER, organisations=[])
    assert access.report_scope(leader) == frozenset()
    shown, page = _dashboard_requested(client, leader)
    assert shown == "0"
    assert "You report on no municipality or region yet" in page
    with pytest.raises(ValidationError):
        services.report_create(
            user=leader,
            kind="steering_group",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 3, 31),
        )


def test_a_team_lead_reports_on_their_own_administrations_organisation(db, lindesberg):
    lead = _staff(lindesberg, "Råd & Stöd LIN", Role.TEAM_LEAD)
    assert access.report_scope(lead) == frozenset({lindesberg.pk})
    ombud = _staff(lindesberg, "Socialtjänsten LIN")
    assert access.report_scope(ombud) == frozenset()


def test_a_report_counts_its_makers_municipality_and_only_its_project_leaders_see_it(
    client, two_municipalities, lindesberg, nora
):
    leader_lin = _staff(lindesberg, "Projekt LIN", Role.PROJECT_LEADER)
    leader_nor = _staff(nora, "Projekt NOR", Role.PROJECT_LEADER)
    leader_both = _staff(
        nora, "Projekt båda", Role.PROJECT_LEADER, organisations=[lindesberg, nora]
    )
    today = timezone.localdate()
    report = services.report_create(
        user=leader_lin,
        kind="steering_group",
        period_start=today - dt.timedelta(days=30),
        period_end=today,
    )
    assert report.organisations == [lindesberg.pk]
    client.force_login(leader_lin)
    response = client.get(reverse("reporting:report_csv", args=[report.pk]))
    assert response.status_code == 200
    client.force_login(leader_nor)
    assert client.get(reverse("reporting:report", args=[report.pk])).status_code == 404
    assert client.get(reverse("reporting:report_csv", args=[report.pk])).status_code == 404
    assert report not in access.visible_reports(leader_nor)
    assert access.visible_reports(leader_both).filter(pk=report.pk).exists()


def test_the_reports_figures_are_its_municipalitys_whoever_reads_it(
    two_municipalities, lindesberg, nora
):
    from reporting import selectors

    leader_lin = _staff(lindesberg, "Projekt LIN", Role.PROJECT_LEADER)
    today = timezone.localdate()
    report = ReportFactory(
        created_by=leader_lin,
        period_start=today - dt.timedelta(days=30),
        period_end=today,
    )
    flow = selectors.report_tables(report)["flow"]
    column = [c["key"] for c in flow.columns].index("requested")
    total = next(r for r in flow.rows if r.is_total)
    assert total.cells[column].display == str(LIN_FAMILIES)


def test_consultations_and_courses_count_for_their_administrations_organisation(
    two_municipalities, lindesberg, nora
):
    from consultations import services as consultation_services
    from consultations.models import Consultation
    from courses import services as course_services
    from courses.models import CourseKind

    ombud_lin, ombud_nor = two_municipalities
    today = timezone.localdate()
    # Lindesberg's team advises a professional of Nora, and runs a course for Lindesberg.
    consultation_services.consultation_create(
        by=ombud_lin,
        asked_by="Kurator",
        asking_administration=ombud_nor.administration,
        held_on=today,
        question="Hur samordnar vi stödet?",
        advice="Bjud in till nätverksmöte.",
        minutes=60,
        follow_up=Consultation.FollowUp.NONE,
    )
    course_services.course_create(
        by=ombud_lin,
        kind=CourseKind.ABC,
        name="",
        administration=ombud_lin.administration,
        leaders=[ombud_lin],
        start_date=today,
        place="Familjecentralen",
        sessions_to_complete=1,
    )
    lin = fig.compute(_period(organisations={lindesberg.pk}))
    nor = fig.compute(_period(organisations={nora.pk}))
    assert lin["consultations"].total.cells["consultations"].value == 0
    assert nor["consultations"].total.cells["consultations"].value == 1
    assert lin["courses"].total.cells["courses"].value == 1
    assert nor["courses"].total.cells["courses"].value == 0


def test_the_administrator_sets_a_project_leaders_organisations(client, sysadmin, lindesberg, nora):
    leader = _staff(lindesberg, "Projekt LIN", Role.PROJECT_LEADER)
    client.force_login(sysadmin)
    response = client.post(
        reverse("sysadmin:user_edit", args=[leader.pk]),
        {
            "first_name": leader.first_name,
            "last_name": leader.last_name,
            "role": Role.PROJECT_LEADER,
            "administration": leader.administration_id,
            "organisations": [lindesberg.pk, nora.pk],
        },
    )
    assert response.status_code == 302
    assert set(leader.organisations.values_list("pk", flat=True)) == {lindesberg.pk, nora.pk}


def test_only_a_project_leader_is_given_organisations_to_report_on(client, sysadmin, lindesberg):
    ombud = _staff(lindesberg, "Råd & Stöd LIN")
    client.force_login(sysadmin)
    response = client.post(
        reverse("sysadmin:user_edit", args=[ombud.pk]),
        {
            "first_name": ombud.first_name,
            "last_name": ombud.last_name,
            "role": Role.FAMILY_OMBUD,
            "administration": ombud.administration_id,
            "organisations": [lindesberg.pk],
        },
    )
    assert response.status_code == 200
    assert "Only a project leader reports on municipalities and regions" in (
        response.content.decode()
    )
    assert not ombud.organisations.exists()
