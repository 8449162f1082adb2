"""Every write of the reporting app: drafts, the narrative, export and archive, the cost key."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from familjelotsen import access
from familjelotsen.models import Administration, Organisation, User
from familjelotsen.pdf import render_pdf
from familjelotsen.versioning import save_versioned
from reporting import figure_cache, sections, suppression
from reporting import figures as fig
from reporting.models import (
    CostSettings,
    FunderContribution,
    FunderShare,
    PriceIndexYear,
    Report,
    ReportKind,
    VolumeTarget,
    VolumeWork,
)

logger = logging.getLogger(__name__)

MAX_PERIOD_DAYS = 366 * 5
SUMMARY_MAX = 20_000
COMMENT_MAX = 5_000
# A tagged PDF for screen readers: WeasyPrint 70's PDF/UA-1 variant (structure tags, title,
# language).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
# Stored on the report when rendering fails; the page says it in the reader's language.
RENDER_FAILED = "render_failed"


def _check_period(start, end) -> None:
    if end < start:
        raise ValidationError({"period_end": _("The period must end on or after its start.")})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": _("A report covers at most five years.")})


@transaction.atomic
def report_create(
    *,
    user: User,
    kind: str,
    period_start,
    period_end,
    administration: Administration | None = None,
    language: str = "sv",
) -> Report:
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose a kind of report.")})
    _check_period(period_start, period_end)
    if kind == ReportKind.COMMITTEE and administration is None:
        raise ValidationError(
            {"administration": _("A committee report is made for one administration.")}
        )
    if user.administration_id is None:
        raise ValidationError(_("Only staff of an administration can make reports."))
    # Whose families the report counts: the maker's scope now, kept with the report.
    organisations = sorted(access.report_scope(user))
    if not organisations:
        raise ValidationError(
            _(
                "You report on no municipality or region yet: the system administrator "
                "chooses which."
            )
        )
    return Report.objects.create(
        organisations=organisations,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        administration=administration if kind == ReportKind.COMMITTEE else None,
        made_in_id=user.administration_id,
        created_by=user,
        language=language,
    )


def _clean_narrative(summary: str, comments: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise ValidationError({"summary": _("The summary is too long.")})
    cleaned = {}
    for key, text in comments.items():
        if key not in sections.SECTION_KEYS:
            continue
        text = (text or "").strip()
        if len(text) > COMMENT_MAX:
            raise ValidationError({f"comment_{key}": _("The comment is too long.")})
        if text:
            cleaned[key] = text
    return summary, cleaned


def _save(report: Report, *, expected_version: int, **values) -> None:
    """Optimistic locking: write only if the row still has the version the user read and
    is still a draft (an export may have started meanwhile)."""
    save_versioned(
        report,
        expected_version=expected_version,
        fields=values,
        only_if={"status__in": [Report.Status.DRAFT, Report.Status.FAILED]},
        defer=["pdf"],
        message=_("Someone else saved this report while you were editing it."),
    )


@transaction.atomic
def report_save_narrative(
    *, report: Report, summary: str, comments: Mapping[str, str], expected_version: int
) -> Report:
    if not report.is_editable:
        raise ValidationError(_("An archived report cannot be changed."))
    summary, comments = _clean_narrative(summary, comments)
    _save(report, expected_version=expected_version, summary=summary, comments=comments)
    return report


@transaction.atomic
def report_export(
    *,
    report: Report,
    user: User,
    summary: str,
    comments: Mapping[str, str],
    expected_version: int,
    language: str = "sv",
) -> Report:
    """Save the narrative and mark the report pending for rendering. Queueing the render is
    the caller's: `reporting.tasks.report_export` (services never queue)."""
    if not report.is_editable:
        raise ValidationError(_("This report is already being rendered or archived."))
    summary, comments = _clean_narrative(summary, comments)
    _save(
        report,
        expected_version=expected_version,
        summary=summary,
        comments=comments,
        status=Report.Status.PENDING,
        error="",
        exported_by=user,
        exported_at=timezone.now(),
        language=language,
    )
    return report


