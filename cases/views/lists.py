"""The lists: my families, the waiting list, pupils, what is shared with me."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import forms, list_forms, selectors, services
from cases.views.common import (
    CASE_ROLES,
    FAMILY_LIST_ROLES,
    PUPIL_LIST_ROLES,
    REGISTERS_REQUESTS,
)
from familjelotsen import access, slots
from familjelotsen.audit import Action, log_list, log_read
from familjelotsen.forms import add_service_errors
from familjelotsen.paging import page_of

# --- Lists ---------------------------------------------------------------------------------


@require_GET
@access.require_roles(*FAMILY_LIST_ROLES)
def my_families(request):
    form = list_forms.FamilyFilterForm(request.GET or None, initial={"status": "open"})
    status, q = "open", ""
    if form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    mine_only = selectors.caseload_only(request.user)
    families = page_of(
        selectors.family_list(request.user, status=status, q=q, mine_only=mine_only), request.GET
    )
    context = {
        "families": families,
        "form": form,
        # "My families" (the user's own caseload) or every family the user sees.
        "mine_only": mine_only,
        "registers_requests": access.in_role_gate(request.user, REGISTERS_REQUESTS),
    }
    extra, shown = slots.gather(slots.FAMILY_LIST, request.user)
    context.update(extra)
    # The families and what the panels show: one INSERT for the page.
    log_list(user=request.user, objects=[*families, *shown], request=request)
    template = "cases/my_families.html"
    if request.htmx:
        template += "#family-table"
    return render(request, template, context)


@require_GET
@access.require_roles(*access.LEAD_ROLES)
def waiting_list(request):
    form = list_forms.WaitingListForm(request.GET or None)
    q, kind = (form.cleaned_data["q"], form.cleaned_data["kind"]) if form.is_valid() else ("", "")
    families = page_of(selectors.waiting_list(request.user, q=q, kind=kind), request.GET)
    today = timezone.localdate()
    for family in families:
        family.days_waited = (today - family.request_date).days
    caseloads = selectors.caseloads(request.user)
    # Requests from school and social services waiting for the lead's decision (referrals).
    panels, shown = slots.gather(slots.WAITING_LIST, request.user)
    # The requests and what the panels show: one INSERT for the page.
    log_list(user=request.user, objects=[*families, *shown], request=request)
    load = {row["ombud"].pk: row for row in caseloads}
    # Each ombud in the choice with their load, so the lead sees who has room.
    choices = []
    for value, label in forms.AssignOmbudForm(user=request.user).fields["ombud"].choices:
        key = getattr(value, "value", value)
        row = load.get(key)
        if row:
            network = row["network_open"] + row["network_assigned"]
            values = {
                "name": label,
                "load": row["load"],
                "figure": row["figure"],
                "network": network,
            }
            label = (
                _("%(name)s (%(load)s of %(figure)s; network work only %(network)s)") % values
                if network
                else _("%(name)s (%(load)s of %(figure)s)") % values
            )
        choices.append((key, label))
    return render(
        request,
        "cases/waiting_list.html",
        {
            "families": families,
            "caseloads": caseloads,
            "ombud_choices": choices,
            "form": form,
            "counts": selectors.waiting_counts(request.user),
            **panels,
        },
    )


@require_POST
@access.require_roles(*access.LEAD_ROLES)
def assign_ombud(request, pk):
    """The team lead (or the case team) assigns the responsible ombud: a change of the
    family itself (CHANGE). An ombud of another administration is refused by the access
    module with a message that explains consent and sharing."""
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.AssignOmbudForm(request.POST, user=request.user, family=family)
    if form.is_valid():
        try:
            services.family_assign_ombud(
                family=family, ombud=form.cleaned_data["ombud"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        else:
            log_read(request, family, Action.CHANGE)
            messages.success(
                request,
                _("%(ref)s was assigned to %(name)s.")
                % {"ref": family.reference, "name": form.cleaned_data["ombud"].get_full_name()},
            )
    else:
        messages.error(request, _("Choose a family ombud."))
    return redirect("cases:waiting_list")


@require_GET
@access.require_roles(*PUPIL_LIST_ROLES)
def pupils(request):
    form = list_forms.PupilSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    rows = page_of(selectors.pupils(request.user, q=q), request.GET)
    context = {"pupils": rows, "form": form}
    extra, shown = slots.gather(slots.WORK_LISTS, request.user)
    context.update(extra)
    # The pupils and what the panels show: one INSERT for the page.
    log_list(user=request.user, objects=[*rows, *shown], request=request)
    return render(request, "cases/pupils.html", context)


@require_GET
@access.require_roles(*CASE_ROLES)
def shared(request):
    form = list_forms.ListSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    families = page_of(selectors.shared_families(request.user, q=q), request.GET)
    context = {"families": families, "form": form}
    extra, shown = slots.gather(slots.WORK_LISTS, request.user)
    context.update(extra)
    # The families and what the panels show: one INSERT for the page.
    log_list(user=request.user, objects=[*families, *shown], request=request)
    return render(request, "cases/shared.html", context)
