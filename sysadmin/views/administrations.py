"""Administrations (förvaltningar / huvudmän) and their kinds."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from familjelotsen import access, services
from familjelotsen.forms import submit
from familjelotsen.models import Administration
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
    initial = {"name": administration.name, "kind": administration.kind} if administration else None
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
