"""Pupil support and the pupil page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import models as cm
from cases import pupil_forms as forms
from cases import services
from cases.views.common import (
    CASE_ROLES,
    log_created,
    need_for,
    share_options,
)
from familjelotsen import access, slots
from familjelotsen.audit import Action, log_list, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

# --- Pupil support ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def pupil_support_create(request, pk):
    member = access.get_member_for_user(request, pk, need=access.DOCUMENT)
    existing = cm.PupilSupport.objects.filter(member=member).only("pk").first()
    if existing is not None:
        return redirect("cases:pupil_detail", pk=existing.pk)
    form = forms.PupilSupportCreateForm(
        request.POST or None, initial={"school": member.school, "grade": member.grade}
    )
    # Which school administration owns the record is the service's to decide (the one chosen,
    # else the family's municipality's only one); an ambiguous choice lands on the field.
    done = submit(
        request,
        form,
        lambda data: services.pupil_support_save(member=member, by=request.user, **data),
    )
    if done.saved:
        log_created(request, done.result, member)
        messages.success(request, _("Pupil support was saved."))
        return redirect("cases:family_detail", pk=member.family_id)
    return render(
        request,
        "cases/simple_form.html",
        {"form": form, "family": member.family, "title": _("Pupil support"), "can": member.can},
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def pupil_detail(request, pk):
    """Everyone who sees the pupil support reads it; the case team and a school it is shared
    with for change record support and reviews (CHANGE)."""
    support = access.get_pupil_support_for_user(request, pk, need=need_for(request))
    can = support.can
    member = access.visible_members(request.user).filter(pk=support.member_id).first()
    form = forms.PupilSupportForm(
        request.POST if "save_support" in request.POST else None,
        instance=support,
        initial={"version": support.version},
    )
    review_form = forms.PupilReviewForm(
        request.POST if "add_review" in request.POST else None,
        initial={"reviewed_on": timezone.localdate()},
    )
    # Two forms on one page: only the one that was sent is bound, so only it is handled.
    saved = submit(
        request,
        form,
        lambda data: services.pupil_support_save(
            member=support.member,
            by=request.user,
            support=support,
            expected_version=form.cleaned_data["version"] or support.version,
            **data,
        ),
    )
    if saved.saved:
        log_read(request, support, Action.CHANGE)
        messages.success(request, _("Pupil support was saved."))
        return redirect("cases:pupil_detail", pk=support.pk)
    reviewed = submit(
        request,
        review_form,
        lambda data: services.pupil_health_review_add(support=support, by=request.user, **data),
    )
    if reviewed.saved:
        log_read(request, support, Action.CHANGE)
        messages.success(request, _("The pupil-health-team review was recorded."))
        return redirect("cases:pupil_detail", pk=support.pk)
    # The SIP interventions for the pupil that the user may see; the plans shown are logged.
    pupil_parts, shown = slots.gather(slots.PUPIL_PAGE, request.user, support.member_id)
    log_list(user=request.user, objects=shown, request=request)
    # Back to where the user came from: the list of pupils shared with their administration,
    # or the family page of those who hold the case.
    back_url = (
        reverse("cases:pupils")
        if can.shared
        else reverse("cases:family_detail", args=[support.family_id])
    )
    return render(
        request,
        "cases/pupil_detail.html",
        {
            "support": support,
            "member": member,
            "form": form,
            "review_form": review_form,
            "can": can,
            "back_url": back_url,
            "conflict": saved.conflict,
            "reviews": support.reviews.select_related("recorded_by"),
            "interventions": pupil_parts.get("interventions", []),
            "share_options": share_options(request.user, support) if can.document else None,
        },
    )
