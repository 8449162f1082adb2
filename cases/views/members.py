"""The members of a family."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import forms, selectors, services
from cases.views.common import (
    CASE_ROLES,
    log_created,
    need_for,
)
from familjelotsen import access
from familjelotsen.audit import Action, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

# --- Members ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def member_create(request, pk):
    family = access.get_family_for_user(request, pk, need=access.DOCUMENT)
    choices = selectors.member_choices(request.user, family)
    form = forms.MemberForm(request.POST or None, family=family, custodian_choices=choices)
    done = submit(
        request, form, lambda data: services.member_create(family=family, by=request.user, **data)
    )
    if done.saved:
        log_created(request, done.result, family)
        messages.success(request, _("The member was added."))
        return redirect("cases:family_detail", pk=family.pk)
    return render(
        request, "cases/member_form.html", {"form": form, "family": family, "can": family.can}
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def member_edit(request, pk):
    """Everyone who sees the member reads the page; the case team edits (DOCUMENT)."""
    member = access.get_member_for_user(request, pk, need=need_for(request, write=access.DOCUMENT))
    family = member.family
    choices = selectors.member_choices(request.user, family)
    form = forms.MemberForm(
        request.POST or None,
        instance=member,
        family=family,
        custodian_choices=choices,
        initial={"version": member.version},
    )
    done = submit(
        request,
        form,
        lambda data: services.member_update(
            member=member,
            expected_version=form.cleaned_data["version"] or member.version,
            **data,
        ),
    )
    if done.saved:
        log_read(request, member, Action.CHANGE)
        messages.success(request, _("The member was saved."))
        return redirect("cases:family_detail", pk=family.pk)
    return render(
        request,
        "cases/member_form.html",
        {
            "form": form,
            "family": family,
            "member": member,
            "conflict": done.conflict,
            "can": member.can,
        },
    )
