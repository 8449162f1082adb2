"""Report pages: the project leader's dashboard, new report, preview with narrative, export,
archive and downloads. Aggregates only: nothing here reads or links to a case record."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familjelotsen import access, audit
from familjelotsen.access import get_report_for_user, require_roles
from familjelotsen.forms import add_service_errors, submit
from familjelotsen.models import AccessLogEntry
from familjelotsen.versioning import Conflict
from reporting import figures as fig
from reporting import sections, selectors, services, suppression, tasks
from reporting.forms import (
    CostSettingsForm,
    FunderShareFormSet,
    NarrativeForm,
    ReportStartForm,
)
from reporting.models import Report

# The role gate of the report pages (their home pages); what a user may do there is the
# policy's (`access.makes_reports`, `access.edits_cost_settings`, `access.visible_reports`).
REPORT_ROLES = access.REPORT_ROLES
Action = AccessLogEntry.Action


@require_GET
@require_roles(*REPORT_ROLES)
def dashboard(request):
    """The project leader's start page: the key figures and charts of the reporting period
    that is running, or of a scheduled period chosen above them."""
    chosen = selectors.preset(request.GET.get("period") or "")
    period = fig.Period(chosen.start, chosen.end) if chosen else selectors.current_period()
    snapshot = selectors.dashboard_figures(request.user, period)
    tables = snapshot.tables
    monthly = tables["monthly"]
    context = {
        "period": period,
        "scope_names": selectors.scope_names(request.user),
        "chosen": chosen.key if chosen else "",
        "presets": selectors.presets(),
        "computed_at": snapshot.computed_at,
        "figures_current": snapshot.current,
        "key_figures": sections.key_figures(tables),
        "charts": [
            chart
            for key in ("throughput", "administrations")
            for chart in sections.SECTIONS_BY_KEY[key].chart(tables)
            if chart
        ],
        "monthly": monthly,
        "flow": tables["flow"],
        # Each kind of work, and the volume against the assignment's targets (seed 004).
        "kinds": tables.get("kinds"),
        "volume": tables.get("volume_targets"),
        "legend": suppression.legend(),
        "reports": selectors.archive(request.user)[:10],
        "can_edit_cost": access.edits_cost_settings(request.user),
    }
    return render(request, "reporting/dashboard.html", context)


@require_GET
@require_roles(*REPORT_ROLES)
def archive(request):
    page = Paginator(selectors.archive(request.user), 50).get_page(request.GET.get("sida"))
    return render(request, "reporting/archive.html", {"page": page})


@require_http_methods(["GET", "POST"])
@require_roles(*REPORT_ROLES)
def report_new(request):
    if not access.makes_reports(request.user):
        raise PermissionDenied
    form = ReportStartForm(request.POST or None, initial=_start_initial(request))
    done = submit(
        request,
        form,
        lambda data: services.report_create(
            user=request.user,
            kind=data["kind"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            administration=data.get("administration"),
            language=get_language() or "sv",
        ),
    )
    if done.saved:
        return redirect("reporting:report", pk=done.result.pk)
    return render(request, "reporting/new.html", {"form": form})


def _start_initial(request) -> dict:
    presets = selectors.presets()
    return {"kind": "steering_group", "preset": presets[0].key if presets else ""}


@require_http_methods(["GET", "POST"])
@require_roles(*REPORT_ROLES)
def report_detail(request, pk: int):
    """The HTML preview with the narrative form; saving and exporting post here."""
    report = selectors.report_for(request.user, pk)
    form = None
    if report.is_editable:
        if request.method == "POST":
            form = NarrativeForm(request.POST, kind=report.kind)
            if form.is_valid():
                done = _save_or_export(request, report, form)
                if done:
                    return redirect("reporting:report", pk=report.pk)
        else:
            form = NarrativeForm(initial=NarrativeForm.initial_for(report), kind=report.kind)
    elif request.method == "POST":
        messages.error(request, _("This report is already being rendered or archived."))
        return redirect("reporting:report", pk=report.pk)
    return _render_detail(request, report, form)


def _save_or_export(request, report: Report, form: NarrativeForm) -> bool:
    data = form.cleaned_data
    exporting = request.POST.get("action") == "export"
    try:
        if exporting:
            tasks.report_export(
                report=report,
                user=request.user,
                summary=data["summary"],
                comments=form.comments(),
                expected_version=data["version"],
                language=get_language() or "sv",
            )
        else:
            services.report_save_narrative(
                report=report,
                summary=data["summary"],
                comments=form.comments(),
                expected_version=data["version"],
            )
    except Conflict as exc:
        form.add_error(
            None,
            str(exc)
            + " "
            + _("Your text is kept below; compare it with the saved version, then save again."),
        )
        # The user's text stays; the next save is checked against the version now saved.
        form.data = form.data.copy()
        form.data["version"] = exc.current.version
        return False
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    if exporting:
        audit.log_access(
            user=request.user,
            action=Action.EXPORT,
            obj=report,
            basis=report.access_basis,
            request=request,
        )
        messages.success(request, _("The PDF is being made. You can stay on this page."))
    else:
        messages.success(request, _("The report text was saved."))
    return True


def _render_detail(request, report: Report, form: NarrativeForm | None):
    tables, computed_at = selectors.report_figures(report)
    doc = sections.document(
        report.kind,
        tables,
        administration_id=report.administration_id,
        comments=report.comments,
    )
    comment_fields = form.bound_comment_fields() if form is not None else {}
    for level in doc["levels"]:
        for section in level["sections"]:
            section.form_field = comment_fields.get(section.key)
    return render(
        request,
        "reporting/detail.html",
        {
            "report": report,
            "doc": doc,
            "form": form,
            "computed_at": computed_at,
            "status_url": reverse("reporting:report_status", args=[report.pk]),
            "can_delete": access.deletes_report(request.user, report),
        },
    )


@require_POST
@require_roles(*REPORT_ROLES)
def report_autosave(request, pk: int):
    """The narrative saved a few seconds after each change (reporting.js): JSON with the new
    version, 409 when someone else saved meanwhile, 400 with the field's message."""
    report = selectors.report_for(request.user, pk)
    if not report.is_editable:
        message = _("This report is already being rendered or archived.")
        return JsonResponse({"error": message}, status=409)
    form = NarrativeForm(request.POST, kind=report.kind)
    if not form.is_valid():
        message = " ".join(m for ms in form.errors.values() for m in ms)
        return JsonResponse({"error": message}, status=400)
    try:
        services.report_save_narrative(
            report=report,
            summary=form.cleaned_data["summary"],
            comments=form.comments(),
            expected_version=form.cleaned_data["version"],
        )
    except Conflict as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse({"version": report.version})


