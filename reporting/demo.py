"""The demo municipality's money (issue 19): the agreed price of seed 004 (2.8 mnkr a year at
2018's price level, indexed by OPI from 2019), an OPI series, the funders' contributions for
the last three years and the volume targets of seeds 000 and 004. Idempotent: what exists is
left as it is. The OPI figures are plausible demo values, not SKR's published ones."""

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


def seed(base: dict) -> dict:
    adms = base.get("administrations") or {}
    today = timezone.localdate()
    row = CostSettings.objects.filter(pk=1).first()
    if row is None or row.base_price is None:
        services.cost_settings_update(
            base_price=BASE_PRICE,
            price_level_year=PRICE_LEVEL,
            indexed=True,
            cost_per_placement_month=Decimal("95000"),
            months_per_placement=12,
            project_start=dt.date(today.year - 2, 1, 1),
        )
    for year, change in OPI.items():
        if year <= today.year + 1:
            PriceIndexYear.objects.get_or_create(
                year=year, defaults={"change_percent": Decimal(change)}
            )
    changes = {y: Decimal(c) for y, c in OPI.items()}
    if not FunderShare.objects.exists():
        services.cost_key_update(
            hourly_cost=Decimal("700"),
            shares=[
                services.ShareInput(name, part * 100, adms.get(adm) if adm else None)
                for name, adm, part in FUNDERS
            ],
        )
    for year in range(today.year - 2, today.year + 1):
        price, _missing = indexed_price(BASE_PRICE, PRICE_LEVEL, year, changes)
        for name, adm, part in FUNDERS:
            FunderContribution.objects.get_or_create(
                year=year,
                funder=name,
                defaults={
                    "administration": adms.get(adm) if adm else None,
                    "amount": (price * part).quantize(Decimal("1000")),
                },
            )
    for work, target, low in TARGETS:
        VolumeTarget.objects.get_or_create(work=work, defaults={"target": target, "low": low})
    return {}
