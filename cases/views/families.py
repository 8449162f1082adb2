"""The family: registering a request, the family page, its details, status and case team."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import forms, selectors, services
from cases import models as cm
from cases.views.common import (
    CASE_ROLES,
    REGISTERS_REQUESTS,
)
from familjelotsen import access
from familjelotsen.audit import Action, log_list, log_read
from familjelotsen.forms import add_service_errors, submit
from familjelotsen.idempotency import idempotent_post
from familjelotsen.models import User

# --- Family ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*REGISTERS_REQUESTS)
@idempotent_post
def family_create(request):
    form = forms.FamilyRequestForm(request.POST or None, user=request.user)
    done = submit(
        request,
        form,
        lambda data: services.family_create_from_request(
            by=request.user,
            requesting_administration=data["requesting_administration"],
            requesting_contact=data["requesting_contact"],
            request_date=data["request_date"],
            priority=data["priority"],
            background=data["background"],
            placements_at_risk_at_start=data["placements_at_risk_at_start"],
            eligibility=forms.eligibility_answers(data),
            responsible_ombud=data["responsible_ombud"],
            kind=data["kind"],
            provision=data["provision"],
        ),
    )
    if done.saved:
        family = done.result
        messages.success(
            request, _("The request %(ref)s was registered.") % {"ref": family.reference}
        )
        return redirect("cases:family_detail", pk=family.pk)
    return render(request, "cases/family_form.html", {"form": form, "creating": True})


@require_GET
@access.require_roles(*CASE_ROLES)
def family_detail(request, pk):
    # The read is logged below, with the panels' records: one INSERT for the page.
    family = access.get_family_for_user(request, pk, log=False)
    page, shown = selectors.family_page(request.user, family, params=request.GET)
    context = {"family": family, **page}
    if family.kind == cm.WorkKind.NETWORK_WORK:
        context["network_steps"] = selectors.network_steps(family)
    if family.can.change:
        context["transition_form"] = forms.TransitionForm(
            allowed=services.allowed_transitions(family)
        )
        # The criteria gate coordinated support only; network work has its own flow.
        context["mandatory_missing"] = (
            [cm.Eligibility.Criterion(c).label for c in services.mandatory_criteria_missing(family)]
            if family.status == cm.Family.Status.REQUEST
            and family.kind == cm.WorkKind.COORDINATED_SUPPORT
            else []
        )
        context["may_move_to_coordinated"] = (
            family.kind == cm.WorkKind.NETWORK_WORK
            and family.status in cm.MOVES_TO_COORDINATED_SUPPORT
        )
    # The family and the records the panels of the apps above (consent, SIP, network) show:
    # one row each.
    log_list(user=request.user, objects=[family, *shown], request=request)
    if request.htmx and request.htmx.target == "journal":
        return render(request, "cases/family_detail.html#journal", context)
    return render(request, "cases/family_detail.html", context)


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def family_edit(request, pk):
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.FamilyEditForm(
        request.POST or None, instance=family, initial={"version": family.version}
    )
    done = submit(
        request,
        form,
        lambda data: services.family_update(
            family=family, expected_version=form.cleaned_data["version"], **data
        ),
    )
    if done.saved:
        log_read(request, family, Action.CHANGE)
        messages.success(request, _("The family was saved."))
        return redirect("cases:family_detail", pk=family.pk)
    return render(
        request,
        "cases/family_edit.html",
        {"form": form, "family": family, "conflict": done.conflict, "can": family.can},
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def eligibility_edit(request, pk):
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.EligibilityForm(request.POST or None, family=family)
    done = submit(
        request,
        form,
        lambda data: services.family_set_eligibility(
            family=family, answers=forms.eligibility_answers(data)
        ),
    )
    if done.saved:
        log_read(request, family, Action.CHANGE)
        messages.success(request, _("The eligibility checklist was saved."))
        return redirect("cases:family_detail", pk=family.pk)
    return render(
        request,
        "cases/eligibility_form.html",
        {"form": form, "family": family, "can": family.can},
    )


@require_POST
@access.require_roles(*CASE_ROLES)
def family_transition(request, pk):
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.TransitionForm(request.POST, allowed=list(cm.Family.Status.values))
    if form.is_valid():
        try:
            services.family_transition(
                family=family,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, family, Action.CHANGE)
            messages.success(request, _("The status was changed."))
            return redirect("cases:family_detail", pk=family.pk)
    # Refused or incomplete: the form again, with why and with what the user typed.
    return render(
        request, "cases/transition_refused.html", {"family": family, "form": form}, status=400
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def family_move_to_coordinated_support(request, pk):
    """A family in network work only moves into coordinated support: what it means (nothing
    is entered again; the criteria then apply), and the move."""
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.MoveToCoordinatedForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.family_move_to_coordinated_support(
            family=family, by=request.user, reason=data["reason"]
        ),
    )
    if done.saved:
        log_read(request, family, Action.CHANGE)
        messages.success(
            request,
            _(
                "%(ref)s moved into coordinated support. Confirm the mandatory criteria before "
                "the assessment starts."
            )
            % {"ref": family.reference},
        )
        return redirect("cases:family_detail", pk=family.pk)
    if request.method == "POST":
        log_read(request, family)
    missing = [
        cm.Eligibility.Criterion(c).label for c in services.mandatory_criteria_missing(family)
    ]
    return render(
        request,
        "cases/move_to_coordinated.html",
        {"family": family, "form": form, "mandatory_missing": missing, "can": family.can},
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def team_edit(request, pk):
    """The case team: run by those who run the case (OVERSEE). Only staff of the owning
    administration can join; the access module says why anyone else cannot."""
    family = access.get_family_for_user(request, pk, need=access.OVERSEE)
    form = forms.TeamAddForm(request.POST or None, family=family)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            user = User.objects.filter(pk=remove).first() if remove.isdigit() else None
            if user is None:
                return HttpResponseBadRequest()
            try:
                access.team_remove(family=family, user=user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            return redirect("cases:team_edit", pk=family.pk)
        done = submit(
            request,
            form,
            lambda data: access.team_add(family=family, user=data["user"], added_by=request.user),
        )
        if done.saved:
            messages.success(request, _("Added to the case team."))
            return redirect("cases:team_edit", pk=family.pk)
    team = cm.CaseTeamMember.objects.filter(family=family).select_related(
        "user", "user__administration", "added_by"
    )
    return render(
        request,
        "cases/team.html",
        {"family": family, "team": team, "form": form, "can": family.can},
    )
