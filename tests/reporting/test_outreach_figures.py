"""Consultations and parenting-support courses in the reports (issue 20 parts 3–4): counted by
the asking administration's kind and by the course's administration, small numbers
suppressed, with their definitions."""

from __future__ import annotations

import datetime as dt

import pytest

from consultations import services as consultation_services
from consultations.models import Consultation
from courses import services as course_services
from courses.models import CourseKind
from reporting import figures as fig
from reporting import suppression
from reporting.figures.outreach import CONSULTATIONS_DEFINITION
from reporting.models import VolumeTarget, VolumeWork
from tests.factories import CustodianFactory, FamilyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)
PERIOD = fig.Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


def _consult(by, adm, n, minutes=60):
    for i in range(n):
        consultation_services.consultation_create(
            by=by,
            asked_by="Kurator",
            asking_administration=adm,
            held_on=DAY + dt.timedelta(days=i),
            question="Hur samordnar vi stödet?",
            advice="Bjud in till nätverksmöte.",
            minutes=minutes,
            follow_up=Consultation.FollowUp.REQUEST if i == 0 else Consultation.FollowUp.NONE,
        )


def test_consultations_and_courses_are_counted_with_small_numbers_suppressed(
    ombud, adm_school, adm_soc, adm_region, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12), tick=False)
    _consult(ombud, adm_school, 6, minutes=60)
    _consult(ombud, adm_soc, 5, minutes=30)
    _consult(ombud, adm_region, 2)
    course = course_services.course_create(
        by=ombud,
        kind=CourseKind.ABC,
        name="",
        administration=adm_soc,
        leaders=[ombud],
        start_date=DAY,
        place="Familjecentralen",
        sessions_to_complete=1,
        anonymous_participants=2,
        anonymous_completed=1,
    )
    session = course_services.session_add(course=course, by=ombud, held_on=DAY)
    parent = CustodianFactory(family=FamilyFactory(responsible_ombud=ombud))
    participant = course_services.participant_add(course=course, by=ombud, member=parent)
    course_services.attendance_record(
        session=session, by=ombud, present=[participant], anonymous_present=2
    )

    raw = fig.compute(PERIOD)
    shown = suppression.suppress(raw)
    consultations = shown["consultations"]
    assert consultations.cell("school", "consultations").display == "6"
    assert consultations.cell("school", "hours").display == "6.0"
    assert consultations.cell("health_region", "consultations").display == "<5"
    assert consultations.cell("health_region", "hours").display == ".."
    # The smallest other part is withheld too, so the small one cannot be worked out.
    assert consultations.cell("social_services", "consultations").display == ".."
    assert consultations.cell("social_services", "hours").display == ".."
    assert consultations.cell("total", "consultations").display == "13"
    assert consultations.note == str(CONSULTATIONS_DEFINITION)
    assert shown["consultation_follow_up"].cell("request", "consultations").display == "<5"

    # One course with three parents (one registered, two anonymous) at the
    # single session: two completed. Every count of parents is small, and the course count
    # (fewer than five parents behind it) is withheld.
    assert raw["courses"].total.cells["participants"].value == 3
    assert raw["courses"].total.cells["completed"].value == 2
    courses = shown["courses"]
    assert courses.cell(str(adm_soc.pk), "participants").display == "<5"
    assert courses.cell(str(adm_soc.pk), "courses").display == ".."


def test_consultations_and_courses_are_counted_against_their_yearly_targets(
    ombud, adm_soc, time_machine
):
    """The project leader sees the work outside the cases against the targets set for it
    (issue 20 part 5): yearly targets scaled to the half year, small counts withheld."""
    time_machine.move_to(dt.datetime(2026, 6, 1, 12), tick=False)
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.CONSULTATIONS, target=40
    )
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.COURSES, target=4
    )
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.COURSE_PARTICIPANTS, target=40
    )
    _consult(ombud, adm_soc, 10)
    # Outside the period: not counted.
    consultation_services.consultation_create(
        by=ombud,
        asked_by="Kurator",
        asking_administration=adm_soc,
        held_on=dt.date(2025, 12, 31),
        question="Hur samordnar vi stödet?",
        advice="Bjud in till nätverksmöte.",
        minutes=30,
        follow_up=Consultation.FollowUp.NONE,
    )
    for start in (DAY, DAY + dt.timedelta(days=30)):
        course_services.course_create(
            by=ombud,
            kind=CourseKind.ABC,
            name="",
            administration=adm_soc,
            leaders=[ombud],
            start_date=start,
            place="Familjecentralen",
            sessions_to_complete=3,
            anonymous_participants=6,
            anonymous_completed=4,
        )

    shown = suppression.suppress(fig.compute(PERIOD))["volume_targets"]
    assert shown.cell(VolumeWork.CONSULTATIONS, "target").display == "20.0"
    assert shown.cell(VolumeWork.CONSULTATIONS, "actual").display == "10"
    assert shown.cell(VolumeWork.CONSULTATIONS, "share").display == "50"
    assert shown.cell(VolumeWork.COURSES, "actual").display == "2"
    assert shown.cell(VolumeWork.COURSE_PARTICIPANTS, "actual").display == "12"
    assert shown.cell(VolumeWork.COURSE_PARTICIPANTS, "share").display == "60"


def test_a_handful_of_consultations_is_withheld_against_the_target(ombud, adm_soc, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12), tick=False)
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.CONSULTATIONS, target=40
    )
    _consult(ombud, adm_soc, 3)
    shown = suppression.suppress(fig.compute(PERIOD))["volume_targets"]
    # Withheld like a measure (as the families against their target), and the share with it.
    assert shown.cell(VolumeWork.CONSULTATIONS, "actual").display == ".."
    assert shown.cell(VolumeWork.CONSULTATIONS, "share").display == ".."
