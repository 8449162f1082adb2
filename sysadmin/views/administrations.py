"""Organisations (municipalities and regions) and their administrations (förvaltningar)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from familjelotsen import access, services, sso
from familjelotsen.forms import submit
from familjelotsen.models import Administration, IdentityProvider, Organisation
from sysadmin import forms, selectors


@require_GET
@access.require_administrator
def administration_list(request):
    return render(
        request,
        "sysadmin/administrations.html",
        {"administrations": selectors.administration_list()},
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def administration_edit(request, pk=None):
    administration = None
    if pk is not None:
        try:
            administration = Administration.objects.get(pk=pk)
        except Administration.DoesNotExist:
            raise Http404 from None
    initial = (
        {
            "name": administration.name,
            "kind": administration.kind,
            "organisation": administration.organisation_id,
        }
        if administration
        else None
    )
    form = forms.AdministrationForm(request.POST or None, initial=initial)

    def save(data):
        if administration is None:
            return services.administration_create(**data)
        services.administration_update(administration=administration, **data)
        return administration

    done = submit(request, form, save)
    if done.saved:
        messages.success(request, _("The administration was saved."))
        return redirect("sysadmin:administrations")
    return render(
        request,
        "sysadmin/administration_form.html",
        {"administration": administration, "form": form},
    )


@require_GET
@access.require_administrator
def organisation_list(request):
    return render(
        request,
        "sysadmin/organisations.html",
        {"organisations": selectors.organisation_list()},
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def organisation_edit(request, pk=None):
    organisation = None
    if pk is not None:
        try:
            organisation = Organisation.objects.get(pk=pk)
        except Organisation.DoesNotExist:
            raise Http404 from None
    initial = (
        {"name": organisation.name, "kind": organisation.kind, "code": organisation.code}
        if organisation
        else None
    )
    form = forms.OrganisationForm(
        request.POST or None, initial=initial, fixed_code=organisation is not None
    )

    def save(data):
        if organisation is None:
            return services.organisation_create(**data)
        services.organisation_update(
            organisation=organisation, name=data["name"], kind=data["kind"]
        )
        return organisation

    done = submit(request, form, save)
    if done.saved:
        messages.success(request, _("The municipality or region was saved."))
        return redirect("sysadmin:organisations")
    return render(
        request,
        "sysadmin/organisation_form.html",
        {"organisation": organisation, "form": form},
    )


@require_http_methods(["GET", "POST"])
@access.require_administrator
def identity_provider_edit(request, pk):
    """The organisation's login service (single sign-on): where it is, the client, and which
    claims give role and administration and count as strong authentication."""
    try:
        organisation = Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist:
        raise Http404 from None
    idp = IdentityProvider.objects.filter(organisation=organisation).first()
    form = forms.IdentityProviderForm(
        request.POST or None, initial=forms.IdentityProviderForm.initial_for(idp)
    )
    done = submit(
        request,
        form,
        lambda data: services.identity_provider_save(organisation=organisation, **data),
    )
    if done.saved:
        messages.success(request, _("The login service was saved."))
        return redirect("sysadmin:organisations")
    return render(
        request,
        "sysadmin/identity_provider_form.html",
        {
            "organisation": organisation,
            "form": form,
            "idp": idp,
            "addresses": sso.service_addresses(request, idp) if idp else {},
        },
    )
