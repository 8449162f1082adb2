"""The journal: drafts that survive a lost connection, signing, addenda, objections."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import forms, selectors, services
from cases import models as cm
from cases.views.common import (
    CASE_ROLES,
    log_created,
    need_for,
    share_options,
)
from familjelotsen import access
from familjelotsen.audit import Action, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

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


def _after_save(request, entry, *, can_book: bool):
    """A signed entry leads on to booking the next visit, filled in from the entry; a saved
    draft stays on its form."""
    if entry.is_signed and can_book:
        messages.success(request, _("The entry was signed. Book the next visit:"))
        url = reverse("agenda:visit_book", args=[entry.family_id])
        return redirect(f"{url}?efter={entry.pk}")
    messages.success(
        request, _("The entry was signed.") if entry.is_signed else _("The draft was saved.")
    )
    return redirect("cases:journal_edit", pk=entry.pk)


@transaction.atomic
def _save_posted(request, family, form, entry=None):
    """The journal form's two buttons: save the draft, or save and sign it. Both or neither:
    a refused signature leaves the draft as it was, so the form's version still holds."""
    entry = _save_journal(request, family, form, entry=entry)
    if "sign" in request.POST:
        services.journal_entry_sign(entry=entry, by=request.user)
    return entry


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
    done = submit(request, form, lambda data: _save_posted(request, family, form))
    if done.saved:
        entry = done.result
        log_created(request, entry, family)
        return _after_save(request, entry, can_book=family.can.oversee)
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
        request, pk, need=need_for(request, write=access.DOCUMENT)
    )
    family = entry.family
    can = entry.can
    if request.method == "POST" and entry.is_signed:
        raise PermissionDenied
    if entry.is_signed or not can.document:
        # The family's members as this user may see them (names masked where the policy says
        # so, and only there): whom the entry concerns and who took part.
        members_qs = selectors.member_choices(request.user, family)
        members = list(members_qs)
        concern_ids = set(entry.concerns.values_list("pk", flat=True))
        participant_ids = set(entry.participants.values_list("pk", flat=True))
        context = {
            "entry": entry,
            "family": family,
            "can": can,
            "concerns": [m for m in members if m.pk in concern_ids],
            "participants": [m for m in members if m.pk in participant_ids],
            "outcome_areas": [str(cm.OutcomeArea(a).label) for a in entry.outcome_areas],
            "addenda": entry.addenda.select_related("author").order_by("signed_at"),
            "objections": entry.objections.select_related("member", "recorded_by"),
            "addendum_form": forms.AddendumForm(),
            "objection_form": forms.ObjectionForm(members=members_qs),
        }
        if can.document and entry.is_signed:
            context["share_options"] = share_options(request.user, entry)
        return render(request, "cases/journal_detail.html", context)
    form = _journal_form(request, family, entry=entry, data=request.POST or None)
    done = submit(request, form, lambda data: _save_posted(request, family, form, entry=entry))
    if done.saved:
        entry = done.result
        log_read(request, entry, Action.CHANGE)
        return _after_save(request, entry, can_book=can.oversee)
    return render(
        request,
        "cases/journal_form.html",
        {"form": form, "family": family, "entry": entry, "conflict": done.conflict, "can": can},
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
        log_created(request, entry_saved, family)
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
            log_created(request, addendum, entry)
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
