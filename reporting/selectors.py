"""Every read the report pages show: the archive, the figures of a report, the periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from familjelotsen import access
from familjelotsen.models import Organisation
from reporting import figure_cache, suppression
from reporting import figures as fig
from reporting.models import CostSettings, FunderShare, Report
from reporting.suppression import ShownTable


def archive(user) -> QuerySet:
    """The reports the user may see, newest first, without the PDF bytes."""
    return (
        access.visible_reports(user)
        .select_related("created_by", "exported_by", "administration")
        .defer("pdf", "figures")
        .order_by("-created_at", "-id")
    )


def report_for(user, pk) -> Report:
    """A report the user may see (access.visible_reports decides), without the PDF bytes that
    only the download needs; 404 when not visible."""
    try:
        return (
            access.visible_reports(user)
            .select_related("administration", "created_by", "exported_by")
            .defer("pdf")
            .get(pk=pk)
        )
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def report_tables(report: Report) -> dict[str, ShownTable]:
    """The suppressed figures of a report (`report_figures` without the time)."""
    return report_figures(report)[0]


def report_figures(report: Report) -> tuple[dict[str, ShownTable], dt.datetime | None]:
    """The suppressed figures of a report and when they were computed: the archived ones once
    it is rendered (computed as it was rendered), else a draft's from the figure cache, at
    most a minute behind the data (`figure_cache.recent`, computed on the replica when
    there is one), as the dashboard's. The rendered PDF always counts every committed write
    (`services.report_render`). `report` comes from `report_for`: the access decision is the
    primary's."""
    if report.figures:
        return suppression.from_json(report.figures), report.rendered_at
    snapshot = figure_cache.recent(report_period(report))
    return snapshot.tables, snapshot.computed_at


def report_period(report: Report) -> fig.Period:
    """The report's period and the organisations whose families it counts."""
    return fig.Period(
        report.period_start, report.period_end, organisations=frozenset(report.organisations)
    )


def scoped(user, period: fig.Period) -> fig.Period:
    """The period limited to the organisations the user reports on (the access module
    decides which: `access.report_scope`)."""
    return replace(period, organisations=access.report_scope(user))


def scope_names(user) -> list[str]:
    """The names of the organisations whose figures the user sees."""
    return list(
        Organisation.objects.filter(pk__in=access.report_scope(user))
        .order_by("name")
        .values_list("name", flat=True)
    )


def period_tables(period: fig.Period) -> dict[str, ShownTable]:
    """Every figure of the period, suppressed, including every committed write: cached per
    period and data version (`reporting.figure_cache`), computed on the read replica when
    there is one. Aggregates over the families of the period's organisations."""
    return figure_cache.exact(period).tables


def dashboard_figures(user, period: fig.Period) -> figure_cache.Snapshot:
    """The dashboard's figures for the organisations the user reports on: at most a minute
    behind the data, with when they were computed (`reporting.figure_cache.recent`)."""
    return figure_cache.recent(scoped(user, period))


# File names name the kind, the period and the organisation: never a person.
FILE_KINDS = {
    "steering_group": "styrgruppsrapport",
    "committee": "namndrapport",
    "funder": "finansiarsrapport",
}


def file_name(report: Report, extension: str) -> str:
    """E.g. styrgruppsrapport_2025-01-01_2025-12-31_linkopings-kommun.pdf (ASCII only)."""
    parts = [FILE_KINDS.get(report.kind, "rapport")]
    if report.administration_id:
        parts[0] += "-" + slugify(report.administration.name)
    parts += [f"{report.period_start:%Y-%m-%d}", f"{report.period_end:%Y-%m-%d}"]
    parts.append(slugify(settings.ORGANISATION_NAME) or "familjelotsen")
    return "_".join(parts) + "." + extension


def chosen_organisation(organisations: list[Organisation], wanted) -> Organisation | None:
    """The organisation asked for (an id from the address or the form) among those offered;
    asked for none, the first of them. None when none is offered or the one asked for is not
    among them (never another in its place)."""
    if not wanted:
        return organisations[0] if organisations else None
    return next((o for o in organisations if str(o.pk) == str(wanted)), None)


def cost_key(organisation: Organisation) -> tuple[CostSettings, list[FunderShare]]:
    """An organisation's hourly cost and distribution key (its unsaved defaults when none is
    set yet)."""
    settings_row = CostSettings.objects.filter(organisation=organisation).first() or CostSettings(
        organisation=organisation
    )
    shares = FunderShare.objects.filter(organisation=organisation).select_related("administration")
    return settings_row, list(shares)


# --- Periods: the report schedule of the project plan (seed 000 §9.1) ----------------------


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    start: dt.date
    end: dt.date


def _april_period(year: int) -> tuple[dt.date, dt.date]:
    # The April report covers the months since the December report: December to March.
    return dt.date(year - 1, 12, 1), dt.date(year, 3, 31)


def _december_period(year: int) -> tuple[dt.date, dt.date]:
    # The December report covers April to November, so that the two reports tile the year.
    return dt.date(year, 4, 1), dt.date(year, 11, 30)


def presets(today: dt.date | None = None, years: int = 3) -> list[Preset]:
    """The scheduled reports of the last few years, newest first, plus calendar years."""
    today = today or timezone.localdate()
    out: list[Preset] = []
    for year in range(today.year, today.year - years, -1):
        start, end = _december_period(year)
        if start <= today:
            out.append(
                Preset(
                    f"december-{year}", _("December report %(year)s") % {"year": year}, start, end
                )
            )
        start, end = _april_period(year)
        if start <= today:
            out.append(
                Preset(f"april-{year}", _("April report %(year)s") % {"year": year}, start, end)
            )
    for year in range(today.year, today.year - years, -1):
        out.append(
            Preset(
                f"year-{year}",
                _("Calendar year %(year)s") % {"year": year},
                dt.date(year, 1, 1),
                dt.date(year, 12, 31),
            )
        )
    return out


def preset(key: str, today: dt.date | None = None) -> Preset | None:
    return next((p for p in presets(today) if p.key == key), None)


def current_period(today: dt.date | None = None) -> fig.Period:
    """The report period that is running: from its first day up to today."""
    today = today or timezone.localdate()
    if today.month == 12:
        start = dt.date(today.year, 12, 1)
    elif today.month <= 3:
        start = dt.date(today.year - 1, 12, 1)
    else:
        start = dt.date(today.year, 4, 1)
    return fig.Period(start, today)
