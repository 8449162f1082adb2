"""Pages of consultations: the team records and reads them (`access.require_outreach`); every
read of a record (the asking professional's name) is logged. Thin: ask the access policy,
call a selector or the service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from consultations import forms, selectors, services
from familjelotsen import access
from familjelotsen.audit import Action, log_access, log_list
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post
from familjelotsen.paging import page_of


@require_GET
def consultation_list(request):
    access.require_outreach(request)
    page = page_of(selectors.consultation_list(request.user), request.GET)
    log_list(user=request.user, objects=page.items, request=request)
    return render(request, "consultations/list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@idempotent_post
def consultation_new(request):
    access.require_outreach(request)
    form = forms.ConsultationForm(request.POST or None, initial={"held_on": timezone.localdate()})
    done = submit(
        request,
        form,
        lambda data: services.consultation_create(by=request.user, **data),
    )
    if done.saved:
        log_access(
            user=request.user,
            action=Action.CREATE,
            obj=done.result,
            basis=access.visible_consultations(request.user).get(pk=done.result.pk).access_basis,
            request=request,
        )
        messages.success(request, _("The consultation was saved."))
        return redirect("consultations:list")
    return render(request, "consultations/form.html", {"form": form})


@require_GET
def consultation_detail(request, pk):
    consultation = access.get_consultation_for_user(request, pk)
    return render(request, "consultations/detail.html", {"consultation": consultation})
