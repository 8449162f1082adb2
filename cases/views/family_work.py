"""Goals and follow-ups, KASAM scores, obstacles and time (booked visits: `agenda.views`)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import forms, services
from cases.views.common import CASE_ROLES, family_subform
from familjelotsen import access
from familjelotsen.audit import Action, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

# --- Goals, assessments, obstacles, time --------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def goal_create(request, pk):
    return family_subform(
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
    done = submit(
        request, form, lambda data: services.goal_follow_up_add(goal=goal, by=request.user, **data)
    )
    if done.saved:
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
    return family_subform(
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
    return family_subform(
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
    return family_subform(
        request,
        pk,
        forms.TimeEntryForm,
        "cases/simple_form.html",
        lambda family, data: services.time_entry_add(family=family, by=request.user, **data),
        need=access.OVERSEE,
        title=_("Record time"),
    )
