"""Every write to network work: typed, keyword-only, atomic.

A process is shared with the administrations of its professional network (they attend the
meetings), within consent: the process is a source of shares, and every change to its network
re-derives the family's shares (`access.family_derive`); a share the consents do not allow is
a warning for the user.

Services do not ask who the user is: the views ask the access policy (DOCUMENT)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as cases_services
from cases.models import Family, Member, WorkKind
from familjelotsen import access
from familjelotsen.models import Administration, User
from familjelotsen.versioning import save_versioned
from network import models as nm

Provision = nm.NetworkProcess.Provision


# The ages network work is for (a setting per deployment) are the family's concern too: a
# family of network work only is taken in only with a child of those ages.
age_on = cases_services.age_on
in_network_ages = cases_services.in_network_ages
network_ages_message = cases_services.network_ages_message


def _require_active(process: nm.NetworkProcess) -> None:
    if process.status != nm.NetworkProcess.Status.ACTIVE:
        raise ValidationError(_("The network process is closed and can no longer be changed."))


def _check_provision(provision: str, decision_reference: str) -> None:
    if provision == Provision.DECIDED and not decision_reference.strip():
        raise ValidationError(
            {"decision_reference": _("A decided intervention needs its decision reference.")}
        )


# --- Sharing ------------------------------------------------------------------------------------


def process_share_with_network(*, process: nm.NetworkProcess, by: User, request=None) -> list[str]:
    """Re-derive the family's shares after a change to the professional network (the access
    module shares the process with each administration in it that the consents cover, and
    withdraws the rest). Returns a warning for each administration the consents leave out."""
    access.family_derive(family=process.family, by=by, request=request)
    warnings = []
    ids = access.grants.network_administration_ids(process)
    for administration in Administration.objects.filter(pk__in=ids).order_by("name"):
        refused = access.share_check(process, administration)
        if refused:
            warnings.append(
                _("The network process was not shared with %(adm)s: %(why)s")
                % {"adm": administration.name, "why": refused}
            )
    return warnings


# --- The process ---------------------------------------------------------------------------------

PROCESS_EDITABLE = frozenset(
    {"purpose", "provision", "decision_reference", "decision_date", "follow_up_person"}
)


@transaction.atomic
def process_create(
    *,
    family: Family,
    member: Member,
    by: User,
    started_on: dt.date,
    purpose: str = "",
    provision: str = Provision.SERVICE,
    decision_reference: str = "",
    decision_date: dt.date | None = None,
    follow_up_person: str = "",
) -> nm.NetworkProcess:
    if by.administration_id is None:
        raise ValidationError(_("Only staff of an administration can start network work."))
    if member.family_id != family.pk:
        raise ValidationError({"member": _("Choose a member of this family.")})
    if not in_network_ages(member, started_on):
        raise ValidationError({"member": network_ages_message()})
    _check_provision(provision, decision_reference)
    process = nm.NetworkProcess.objects.create(
        family=family,
        owner_id=by.administration_id,
        member=member,
        started_on=started_on,
        purpose=purpose,
        provision=provision,
        decision_reference=decision_reference.strip(),
        decision_date=decision_date,
        follow_up_person=follow_up_person,
        created_by=by,
    )
    # A new record of the family: derive, so that the sources that want it reach it at once.
    access.family_derive(family=family, by=by)
    return process


@transaction.atomic
def process_update(
    *, process: nm.NetworkProcess, expected_version: int, by: User, **fields: Any
) -> nm.NetworkProcess:
    _require_active(process)
    unknown = set(fields) - PROCESS_EDITABLE
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    _check_provision(
        fields.get("provision", process.provision),
        fields.get("decision_reference", process.decision_reference),
    )
    for name, value in fields.items():
        setattr(process, name, value)
    save_versioned(process, expected_version=expected_version, fields=fields)
    return process


@transaction.atomic
def process_close(
    *, process: nm.NetworkProcess, by: User, reason: str, on: dt.date | None = None
) -> nm.NetworkProcess:
    _require_active(process)
    on = on or timezone.localdate()
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for closing the network work.")})
    if on < process.started_on:
        raise ValidationError({"on": _("The process cannot end before it started.")})
    process.status = nm.NetworkProcess.Status.CLOSED
    process.closed_on = on
    process.close_reason = reason.strip()
    process.version += 1
    process.save(update_fields=["status", "closed_on", "close_reason", "version", "updated_at"])
    return process


@transaction.atomic
def processes_close_with_family(*, family: Family, by: User, reason: str, on: dt.date) -> None:
    """A family of network work only was closed, declined or withdrawn: its network
    processes still running end the same day, for the same reason. (A family in coordinated
    support decides about its network processes on their own pages.)"""
    if family.kind != WorkKind.NETWORK_WORK:
        return
    for process in family.network_processes.filter(status=nm.NetworkProcess.Status.ACTIVE):
        process_close(process=process, by=by, reason=reason, on=max(on, process.started_on))


# The family's status (network work only) that each recorded stage moves the family to.
FAMILY_STAGE = {
    nm.Stage.PRE_MEETING: Family.Status.PRE_MEETING,
    nm.Stage.NETWORK_MEETING: Family.Status.NETWORK_MEETING,
    nm.Stage.FOLLOW_UP_MEETING: Family.Status.FOLLOW_UP,
}


# --- The network -----------------------------------------------------------------------------


@transaction.atomic
def participant_add(
    *,
    process: nm.NetworkProcess,
    by: User,
    side: str,
    name: str,
    relation: str = "",
    administration: Administration | None = None,
    organisation: str = "",
    role: str = "",
    request=None,
) -> tuple[nm.NetworkParticipant, list[str]]:
    _require_active(process)
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the person's name.")
    if side == nm.NetworkParticipant.Side.PRIVATE and not relation.strip():
        errors["relation"] = _("Say how the person is related to the child.")
    if (
        side == nm.NetworkParticipant.Side.PROFESSIONAL
        and administration is None
        and not organisation.strip()
    ):
        errors["administration"] = _("Choose the administration, or name the organisation.")
    if errors:
        raise ValidationError(errors)
    if side == nm.NetworkParticipant.Side.PRIVATE:
        administration, organisation, role = None, "", ""
    participant = nm.NetworkParticipant.objects.create(
        process=process,
        side=side,
        name=name.strip(),
        relation=relation.strip(),
        administration=administration,
        organisation=organisation.strip(),
        role=role.strip(),
    )
    return participant, process_share_with_network(process=process, by=by, request=request)


# --- Meetings and actions ------------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    process: nm.NetworkProcess,
    by: User,
    stage: str,
    held_on: dt.date,
    place: str,
    notes: str = "",
    attended: Iterable[nm.NetworkParticipant] = (),
) -> nm.NetworkMeeting:
    """Record one stage. Every current network member gets an attendance row (attended or
    not). A follow-up meeting takes over every action still open from earlier meetings."""
    _require_active(process)
    if held_on < process.started_on:
        raise ValidationError({"held_on": _("The meeting cannot be before the process started.")})
    attended_ids = {p.pk for p in attended}
    participants = list(process.participants.all())
    if attended_ids - {p.pk for p in participants}:
        raise ValidationError({"attended": _("Choose people from this network.")})
    meeting = nm.NetworkMeeting.objects.create(
        process=process, stage=stage, held_on=held_on, place=place, notes=notes, recorded_by=by
    )
    nm.Attendance.objects.bulk_create(
        nm.Attendance(meeting=meeting, participant=p, attended=p.pk in attended_ids)
        for p in participants
    )
    if stage == nm.Stage.FOLLOW_UP_MEETING:
        open_actions = process.actions.filter(
            status=nm.Action.Status.OPEN, meeting__held_on__lte=held_on
        ).exclude(meeting=meeting)
        nm.Action.carried_to.through.objects.bulk_create(
            [
                nm.Action.carried_to.through(action_id=pk, networkmeeting_id=meeting.pk)
                for pk in open_actions.values_list("pk", flat=True)
            ]
        )
    if stage in FAMILY_STAGE:
        # A family of network work only follows its process (cases.models.NETWORK_TRANSITIONS).
        cases_services.family_follow_network_stage(
            family=process.family, to_status=FAMILY_STAGE[stage], by=by, on=held_on
        )
    return meeting


@transaction.atomic
def action_add(
    *,
    meeting: nm.NetworkMeeting,
    by: User,
    what: str,
    responsible_participant: nm.NetworkParticipant | None = None,
    responsible_administration: Administration | None = None,
    due_on: dt.date | None = None,
) -> nm.Action:
    process = meeting.process
    _require_active(process)
    errors = {}
    if not what.strip():
        errors["what"] = _("Say what is to be done.")
    if (responsible_participant is None) == (responsible_administration is None):
        errors["responsible_participant"] = _(
            "Choose who does it: one person in the network or one administration."
        )
    elif responsible_participant is not None and responsible_participant.process_id != process.pk:
        errors["responsible_participant"] = _("Choose a person in this network.")
    if due_on is not None and due_on < meeting.held_on:
        errors["due_on"] = _("The date cannot be before the meeting.")
    if errors:
        raise ValidationError(errors)
    return nm.Action.objects.create(
        process=process,
        meeting=meeting,
        what=what.strip(),
        responsible_participant=responsible_participant,
        responsible_administration=responsible_administration,
        due_on=due_on,
    )


@transaction.atomic
def action_set_status(
    *,
    action: nm.Action,
    expected_version: int,
    by: User,
    status: str,
    on: dt.date | None = None,
) -> nm.Action:
    _require_active(action.process)
    if status not in nm.Action.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    action.status = status
    action.status_changed_on = on or timezone.localdate()
    save_versioned(
        action, expected_version=expected_version, fields=["status", "status_changed_on"]
    )
    return action


# --- Needs inventory and time ----------------------------------------------------------------


@transaction.atomic
def inventory_record(
    *,
    process: nm.NetworkProcess,
    by: User,
    made_on: dt.date,
    rated_by: str,
    ratings: Mapping[str, tuple[int, str, str]],
    child_view: str = "",
) -> nm.NeedsInventory:
    """One needs inventory: every one of the eight GIRFEC areas rated 1–5, with strengths
    and concerns. `ratings` maps area → (rating, strengths, concerns)."""
    _require_active(process)
    errors: dict[str, str] = {}
    missing = [a for a in nm.GirfecArea.values if a not in ratings]
    if missing:
        errors["__all__"] = _("Rate every area. Missing: %(list)s.") % {
            "list": ", ".join(str(nm.GirfecArea(a).label) for a in missing)
        }
    for area, (rating, _s, _c) in ratings.items():
        if area not in nm.GirfecArea.values:
            raise ValueError(f"unknown area {area}")
        if not 1 <= int(rating) <= 5:
            errors[f"rating_{area}"] = _("Rate from 1 to 5.")
    if made_on > timezone.localdate():
        errors["made_on"] = _("The date cannot be in the future.")
    if nm.NeedsInventory.objects.filter(
        process=process, made_on=made_on, rated_by=rated_by
    ).exists():
        errors["made_on"] = _("There is already an inventory by the same rater on this date.")
    if errors:
        raise ValidationError(errors)
    inventory = nm.NeedsInventory.objects.create(
        process=process, made_on=made_on, rated_by=rated_by, child_view=child_view, recorded_by=by
    )
    nm.NeedsRating.objects.bulk_create(
        nm.NeedsRating(
            inventory=inventory,
            area=area,
            rating=int(rating),
            strengths=strengths,
            concerns=concerns,
        )
        for area, (rating, strengths, concerns) in ratings.items()
    )
    return inventory


@transaction.atomic
def time_add(
    *, process: nm.NetworkProcess, by: User, activity: str, on: dt.date, minutes: int
) -> nm.NetworkTimeEntry:
    errors = {}
    if not 1 <= minutes <= 24 * 60:
        errors["minutes"] = _("Give between 1 and 1440 minutes.")
    if on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return nm.NetworkTimeEntry.objects.create(
        process=process, activity=activity, on=on, minutes=minutes, user=by
    )
