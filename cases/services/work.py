"""The family work recorded beside the journal: goals, KASAM scores, obstacles, pupil
support, time and reports of concern."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from cases.services.journal import journal_entry_sign
from familjelotsen import access
from familjelotsen.models import Administration, User
from familjelotsen.versioning import save_versioned

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


def pupil_school_administration(
    *, member: cm.Member, chosen: Administration | None = None
) -> Administration:
    """The school administration that owns a child's pupil support: the one chosen for the
    child's school, else the only school administration of the municipality (organisation)
    that owns the family. Never a guess: none, or more than one to choose from, is refused
    with a message on the field, so that the record never lands with the wrong principal."""
    if chosen is not None:
        if chosen.kind != Administration.Kind.SCHOOL:
            raise ValidationError(
                {"school_administration": _("Pupil support is owned by a school administration.")}
            )
        return chosen
    schools = list(
        Administration.objects.filter(
            kind=Administration.Kind.SCHOOL,
            organisation__administrations__pk=member.family.owner_id,
        )[:2]
    )
    if not schools:
        raise ValidationError(
            {
                "school_administration": _(
                    "The family's municipality has no school administration registered: "
                    "choose the administration the child's school belongs to."
                )
            }
        )
    if len(schools) > 1:
        raise ValidationError(
            {
                "school_administration": _(
                    "The family's municipality has more than one school administration: "
                    "choose the one the child's school belongs to."
                )
            }
        )
    return schools[0]


@transaction.atomic
def pupil_support_save(
    *,
    member: cm.Member,
    by: User,
    school_administration: Administration | None = None,
    support: cm.PupilSupport | None = None,
    expected_version: int | None = None,
    **fields,
) -> cm.PupilSupport:
    """Record or change a child's pupil support. New support is owned by the school
    administration of the child's school (`pupil_school_administration`); an existing record
    keeps its owner."""
    if not member.is_child:
        raise ValidationError(_("Pupil support is recorded for children."))
    if support is None:
        school_administration = pupil_school_administration(
            member=member, chosen=school_administration
        )
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
