"""Reports of concern (orosanmälan)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import concern_forms, services
from cases.views.common import (
    CASE_ROLES,
    log_created,
    need_for,
)
from familjelotsen import access
from familjelotsen.audit import Action, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

# --- Reports of concern ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def concern_report_new(request, pk):
    """Anyone who sees the child may report: no consent check (the duty overrides secrecy)."""
    child = access.get_member_for_user(request, pk)
    if not child.is_child:
        raise Http404
    form = concern_forms.ReportOfConcernForm(
        request.POST or None,
        initial={"reported_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    done = submit(
        request,
        form,
        lambda data: services.report_of_concern_record(child=child, by=request.user, **data),
    )
    if done.saved:
        report = done.result
        # Logged with the basis the reporter now has on the report itself (the duty, or the
        # case team).
        log_created(request, report, access.get_report_of_concern_for_user(request, report.pk))
        messages.success(request, _("The report of concern was recorded."))
        return redirect("cases:concern_report_detail", pk=report.pk)
    return render(
        request, "cases/concern_form.html", {"form": form, "child": child, "can": child.can}
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def concern_report_detail(request, pk):
    """Everyone who sees the report reads it; the case team and the reporter record the
    feedback (CHANGE)."""
    report = access.get_report_of_concern_for_user(request, pk, need=need_for(request))
    form = concern_forms.ConcernFeedbackForm(
        request.POST or None,
        initial={
            "received_on": report.feedback_received_on or timezone.localdate(),
            "feedback": report.feedback,
        },
    )
    done = submit(
        request, form, lambda data: services.report_of_concern_feedback(report=report, **data)
    )
    if done.saved:
        log_read(request, report, Action.CHANGE)
        messages.success(request, _("The feedback was recorded."))
        return redirect("cases:concern_report_detail", pk=report.pk)
    child = access.visible_members(request.user).filter(pk=report.child_id).first()
    return render(
        request,
        "cases/concern_detail.html",
        {"report": report, "child": child, "form": form, "can": report.can},
    )
