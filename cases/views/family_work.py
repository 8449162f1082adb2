"""Booked visits, goals and follow-ups, KASAM scores, obstacles and time."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import forms, selectors, services, tasks
from cases import models as cm
from cases.views.common import (
    CASE_ROLES,
    log_created,
)
from familjelotsen import access
from familjelotsen.audit import Action, log_read
from familjelotsen.forms import add_service_errors
from familjelotsen.idempotency import idempotent_post

# --- Visits, goals, assessments, obstacles, time --------------------------------------------


def _family_subform(
    request, pk, form_class, template, save, *, need, needs_members=False, title=""
):
    """A form that adds a record to the family: GET shows it (and logs the read of the
    family, whose reference and members' names it shows), POST creates the record."""
    family = access.get_family_for_user(request, pk, need=need)
    kwargs = {"members": selectors.member_choices(request.user, family)} if needs_members else {}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(family, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_created(request, obj, family)
            messages.success(request, _("Saved."))
            return redirect("cases:family_detail", pk=family.pk)
    return render(
        request, template, {"form": form, "family": family, "title": title, "can": family.can}
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def visit_book(request, pk):
    return _family_subform(
        request,
        pk,
        forms.VisitForm,
        "reminders/visit_form.html",  # the SMS reminder options as a group
        lambda family, data: tasks.visit_book(family=family, by=request.user, **data),
        needs_members=True,  # who gets the SMS reminder
        need=access.OVERSEE,
        title=_("Book the next visit"),
    )


@require_POST
@access.require_roles(*CASE_ROLES)
def visit_cancel(request, pk):
    visit = cm.Visit.objects.filter(pk=pk).first()
    if visit is None:
        raise Http404
    family = access.get_family_for_user(request, visit.family_id, need=access.OVERSEE)
    services.visit_cancel(visit=visit)
    messages.success(request, _("The visit was cancelled."))
    return redirect("cases:family_detail", pk=family.pk)


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def goal_create(request, pk):
    return _family_subform(
        request,
        pk,
        forms.GoalForm,
        "cases/simple_form.html",
        lambda family, data: services.goal_create(family=family, by=request.user, **data),
        needs_members=True,
        need=access.DOCUMENT,
        title=_("New goal"),
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def goal_follow_up(request, pk):
    goal = access.get_goal_for_user(request, pk, need=access.DOCUMENT)
    form = forms.FollowUpForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_follow_up_add(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, goal, Action.CHANGE)
            messages.success(request, _("The follow-up was saved."))
            return redirect("cases:family_detail", pk=goal.family_id)
    return render(
        request,
        "cases/simple_form.html",
        {
            "form": form,
            "family": goal.family,
            "title": _("Follow up the goal"),
            "goal": goal,
            "can": goal.can,
        },
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def assessment_create(request, pk):
    return _family_subform(
        request,
        pk,
        forms.AssessmentForm,
        "cases/simple_form.html",
        lambda family, data: services.assessment_record(family=family, by=request.user, **data),
        needs_members=True,
        need=access.DOCUMENT,
        title=_("KASAM total score"),
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def obstacle_create(request, pk):
    return _family_subform(
        request,
        pk,
        forms.ObstacleForm,
        "cases/simple_form.html",
        lambda family, data: services.obstacle_report(family=family, by=request.user, **data),
        need=access.DOCUMENT,
        title=_("Report an obstacle"),
    )


@require_POST
@access.require_roles(*CASE_ROLES)
def obstacle_resolve(request, pk):
    obstacle = access.get_obstacle_for_user(request, pk, need=access.DOCUMENT)
    services.obstacle_resolve(obstacle=obstacle, on=timezone.localdate())
    messages.success(request, _("The obstacle was marked as resolved."))
    return redirect("cases:family_detail", pk=obstacle.family_id)


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def time_entry_add(request, pk):
    return _family_subform(
        request,
        pk,
        forms.TimeEntryForm,
        "cases/simple_form.html",
        lambda family, data: services.time_entry_add(family=family, by=request.user, **data),
        need=access.OVERSEE,
        title=_("Record time"),
    )
