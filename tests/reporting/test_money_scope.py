"""Money per organisation (issue 21): each municipality has its own agreement with the team
(hourly cost, distribution key, agreed price, contributions, volume targets). A report on one
municipality uses its agreement alone and never shows another's funders; a report on several
combines them where a sum means something; a project leader sees and changes only the cost
key of the organisations they report on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from familjelotsen.models import User
from reporting import figures as fig
from reporting import services
from reporting.models import (
    CostSettings,
    FunderContribution,
    FunderShare,
    VolumeTarget,
    VolumeWork,
)
from tests.factories import (
    AdministrationFactory,
    FamilyFactory,
    OrganisationFactory,
    TimeEntryFactory,
    UserFactory,
)

Role = User.Role
D = dt.date
PERIOD = (D(2025, 1, 1), D(2025, 12, 31))


@pytest.fixture
def lindesberg(db):
    return OrganisationFactory(name="Lindesbergs kommun", code="LIN")


@pytest.fixture
def nora(db):
    return OrganisationFactory(name="Nora kommun", code="NOR")


def _hours(organisation, name: str, hours: int) -> None:
    """One family of the organisation with `hours` of the ombud's time in 2025."""
    adm = AdministrationFactory(name=name, organisation=organisation)
    ombud = UserFactory(role=Role.FAMILY_OMBUD, administration=adm)
    family = FamilyFactory(responsible_ombud=ombud, request_date=D(2025, 2, 1))
    TimeEntryFactory(family=family, user=ombud, date=D(2025, 5, 5), minutes=hours * 60)


@pytest.fixture
def two_agreements(lindesberg, nora):
    """Lindesberg: 700 SEK an hour, key 60/40, 2.4 mnkr agreed, 10 h of work. Nora: 500 SEK
    an hour, its own key, 1.2 mnkr agreed, 4 h of work."""
    _hours(lindesberg, "Socialtjänsten LIN", 10)
    _hours(nora, "Socialtjänsten NOR", 4)
    services.cost_key_update(
        organisation=lindesberg,
        hourly_cost=Decimal("700"),
        shares=[
            services.ShareInput("Socialnämnden Lindesberg", Decimal("60")),
            services.ShareInput("Regionen", Decimal("40")),
        ],
    )
    services.cost_key_update(
        organisation=nora,
        hourly_cost=Decimal("500"),
        shares=[services.ShareInput("Socialnämnden Nora", Decimal("100"))],
    )
    for organisation, price in ((lindesberg, "2400000"), (nora, "1200000")):
        services.cost_settings_update(
            organisation=organisation,
            base_price=Decimal(price),
            price_level_year=2025,
            indexed=False,
            cost_per_placement_month=Decimal("90000"),
            months_per_placement=12,
            project_start=D(2025, 1, 1),
        )
    services.funder_contribution_save(
        organisation=lindesberg,
        contribution=None,
        year=2025,
        funder="Socialnämnden Lindesberg",
        administration=None,
        amount=Decimal("1440000"),
    )
    services.funder_contribution_save(
        organisation=nora,
        contribution=None,
        year=2025,
        funder="Socialnämnden Nora",
        administration=None,
        amount=Decimal("1200000"),
    )
    for organisation, target in ((lindesberg, "30"), (nora, "8")):
        services.volume_target_save(
            organisation=organisation,
            target=None,
            work=VolumeWork.COORDINATED_SUPPORT,
            target_value=Decimal(target),
            low=None,
        )
    for organisation, hours in ((lindesberg, "13"), (nora, "10")):
        services.volume_target_save(
            organisation=organisation,
            target=None,
            work=VolumeWork.NETWORK_HOURS,
            target_value=Decimal(hours),
            low=None,
        )


def _compute(*organisations):
    return fig.compute(fig.Period(*PERIOD, organisations={o.pk for o in organisations}))


def _labels(table) -> list[str]:
    return [row.label for row in table.rows]


def _cell(table, key, column):
    return next(r for r in table.rows if r.key == key).cells[column].value


def test_a_municipalitys_report_uses_its_own_agreement_and_no_one_elses(
    two_agreements, lindesberg, nora
):
    nor = _compute(nora)
    assert _labels(nor["cost"]) == ["Socialnämnden Nora"]
    assert nor["cost"].total.cells["cost"].value == Decimal("2000")  # 4 h × 500
    assert _labels(nor["budget"]) == ["Socialnämnden Nora"]
    assert nor["team_cost_monthly"].total.cells["cost"].value == Decimal("1200000")
    assert _cell(nor["volume_targets"], VolumeWork.COORDINATED_SUPPORT, "target") == Decimal("8")

    lin = _compute(lindesberg)
    assert _labels(lin["cost"]) == ["Socialnämnden Lindesberg", "Regionen"]
    assert lin["cost"].total.cells["cost"].value == Decimal("7000")  # 10 h × 700
    assert "Socialnämnden Nora" not in _labels(lin["budget"])
    assert lin["team_cost_monthly"].total.cells["cost"].value == Decimal("2400000")


