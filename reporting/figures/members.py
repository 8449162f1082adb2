"""The families' members: children by age band, neuropsychiatric diagnoses, parents'
occupation and income support (family level)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cases import models as cm
from reporting.figures.sql import in_programme_ids
from reporting.figures.tables import Column, Figures, Period, Row, Table, cnt

AGE_BANDS = (("6_9", 6, 9), ("10_12", 10, 12), ("13_16", 13, 16))


def members(p: Period, fig: Figures) -> None:
    K = cm.Member.Kind
    child = Q(kind__in=[K.CHILD, K.SIBLING])
    adult = Q(kind__in=[K.CUSTODIAN, K.OTHER_ADULT])
    bands: dict[str, Q] = {}
    for key, low, high in AGE_BANDS:
        # Age at the end of the period is in [low, high]: born after the day one turns high+1.
        bands[key] = Q(
            birth_date__lte=p.years_before_end(low), birth_date__gt=p.years_before_end(high + 1)
        )
    any_band = bands["6_9"] | bands["10_12"] | bands["13_16"]
    Occ = cm.Member.Occupation
    occupations = [o for o in Occ if o != Occ.UNKNOWN]
    aggregates = {f"age_{k}": Count("id", filter=child & q) for k, q in bands.items()}
    aggregates["age_other"] = Count("id", filter=child & ~any_band)
    aggregates["npf_children"] = Count("id", filter=child & ~Q(npf_diagnosis=""))
    aggregates["npf_adults"] = Count("id", filter=~child & ~Q(npf_diagnosis=""))
    for o in occupations:
        aggregates[f"start_{o.value}"] = Count("id", filter=adult & Q(occupation_at_start=o))
        aggregates[f"now_{o.value}"] = Count("id", filter=adult & Q(occupation=o))
    unknown = [Occ.UNKNOWN, ""]
    aggregates["start_unknown"] = Count("id", filter=adult & Q(occupation_at_start__in=unknown))
    aggregates["now_unknown"] = Count("id", filter=adult & Q(occupation__in=unknown))
    aggregates["support_start"] = Count(
        "family_id", distinct=True, filter=adult & Q(income_support_at_start=True)
    )
    aggregates["support_now"] = Count(
        "family_id", distinct=True, filter=adult & Q(income_support=True)
    )
    agg = cm.Member.objects.filter(family_id__in=in_programme_ids(p)).aggregate(**aggregates)

    band_labels = {
        "6_9": _("6–9 years"),
        "10_12": _("10–12 years"),
        "13_16": _("13–16 years"),
        "other": _("Other ages"),
    }
    age_rows = [
        Row(k, band_labels[k], {"children": cnt(agg[f"age_{k}"])})
        for k in ("6_9", "10_12", "13_16", "other")
    ]
    fig.tables["children_by_age"] = Table(
        "children_by_age",
        _("Children by age"),
        [Column("children", _("Children"))],
        age_rows,
        Row(
            "total",
            _("All children"),
            {"children": cnt(sum(r.cells["children"].value for r in age_rows))},
        ),
        note=_("Children in families in the programme; age at the end of the period."),
    )
    npf_rows = [
        Row("children", _("Children"), {"persons": cnt(agg["npf_children"])}),
        Row("adults", _("Adults"), {"persons": cnt(agg["npf_adults"])}),
    ]
    fig.tables["npf"] = Table(
        "npf",
        _("Family members with a neuropsychiatric diagnosis"),
        [Column("persons", _("Persons"))],
        npf_rows,
        Row("total", _("All"), {"persons": cnt(agg["npf_children"] + agg["npf_adults"])}),
        note=_("A count only: no diagnosis is named in a report."),
    )
    occ_rows = [
        Row(
            o.value,
            o.label,
            {"start": cnt(agg[f"start_{o.value}"]), "now": cnt(agg[f"now_{o.value}"])},
        )
        for o in occupations
    ]
    occ_rows.append(
        Row(
            "unknown",
            Occ.UNKNOWN.label,
            {"start": cnt(agg["start_unknown"]), "now": cnt(agg["now_unknown"])},
        )
    )
    fig.tables["occupation"] = Table(
        "occupation",
        _("Parents' occupation at start and now"),
        [Column("start", _("At start")), Column("now", _("Now"))],
        occ_rows,
        Row(
            "total",
            _("All parents and other adults"),
            {
                "start": cnt(sum(r.cells["start"].value for r in occ_rows)),
                "now": cnt(sum(r.cells["now"].value for r in occ_rows)),
            },
        ),
        note=_(
            "Custodians and other adults of the families in the programme during the period: "
            "their occupation when the family started, and as last recorded."
        ),
    )
    fig.tables["income_support"] = Table(
        "income_support",
        _("Families with income support"),
        [Column("families", _("Families"), additive=False)],
        [
            Row("start", _("At start"), {"families": cnt(agg["support_start"])}),
            Row("now", _("Now"), {"families": cnt(agg["support_now"])}),
        ],
        note=_(
            "Families in the programme during the period in which at least one adult had "
            "income support (försörjningsstöd) when the family started, and as last recorded."
        ),
    )
