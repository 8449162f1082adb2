"""Reference data: legal references, retention rules, the hourly cost and the distribution
key. Every change is kept in the change history; nothing here is a case."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases import models as cm
from cases import services as case_services
from familjelotsen import access
from familjelotsen.forms import add_service_errors, submit
from familjelotsen.models import Organisation
from reporting import selectors as reporting_selectors
from reporting import services as reporting_services
from reporting.forms import CostSettingsForm, FunderShareFormSet
from reporting.models import FunderContribution, PriceIndexYear, VolumeTarget
from sysadmin import forms, selectors


def _get(model, pk):
    if pk is None:
        return None
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


def _organisation(request, record=None):
    """Whose money a page shows or changes (issue 21): a record's own organisation, else the
    one asked for (`?organisation=<id>`), else the first by name; 404 for an unknown id."""
    if record is not None:
        return record.organisation
    organisations = list(Organisation.objects.order_by("name"))
    wanted = request.GET.get("organisation")
    organisation = reporting_selectors.chosen_organisation(organisations, wanted)
    if organisation is None:
        raise Http404
    return organisation


def _back(organisation=None):
    """The reference data, at the organisation whose money was changed."""
    url = reverse("sysadmin:reference")
    return f"{url}?organisation={organisation.pk}#money" if organisation else url


def _edit(
    request,
    form,
    save,
    *,
    saved: str,
    heading: str,
    record=None,
    deletable=False,
    organisation=None,
):
    """The one shape of every reference-data form: the service saves through `submit` (the
    shared error pattern), then back to the list with `saved`; else the form again."""
    done = submit(request, form, save)
    if done.saved:
        messages.success(request, saved)
        return redirect(_back(organisation))
    context = {"form": form, "heading": heading, "record": record}
    if deletable:
        context["deletable"] = True
    return render(request, "sysadmin/reference_form.html", context)


@require_GET
@access.require_administrator
def reference_index(request):
    organisations = list(Organisation.objects.order_by("name"))
    organisation = reporting_selectors.chosen_organisation(
        organisations, request.GET.get("organisation")
    ) or (organisations[0] if organisations else None)
    context = {
        "references": selectors.legal_references(),
        "rules": selectors.retention_rules(),
        "price_index": selectors.price_index(),
        "organisations": organisations,
        "organisation": organisation,
    }
    if organisation is not None:
        cost, shares = reporting_selectors.cost_key(organisation)
        context.update(
            cost=cost,
            shares=shares,
            contributions=selectors.contributions(organisation),
            targets=selectors.volume_targets(organisation),
        )
    return render(request, "sysadmin/reference.html", context)


@require_http_methods(["GET", "POST"])
@access.require_administrator
def legal_reference_edit(request, pk=None):
    reference = _get(cm.LegalReference, pk)
    initial = (
        {name: getattr(reference, name) for name in case_services.LEGAL_REFERENCE_FIELDS}
        if reference
        else None
    )
    return _edit(
        request,
        forms.LegalReferenceForm(request.POST or None, initial=initial),
        lambda data: case_services.legal_reference_save(reference=reference, **data),
        saved=_("The legal reference was saved."),
        heading=_("Legal reference"),
        record=reference,
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def retention_rule_edit(request, pk=None):
    rule = _get(cm.RetentionRule, pk)
    initial = (
        {name: getattr(rule, name) for name in case_services.RETENTION_RULE_FIELDS}
        if rule
        else {"years_after_last_entry": 5, "by_end_of_following_year": True, "active": True}
    )
    return _edit(
        request,
        forms.RetentionRuleForm(request.POST or None, initial=initial),
        lambda data: case_services.retention_rule_save(rule=rule, **data),
        saved=_("The retention rule was saved."),
        heading=_("Retention rule"),
        record=rule,
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def cost_key_edit(request):
    """The hourly cost and the distribution key (funder shares) behind the funder report:
    the same service as the project leader's page, so the same checks (shares add up to
    100 %) and the same history. One organisation's at a time."""
    organisation = _organisation(request)
    cost, shares = reporting_selectors.cost_key(organisation)
    if request.method == "POST":
        form = CostSettingsForm(request.POST)
        formset = FunderShareFormSet(request.POST, prefix="share")
        if form.is_valid() and formset.is_valid():
            rows = [
                reporting_services.ShareInput(
                    f["name"], f["share_percent"], f.get("administration")
                )
                for f in formset.cleaned_data
                if f and not f.get("DELETE")
            ]
            try:
                reporting_services.cost_key_update(
                    organisation=organisation,
                    hourly_cost=form.cleaned_data["hourly_cost"],
                    shares=rows,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The distribution key was saved."))
                return redirect(_back(organisation))
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
        "sysadmin/cost_key.html",
        {"form": form, "formset": formset, "organisation": organisation},
    )


# --- The money behind the funder report (issue 19) ---------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_administrator
def price_settings_edit(request):
    organisation = _organisation(request)
    cost, _shares = reporting_selectors.cost_key(organisation)
    initial = {name: getattr(cost, name) for name in reporting_services.PRICE_FIELDS}
    return _edit(
        request,
        forms.PriceSettingsForm(request.POST or None, initial=initial),
        lambda data: reporting_services.cost_settings_update(organisation=organisation, **data),
        saved=_("The agreed price and the valuation were saved."),
        heading=_("Agreed price and valuation of placements: %(organisation)s")
        % {"organisation": organisation.name},
        organisation=organisation,
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def price_index_edit(request, pk=None):
    entry = _get(PriceIndexYear, pk)
    initial = {"year": entry.year, "change_percent": entry.change_percent} if entry else None
    return _edit(
        request,
        forms.PriceIndexForm(request.POST or None, initial=initial),
        lambda data: reporting_services.price_index_save(entry=entry, **data),
        saved=_("The OPI figure was saved."),
        heading=_("Care price index (OPI)"),
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def contribution_edit(request, pk=None):
    contribution = _get(FunderContribution, pk)
    organisation = _organisation(request, contribution)
    if request.method == "POST" and contribution and request.POST.get("action") == "delete":
        reporting_services.funder_contribution_delete(contribution=contribution)
        messages.success(request, _("The contribution was removed."))
        return redirect(_back(organisation))
    initial = (
        {
            "year": contribution.year,
            "funder": contribution.funder,
            "administration": contribution.administration,
            "amount": contribution.amount,
        }
        if contribution
        else None
    )
    return _edit(
        request,
        forms.ContributionForm(request.POST or None, initial=initial),
        lambda data: reporting_services.funder_contribution_save(
            organisation=organisation, contribution=contribution, **data
        ),
        saved=_("The contribution was saved."),
        heading=_("Funder's contribution: %(organisation)s") % {"organisation": organisation.name},
        deletable=contribution is not None,
        organisation=organisation,
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def volume_target_edit(request, pk=None):
    target = _get(VolumeTarget, pk)
    organisation = _organisation(request, target)
    initial = (
        {"work": target.work, "target_value": target.target, "low": target.low} if target else None
    )
    return _edit(
        request,
        forms.VolumeTargetForm(request.POST or None, initial=initial),
        lambda data: reporting_services.volume_target_save(
            organisation=organisation, target=target, **data
        ),
        saved=_("The volume target was saved."),
        heading=_("Volume target: %(organisation)s") % {"organisation": organisation.name},
        organisation=organisation,
    )
