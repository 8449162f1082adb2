"""Network-work pages. Thin: look up through the access policy by need (404 when not visible,
403 when short of the need), call a service or selector, render. Starting and running a
network process (its network, meetings, actions, inventories, time) is the case team's
(DOCUMENT); reading it is SEE.

The lookup logs the record it found on a GET; views log the other records a page names, and
what they changed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.labels import family_members, labels_of
from familjelotsen import access
from familjelotsen.audit import Action, log_list, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post
from familjelotsen.versioning import Conflict
from network import forms, selectors, services
from network import models as nm

# Create forms carry a one-time token: a double click or a resent POST makes one record.
GET_POST = require_http_methods(["GET", "POST"])


def _warn(request, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


def _to_document(request, pk):
    """The process, for running it: the case team only."""
    return access.get_network_process_for_user(request, pk, need=access.DOCUMENT)


def _log_shown(request, obj, others=()) -> None:
    """Log a page that shows `obj` and `others`: the lookup already logged `obj` on a GET;
    a form shown again after a POST logs it here. One row per record."""
    if request.method not in ("GET", "HEAD"):
        log_read(request, obj)
    log_list(user=request.user, objects=list(others), request=request)


def _form_page(request, process, form, title, *, template="network/form.html", **extra):
    return render(
        request,
        template,
        {"process": process, "form": form, "title": title, "can": process.can, **extra},
    )


def _page_context(process) -> dict:
    """What the process pages read: the permissions, and whether the process still runs."""
    return {
        "can": process.can,
        "active": process.status == nm.NetworkProcess.Status.ACTIVE,
        "status_choices": nm.Action.Status.choices,
        "today": timezone.localdate(),
    }


def _meeting_of(process, meeting_id):
    meeting = process.meetings.filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


# --- The family's processes and one process -----------------------------------------------------


@require_GET
def family(request, family_id):
    family = access.get_family_for_user(request, family_id)
    processes = selectors.family_processes(request.user, family)
    # The lookup logged the family; one INSERT for the processes shown.
    log_list(user=request.user, objects=processes, request=request)
    return render(
        request,
        "network/family.html",
        {
            "family": family,
            "processes": processes,
            "can": family.can,
            "planning_hours": settings.NETWORK_HOURS_PLANNING_FIGURE,
        },
    )


@GET_POST
@idempotent_post
def process_create(request, family_id):
    family = access.get_family_for_team(request, family_id)
    members = family_members(request.user, family.pk)
    labels = labels_of(members)
    form = forms.ProcessForm(
        request.POST or None,
        family=family,
        labels=labels,
        initial={"started_on": timezone.localdate(), "provision": family.provision or "service"},
    )
    done = submit(
        request, form, lambda data: services.process_create(family=family, by=request.user, **data)
    )
    if done.saved:
        messages.success(request, _("The network process was started."))
        return redirect("network:process_detail", done.result.pk)
    # The form names the family's members (whom the work is for).
    _log_shown(request, family, members)
    return render(
        request,
        "network/process_form.html",
        {"family": family, "form": form, "title": _("New network process"), "can": family.can},
    )


@require_GET
def process_detail(request, pk):
    process = access.get_network_process_for_user(request, pk)
    detail = selectors.process_detail(request.user, process)
    return render(
        request,
        "network/process_detail.html",
        {"process": process, "detail": detail, **_page_context(process)},
    )


@GET_POST
def process_edit(request, pk):
    process = _to_document(request, pk)
    initial = {name: getattr(process, name) for name in services.PROCESS_EDITABLE}
    initial["version"] = process.version
    form = forms.ProcessForm(
        request.POST or None, family=process.family, labels={}, process=process, initial=initial
    )
    done = submit(
        request,
        form,
        lambda data: services.process_update(
            process=process, expected_version=form.cleaned_data["version"], by=request.user, **data
        ),
    )
    if done.saved:
        log_read(request, process, Action.CHANGE)
        return redirect("network:process_detail", process.pk)
    _log_shown(request, process)
    return render(
        request,
        "network/process_form.html",
        {
            "family": process.family,
            "process": process,
            "form": form,
            "conflict": done.conflict,
            "title": _("Edit the network process"),
            "can": process.can,
        },
    )


@GET_POST
def process_close(request, pk):
    process = _to_document(request, pk)
    form = forms.CloseForm(request.POST or None, initial={"on": timezone.localdate()})
    if submit(
        request, form, lambda data: services.process_close(process=process, by=request.user, **data)
    ).saved:
        log_read(request, process, Action.CHANGE)
        return redirect("network:process_detail", process.pk)
    return _form_page(request, process, form, _("Close the network process"))


# --- The network, meetings and actions ----------------------------------------------------------


@GET_POST
@idempotent_post
def participant_add(request, pk):
    process = _to_document(request, pk)
    form = forms.ParticipantForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.participant_add(
            process=process, by=request.user, request=request, **data
        ),
    )
    if done.saved:
        _participant, warnings = done.result
        log_read(request, process, Action.CHANGE)
        _warn(request, warnings)
        return redirect("network:process_detail", process.pk)
    return _form_page(request, process, form, _("Add a person to the network"))


@GET_POST
@idempotent_post
def meeting_add(request, pk):
    process = _to_document(request, pk)
    form = forms.MeetingForm(
        request.POST or None,
        process=process,
        initial={"held_on": timezone.localdate()},
    )
    done = submit(
        request,
        form,
        lambda data: services.meeting_record(process=process, by=request.user, **data),
    )
    if done.saved:
        log_read(request, process, Action.CHANGE)
        return redirect("network:meeting_detail", process.pk, done.result.pk)
    return _form_page(request, process, form, _("Record a meeting"))


@require_GET
def meeting_detail(request, pk, meeting_id):
    process = access.get_network_process_for_user(request, pk)
    meeting = _meeting_of(process, meeting_id)
    context = selectors.meeting_detail(process, meeting)
    return render(
        request,
        "network/meeting_detail.html",
        {"process": process, **_page_context(process), **context},
    )


@GET_POST
@idempotent_post
def action_add(request, pk, meeting_id):
    process = _to_document(request, pk)
    meeting = _meeting_of(process, meeting_id)
    form = forms.ActionForm(request.POST or None, process=process)
    if submit(
        request, form, lambda data: services.action_add(meeting=meeting, by=request.user, **data)
    ).saved:
        log_read(request, process, Action.CHANGE)
        return redirect("network:meeting_detail", process.pk, meeting.pk)
    return _form_page(request, process, form, _("Add an agreed action"), meeting=meeting)


@require_POST
def action_status(request, pk, action_id):
    process = _to_document(request, pk)
    action = process.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404
    form = forms.ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.action_set_status(
                action=action,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                status=form.cleaned_data["status"],
            )
        except Conflict:
            messages.error(
                request,
                _("Someone else changed the action first. Nothing was overwritten; try again."),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            log_read(request, process, Action.CHANGE)
            messages.success(request, _("The action was updated."))
    else:
        messages.error(request, _("Choose a status."))
    back = request.POST.get("meeting")
    if back and back.isdigit() and process.meetings.filter(pk=back).exists():
        return redirect("network:meeting_detail", process.pk, int(back))
    return redirect("network:process_detail", process.pk)


# --- Needs inventory and time --------------------------------------------------------------------


@GET_POST
@idempotent_post
def inventory_add(request, pk):
    process = _to_document(request, pk)
    form = forms.InventoryForm(
        request.POST or None, initial={"made_on": timezone.localdate(), "rated_by": "family"}
    )
    done = submit(
        request,
        form,
        lambda data: services.inventory_record(
            process=process,
            by=request.user,
            made_on=data["made_on"],
            rated_by=data["rated_by"],
            child_view=data["child_view"],
            ratings=form.ratings(),
        ),
    )
    if done.saved:
        log_read(request, process, Action.CHANGE)
        return redirect("network:process_detail", process.pk)
    return _form_page(
        request,
        process,
        form,
        _("Needs inventory"),
        template="network/inventory_form.html",
    )


@GET_POST
@idempotent_post
def time_add(request, pk):
    process = _to_document(request, pk)
    form = forms.TimeForm(request.POST or None, initial={"on": timezone.localdate()})
    if submit(
        request, form, lambda data: services.time_add(process=process, by=request.user, **data)
    ).saved:
        log_read(request, process, Action.CHANGE)
        return redirect("network:process_detail", process.pk)
    return _form_page(request, process, form, _("Record time"))
