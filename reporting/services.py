"""Every write of the reporting app: drafts, the narrative, export and archive, the cost key."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from familjelotsen.models import Administration, User
from familjelotsen.pdf import render_pdf
from familjelotsen.versioning import save_versioned
from reporting import figure_cache, sections, suppression
from reporting import figures as fig
from reporting.models import CostSettings, FunderShare, Report, ReportKind

logger = logging.getLogger(__name__)

MAX_PERIOD_DAYS = 366 * 5
SUMMARY_MAX = 20_000
COMMENT_MAX = 5_000
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
    return Report.objects.create(
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
            snapshot = figure_cache.exact(fig.Period(report.period_start, report.period_end))
            tables = snapshot.tables
            pdf = render_pdf(
                "reporting/report_pdf.html",
                pdf_context(report, tables, computed_at=snapshot.computed_at),
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
    return {
        "report": report,
        "doc": doc,
        "generated_at": now,
        "figures_computed_at": computed_at or now,
    }


# --- The cost key ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareInput:
    name: str
    share_percent: Decimal
    administration: Administration | None = None


@transaction.atomic
def cost_key_update(*, hourly_cost: Decimal, shares: Sequence[ShareInput]) -> None:
    """Replace the distribution key: the shares must add up to 100 %."""
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
    CostSettings.objects.update_or_create(pk=1, defaults={"hourly_cost": hourly_cost})
    FunderShare.objects.exclude(name__in=names).delete()
    for position, (name, share) in enumerate(zip(names, shares, strict=True)):
        FunderShare.objects.update_or_create(
            name=name,
            defaults={
                "share_percent": share.share_percent,
                "administration": share.administration,
                "position": position,
            },
        )
