"""SIP pages. Thin: look up through the access policy by need (404 when not visible, 403 when
short of the need), call a service or selector, render. Creating and editing plans and their
parts is the case team's (DOCUMENT); reading them is SEE; the administration responsible for
an intervention records its status and outcome (`access.intervention_writable`).

The lookup logs the record it found on a GET; views log the other records a page names, and
what they changed or exported."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.labels import family_members, labels_of, member_labels
from familjelotsen import access
from familjelotsen.audit import Action, log_list, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post
from familjelotsen.pdf import render_pdf
from sip import forms, selectors, services
from sip import models as sm

# Create forms carry a one-time token: a double click or a resent POST makes one record.
GET_POST = require_http_methods(["GET", "POST"])


def _warn(request, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def _plan_to_document(request, pk):
    """The plan, for writing it: the case team only."""
    return access.get_plan_for_user(request, pk, need=access.DOCUMENT)


def _log_shown(request, obj, others=()) -> None:
    """Log a page that shows `obj` and `others`: the lookup already logged `obj` on a GET;
    a form shown again after a POST logs it here. One row per record."""
    if request.method not in ("GET", "HEAD"):
        log_read(request, obj)
    log_list(user=request.user, objects=list(others), request=request)


def _form_page(request, plan, form, title, *, template="sip/form.html", **extra):
    return render(
        request,
        template,
        {"plan": plan, "form": form, "title": title, "can": plan.can, **extra},
    )


# --- The family perspective and the plan -------------------------------------------------------


@require_GET
def family(request, family_id):
    family = access.get_family_for_user(request, family_id)
    data = selectors.family_perspective(request.user, family)
    # The lookup logged the family; one INSERT for the plans shown.
    log_list(user=request.user, objects=data["plans"], request=request)
    return render(request, "sip/family.html", {"family": family, "can": family.can, **data})


@GET_POST
@idempotent_post
def plan_create(request, family_id):
    family = access.get_family_for_team(request, family_id)
    members = family_members(request.user, family.pk)
    labels = labels_of(members)
    form = forms.PlanForm(
        request.POST or None,
        family=family,
        labels=labels,
        initial={"need_noticed_on": timezone.localdate()},
    )
    done = submit(
        request, form, lambda data: services.plan_create(family=family, by=request.user, **data)
    )
    if done.saved:
        messages.success(request, _("The SIP draft was created."))
        return redirect("sip:plan_detail", done.result.pk)
    # The form names the family's members (whom the plan is for, whose consent).
    _log_shown(request, family, members)
    return render(
        request,
        "sip/plan_form.html",
        {"family": family, "form": form, "title": _("New SIP"), "can": family.can},
    )


def _detail_context(request, plan, transition_form=None) -> dict:
    detail = selectors.plan_detail(request.user, plan)
    can = plan.can
    for intervention in detail.interventions:
        intervention.reportable = plan.is_open and access.intervention_writable(
            request.user, plan, intervention
        )
    transitions = services.allowed_transitions(plan)
    return {
        "plan": plan,
        "detail": detail,
        "can": can,
        "intervention_actions": any(i.reportable for i in detail.interventions)
        or (can.document and plan.is_open),
        "transitions": [(s, sm.Plan.Status(s).label) for s in transitions],
        # The checklist of what the law asks for, shown while the plan is being prepared.
        "agreement_problems": (
            services.agreement_problems(plan)
            if can.document and plan.status in (sm.Plan.Status.DRAFT, sm.Plan.Status.PREPARED)
            else []
        ),
        "transition_form": transition_form
        or forms.TransitionForm(initial={"on": timezone.localdate()}),
        "today": timezone.localdate(),
    }


@require_GET
def plan_detail(request, pk):
    plan = access.get_plan_for_user(request, pk)
    context = _detail_context(request, plan)
    # The lookup logged the plan (and its person); family members taking part are named too.
    log_list(user=request.user, objects=context["detail"].named_members, request=request)
    return render(request, "sip/plan_detail.html", context)


@GET_POST
def plan_edit(request, pk):
    plan = _plan_to_document(request, pk)
    labels = member_labels(request.user, plan.family_id)
    initial = {name: getattr(plan, name) for name in services.PLAN_EDITABLE}
    initial["version"] = plan.version
    form = forms.PlanForm(
        request.POST or None, family=plan.family, labels=labels, plan=plan, initial=initial
    )
    done = submit(
        request,
        form,
        lambda data: services.plan_update(
            plan=plan,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            request=request,
            **data,
        ),
    )
    if done.saved:
        log_read(request, plan, Action.CHANGE)
        _warn(request, done.result)
        messages.success(request, _("The plan was saved."))
        return redirect("sip:plan_detail", plan.pk)
    # The edit form names the plan's person only (the consents are theirs): the plan's row.
    _log_shown(request, plan)
    return render(
        request,
        "sip/plan_form.html",
        {
            "family": plan.family,
            "plan": plan,
            "form": form,
            "conflict": done.conflict,
            "title": _("Edit the SIP"),
            "can": plan.can,
        },
    )


@require_POST
def plan_transition(request, pk):
    plan = _plan_to_document(request, pk)
    form = forms.TransitionForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.plan_transition(
            plan=plan,
            to_status=data["to_status"],
            by=request.user,
            reason=data["reason"],
            on=data["on"] or timezone.localdate(),
            request=request,
        ),
    )
    if done.saved:
        log_read(request, plan, Action.CHANGE)
        _warn(request, done.result)
        messages.success(request, _("The status of the plan was changed."))
        return redirect("sip:plan_detail", plan.pk)
    # The plan page again, with the reasons: a POST, so the lookup did not log the read.
    plan = access.get_plan_for_user(request, pk)
    context = _detail_context(request, plan, transition_form=form)
    _log_shown(request, plan, context["detail"].named_members)
    return render(request, "sip/plan_detail.html", context, status=400)


@require_GET
def plan_pdf(request, pk):
    """The plan for the family and each participant, readable by a parent. Protected
    identity is masked in every export, whoever prints it: the plan is handed to the family
    and copied to every participating organisation (SPEC §3.7, "never in exports")."""
    plan = access.get_plan_for_user(request, pk, log=False)
    detail = selectors.plan_detail(request.user, plan, for_export=True)
    pdf = render_pdf(
        "sip/plan_pdf.html",
        {"plan": plan, "detail": detail, "printed_on": timezone.localdate()},
    )
    log_read(request, plan, Action.EXPORT)
    for member in detail.named_members:
        log_read(request, member, Action.EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sip-{plan.pk}.pdf"'
    return response


# --- Parts of the plan ---------------------------------------------------------------------


@GET_POST
@idempotent_post
def participant_add(request, pk):
    plan = _plan_to_document(request, pk)
    members = family_members(request.user, plan.family_id)
    labels = labels_of(members)
    form = forms.ParticipantForm(request.POST or None, family=plan.family, labels=labels)
    done = submit(
        request,
        form,
        lambda data: services.participant_add(plan=plan, by=request.user, request=request, **data),
    )
    if done.saved:
        _participant, warnings = done.result
        log_read(request, plan, Action.CHANGE)
        _warn(request, warnings)
        return redirect("sip:plan_detail", plan.pk)
    # The form names the family's members (who may take part).
    _log_shown(request, plan, [m for m in members if m.pk != plan.member_id])
    return _form_page(request, plan, form, _("Add a participant"))


@require_POST
def participant_remove(request, pk, participant_id):
    plan = _plan_to_document(request, pk)
    participant = plan.participants.filter(pk=participant_id).first()
    if participant is None:
        raise Http404
    try:
        warnings = services.participant_remove(
            plan=plan, participant=participant, by=request.user, request=request
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        log_read(request, plan, Action.CHANGE)
        _warn(request, warnings)
    return redirect("sip:plan_detail", plan.pk)


@GET_POST
@idempotent_post
def need_add(request, pk):
    plan = _plan_to_document(request, pk)
    form = forms.NeedForm(request.POST or None)
    if submit(
        request, form, lambda data: services.need_add(plan=plan, by=request.user, **data)
    ).saved:
        log_read(request, plan, Action.CHANGE)
        return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Add a need"))


@GET_POST
@idempotent_post
def intervention_add(request, pk):
    plan = _plan_to_document(request, pk)
    form = forms.InterventionForm(request.POST or None, plan=plan)
    done = submit(
        request,
        form,
        lambda data: services.intervention_add(plan=plan, by=request.user, request=request, **data),
    )
    if done.saved:
        _intervention, warnings = done.result
        log_read(request, plan, Action.CHANGE)
        _warn(request, warnings)
        return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Add an intervention"))


@GET_POST
def intervention_edit(request, pk, intervention_id):
    plan = _plan_to_document(request, pk)
    intervention = plan.interventions.filter(pk=intervention_id).first()
    if intervention is None:
        raise Http404
    initial = {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS}
    initial["version"] = intervention.version
    form = forms.InterventionForm(request.POST or None, plan=plan, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.intervention_update(
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            request=request,
            **data,
        ),
    )
    if done.saved:
        log_read(request, plan, Action.CHANGE)
        _warn(request, done.result)
        return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Edit the intervention"), conflict=done.conflict)


@GET_POST
def intervention_report(request, pk, intervention_id):
    """The administration responsible for an intervention records how it stands and its
    outcome at the latest follow-up (SPEC §1); the case team may too. 404 when the plan is
    not visible or the intervention not in it, 403 when the user may not record it."""
    plan = access.get_plan_for_user(request, pk)
    intervention = (
        plan.interventions.select_related("responsible_administration")
        .filter(pk=intervention_id)
        .first()
    )
    if intervention is None:
        raise Http404
    if not access.intervention_writable(request.user, plan, intervention):
        raise PermissionDenied
    if not plan.is_open:
        messages.info(request, _("The plan is closed and can no longer be changed."))
        return redirect("sip:plan_detail", plan.pk)
    latest = plan.follow_ups.order_by("-held_on", "-id").first()
    recorded = latest.outcomes.filter(intervention=intervention).first() if latest else None
    initial = {name: getattr(intervention, name) for name in services.INTERVENTION_STATUS_FIELDS}
    initial["version"] = intervention.version
    if recorded is not None:
        initial.update(outcome=recorded.outcome, continues=recorded.continues, note=recorded.note)
    form = forms.InterventionReportForm(request.POST or None, follow_up=latest, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.intervention_report(
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            by=request.user,
            **data,
        ),
    )
    if done.saved:
        # Logged with the basis the policy found (a share, and the consent behind it).
        log_read(request, plan, Action.CHANGE)
        messages.success(request, _("The intervention was updated."))
        return redirect("sip:plan_detail", plan.pk)
    _log_shown(request, plan)
    return _form_page(
        request,
        plan,
        form,
        _("Record how the intervention stands: %(what)s") % {"what": intervention.description},
        conflict=done.conflict,
    )


@GET_POST
@idempotent_post
def measure_add(request, pk):
    plan = _plan_to_document(request, pk)
    form = forms.OtherMeasureForm(request.POST or None)
    if submit(
        request, form, lambda data: services.other_measure_add(plan=plan, by=request.user, **data)
    ).saved:
        log_read(request, plan, Action.CHANGE)
        return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Add a measure by another actor"))


@GET_POST
@idempotent_post
def meeting_add(request, pk):
    plan = _plan_to_document(request, pk)
    detail = selectors.plan_detail(request.user, plan)
    form = forms.MeetingForm(
        request.POST or None,
        plan=plan,
        participants=detail.participants,
        initial={"held_on": timezone.localdate()},
    )
    if submit(
        request, form, lambda data: services.meeting_record(plan=plan, by=request.user, **data)
    ).saved:
        log_read(request, plan, Action.CHANGE)
        return redirect("sip:plan_detail", plan.pk)
    # The form names the participants, family members among them.
    _log_shown(request, plan, detail.named_members)
    return _form_page(request, plan, form, _("Record a meeting"))


@GET_POST
@idempotent_post
def follow_up_add(request, pk):
    plan = _plan_to_document(request, pk)
    interventions = plan.interventions.select_related("responsible_administration").order_by(
        "start_on", "id"
    )
    form = forms.FollowUpForm(
        request.POST or None,
        interventions=interventions,
        initial={"held_on": timezone.localdate()},
    )
    done = submit(
        request,
        form,
        lambda data: services.follow_up_record(
            plan=plan,
            by=request.user,
            held_on=data["held_on"],
            next_follow_up_on=data["next_follow_up_on"],
            summary=data["summary"],
            outcomes=form.outcomes(),
            request=request,
        ),
    )
    if done.saved:
        _follow_up, warnings = done.result
        log_read(request, plan, Action.CHANGE)
        _warn(request, warnings)
        messages.success(request, _("The follow-up was recorded."))
        return redirect("sip:plan_detail", plan.pk)
    return _form_page(
        request, plan, form, _("Record a follow-up"), template="sip/follow_up_form.html"
    )


@GET_POST
@idempotent_post
def distribution_add(request, pk):
    plan = _plan_to_document(request, pk)
    form = forms.DistributionForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    if submit(
        request, form, lambda data: services.distribution_add(plan=plan, by=request.user, **data)
    ).saved:
        log_read(request, plan, Action.CHANGE)
        return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Record who received the plan"))


# --- The coordinator's view ---------------------------------------------------------------------


@require_GET
@access.require_roles(*access.CASE_ROLES)
def my_interventions(request):
    rows = selectors.interventions_for_user(request.user)
    log_list(user=request.user, objects={i.plan for i in rows}, request=request)
    return render(request, "sip/my_interventions.html", {"my_interventions": rows})
