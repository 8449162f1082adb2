"""The money (issue 19): the agreed price indexed by OPI, the team's cost by month, cost per
family and per network process with network hours included, placements avoided in money,
volume targets against actuals, and the reference data the administrator keeps. Every
expected figure is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from reporting import figures as fig
from reporting import suppression
from reporting.figures.money import indexed_price, month_fractions, period_years
from reporting.models import (
    CostSettings,
    FunderContribution,
    PriceIndexYear,
    VolumeTarget,
    VolumeWork,
)
from tests.factories import (
    FamilyFactory,
    MemberFactory,
    NetworkProcessFactory,
    NetworkTimeEntryFactory,
    OrganisationFactory,
    TimeEntryFactory,
)

D = dt.date
START, END = D(2025, 4, 1), D(2025, 11, 30)  # eight whole months


def test_opi_raises_the_price_year_by_year_from_the_year_after_the_price_level():
    # 2 800 000 × 1,029 = 2 881 200; × 1,027 = 2 958 992,4 → 2 958 992.
    changes = {2019: Decimal("2.9"), 2020: Decimal("2.7")}
    assert indexed_price(Decimal("2800000"), 2018, 2018, changes) == (Decimal("2800000"), [])
    assert indexed_price(Decimal("2800000"), 2018, 2019, changes) == (Decimal("2881200"), [])
    assert indexed_price(Decimal("2800000"), 2018, 2020, changes) == (Decimal("2958992"), [])
    # A year without an OPI figure is not raised, and is named.
    assert indexed_price(Decimal("2800000"), 2018, 2021, changes) == (
        Decimal("2958992"),
        [2021],
    )


def test_a_period_is_measured_in_months_of_the_year():
    assert period_years(fig.Period(D(2025, 1, 1), D(2025, 12, 31))) == 1
    assert period_years(fig.Period(START, END)) == Decimal(8) / 12
    half = month_fractions(fig.Period(D(2025, 6, 16), D(2025, 6, 30)))
    assert half == [(D(2025, 6, 1), Decimal(15) / Decimal(30))]


@pytest.fixture
def money_world(ombud):
    """Six families in the programme, 2 h of family work each (12 h); five network
    processes of 6 h each (30 h), closed in the period; five families with two placements at
    risk, one of which happened (9 avoided)."""
    CostSettings.objects.update_or_create(
        organisation=OrganisationFactory(),
        defaults={
            "base_price": Decimal("1200000"),
            "price_level_year": 2024,
            "indexed": True,
            "cost_per_placement_month": Decimal("90000"),
            "months_per_placement": 12,
            "project_start": D(2025, 1, 1),
        },
    )
    PriceIndexYear.objects.create(year=2025, change_percent=Decimal("5.00"))
    FunderContribution.objects.create(
        organisation=OrganisationFactory(), year=2025, funder="Socialtjänsten", amount=900000
    )
    FunderContribution.objects.create(
        organisation=OrganisationFactory(), year=2025, funder="Regionen", amount=300000
    )
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.COORDINATED_SUPPORT, target=30
    )
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.NETWORK_HOURS, target=13
    )
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.PROJECT_FAMILIES, target=30, low=15
    )
    families = []
    for i in range(6):
        family = FamilyFactory(
            responsible_ombud=ombud,
            request_date=D(2025, 2, 1),
            start_date=D(2025, 3, 1),
            placements_at_risk_at_start=2 if i < 5 else 0,
            placements_happened=1 if i == 0 else 0,
        )
        TimeEntryFactory(family=family, date=D(2025, 5, 10), minutes=120)
        families.append(family)
    for family in families[:5]:
        process = NetworkProcessFactory(
            member=MemberFactory(family=family),
            started_on=D(2025, 5, 1),
            closed_on=D(2025, 7, 1),
            status="closed",
            close_reason="Målen nådda",
        )
        NetworkTimeEntryFactory(process=process, on=D(2025, 6, 1), minutes=360)
    return families


def _tables():
    with translation.override("en"):
        return suppression.suppress(fig.compute(fig.Period(START, END)))


def _value(table, row, column="value"):
    return table.cell(row, column).display


def test_cost_per_family_and_per_network_process_count_network_hours(money_world):
    t = _tables()
    summary = t["money_summary"]
    # 2025's price: 1 200 000 × 1,05 = 1 260 000 a year, 105 000 a month, 8 months.
    assert _value(summary, "cost") == "840,000"
    assert _value(summary, "budget") == "800,000"  # (900 000 + 300 000) × 8/12
    assert _value(summary, "balance") == "-40,000"
    assert _value(summary, "family_hours") == "12.0"
    assert _value(summary, "network_hours") == "30.0"
    assert _value(summary, "per_hour") == "20,000"  # 840 000 / 42 h
    # 840 000 × 12/42 / 6 families = 40 000; 840 000 × 30/42 / 5 processes = 120 000.
    assert _value(summary, "per_family") == "40,000"
    assert _value(summary, "per_process") == "120,000"
    # Every figure has its definition beside it.
    assert all(row.definition for row in summary.rows)
    monthly = t["team_cost_monthly"]
    assert _value(monthly, "2025-04", "cost") == "105,000"
    assert _value(monthly, "total", "cost") == "840,000"
    assert _value(monthly, "2025-06", "network_hours") == "30.0"
    # The distribution key's cost counts network hours too: 42 h × 700 kr.
    assert t["cost"].cell("total", "hours").display == "42.0"
    assert t["cost"].cell("total", "cost").display == "29,400"


def test_placements_avoided_are_valued_at_the_cost_of_a_placement_month(money_world):
    row = _tables()["placements_value"]
    # 5 × 2 at risk, 1 happened: 9 avoided × 12 months × 90 000 kr = 9 720 000 kr.
    assert _value(row, "avoided", "avoided") == "9"
    assert _value(row, "avoided", "value") == "9,720,000"


def test_volume_targets_are_scaled_to_the_period_and_compared_with_actuals(money_world):
    targets = _tables()["volume_targets"]
    # 30 families a year over 8 months: 20; 6 families in the programme: 30 %.
    assert _value(targets, VolumeWork.COORDINATED_SUPPORT, "target") == "20.0"
    assert _value(targets, VolumeWork.COORDINATED_SUPPORT, "actual") == "6"
    assert _value(targets, VolumeWork.COORDINATED_SUPPORT, "share") == "30"
    # 13 h per process is not scaled; the five closed processes took 6 h each.
    assert _value(targets, VolumeWork.NETWORK_HOURS, "target") == "13.0"
    assert _value(targets, VolumeWork.NETWORK_HOURS, "actual") == "6.0"
    # 15–30 families over the project: 6 started since the project start.
    assert _value(targets, VolumeWork.PROJECT_FAMILIES, "low") == "15.0"
    assert _value(targets, VolumeWork.PROJECT_FAMILIES, "actual") == "6"


def test_money_about_fewer_than_five_families_is_withheld(money_world):
    for family in money_world[:2]:
        family.delete()
    # Four families: the cost per family and the count against the target are withheld.
    t = _tables()
    assert _value(t["money_summary"], "per_family") == suppression.WITHHELD
    assert (
        _value(t["volume_targets"], VolumeWork.COORDINATED_SUPPORT, "actual")
        == suppression.WITHHELD
    )


# --- The reference data in the administration area ------------------------------------------


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


def test_the_administrator_keeps_price_opi_contributions_and_targets_with_history(
    admin_client,
):
    org = OrganisationFactory()
    of = f"?organisation={org.pk}"  # whose agreement (issue 21)
    response = admin_client.post(
        reverse("sysadmin:price_settings") + of,
        {
            "base_price": "2800000",
            "price_level_year": "2018",
            "indexed": "on",
            "cost_per_placement_month": "95000",
            "months_per_placement": "12",
            "project_start": "2024-01-01",
        },
    )
    assert response.status_code == 302
    assert CostSettings.objects.get(organisation=org).base_price == 2800000
    admin_client.post(
        reverse("sysadmin:price_index_create"), {"year": "2019", "change_percent": "2.9"}
    )
    assert PriceIndexYear.objects.get(year=2019).change_percent == Decimal("2.90")
    admin_client.post(
        reverse("sysadmin:contribution_create") + of,
        {"year": "2025", "funder": "Regionen", "amount": "300000"},
    )
    assert FunderContribution.objects.get(organisation=org, year=2025).amount == 300000
    admin_client.post(
        reverse("sysadmin:volume_target_create") + of,
        {"work": VolumeWork.NETWORK_FAMILIES, "target_value": "150"},
    )
    assert (
        VolumeTarget.objects.get(organisation=org, work=VolumeWork.NETWORK_FAMILIES).target == 150
    )
    page = admin_client.get(reverse("sysadmin:reference")).content.decode()
    assert "Regionen" in page and "2019" in page
    history = admin_client.get(reverse("sysadmin:history")).content.decode()
    assert "Regionen 2025" in history
    assert "OPI 2019" in history


@pytest.mark.swedish
def test_bad_reference_data_gets_a_swedish_message_not_a_500(admin_client):
    OrganisationFactory()  # the one organisation, whose targets are changed
    if True:
        admin_client.post(
            reverse("sysadmin:price_index_create"), {"year": "2019", "change_percent": "2"}
        )
        response = admin_client.post(
            reverse("sysadmin:price_index_create"), {"year": "2019", "change_percent": "3"}
        )
        assert response.status_code == 200
        assert "Det finns redan ett OPI-värde för 2019." in response.content.decode()
        response = admin_client.post(
            reverse("sysadmin:volume_target_create"),
            {"work": VolumeWork.PROJECT_FAMILIES, "target_value": "15", "low": "30"},
        )
        assert response.status_code == 200
        assert "Den nedre gränsen kan inte vara högre än målet." in response.content.decode()