def report_render(*, report_id: int) -> Report:
    """The background task's work: figures → suppression → PDF → archive, or a clear failure
    that keeps the narrative (the report goes back to being editable)."""
    updated = Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(
        status=Report.Status.RENDERING, updated_at=timezone.now()
    )
    report = Report.objects.defer("pdf").get(pk=report_id)
    if not updated:
        return report  # already rendered, or not queued: nothing to do
    try:
        with translation.override(report.language):
            # Every committed write counted: the cached figures when nothing changed since
            # they were computed, else computed now (on the replica when there is one). The
            # report's rows are written on the primary.
            snapshot = figure_cache.exact(
                fig.Period(
                    report.period_start,
                    report.period_end,
                    organisations=frozenset(report.organisations),
                )
            )
            tables = snapshot.tables
            pdf = render_pdf(
                "reporting/report_pdf.html",
                pdf_context(report, tables, computed_at=snapshot.computed_at),
                **PDF_OPTIONS,
            )
    except Exception:
        # The exception text may quote data: it goes to the server log, the user gets a
        # plain message and keeps the narrative.
        logger.exception("Rendering report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(
            status=Report.Status.FAILED,
            error=RENDER_FAILED,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        report.refresh_from_db()
        return report
    with transaction.atomic():
        Report.objects.filter(pk=report_id, status=Report.Status.RENDERING).update(
            status=Report.Status.DONE,
            pdf=pdf,
            pdf_size=len(pdf),
            checksum=hashlib.sha256(pdf).hexdigest(),
            figures=suppression.to_json(tables),
            rendered_at=timezone.now(),
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
    report.refresh_from_db()
    return report


def pdf_context(report: Report, tables: dict, *, computed_at=None) -> dict:
    doc = sections.document(
        report.kind,
        tables,
        administration_id=report.administration_id,
        comments=report.comments,
    )
    now = timezone.now()
    author = report.created_by
    prepared_by = author.get_full_name() or author.username
    if getattr(author, "title", ""):
        prepared_by = f"{prepared_by}, {author.title}"
    return {
        "report": report,
        "doc": doc,
        "generated_at": now,
        "figures_computed_at": computed_at or now,
        "organisation": settings.ORGANISATION_NAME,
        "prepared_by": prepared_by,
    }


# --- The cost key ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareInput:
    name: str
    share_percent: Decimal
    administration: Administration | None = None


@transaction.atomic
def cost_key_update(
    *, organisation: Organisation, hourly_cost: Decimal, shares: Sequence[ShareInput]
) -> None:
    """Replace an organisation's distribution key: the shares must add up to 100 %."""
    if hourly_cost is None or hourly_cost < 0:
        raise ValidationError({"hourly_cost": _("Give an hourly cost of zero or more.")})
    names = [s.name.strip() for s in shares]
    if any(not n for n in names):
        raise ValidationError(_("Every funder needs a name."))
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError(_("Each funder can appear only once."))
    if any(s.share_percent is None or s.share_percent <= 0 for s in shares):
        raise ValidationError(_("Every share must be more than 0 %."))
    total = sum((s.share_percent for s in shares), Decimal(0))
    if shares and total != Decimal(100):
        raise ValidationError(
            _("The shares add up to %(total)s %%; they must add up to 100 %%.") % {"total": total}
        )
    CostSettings.objects.update_or_create(
        organisation=organisation, defaults={"hourly_cost": hourly_cost}
    )
    key = FunderShare.objects.filter(organisation=organisation)
    key.exclude(name__in=names).delete()
    for position, (name, share) in enumerate(zip(names, shares, strict=True)):
        key.update_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "share_percent": share.share_percent,
                "administration": share.administration,
                "position": position,
            },
        )


