"""The hand-over of a leaving ombud's families, by the team lead of their administration
(before the system administrator can deactivate or move the ombud)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cases import forms, selectors, services
from familjelotsen import access
from familjelotsen.audit import Action, log_list, log_read
from familjelotsen.forms import submit
from familjelotsen.models import User


@require_GET
@access.require_roles(*access.LEAD_ROLES)
def hand_over_list(request):
    """Who in the lead's administration holds families: pick whose to hand over."""
    return render(
        request,
        "cases/hand_over_list.html",
        {"sources": selectors.hand_over_sources(request.user)},
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*access.LEAD_ROLES)
def hand_over(request, pk):
    departing = get_object_or_404(User, pk=pk)
    if not access.may_hand_over(request.user, departing):
        raise access.NotForRole
    families = list(selectors.held_families(request.user, departing))
    form = forms.HandOverForm(request.POST or None, user=request.user, departing=departing)
    done = submit(
        request,
        form,
        lambda data: services.family_hand_over(
            by=request.user, from_ombud=departing, to_ombud=data["to_ombud"]
        ),
    )
    if done.saved:
        for family in families:
            log_read(request, family, Action.CHANGE)
        count = len(done.result)
        messages.success(
            request,
            ngettext(
                "%(count)s family was handed over to %(name)s.",
                "%(count)s families were handed over to %(name)s.",
                count,
            )
            % {"count": count, "name": form.cleaned_data["to_ombud"].get_full_name()},
        )
        return redirect("cases:hand_over_list")
    if request.method == "GET":
        log_list(user=request.user, objects=families, request=request)
    return render(
        request,
        "cases/hand_over.html",
        {"departing": departing, "families": families, "form": form},
    )