@require_POST
@require_roles(*REPORT_ROLES)
def report_delete(request, pk: int):
    """Delete a draft; an archived report is never deleted (the access module decides)."""
    report = selectors.report_for(request.user, pk)
    if not access.deletes_report(request.user, report):
        raise PermissionDenied
    try:
        services.report_delete(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reporting:report", pk=report.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("reporting:archive")


@require_GET
@require_roles(*REPORT_ROLES)
def report_status(request, pk: int):
    """The progress partial; htmx re-requests it every 2 s while the PDF is being made."""
    report = selectors.report_for(request.user, pk)
    response = render(request, "reporting/_status.html", {"report": report})
    if request.htmx and not report.is_busy:
        # Rendering ended while the page was open: reload it to show the archived report
        # (or the error beside the kept narrative).
        response["HX-Refresh"] = "true"
    return response


@require_GET
@require_roles(*REPORT_ROLES)
def report_pdf(request, pk: int):
    report = get_report_for_user(request, pk)
    if report.status != Report.Status.DONE:
        raise PermissionDenied
    audit.log_access(
        user=request.user,
        action=Action.DOWNLOAD,
        obj=report,
        basis=report.access_basis,
        request=request,
    )
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{selectors.file_name(report, "pdf")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@require_roles(*REPORT_ROLES)
def report_csv(request, pk: int):
    """The same suppressed figures as the preview and the PDF, for the evaluators."""
    report = selectors.report_for(request.user, pk)
    tables, computed_at = selectors.report_figures(report)
    doc = sections.document(report.kind, tables, administration_id=report.administration_id)
    audit.log_access(
        user=request.user,
        action=Action.EXPORT,
        obj=report,
        basis=report.access_basis,
        request=request,
    )
    response = HttpResponse(
        csv_bytes(doc, computed_at=computed_at), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{selectors.file_name(report, "csv")}"'
    return response


def csv_bytes(doc: dict, *, computed_at=None) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a byte-order mark: what Swedish spreadsheet programs expect.
    writer = csv.writer(buffer, delimiter=";")
    # Every figure with its definition, as in the PDF: the row's own, else the table's note.
    writer.writerow(
        [_("Level"), _("Section"), _("Table"), _("Row"), _("Column"), _("Value"), _("Definition")]
    )
    for level in doc["levels"]:
        for section in level["sections"]:
            for table in section.tables:
                for row in table.rows:
                    for column, cell in zip(table.columns, row.cells, strict=True):
                        writer.writerow(
                            [
                                level["title"],
                                section.title,
                                table.title,
                                row.label,
                                column["label"],
                                cell.display,
                                row.definition or table.note,
                            ]
                        )
    if computed_at is not None:
        # Last, so the header stays the first line: when the figures were computed.
        at = formats.date_format(timezone.localtime(computed_at), "SHORT_DATETIME_FORMAT")
        writer.writerow(
            [
                _("About the figures"),
                "",
                "",
                _("Computed"),
                "",
                at,
                _("The figures count every entry saved up to a minute before this time."),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@require_http_methods(["GET", "POST"])
@require_roles(*REPORT_ROLES)
def cost_key(request):
    """The distribution key and hourly cost behind the funder report, of each organisation
    the user reports on (one at a time: `?organisation=<id>`)."""
    organisations = list(access.money_organisations(request.user))
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    organisation = selectors.chosen_organisation(organisations, wanted)
    if organisation is None and wanted:
        raise Http404  # not one the user reports on
    if organisation is None:
        return render(request, "reporting/cost_key.html", {"organisations": []})
    cost, shares = selectors.cost_key(organisation)
    can_edit = access.edits_cost_settings(request.user, organisation)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = CostSettingsForm(request.POST)
        formset = FunderShareFormSet(request.POST, prefix="share")
        if form.is_valid() and formset.is_valid():
            rows = [
                services.ShareInput(f["name"], f["share_percent"], f.get("administration"))
                for f in formset.cleaned_data
                if f and not f.get("DELETE")
            ]
            try:
                services.cost_key_update(
                    organisation=organisation,
                    hourly_cost=form.cleaned_data["hourly_cost"],
                    shares=rows,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The distribution key was saved."))
                return redirect(f"{reverse('reporting:cost_key')}?organisation={organisation.pk}")
    else:
        form = CostSettingsForm(initial={"hourly_cost": cost.hourly_cost})
        formset = FunderShareFormSet(
            prefix="share",
            initial=[
                {
                    "name": s.name,
                    "administration": s.administration,
                    "share_percent": s.share_percent,
                }
                for s in shares
            ],
        )
    return render(
        request,
        "reporting/cost_key.html",
        {
            "form": form,
            "formset": formset,
            "shares": shares,
            "cost": cost,
            "can_edit": can_edit,
            "organisations": organisations,
            "organisation": organisation,
        },
    )