def test_a_report_on_two_municipalities_adds_their_agreements_and_names_whose_funder(
    two_agreements, lindesberg, nora
):
    both = _compute(lindesberg, nora)
    # Each municipality's hours at its own hourly cost, divided by its own key.
    assert both["cost"].total.cells["cost"].value == Decimal("9000")
    assert _labels(both["cost"]) == [
        "Lindesbergs kommun: Socialnämnden Lindesberg",
        "Lindesbergs kommun: Regionen",
        "Nora kommun: Socialnämnden Nora",
    ]
    assert [r.cells["cost"].value for r in both["cost"].rows] == [
        Decimal("4200"),
        Decimal("2800"),
        Decimal("2000"),
    ]
    assert both["cost_summary"].rows[1].cells["value"].value is None  # no one hourly cost
    assert both["team_cost_monthly"].total.cells["cost"].value == Decimal("3600000")
    assert both["budget"].total.cells["amount"].value == Decimal("2640000")
    # Amounts add up; a rate (hours per network process) is given only when both agree.
    targets = both["volume_targets"]
    assert _cell(targets, VolumeWork.COORDINATED_SUPPORT, "target") == Decimal("38")
    assert VolumeWork.NETWORK_HOURS.value not in [r.key for r in targets.rows]


def test_the_same_funder_and_year_may_appear_in_two_municipalities_keys(lindesberg, nora):
    for organisation in (lindesberg, nora):
        services.funder_contribution_save(
            organisation=organisation,
            contribution=None,
            year=2025,
            funder="Regionen",
            administration=None,
            amount=Decimal("100000"),
        )
    assert FunderContribution.objects.filter(funder="Regionen", year=2025).count() == 2
    with pytest.raises(ValidationError):
        services.funder_contribution_save(
            organisation=nora,
            contribution=None,
            year=2025,
            funder="regionen",
            administration=None,
            amount=Decimal("1"),
        )


# --- The project leader's cost key page ------------------------------------------------------


def _project_leader(*organisations):
    adm = AdministrationFactory(name="Projektet", organisation=organisations[0])
    return UserFactory(
        role=Role.PROJECT_LEADER, administration=adm, organisations=list(organisations)
    )


def _key_post(organisation, hourly="650"):
    return {
        "organisation": organisation.pk,
        "hourly_cost": hourly,
        "share-TOTAL_FORMS": "1",
        "share-INITIAL_FORMS": "0",
        "share-0-name": "Kommunen",
        "share-0-share_percent": "100",
    }


def test_a_project_leader_sees_and_changes_only_their_municipalitys_key(
    client, two_agreements, lindesberg, nora
):
    client.force_login(_project_leader(nora))
    page = client.get(reverse("reporting:cost_key")).content.decode()
    assert "Socialnämnden Nora" in page
    assert "Socialnämnden Lindesberg" not in page and "Lindesbergs kommun" not in page
    # Lindesberg's key is not theirs: not shown, not changed, whatever the address says.
    other = client.get(reverse("reporting:cost_key") + f"?organisation={lindesberg.pk}")
    assert other.status_code == 404
    refused = client.post(reverse("reporting:cost_key"), _key_post(lindesberg))
    assert refused.status_code == 404
    assert CostSettings.objects.get(organisation=lindesberg).hourly_cost == Decimal("700")

    saved = client.post(reverse("reporting:cost_key"), _key_post(nora))
    assert saved.status_code == 302
    assert CostSettings.objects.get(organisation=nora).hourly_cost == Decimal("650")
    assert list(FunderShare.objects.filter(organisation=nora).values_list("name", flat=True)) == [
        "Kommunen"
    ]
    assert FunderShare.objects.filter(organisation=lindesberg).count() == 2


def test_a_project_leader_of_two_municipalities_chooses_whose_key(
    client, two_agreements, lindesberg, nora
):
    client.force_login(_project_leader(lindesberg, nora))
    page = client.get(reverse("reporting:cost_key")).content.decode()
    assert f"?organisation={nora.pk}" in page  # the choice
    assert "Socialnämnden Lindesberg" in page  # the first by name is shown
    page = client.get(reverse("reporting:cost_key") + f"?organisation={nora.pk}").content.decode()
    assert "Socialnämnden Nora" in page and "Socialnämnden Lindesberg" not in page


# --- The system administrator keeps each organisation's agreement -------------------------------


def test_the_administrator_keeps_each_municipalitys_agreement_apart(
    client, sysadmin, two_agreements, lindesberg, nora
):
    client.force_login(sysadmin)
    page = client.get(reverse("sysadmin:reference") + f"?organisation={nora.pk}").content.decode()
    assert "Socialnämnden Nora" in page and "Socialnämnden Lindesberg" not in page
    response = client.post(
        reverse("sysadmin:volume_target_create") + f"?organisation={nora.pk}",
        {"work": VolumeWork.NETWORK_FAMILIES, "target_value": "20"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?organisation={nora.pk}#money")
    # The target is Nora's alone: Lindesberg's agreement has none for that kind of work.
    assert not VolumeTarget.objects.filter(
        organisation=lindesberg, work=VolumeWork.NETWORK_FAMILIES
    ).exists()
    assert _cell(_compute(nora)["volume_targets"], VolumeWork.NETWORK_FAMILIES, "target") == 20
    lin_targets = _compute(lindesberg)["volume_targets"]
    assert VolumeWork.NETWORK_FAMILIES.value not in [r.key for r in lin_targets.rows]