@transaction.atomic
def report_delete(*, report: Report, user: User) -> None:
    """Delete a draft (or a draft whose rendering failed). Archived reports are never deleted
    (the database refuses it too: trigger report_archive_undeletable), nor one being made."""
    if not access.deletes_report(user, report):
        raise ValidationError(_("Only a draft can be deleted, by the one who may make it."))
    deleted, _rows = Report.objects.filter(
        pk=report.pk, status__in=[Report.Status.DRAFT, Report.Status.FAILED]
    ).delete()
    if not deleted:
        raise ValidationError(_("The report is no longer a draft: it cannot be deleted."))


# --- The money: agreed price, OPI, contributions, volume targets (issue 19) ------------------

PRICE_FIELDS = (
    "base_price",
    "price_level_year",
    "indexed",
    "cost_per_placement_month",
    "months_per_placement",
    "project_start",
)


@transaction.atomic
def cost_settings_update(
    *,
    organisation: Organisation,
    base_price,
    price_level_year,
    indexed: bool,
    cost_per_placement_month,
    months_per_placement: int,
    project_start,
) -> CostSettings:
    if base_price is not None and price_level_year is None:
        raise ValidationError(
            {"price_level_year": _("Give the year whose price level the agreed price is in.")}
        )
    if months_per_placement is None or months_per_placement < 1:
        raise ValidationError({"months_per_placement": _("Give at least one month.")})
    row, _created = CostSettings.objects.get_or_create(organisation=organisation)
    row.base_price = base_price
    row.price_level_year = price_level_year
    row.indexed = indexed
    row.cost_per_placement_month = cost_per_placement_month
    row.months_per_placement = months_per_placement
    row.project_start = project_start
    row.save()
    return row


@transaction.atomic
def price_index_save(*, entry: PriceIndexYear | None, year: int, change_percent) -> PriceIndexYear:
    clash = PriceIndexYear.objects.filter(year=year)
    if entry is not None:
        clash = clash.exclude(pk=entry.pk)
    if clash.exists():
        raise ValidationError(
            {"year": _("There is already an OPI figure for %(year)s.") % {"year": year}}
        )
    entry = entry or PriceIndexYear()
    entry.year = year
    entry.change_percent = change_percent
    entry.save()
    return entry


@transaction.atomic
def funder_contribution_save(
    *,
    organisation: Organisation,
    contribution: FunderContribution | None,
    year: int,
    funder: str,
    administration,
    amount,
) -> FunderContribution:
    """A funder's contribution to an organisation's budget for a year (an existing one stays
    with its organisation)."""
    funder = (funder or "").strip()
    if not funder:
        raise ValidationError({"funder": _("Give the funder's name.")})
    organisation = contribution.organisation if contribution is not None else organisation
    clash = FunderContribution.objects.filter(
        organisation=organisation, year=year, funder__iexact=funder
    )
    if contribution is not None:
        clash = clash.exclude(pk=contribution.pk)
    if clash.exists():
        raise ValidationError(
            {
                "funder": _("%(funder)s already has a contribution for %(year)s.")
                % {"funder": funder, "year": year}
            }
        )
    contribution = contribution or FunderContribution(organisation=organisation)
    contribution.year = year
    contribution.funder = funder
    contribution.administration = administration
    contribution.amount = amount
    contribution.save()
    return contribution


@transaction.atomic
def funder_contribution_delete(*, contribution: FunderContribution) -> None:
    contribution.delete()


@transaction.atomic
def volume_target_save(
    *, organisation: Organisation, target: VolumeTarget | None, work: str, target_value, low
) -> VolumeTarget:
    """The volume an organisation's agreement sets for a kind of work (an existing target
    stays with its organisation)."""
    organisation = target.organisation if target is not None else organisation
    if work not in VolumeWork.values:
        raise ValidationError({"work": _("Choose a kind of work.")})
    if low is not None and target_value is not None and low > target_value:
        raise ValidationError({"low": _("The lower end cannot be above the target.")})
    clash = VolumeTarget.objects.filter(organisation=organisation, work=work)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError({"work": _("That kind of work already has a target.")})
    target = target or VolumeTarget(organisation=organisation)
    target.work = work
    target.target = target_value
    target.low = low
    target.save()
    return target
