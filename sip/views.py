"""SIP pages. Thin: look up through familjelotsen.access (404 when not visible, 403 when not
writable), call a service or selector, render. Every page with personal data is logged."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familjelotsen import access
from familjelotsen.audit import Action, Basis, log_list, log_read
from familjelotsen.forms import add_service_errors
from familjelotsen.idempotency import idempotent_post
from familjelotsen.pdf import render_pdf
from sip import forms, selectors, services
from sip import models as sm

# Create forms carry a one-time token: a double click or a resent POST makes one record.
GET_POST = require_http_methods(["GET", "POST"])


def _warn(request, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def _family_for_team(request, family_id):
    """Writing a family's plans is for its case team (the team lead assigns, the team
    documents): 404 when not visible, 403 when visible but not on the team."""
    family = access.get_family_for_user(request, family_id)
    if family.access_basis != Basis.CASE_TEAM:
        raise PermissionDenied
    return family


def _plan_for_write(request, pk):
    return access.get_plan_for_user(request, pk, write=True)


def _form_page(request, plan, form, title, *, template="sip/form.html", **extra):
    return render(request, template, {"plan": plan, "form": form, "title": title, **extra})


# --- The family perspective and the plan -------------------------------------------------------


@require_GET
def family(request, family_id):
    family = access.get_family_for_user(request, family_id)
    data = selectors.family_perspective(request.user, family)
    log_read(request, family)
    log_list(user=request.user, objects=data["plans"], request=request)
    return render(
        request,
        "sip/family.html",
        {
            "family": family,
            "can_create": family.access_basis == Basis.CASE_TEAM,
            **data,
        },
    )


@GET_POST
@idempotent_post
def plan_create(request, family_id):
    family = _family_for_team(request, family_id)
    labels = selectors.member_labels(request.user, family.pk)
    form = forms.PlanForm(
        request.POST or None,
        family=family,
        labels=labels,
        initial={"need_noticed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            plan = services.plan_create(family=family, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The SIP draft was created."))
            return redirect("sip:plan_detail", plan.pk)
    return render(
        request,
        "sip/plan_form.html",
        {"family": family, "form": form, "title": _("New SIP")},
    )


def _detail_context(request, plan, transition_form=None) -> dict:
    detail = selectors.plan_detail(request.user, plan)
    can_write = access.can_write(request.user, plan)
    transitions = services.allowed_transitions(plan)
    return {
        "plan": plan,
        "detail": detail,
        "can_write": can_write,
        "transitions": [(s, sm.Plan.Status(s).label) for s in transitions],
        # The checklist of what the law asks for, shown while the plan is being prepared.
        "agreement_problems": (
            services.agreement_problems(plan)
            if can_write and plan.status in (sm.Plan.Status.DRAFT, sm.Plan.Status.PREPARED)
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
    log_read(request, plan)
    return render(request, "sip/plan_detail.html", context)


@GET_POST
def plan_edit(request, pk):
    plan = _plan_for_write(request, pk)
    labels = selectors.member_labels(request.user, plan.family_id)
    initial = {name: getattr(plan, name) for name in services.PLAN_EDITABLE}
    initial["version"] = plan.version
    form = forms.PlanForm(
        request.POST or None, family=plan.family, labels=labels, plan=plan, initial=initial
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            warnings = services.plan_update(
                plan=plan, expected_version=version, by=request.user, request=request, **data
            )
        except services.Conflict as exc:
            conflict = exc.current
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            _warn(request, warnings)
            messages.success(request, _("The plan was saved."))
            return redirect("sip:plan_detail", plan.pk)
    return render(
        request,
        "sip/plan_form.html",
        {
            "family": plan.family,
            "plan": plan,
            "form": form,
            "conflict": conflict,
            "title": _("Edit the SIP"),
        },
    )


@require_POST
def plan_transition(request, pk):
    plan = _plan_for_write(request, pk)
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        try:
            warnings = services.plan_transition(
                plan=plan,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"] or timezone.localdate(),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            _warn(request, warnings)
            messages.success(request, _("The status of the plan was changed."))
            return redirect("sip:plan_detail", plan.pk)
    plan = access.get_plan_for_user(request, pk)
    context = _detail_context(request, plan, transition_form=form)
    log_read(request, plan)
    return render(request, "sip/plan_detail.html", context, status=400)


@require_GET
def plan_pdf(request, pk):
    """The plan for the family and each participant, readable by a parent. Protected
    identity is masked in every export, whoever prints it."""
    plan = access.get_plan_for_user(request, pk)
    detail = selectors.plan_detail(request.user, plan, for_export=True)
    pdf = render_pdf(
        "sip/plan_pdf.html",
        {"plan": plan, "detail": detail, "printed_on": timezone.localdate()},
    )
    log_read(request, plan, Action.EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sip-{plan.pk}.pdf"'
    return response


# --- Parts of the plan ---------------------------------------------------------------------


@GET_POST
@idempotent_post
def participant_add(request, pk):
    plan = _plan_for_write(request, pk)
    labels = selectors.member_labels(request.user, plan.family_id)
    form = forms.ParticipantForm(request.POST or None, family=plan.family, labels=labels)
    if request.method == "POST" and form.is_valid():
        try:
            _participant, warnings = services.participant_add(
                plan=plan, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            _warn(request, warnings)
            return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Add a participant"))


@require_POST
def participant_remove(request, pk, participant_id):
    plan = _plan_for_write(request, pk)
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
    plan = _plan_for_write(request, pk)
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Add a need"))


@GET_POST
@idempotent_post
def intervention_add(request, pk):
    plan = _plan_for_write(request, pk)
    form = forms.InterventionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            _intervention, warnings = services.intervention_add(
                plan=plan, by=request.user, request=request, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            _warn(request, warnings)
            return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Add an intervention"))


@GET_POST
def intervention_edit(request, pk, intervention_id):
    plan = _plan_for_write(request, pk)
    intervention = plan.interventions.filter(pk=intervention_id).first()
    if intervention is None:
        raise Http404
    initial = {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS}
    initial["version"] = intervention.version
    form = forms.InterventionForm(request.POST or None, plan=plan, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            warnings = services.intervention_update(
                intervention=intervention,
                expected_version=version,
                by=request.user,
                request=request,
                **data,
            )
        except services.Conflict as exc:
            conflict = exc.current
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            _warn(request, warnings)
            return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Edit the intervention"), conflict=conflict)


@GET_POST
@idempotent_post
def measure_add(request, pk):
    plan = _plan_for_write(request, pk)
    form = forms.OtherMeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.other_measure_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Add a measure by another actor"))


@GET_POST
@idempotent_post
def meeting_add(request, pk):
    plan = _plan_for_write(request, pk)
    detail = selectors.plan_detail(request.user, plan)
    form = forms.MeetingForm(
        request.POST or None,
        plan=plan,
        participants=detail.participants,
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_record(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, plan, Action.CHANGE)
            return redirect("sip:plan_detail", plan.pk)
    return _form_page(request, plan, form, _("Record a meeting"))


@GET_POST
@idempotent_post
def follow_up_add(request, pk):
    plan = _plan_for_write(request, pk)
    interventions = plan.interventions.select_related("responsible_administration").order_by(
        "start_on", "id"
    )
    form = forms.FollowUpForm(
        request.POST or None,
        interventions=interventions,
        initial={"held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _follow_up, warnings = services.follow_up_record(
                plan=plan,
                by=request.user,
                held_on=data["held_on"],
                next_follow_up_on=data["next_follow_up_on"],
                summary=data["summary"],
                outcomes=form.outcomes(),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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
    plan = _plan_for_write(request, pk)
    form = forms.DistributionForm(request.POST or None, initial={"sent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.distribution_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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
