"""Emergency access (break-the-glass, issue 21 part 3): the case worker's request and their
own accesses, ending one early, and the owning team lead's review."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import models as cm
from cases import services, tasks
from cases.emergency_forms import EmergencyAccessForm, EmergencyReviewForm
from familjelotsen import access
from familjelotsen.audit import log_list
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

OWN_SHOWN = 50


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


@require_http_methods(["GET", "POST"])
@access.require_emergency_requester
@idempotent_post
def emergency_access(request):
    """Nödåtkomst: ask for a family's records in an emergency (the child's personnummer in
    the POST body only); below, the user's own emergency accesses with their end times."""
    form = EmergencyAccessForm(request.POST or None)
    done = submit(
        request,
        form,
        # Opened, and the case team told by e-mail once it is committed (agenda.tasks).
        lambda data: tasks.emergency_access_request(user=request.user, request=request, **data),
    )
    already_seen = []
    if done.saved:
        outcome = done.result
        if outcome.opened:
            ends = _when(outcome.opened[0].ends_at)
            messages.warning(
                request,
                _(
                    "Emergency access is open until %(ends)s. The family's case team has been "
                    "told, and the team lead will review it afterwards."
                )
                % {"ends": ends},
            )
            if len(outcome.opened) == 1:
                return redirect("cases:family_detail", pk=outcome.opened[0].family_id)
            return redirect("cases:emergency_access")
        if outcome.already_seen:
            already_seen = outcome.already_seen
            # The page names the families (their reference codes): one row each.
            log_list(user=request.user, objects=already_seen, request=request)
        else:
            form.add_error(
                "personal_number",
                _(
                    "No family in Familjelotsen has a child with this personal identity "
                    "number. Check the number."
                ),
            )
    own = list(access.own_emergency_accesses(request.user)[:OWN_SHOWN])
    if request.method == "GET":
        log_list(user=request.user, objects=own, request=request)
    now = timezone.now()
    for row in own:
        row.running = row.starts_at <= now < row.ends_at
    return render(
        request,
        "cases/emergency_access.html",
        {
            "form": form,
            "already_seen": already_seen,
            "own": own,
            "reviews": access.reviews_emergency_accesses(request.user),
            "max_days": cm.EMERGENCY_MAX_DAYS,
        },
    )


@require_POST
@access.require_emergency_requester
def emergency_access_end(request, pk):
    emergency = access.get_own_emergency_access(request, pk)
    services.emergency_access_end(emergency=emergency, by=request.user, request=request)
    messages.success(request, _("The emergency access has ended."))
    return redirect("cases:emergency_access")


@require_GET
def emergency_review_list(request):
    """The team lead's list of emergency accesses to their administration's families: those
    waiting for review first."""
    if not access.reviews_emergency_accesses(request.user):
        raise access.NotForRole
    rows = list(access.emergency_reviews(request.user)[:200])
    log_list(user=request.user, objects=rows, request=request)
    pending = [r for r in rows if r.pending]
    reviewed = [r for r in rows if not r.pending]
    return render(
        request,
        "cases/emergency_review_list.html",
        {"pending": pending, "reviewed": reviewed, "now": timezone.now()},
    )


@require_http_methods(["GET", "POST"])
@idempotent_post
def emergency_review(request, pk):
    """One emergency access: who, which family, why, when and for how long; the team lead
    accepts it or reports it (with a note)."""
    emergency = access.get_emergency_access_for_review(request, pk)
    form = EmergencyReviewForm(request.POST or None) if emergency.pending else None
    if form is not None:
        done = submit(
            request,
            form,
            lambda data: services.emergency_access_review(
                emergency=emergency, by=request.user, request=request, **data
            ),
        )
        if done.saved:
            messages.success(request, _("The review was saved."))
            return redirect("cases:emergency_review_list")
    return render(
        request,
        "cases/emergency_review.html",
        {"emergency": emergency, "form": form, "now": timezone.now()},
    )
