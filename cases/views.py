"""Cases pages. Thin: look up through familjelotsen.access with the need the page has (404
not visible, 403 short of the need), call a service or selector, render. Templates read the
record's permissions (`can`), never a role or an access basis.

Every page with personal data is logged: a GET lookup through `access.get_for_user` writes
the one access-log row of the read itself (with the basis the policy found); POSTs log what
they did, with the basis of the record they were reached through."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import forms, selectors, services, tasks
from cases import models as cm
from familjelotsen import access, slots
from familjelotsen.audit import Action, log_access, log_list, log_read
from familjelotsen.forms import add_service_errors
from familjelotsen.idempotency import idempotent_post
from familjelotsen.models import Administration, User

CASE_ROLES = access.CASE_ROLES
# Role gates of home pages only (who registers requests, whose lists these are), named by the
# policy; what a user may do with a family is asked of the access policy.
REGISTERS_REQUESTS = access.REQUEST_ROLES
FAMILY_LIST_ROLES = access.FAMILY_LIST_ROLES
PUPIL_LIST_ROLES = access.PUPIL_LIST_ROLES


def _need(request, read=access.SEE, write=access.CHANGE):
    """A page that shows a record on GET and changes it on POST."""
    return read if request.method in ("GET", "HEAD") else write


def _log_created(request, obj, via) -> None:
    """A record made through `via` (the family, member or entry looked up with the policy):
    logged with the basis the policy found for `via`."""
    log_access(
        user=request.user,
        action=Action.CREATE,
        obj=obj,
        basis=via.can.basis,
        consent_id=via.can.consent_id,
        request=request,
    )


def _share_options(user, obj) -> list[dict] | None:
    """The share buttons of a record (provided by the consent app), for the case team."""
    return slots.gather(slots.RECORD_SHARING, user, obj)[0].get("share_options")


# --- Lists ---------------------------------------------------------------------------------


@require_GET
@access.require_roles(*FAMILY_LIST_ROLES)
def my_families(request):
    form = forms.FamilyFilterForm(request.GET or None, initial={"status": "open"})
    status, q = "open", ""
    if form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    mine_only = selectors.caseload_only(request.user)
    families = list(
        selectors.family_list(request.user, status=status, q=q, mine_only=mine_only)[:200]
    )
    log_list(user=request.user, objects=families, request=request)
    context = {
        "families": families,
        "form": form,
        # "My families" (the user's own caseload) or every family the user sees.
        "mine_only": mine_only,
        "registers_requests": access.in_role_gate(request.user, REGISTERS_REQUESTS),
    }
    extra, shown = slots.gather(slots.FAMILY_LIST, request.user)
    context.update(extra)
    log_list(user=request.user, objects=shown, request=request)
    template = "cases/my_families.html"
    if request.htmx:
        template += "#family-table"
    return render(request, template, context)


@require_GET
@access.require_roles(*access.LEAD_ROLES)
def waiting_list(request):
    families = list(selectors.waiting_list(request.user))
    log_list(user=request.user, objects=families, request=request)
    return render(
        request,
        "cases/waiting_list.html",
        {
            "families": families,
            "caseloads": selectors.caseloads(request.user),
            "assign_form": forms.AssignOmbudForm(user=request.user),
        },
    )


@require_POST
@access.require_roles(*access.LEAD_ROLES)
def assign_ombud(request, pk):
    """The team lead (or the case team) assigns the responsible ombud: a change of the
    family itself (CHANGE). An ombud of another administration is refused by the access
    module with a message that explains consent and sharing."""
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.AssignOmbudForm(request.POST, user=request.user, family=family)
    if form.is_valid():
        try:
            services.family_assign_ombud(
                family=family, ombud=form.cleaned_data["ombud"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        else:
            log_read(request, family, Action.CHANGE)
            messages.success(
                request,
                _("%(ref)s was assigned to %(name)s.")
                % {"ref": family.reference, "name": form.cleaned_data["ombud"].get_full_name()},
            )
    else:
        messages.error(request, _("Choose a family ombud."))
    return redirect("cases:waiting_list")


@require_GET
@access.require_roles(*PUPIL_LIST_ROLES)
def pupils(request):
    rows = list(selectors.pupils(request.user))
    log_list(user=request.user, objects=rows, request=request)
    context = {"pupils": rows}
    extra, shown = slots.gather(slots.WORK_LISTS, request.user)
    context.update(extra)
    log_list(user=request.user, objects=shown, request=request)
    return render(request, "cases/pupils.html", context)


@require_GET
@access.require_roles(*CASE_ROLES)
def shared(request):
    families = list(selectors.shared_families(request.user))
    log_list(user=request.user, objects=families, request=request)
    context = {"families": families}
    extra, shown = slots.gather(slots.WORK_LISTS, request.user)
    context.update(extra)
    log_list(user=request.user, objects=shown, request=request)
    return render(request, "cases/shared.html", context)


# --- Family ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*REGISTERS_REQUESTS)
@idempotent_post
def family_create(request):
    form = forms.FamilyRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            family = services.family_create_from_request(
                by=request.user,
                requesting_administration=data["requesting_administration"],
                requesting_contact=data["requesting_contact"],
                request_date=data["request_date"],
                priority=data["priority"],
                background=data["background"],
                placements_at_risk_at_start=data["placements_at_risk_at_start"],
                eligibility=forms.eligibility_answers(data),
                responsible_ombud=data["responsible_ombud"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The request %(ref)s was registered.") % {"ref": family.reference}
            )
            return redirect("cases:family_detail", pk=family.pk)
    return render(request, "cases/family_form.html", {"form": form, "creating": True})


@require_GET
@access.require_roles(*CASE_ROLES)
def family_detail(request, pk):
    family = access.get_family_for_user(request, pk)  # logs the read
    context = {
        "family": family,
        **selectors.family_detail(request.user, family, journal_page=request.GET.get("sida", 1)),
    }
    panels, shown = slots.gather(slots.FAMILY_PAGE, request.user, family)
    context.update(panels)
    if family.can.change:
        context["transition_form"] = forms.TransitionForm(
            allowed=services.allowed_transitions(family)
        )
        context["mandatory_missing"] = (
            [cm.Eligibility.Criterion(c).label for c in services.mandatory_criteria_missing(family)]
            if family.status == cm.Family.Status.REQUEST
            else []
        )
    # The panels of the apps above (consent, SIP, network) show their records: one row each.
    log_list(user=request.user, objects=shown, request=request)
    if request.htmx and request.GET.get("sida"):
        return render(request, "cases/family_detail.html#journal", context)
    return render(request, "cases/family_detail.html", context)


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def family_edit(request, pk):
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.FamilyEditForm(
        request.POST or None, instance=family, initial={"version": family.version}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.family_update(
                family=family, expected_version=form.cleaned_data["version"], **fields
            )
        except services.Conflict as exc:
            conflict = exc.current
            form.add_error(None, str(exc))
        else:
            log_read(request, family, Action.CHANGE)
            messages.success(request, _("The family was saved."))
            return redirect("cases:family_detail", pk=family.pk)
    return render(
        request,
        "cases/family_edit.html",
        {"form": form, "family": family, "conflict": conflict, "can": family.can},
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def eligibility_edit(request, pk):
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.EligibilityForm(request.POST or None, family=family)
    if request.method == "POST" and form.is_valid():
        services.family_set_eligibility(
            family=family, answers=forms.eligibility_answers(form.cleaned_data)
        )
        log_read(request, family, Action.CHANGE)
        messages.success(request, _("The eligibility checklist was saved."))
        return redirect("cases:family_detail", pk=family.pk)
    return render(
        request,
        "cases/eligibility_form.html",
        {"form": form, "family": family, "can": family.can},
    )


@require_POST
@access.require_roles(*CASE_ROLES)
def family_transition(request, pk):
    family = access.get_family_for_user(request, pk, need=access.CHANGE)
    form = forms.TransitionForm(request.POST, allowed=list(cm.Family.Status.values))
    if form.is_valid():
        try:
            services.family_transition(
                family=family,
                to_status=form.cleaned_data["to_status"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            return render(
                request,
                "cases/transition_refused.html",
                {"family": family, "errors": exc.messages, "form": form},
                status=400,
            )
        log_read(request, family, Action.CHANGE)
        messages.success(request, _("The status was changed."))
    return redirect("cases:family_detail", pk=family.pk)


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def team_edit(request, pk):
    """The case team: run by those who run the case (OVERSEE). Only staff of the owning
    administration can join; the access module says why anyone else cannot."""
    family = access.get_family_for_user(request, pk, need=access.OVERSEE)
    form = forms.TeamAddForm(request.POST or None, family=family)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            user = User.objects.filter(pk=remove).first() if remove.isdigit() else None
            if user is None:
                return HttpResponseBadRequest()
            try:
                access.team_remove(family=family, user=user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            return redirect("cases:team_edit", pk=family.pk)
        if form.is_valid():
            try:
                access.team_add(
                    family=family, user=form.cleaned_data["user"], added_by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Added to the case team."))
                return redirect("cases:team_edit", pk=family.pk)
    team = cm.CaseTeamMember.objects.filter(family=family).select_related(
        "user", "user__administration", "added_by"
    )
    return render(
        request,
        "cases/team.html",
        {"family": family, "team": team, "form": form, "can": family.can},
    )


# --- Members ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def member_create(request, pk):
    family = access.get_family_for_user(request, pk, need=access.DOCUMENT)
    choices = selectors.member_choices(request.user, family)
    form = forms.MemberForm(request.POST or None, family=family, custodian_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "custodians")}
        try:
            member = services.member_create(
                family=family, by=request.user, custodians=form.cleaned_data["custodians"], **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _log_created(request, member, family)
            messages.success(request, _("The member was added."))
            return redirect("cases:family_detail", pk=family.pk)
    return render(
        request, "cases/member_form.html", {"form": form, "family": family, "can": family.can}
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def member_edit(request, pk):
    """Everyone who sees the member reads the page; the case team edits (DOCUMENT)."""
    member = access.get_member_for_user(request, pk, need=_need(request, write=access.DOCUMENT))
    family = member.family
    choices = selectors.member_choices(request.user, family)
    form = forms.MemberForm(
        request.POST or None,
        instance=member,
        family=family,
        custodian_choices=choices,
        initial={"version": member.version},
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "custodians")}
        try:
            services.member_update(
                member=member,
                expected_version=form.cleaned_data["version"] or member.version,
                custodians=form.cleaned_data["custodians"],
                **data,
            )
        except services.Conflict as exc:
            conflict = exc.current
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
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
            "conflict": conflict,
            "can": member.can,
        },
    )


# --- Journal ---------------------------------------------------------------------------------


def _journal_form(request, family, entry=None, data=None):
    members = selectors.member_choices(request.user, family)
    initial = {"version": entry.version} if entry else {}
    if entry is None:
        initial["concerns"] = [m.pk for m in members if m.is_child]
    return forms.JournalEntryForm(data, instance=entry, members=members, initial=initial)


def _draft_key(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get("draft_key", ""))
    except ValueError:
        return None


def _save_journal(request, family, form, entry=None):
    data = {
        k: v
        for k, v in form.cleaned_data.items()
        if k not in ("version", "concerns", "participants")
    }
    return services.journal_entry_save_draft(
        draft_key=_draft_key(request) if entry is None else None,
        family=family,
        by=request.user,
        entry=entry,
        expected_version=form.cleaned_data.get("version") if entry else None,
        concerns=form.cleaned_data["concerns"],
        participants=form.cleaned_data["participants"],
        **data,
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def journal_new(request, pk):
    family = access.get_family_for_user(request, pk, need=access.DOCUMENT)
    entry_id = request.POST.get("entry_id", "")
    if request.method == "POST" and entry_id.isdigit():
        # The draft already reached the server (autosave): this save edits it.
        return journal_edit(request, pk=int(entry_id))
    form = _journal_form(request, family, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = _save_journal(request, family, form)
            if "sign" in request.POST:
                services.journal_entry_sign(entry=entry, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _log_created(request, entry, family)
            messages.success(
                request,
                _("The entry was signed.") if entry.is_signed else _("The draft was saved."),
            )
            return redirect("cases:journal_edit", pk=entry.pk)
    return render(
        request,
        "cases/journal_form.html",
        {
            "form": form,
            "family": family,
            "entry": None,
            "can": family.can,
            "new_draft_key": _draft_key(request) or uuid.uuid4(),
        },
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def journal_edit(request, pk):
    """Everyone who sees the entry reads it; the case team writes its draft (DOCUMENT)."""
    entry = access.get_journal_entry_for_user(
        request, pk, need=_need(request, write=access.DOCUMENT)
    )
    family = entry.family
    can = entry.can
    if request.method == "POST" and entry.is_signed:
        raise PermissionDenied
    if entry.is_signed or not can.document:
        members = selectors.member_choices(request.user, family)
        context = {
            "entry": entry,
            "family": family,
            "can": can,
            "concerns": entry.concerns.filter(pk__in=members.values("pk")),
            "addenda": entry.addenda.select_related("author").order_by("signed_at"),
            "objections": entry.objections.select_related("member", "recorded_by"),
            "addendum_form": forms.AddendumForm(),
            "objection_form": forms.ObjectionForm(members=members),
        }
        if can.document and entry.is_signed:
            context["share_options"] = _share_options(request.user, entry)
        return render(request, "cases/journal_detail.html", context)
    form = _journal_form(request, family, entry=entry, data=request.POST or None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            entry = _save_journal(request, family, form, entry=entry)
            if "sign" in request.POST:
                services.journal_entry_sign(entry=entry, by=request.user)
        except services.Conflict as exc:
            conflict = exc.current
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, entry, Action.CHANGE)
            messages.success(
                request,
                _("The entry was signed.") if entry.is_signed else _("The draft was saved."),
            )
            return redirect("cases:journal_edit", pk=entry.pk)
    return render(
        request,
        "cases/journal_form.html",
        {"form": form, "family": family, "entry": entry, "conflict": conflict, "can": can},
    )


@require_POST
@access.require_roles(*CASE_ROLES)
def journal_autosave(request, pk):
    """The draft autosave endpoint (JSON). Creates the draft on first save."""
    family = access.get_family_for_user(request, pk, need=access.DOCUMENT)
    entry_id = request.POST.get("entry_id", "")
    entry = None
    if entry_id:
        if not entry_id.isdigit():
            return JsonResponse({"error": _("Unknown entry.")}, status=400)
        entry = access.get_journal_entry_for_user(request, int(entry_id), need=access.DOCUMENT)
        if entry.family_id != family.pk:
            raise PermissionDenied
        if entry.is_signed:
            return JsonResponse({"error": _("The entry is signed.")}, status=409)
    form = _journal_form(request, family, entry=entry, data=request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=422)
    try:
        entry_saved = _save_journal(request, family, form, entry=entry)
    except services.Conflict:
        return JsonResponse(
            {"error": _("Someone else saved this record while you were editing it.")}, status=409
        )
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=422)
    if entry is None:
        _log_created(request, entry_saved, family)
    return JsonResponse(
        {
            "entry_id": entry_saved.pk,
            "version": entry_saved.version,
            "saved_at": timezone.localtime().strftime("%H:%M:%S"),
            "edit_url": reverse("cases:journal_edit", args=[entry_saved.pk]),
        }
    )


@require_POST
@access.require_roles(*CASE_ROLES)
def journal_sign(request, pk):
    entry = access.get_journal_entry_for_user(request, pk, need=access.DOCUMENT)
    try:
        services.journal_entry_sign(entry=entry, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        log_read(request, entry, Action.CHANGE)
        messages.success(request, _("The entry was signed."))
    return redirect("cases:journal_edit", pk=entry.pk)


@require_POST
@access.require_roles(*CASE_ROLES)
@idempotent_post
def journal_addendum(request, pk):
    entry = access.get_journal_entry_for_user(request, pk, need=access.DOCUMENT)
    form = forms.AddendumForm(request.POST)
    if form.is_valid():
        try:
            addendum = services.journal_entry_addendum(
                original=entry, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            _log_created(request, addendum, entry)
            messages.success(request, _("The addendum was signed."))
    else:
        messages.error(request, _("Write the correction."))
    return redirect("cases:journal_edit", pk=entry.pk)


@require_POST
@access.require_roles(*CASE_ROLES)
@idempotent_post
def journal_objection(request, pk):
    entry = access.get_journal_entry_for_user(request, pk, need=access.DOCUMENT)
    form = forms.ObjectionForm(
        request.POST, members=selectors.member_choices(request.user, entry.family)
    )
    if form.is_valid():
        services.journal_objection_record(entry=entry, by=request.user, **form.cleaned_data)
        log_read(request, entry, Action.CHANGE)
        messages.success(request, _("The objection was recorded beside the entry."))
    else:
        messages.error(request, _("Choose the person and write what they consider incorrect."))
    return redirect("cases:journal_edit", pk=entry.pk)


@require_POST
@access.require_roles(*CASE_ROLES)
def journal_discard(request, pk):
    entry = access.get_journal_entry_for_user(request, pk, need=access.DOCUMENT)
    if entry.is_signed:
        raise PermissionDenied
    family_id = entry.family_id
    services.journal_entry_discard_draft(entry=entry)
    messages.success(request, _("The draft was removed."))
    return redirect("cases:family_detail", pk=family_id)


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
            _log_created(request, obj, family)
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


# --- Pupil support ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def pupil_support_create(request, pk):
    member = access.get_member_for_user(request, pk, need=access.DOCUMENT)
    existing = cm.PupilSupport.objects.filter(member=member).only("pk").first()
    if existing is not None:
        return redirect("cases:pupil_detail", pk=existing.pk)
    school = Administration.objects.filter(kind=Administration.Kind.SCHOOL).order_by("pk").first()
    form = forms.PupilSupportForm(
        request.POST or None, initial={"school": member.school, "grade": member.grade}
    )
    if school is None:
        form.add_error(None, _("No school administration is registered."))
    elif request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            support = services.pupil_support_save(
                member=member, by=request.user, school_administration=school, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _log_created(request, support, member)
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
    support = access.get_pupil_support_for_user(request, pk, need=_need(request))
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
    conflict = None
    if request.method == "POST" and "save_support" in request.POST and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.pupil_support_save(
                member=support.member,
                by=request.user,
                school_administration=support.owner,
                support=support,
                expected_version=form.cleaned_data["version"] or support.version,
                **data,
            )
        except services.Conflict as exc:
            conflict = exc.current
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, support, Action.CHANGE)
            messages.success(request, _("Pupil support was saved."))
            return redirect("cases:pupil_detail", pk=support.pk)
    if request.method == "POST" and "add_review" in request.POST and review_form.is_valid():
        try:
            services.pupil_health_review_add(
                support=support, by=request.user, **review_form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(review_form, exc)
        else:
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
            "conflict": conflict,
            "reviews": support.reviews.select_related("recorded_by"),
            "interventions": pupil_parts.get("interventions", []),
            "share_options": _share_options(request.user, support) if can.document else None,
        },
    )


# --- Reports of concern ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
@idempotent_post
def concern_report_new(request, pk):
    """Anyone who sees the child may report: no consent check (the duty overrides secrecy)."""
    child = access.get_member_for_user(request, pk)
    if not child.is_child:
        raise Http404
    form = forms.ReportOfConcernForm(
        request.POST or None,
        initial={"reported_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_of_concern_record(
                child=child, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Logged with the basis the reporter now has on the report itself (the duty, or
            # the case team).
            _log_created(request, report, access.get_report_of_concern_for_user(request, report.pk))
            messages.success(request, _("The report of concern was recorded."))
            return redirect("cases:concern_report_detail", pk=report.pk)
    return render(
        request, "cases/concern_form.html", {"form": form, "child": child, "can": child.can}
    )


@require_http_methods(["GET", "POST"])
@access.require_roles(*CASE_ROLES)
def concern_report_detail(request, pk):
    """Everyone who sees the report reads it; the case team and the reporter record the
    feedback (CHANGE)."""
    report = access.get_report_of_concern_for_user(request, pk, need=_need(request))
    form = forms.ConcernFeedbackForm(
        request.POST or None,
        initial={
            "received_on": report.feedback_received_on or timezone.localdate(),
            "feedback": report.feedback,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_of_concern_feedback(report=report, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            log_read(request, report, Action.CHANGE)
            messages.success(request, _("The feedback was recorded."))
            return redirect("cases:concern_report_detail", pk=report.pk)
    child = access.visible_members(request.user).filter(pk=report.child_id).first()
    return render(
        request,
        "cases/concern_detail.html",
        {"report": report, "child": child, "form": form, "can": report.can},
    )


# --- Change history (case team) --------------------------------------------------------------


@require_GET
@access.require_roles(*CASE_ROLES)
def family_history(request, pk):
    """Every change of the family's records (pghistory events), for its case team."""
    family = access.get_family_for_user(request, pk, need=access.DOCUMENT, log=False)
    # One row, for the history (not the family overview) that the page shows.
    log_access(
        user=request.user,
        action=Action.VIEW,
        obj=family,
        basis=family.can.basis,
        consent_id=family.can.consent_id,
        request=request,
        object_type="cases.family.history",
    )
    events = selectors.family_history(family, limit=200)
    return render(
        request,
        "cases/family_history.html",
        {"family": family, "events": events, "can": family.can},
    )
