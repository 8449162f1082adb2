"""Every write to cases: families, the status flow, members, the journal, goals,
assessments, obstacles, pupil support and time (booking visits is `agenda.services`). Typed,
keyword-only, atomic."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from cases.personnummer import PersonnummerError, parse
from familjelotsen import access
from familjelotsen.models import Administration, User
from familjelotsen.versioning import Conflict as Conflict  # the views catch services.Conflict
from familjelotsen.versioning import save_versioned

# --- Families ---------------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    counter, _created = cm.ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"FL-{year}-{counter.last:04d}"


@transaction.atomic
def family_create_from_request(
    *,
    by: User,
    requesting_administration: Administration,
    request_date: dt.date,
    requesting_contact: str = "",
    priority: int = cm.Family.Priority.NORMAL,
    background: str = "",
    placements_at_risk_at_start: int = 0,
    eligibility: Mapping[str, tuple[str, str]] | None = None,
    responsible_ombud: User | None = None,
) -> cm.Family:
    if by.administration_id is None:
        raise ValidationError(_("Only staff of an administration can register a request."))
    if responsible_ombud is None and access.is_ombud(by):
        responsible_ombud = by
    family = cm.Family.objects.create(
        reference=_next_reference(request_date.year),
        owner_id=by.administration_id,
        requesting_administration=requesting_administration,
        requesting_contact=requesting_contact,
        priority=priority,
        background=background,
        request_date=request_date,
        placements_at_risk_at_start=placements_at_risk_at_start,
        responsible_ombud=responsible_ombud,
    )
    cm.StatusChange.objects.create(
        family=family, from_status="", to_status=family.status, changed_by=by
    )
    family_set_eligibility(family=family, answers=eligibility or {})
    if responsible_ombud is not None:
        access.team_set_responsible(family=family, ombud=responsible_ombud, by=by)
    return family


@transaction.atomic
def family_set_eligibility(*, family: cm.Family, answers: Mapping[str, tuple[str, str]]) -> None:
    for criterion in cm.Eligibility.Criterion.values:
        answer, note = answers.get(criterion, (cm.Eligibility.Answer.UNKNOWN, ""))
        cm.Eligibility.objects.update_or_create(
            family=family, criterion=criterion, defaults={"answer": answer, "note": note}
        )


@transaction.atomic
def family_update(*, family: cm.Family, expected_version: int, **fields) -> cm.Family:
    allowed = {
        "requesting_administration",
        "requesting_contact",
        "priority",
        "background",
        "placements_at_risk_at_start",
        "placements_happened",
        "request_date",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(family, name, value)
    save_versioned(family, expected_version=expected_version, fields=fields)
    return family


def mandatory_criteria_missing(family: cm.Family) -> list[str]:
    confirmed = set(
        family.eligibility.filter(answer=cm.Eligibility.Answer.YES).values_list(
            "criterion", flat=True
        )
    )
    return [c for c in cm.MANDATORY_CRITERIA if c not in confirmed]


def allowed_transitions(family: cm.Family) -> list[str]:
    return sorted(cm.TRANSITIONS[family.status], key=list(cm.Family.Status.values).index)


@transaction.atomic
def family_transition(
    *, family: cm.Family, to_status: str, by: User, reason: str = "", on: dt.date | None = None
) -> cm.Family:
    """Apply one step of the status flow; refuses illegal steps with a message."""
    family = cm.Family.objects.select_for_update().get(pk=family.pk)
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    if to_status not in cm.TRANSITIONS.get(family.status, ()):
        raise ValidationError(
            _("A family cannot move from %(from)s to %(to)s.")
            % {
                "from": cm.Family.Status(family.status).label,
                "to": cm.Family.Status(to_status).label
                if to_status in cm.Family.Status.values
                else to_status,
            }
        )
    if to_status in cm.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give a reason for this change.")})
    if family.status == cm.Family.Status.REQUEST and to_status == cm.Family.Status.ASSESSMENT:
        missing = mandatory_criteria_missing(family)
        if missing:
            raise ValidationError(
                _(
                    "The three mandatory criteria must be confirmed before the request can move "
                    "on. Not confirmed: %(list)s."
                )
                % {"list": "; ".join(str(cm.Eligibility.Criterion(c).label) for c in missing)}
            )
    if to_status == cm.Family.Status.ACTIVE and family.responsible_ombud_id is None:
        raise ValidationError(_("Assign a responsible family ombud before the support starts."))
    previous = family.status
    family.status = to_status
    if to_status == cm.Family.Status.ACTIVE and family.start_date is None:
        family.start_date = max(on, family.request_date)
    if to_status == cm.Family.Status.PHASING_OUT:
        family.phase_out_date = on
    if to_status in cm.CLOSED_STATUSES:
        family.end_date = on
        family.end_reason = reason
    family.version += 1
    family.save(
        update_fields=[
            "status",
            "start_date",
            "phase_out_date",
            "end_date",
            "end_reason",
            "version",
            "updated_at",
        ]
    )
    cm.StatusChange.objects.create(
        family=family, from_status=previous, to_status=to_status, changed_by=by, reason=reason
    )
    return family


@transaction.atomic
def family_assign_ombud(*, family: cm.Family, ombud: User, by: User) -> cm.Family:
    if not access.is_ombud(ombud):
        raise ValidationError({"ombud": _("Choose an active family ombud.")})
    family.responsible_ombud = ombud
    family.version += 1
    family.save(update_fields=["responsible_ombud", "version", "updated_at"])
    access.team_set_responsible(family=family, ombud=ombud, by=by)
    return family


# --- Members ---------------------------------------------------------------------------------

MEMBER_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "id_type",
    "personal_number",
    "birth_date",
    "protected_identity",
    "address",
    "mobile",
    "sms_reminders",
    "npf_diagnosis",
    "school",
    "grade",
    "school_class",
    "occupation",
    "occupation_at_start",
    "income_support",
    "income_support_at_start",
)


def resolve_identifier(
    *, id_type: str, raw_number: str, birth_date: dt.date | None
) -> tuple[str, dt.date]:
    """Validate the identifier against its type; returns (12 digits or "", birth date)."""
    if id_type == cm.Member.IdType.NONE:
        if birth_date is None:
            raise ValidationError({"birth_date": _("Give the birth date when there is no number.")})
        return "", birth_date
    try:
        parsed = parse(raw_number)
    except PersonnummerError as exc:
        raise ValidationError({"personal_number": str(exc)}) from None
    if id_type == cm.Member.IdType.SAMORDNINGSNUMMER and not parsed.is_coordination_number:
        raise ValidationError(
            {
                "personal_number": _(
                    "A coordination number has 60 added to the day of birth; this is a personal "
                    "identity number."
                )
            }
        )
    if id_type == cm.Member.IdType.PERSONNUMMER and parsed.is_coordination_number:
        raise ValidationError(
            {
                "personal_number": _(
                    "This is a coordination number (the day is over 60): choose that type."
                )
            }
        )
    return parsed.digits, parsed.birth_date


@transaction.atomic
def member_create(
    *, family: cm.Family, by: User, custodians: Iterable[cm.Member] = (), **fields
) -> cm.Member:
    member = cm.Member(family=family, owner_id=by.administration_id, **fields)
    member.full_clean(exclude=["custodians"])
    member.save()
    member_set_custodians(member=member, custodians=list(custodians))
    # A record about the whole family now concerns one more person, whose consent it needs:
    # a share no longer covered is withdrawn in the same transaction.
    access.family_derive(family=family, by=by)
    return member


@transaction.atomic
def member_update(
    *,
    member: cm.Member,
    expected_version: int,
    custodians: Iterable[cm.Member] | None = None,
    **fields,
) -> cm.Member:
    for name, value in fields.items():
        if name not in MEMBER_FIELDS:
            raise ValueError(name)
        setattr(member, name, value)
    member.full_clean(exclude=["custodians", "family", "owner"])
    save_versioned(member, expected_version=expected_version, fields=fields)
    if custodians is not None:
        member_set_custodians(member=member, custodians=list(custodians))
    return member


def member_set_custodians(*, member: cm.Member, custodians: list[cm.Member]) -> None:
    if not custodians:
        cm.CustodyLink.objects.filter(child=member).delete()
        return
    if not member.is_child:
        raise ValidationError({"custodians": _("Only a child has custodians.")})
    if len(custodians) > 2:
        raise ValidationError({"custodians": _("A child has at most two custodians.")})
    for custodian in custodians:
        if custodian.family_id != member.family_id or custodian.is_child:
            raise ValidationError({"custodians": _("A custodian is an adult in the same family.")})
    cm.CustodyLink.objects.filter(child=member).exclude(custodian__in=custodians).delete()
    for custodian in custodians:
        cm.CustodyLink.objects.get_or_create(child=member, custodian=custodian)


# --- Journal ---------------------------------------------------------------------------------

JOURNAL_FIELDS = (
    "kind",
    "event_at",
    "duration_minutes",
    "place",
    "other_participants",
    "facts",
    "assessment",
    "outcome_areas",
    "next_steps",
    "category",
)


class SignedEntryError(ValidationError):
    pass


def _check_members(family: cm.Family, members: Iterable[cm.Member]) -> list[cm.Member]:
    members = list(members)
    if any(m.family_id != family.pk for m in members):
        raise ValidationError({"concerns": _("Choose members of this family.")})
    return members


@transaction.atomic
def journal_entry_save_draft(
    *,
    family: cm.Family,
    by: User,
    entry: cm.JournalEntry | None = None,
    expected_version: int | None = None,
    concerns: Iterable[cm.Member] = (),
    participants: Iterable[cm.Member] = (),
    draft_key: uuid.UUID | None = None,
    **fields,
) -> cm.JournalEntry:
    """Create or update a draft. A signed entry can never be changed (also a DB trigger)."""
    concerns = _check_members(family, concerns)
    participants = _check_members(family, participants)
    if entry is None and draft_key is not None:
        # The same browser draft saved again after its first answer was lost: update it.
        entry = (
            cm.JournalEntry.objects.select_for_update()
            .filter(draft_key=draft_key, family=family, author=by, signed_at__isnull=True)
            .first()
        )
        if entry is not None:
            expected_version = entry.version
    if entry is None:
        entry = cm.JournalEntry(
            family=family,
            owner_id=by.administration_id,
            author=by,
            draft_key=draft_key,
            **fields,
        )
        entry.full_clean(exclude=["concerns", "participants"])
        entry.save()
    else:
        if entry.is_signed:
            raise SignedEntryError(_("A signed entry cannot be changed. Write an addendum."))
        for name, value in fields.items():
            if name not in JOURNAL_FIELDS:
                raise ValueError(name)
            setattr(entry, name, value)
        entry.full_clean(exclude=["concerns", "participants", "family", "owner", "author"])
        save_versioned(entry, expected_version=expected_version, fields=fields)
    entry.concerns.set(concerns)
    entry.participants.set(participants)
    if expected_version is not None:
        # Whom the entry concerns and its kind of information decide which consents cover
        # a share of it: re-derive when a draft changes.
        access.family_derive(family=family, by=by)
    return entry


@transaction.atomic
def journal_entry_sign(*, entry: cm.JournalEntry, by: User) -> cm.JournalEntry:
    locked = cm.JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.is_signed:
        raise SignedEntryError(_("The entry is already signed."))
    if not (locked.facts.strip() or locked.assessment.strip()):
        raise ValidationError({"facts": _("Write what happened before signing.")})
    locked.signed_at = timezone.now()
    locked.signed_by = by
    locked.version += 1
    locked.save(update_fields=["signed_at", "signed_by", "version", "updated_at"])
    # The caller's instance reflects the signature too.
    entry.signed_at, entry.signed_by, entry.version = locked.signed_at, by, locked.version
    return locked


@transaction.atomic
def journal_entry_addendum(
    *, original: cm.JournalEntry, by: User, facts: str, assessment: str = ""
) -> cm.JournalEntry:
    """A correction: a new signed entry pointing at the original, which stays readable."""
    if not original.is_signed:
        raise ValidationError(_("Edit the draft instead: only signed entries get addenda."))
    if not (facts or "").strip():
        raise ValidationError({"facts": _("Write the correction.")})
    addendum = cm.JournalEntry.objects.create(
        family=original.family,
        owner_id=by.administration_id,
        author=by,
        kind=original.kind,
        event_at=original.event_at,
        place=original.place,
        facts=facts,
        assessment=assessment,
        outcome_areas=original.outcome_areas,
        category=original.category,
        corrects=original,
    )
    addendum.concerns.set(original.concerns.all())
    return journal_entry_sign(entry=addendum, by=by)


@transaction.atomic
def journal_objection_record(
    *, entry: cm.JournalEntry, member: cm.Member, statement: str, by: User
) -> cm.JournalObjection:
    if member.family_id != entry.family_id:
        raise ValidationError({"member": _("Choose a member of this family.")})
    if not statement.strip():
        raise ValidationError({"statement": _("Write what the person considers incorrect.")})
    return cm.JournalObjection.objects.create(
        entry=entry, member=member, statement=statement, recorded_by=by
    )


@transaction.atomic
def journal_entry_discard_draft(*, entry: cm.JournalEntry) -> None:
    if entry.is_signed:
        raise SignedEntryError(_("A signed entry cannot be removed."))
    entry.delete()


# --- Goals, assessments, obstacles -----------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    family: cm.Family,
    by: User,
    area: str,
    description: str,
    member: cm.Member | None = None,
    target_date: dt.date | None = None,
) -> cm.Goal:
    if member is not None and member.family_id != family.pk:
        raise ValidationError({"member": _("Choose a member of this family.")})
    goal = cm.Goal(
        family=family,
        owner_id=by.administration_id,
        area=area,
        description=description,
        member=member,
        target_date=target_date,
        created_by=by,
    )
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def goal_follow_up_add(
    *, goal: cm.Goal, by: User, date: dt.date, rating: int, note: str = ""
) -> cm.GoalFollowUp:
    follow_up = cm.GoalFollowUp(goal=goal, date=date, rating=rating, note=note, recorded_by=by)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def assessment_record(
    *,
    family: cm.Family,
    by: User,
    member: cm.Member,
    instrument: str,
    score: int,
    assessed_on: dt.date,
) -> cm.Assessment:
    if member.family_id != family.pk:
        raise ValidationError({"member": _("Choose a member of this family.")})
    low, high = cm.Assessment.SCORE_RANGES[cm.Assessment.Instrument(instrument)]
    if not low <= score <= high:
        raise ValidationError(
            {
                "score": _("The total score of %(instrument)s lies between %(low)s and %(high)s.")
                % {
                    "instrument": cm.Assessment.Instrument(instrument).label,
                    "low": low,
                    "high": high,
                }
            }
        )
    return cm.Assessment.objects.create(
        family=family,
        owner_id=by.administration_id,
        member=member,
        instrument=instrument,
        score=score,
        assessed_on=assessed_on,
        administered_by=by,
    )


@transaction.atomic
def obstacle_report(
    *,
    family: cm.Family,
    by: User,
    kind: str,
    description: str,
    observed_on: dt.date,
    administration: Administration | None = None,
) -> cm.Obstacle:
    if kind == cm.Obstacle.Kind.COORDINATION and administration is None:
        raise ValidationError(
            {"administration": _("Name the administration concerned by a coordination obstacle.")}
        )
    return cm.Obstacle.objects.create(
        family=family,
        owner_id=by.administration_id,
        kind=kind,
        description=description,
        observed_on=observed_on,
        administration=administration,
        reported_by=by,
    )


@transaction.atomic
def obstacle_resolve(*, obstacle: cm.Obstacle, on: dt.date) -> cm.Obstacle:
    obstacle.resolved_on = on
    obstacle.save(update_fields=["resolved_on", "updated_at"])
    return obstacle


# --- Pupil support -----------------------------------------------------------------------------


@transaction.atomic
def pupil_support_save(
    *,
    member: cm.Member,
    by: User,
    school_administration: Administration,
    support: cm.PupilSupport | None = None,
    expected_version: int | None = None,
    **fields,
) -> cm.PupilSupport:
    if not member.is_child:
        raise ValidationError(_("Pupil support is recorded for children."))
    if school_administration.kind != Administration.Kind.SCHOOL:
        raise ValidationError(_("Pupil support is owned by a school administration."))
    if support is None:
        support = cm.PupilSupport(
            member=member, family_id=member.family_id, owner=school_administration, **fields
        )
        support.full_clean()
        support.save()
        # Made after the consent: it reaches school at once (SPEC §3.3).
        access.family_derive(family=member.family_id, by=by)
        return support
    for name, value in fields.items():
        setattr(support, name, value)
    support.full_clean()
    save_versioned(support, expected_version=expected_version, fields=fields)
    return support


@transaction.atomic
def pupil_health_review_add(
    *, support: cm.PupilSupport, by: User, reviewed_on: dt.date, decision: str, responsible: str
) -> cm.PupilHealthReview:
    review = cm.PupilHealthReview(
        pupil_support=support,
        reviewed_on=reviewed_on,
        decision=decision,
        responsible=responsible,
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    return review


# --- Time ------------------------------------------------------------------------------------


@transaction.atomic
def time_entry_add(
    *,
    family: cm.Family,
    by: User,
    activity: str,
    date: dt.date,
    minutes: int,
    journal_entry: cm.JournalEntry | None = None,
) -> cm.TimeEntry:
    entry = cm.TimeEntry(
        family=family,
        owner_id=by.administration_id,
        user=by,
        activity=activity,
        date=date,
        minutes=minutes,
        journal_entry=journal_entry,
    )
    entry.full_clean()
    entry.save()
    return entry


# --- Reports of concern ------------------------------------------------------------------------


@transaction.atomic
def report_of_concern_record(
    *,
    child: cm.Member,
    by: User,
    reported_at: dt.datetime,
    recipient_unit: str,
    channel: str,
    summary: str,
    custodians_informed: str,
) -> cm.ReportOfConcern:
    """Record a report of concern and its signed journal entry. No consent is checked: the
    duty to report overrides secrecy (SoL 14 kap. 1 §)."""
    if not child.is_child:
        raise ValidationError({"child": _("A report of concern is about a child.")})
    if reported_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"reported_at": _("The report cannot be dated in the future.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Summarise the concern.")})
    entry = cm.JournalEntry.objects.create(
        family_id=child.family_id,
        owner_id=by.administration_id,
        author=by,
        kind=cm.JournalEntry.Kind.REPORT_OF_CONCERN,
        event_at=reported_at,
        facts=_("Report of concern sent to %(unit)s (%(channel)s). %(summary)s")
        % {
            "unit": recipient_unit,
            "channel": cm.ReportOfConcern.Channel(channel).label,
            "summary": summary,
        },
        category=cm.InfoCategory.SOCIAL,
    )
    entry.concerns.set([child])
    journal_entry_sign(entry=entry, by=by)
    report = cm.ReportOfConcern.objects.create(
        family_id=child.family_id,
        owner_id=by.administration_id,
        child=child,
        reported_at=reported_at,
        reporter=by,
        recipient_unit=recipient_unit,
        channel=channel,
        summary=summary,
        custodians_informed=custodians_informed,
        journal_entry=entry,
    )
    access.grant_reporter(report=report, user=by)
    return report


@transaction.atomic
def report_of_concern_feedback(
    *, report: cm.ReportOfConcern, received_on: dt.date, feedback: str
) -> cm.ReportOfConcern:
    if received_on < report.reported_at.date():
        raise ValidationError({"received_on": _("Feedback cannot precede the report.")})
    report.feedback_received_on = received_on
    report.feedback = feedback
    report.save(update_fields=["feedback_received_on", "feedback", "updated_at"])
    return report
