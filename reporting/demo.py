"""The demo municipality's money (issue 19): the agreed price of seed 004 (2.8 mnkr a year at
2018's price level, indexed by OPI from 2019), an OPI series, the funders' contributions for
the last three years and the volume targets of seeds 000 and 004. Idempotent: what exists is
left as it is. The OPI figures are plausible demo values, not SKR's published ones. The money is
Lindesberg's agreement; Nora has a smaller one of its own (issue 21)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from reporting import services
from reporting.figures.money import indexed_price
from reporting.models import (
    CostSettings,
    FunderContribution,
    FunderShare,
    PriceIndexYear,
    VolumeTarget,
    VolumeWork,
)

OPI = {
    2019: "2.80",
    2020: "2.60",
    2021: "1.90",
    2022: "3.40",
    2023: "6.00",
    2024: "4.30",
    2025: "3.10",
    2026: "2.90",
    2027: "2.50",
}
BASE_PRICE = Decimal("2800000")
PRICE_LEVEL = 2018
# The funders and their parts of each year's budget (fördelningsnyckel).
FUNDERS = [
    ("Socialtjänsten", "Socialtjänsten", Decimal("0.40")),
    ("Skolan", "Skolan", Decimal("0.25")),
    ("Regionen", "Regionen", Decimal("0.15")),
    ("Sociala investeringsfonden", None, Decimal("0.20")),
]
TARGETS = [
    (VolumeWork.COORDINATED_SUPPORT, Decimal("30"), None),
    (VolumeWork.NETWORK_FAMILIES, Decimal("150"), None),
    (VolumeWork.NETWORK_HOURS, Decimal("13"), None),
    (VolumeWork.PROJECT_FAMILIES, Decimal("30"), Decimal("15")),
    # The seeds set no figure for these: illustrative targets a project leader might set.
    (VolumeWork.CONSULTATIONS, Decimal("40"), None),
    (VolumeWork.COURSES, Decimal("4"), None),
    (VolumeWork.COURSE_PARTICIPANTS, Decimal("40"), None),
]


# Nora's own, smaller agreement (issue 21: each municipality its own money): a plausible demo
# example, not from the seeds.
NORA = {
    "base_price": Decimal("900000"),
    "hourly_cost": Decimal("650"),
    "funders": [
        ("Socialnämnden Nora", "Socialtjänsten Nora", Decimal("0.70")),
        ("Skolan Nora", "Skolan Nora", Decimal("0.30")),
    ],
    "targets": [(VolumeWork.COORDINATED_SUPPORT, Decimal("8"), None)],
}


def _agreement(
    organisation, *, base_price, hourly_cost, funders, targets, adms, changes, today
) -> None:
    """One organisation's agreement, where it has none yet (idempotent)."""
    row = CostSettings.objects.filter(organisation=organisation).first()
    if row is None or row.base_price is None:
        services.cost_settings_update(
            organisation=organisation,
            base_price=base_price,
            price_level_year=PRICE_LEVEL,
            indexed=True,
            cost_per_placement_month=Decimal("95000"),
            months_per_placement=12,
            project_start=dt.date(today.year - 2, 1, 1),
        )
    if not FunderShare.objects.filter(organisation=organisation).exists():
        services.cost_key_update(
            organisation=organisation,
            hourly_cost=hourly_cost,
            shares=[
                services.ShareInput(name, part * 100, adms.get(adm) if adm else None)
                for name, adm, part in funders
            ],
        )
    for year in range(today.year - 2, today.year + 1):
        price, _missing = indexed_price(base_price, PRICE_LEVEL, year, changes)
        for name, adm, part in funders:
            FunderContribution.objects.get_or_create(
                organisation=organisation,
                year=year,
                funder=name,
                defaults={
                    "administration": adms.get(adm) if adm else None,
                    "amount": (price * part).quantize(Decimal("1000")),
                },
            )
    for work, target, low in targets:
        VolumeTarget.objects.get_or_create(
            organisation=organisation, work=work, defaults={"target": target, "low": low}
        )


def seed(base: dict) -> dict:
    adms = base.get("administrations") or {}
    organisations = base.get("organisations") or {}
    today = timezone.localdate()
    for year, change in OPI.items():
        if year <= today.year + 1:
            PriceIndexYear.objects.get_or_create(
                year=year, defaults={"change_percent": Decimal(change)}
            )
    changes = {y: Decimal(c) for y, c in OPI.items()}
    common = {"adms": adms, "changes": changes, "today": today}
    if "LIN" in organisations:
        _agreement(
            organisations["LIN"],
            base_price=BASE_PRICE,
            hourly_cost=Decimal("700"),
            funders=FUNDERS,
            targets=TARGETS,
            **common,
        )
    if "NOR" in organisations:
        _agreement(organisations["NOR"], **NORA, **common)
    return {}
