"""A hand-built project with known answers for every report figure.

The period is the December report 2025: 1 April – 30 November 2025. Records sit on both
sides of each boundary (the first and the last day count; the day before and the day after
do not). The expected answers are worked out in the comments and asserted in
test_figures.py.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cases import models as cm
from familjelotsen.models import User
from sip import models as sm
from tests.factories import (
    AssessmentFactory,
    ConsentFactory,
    CustodianFactory,
    FamilyFactory,
    FunderShareFactory,
    GoalFactory,
    GoalFollowUpFactory,
    JournalEntryFactory,
    MemberFactory,
    NetworkMeetingFactory,
    NetworkProcessFactory,
    NetworkTimeEntryFactory,
    ObstacleFactory,
    OrganisationFactory,
    PlanFactory,
    SipFollowUpFactory,
    SipInterventionFactory,
    TimeEntryFactory,
    UserFactory,
)

D = dt.date
START, END = D(2025, 4, 1), D(2025, 11, 30)
S = cm.Family.Status
K = cm.Member.Kind


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def period():
    from reporting.figures import Period

    return Period(START, END)


@pytest.fixture
def world(adm_rs, adm_soc, adm_school, adm_region, ombud, colleague_on_team):
    a, b = ombud, colleague_on_team

    def family(requesting, *, ombud=a, **kw):
        if ombud is None:
            kw["owner"] = adm_rs
        return FamilyFactory(responsible_ombud=ombud, requesting_administration=requesting, **kw)

    # Families (request → start → end). In the programme during the period: F1 F2 F3 F7 F10 F11.
    f1 = family(
        adm_soc,
        request_date=D(2025, 3, 1),
        start_date=D(2025, 4, 1),
        placements_at_risk_at_start=2,
        placements_happened=0,
    )
    f2 = family(
        adm_soc,
        request_date=D(2025, 4, 1),
        start_date=D(2025, 5, 11),
        placements_at_risk_at_start=1,
        placements_happened=1,
    )
    f3 = family(
        adm_school,
        ombud=b,
        request_date=D(2025, 5, 1),
        start_date=D(2025, 5, 21),
        end_date=END,
        status=S.CLOSED,
    )
    f4 = family(
        adm_school,
        ombud=None,
        request_date=D(2025, 6, 1),
        start_date=None,
        end_date=D(2025, 6, 15),
        status=S.DECLINED,
    )
    family(adm_soc, ombud=None, request_date=D(2025, 7, 1), start_date=None, status=S.REQUEST)
    family(
        adm_rs,
        request_date=D(2024, 1, 1),
        start_date=D(2024, 2, 1),
        end_date=D(2025, 3, 31),
        status=S.CLOSED,
    )  # F6: ended the day before
    f7 = family(
        adm_rs,
        request_date=D(2024, 6, 1),
        start_date=D(2024, 8, 1),
        phase_out_date=D(2025, 9, 1),
        status=S.PHASING_OUT,
        placements_happened=1,
    )
    family(adm_soc, ombud=None, request_date=END, start_date=None, status=S.REQUEST)  # F8
    family(
        adm_soc, ombud=None, request_date=D(2025, 12, 1), start_date=None, status=S.REQUEST
    )  # F9: the day after
    f10 = family(
        adm_soc,
        ombud=b,
        request_date=D(2024, 10, 1),
        start_date=D(2024, 12, 1),
        end_date=D(2025, 8, 15),
        status=S.WITHDRAWN,
    )
    f11 = family(adm_rs, ombud=b, request_date=D(2025, 1, 1), start_date=D(2025, 2, 1))

    # Members; ages at 30 November 2025.
    c1 = MemberFactory(
        family=f1, birth_date=D(2019, 11, 30), first_name="Alva", last_name="Hemligsson"
    )  # 6 (birthday on the last day)
    MemberFactory(family=f1, birth_date=D(2015, 12, 1))  # 9 (turns 10 the day after)
    p1 = CustodianFactory(
        family=f1,
        npf_diagnosis="ADHD",
        occupation_at_start="none",
        occupation="employed",
        income_support_at_start=True,
        first_name="Bodil",
        last_name="Hemligsson",
    )
    c2 = MemberFactory(family=f2, birth_date=D(2015, 11, 30))  # 10
    MemberFactory(family=f2, kind=K.SIBLING, birth_date=D(2009, 11, 30))  # 16
    MemberFactory(family=f2, birth_date=D(2020, 1, 1))  # 5: other
    p2 = CustodianFactory(
        family=f2,
        occupation_at_start="job_seeking",
        occupation="job_seeking",
        income_support_at_start=True,
        income_support=True,
    )
    c3 = MemberFactory(family=f3, birth_date=D(2012, 6, 1), npf_diagnosis="Autism")  # 13
    p3 = CustodianFactory(family=f3, occupation_at_start="", occupation="studying")
    c7 = MemberFactory(family=f7, birth_date=D(2008, 11, 29))  # 17: other
    MemberFactory(family=f4, birth_date=D(2015, 1, 1), npf_diagnosis="ADHD")  # not in prog.
    c11 = MemberFactory(family=f11, birth_date=D(2014, 1, 1))  # 11

    # Goals: home 2 followed (better, same), schooling 1 (worse); one-rating and outside
    # goals are left out.
    def goal(fam, area, *ratings):
        g = GoalFactory(family=fam, area=area, created_by=a)
        for day, rating in ratings:
            GoalFollowUpFactory(goal=g, date=day, rating=rating, recorded_by=a)

    goal(f1, "home", (D(2025, 5, 1), 2), (D(2025, 10, 1), 4), (D(2025, 12, 15), 5))
    goal(f2, "home", (D(2025, 6, 1), 3), (D(2025, 9, 1), 3))
    goal(f3, "schooling", (D(2025, 7, 1), 4), (END, 2))
    goal(f7, "schooling", (D(2025, 5, 1), 3))
    goal(f4, "home", (D(2025, 5, 1), 1), (D(2025, 6, 1), 5))

    # KASAM: SOC-13 50 → 60 (higher); SOC-29 100 → 90 (lower); a single score is left out.
    AssessmentFactory(member=p1, score=50, assessed_on=D(2025, 4, 10))
    AssessmentFactory(member=p1, score=60, assessed_on=D(2025, 10, 10))
    AssessmentFactory(member=p2, score=55, assessed_on=D(2025, 5, 1))
    soc29 = cm.Assessment.Instrument.SOC29
    AssessmentFactory(member=p3, instrument=soc29, score=100, assessed_on=D(2025, 1, 1))
    AssessmentFactory(member=p3, instrument=soc29, score=90, assessed_on=D(2025, 9, 1))
    AssessmentFactory(member=p3, instrument=soc29, score=150, assessed_on=D(2026, 1, 1))

    # Obstacles: Socialtjänsten 2 coordination (one family), Skolan 1, none named 1 daily life.
    ObstacleFactory(family=f1, administration=adm_soc, observed_on=START)
    ObstacleFactory(family=f1, administration=adm_soc, observed_on=D(2025, 5, 1))
    ObstacleFactory(
        family=f2,
        kind="daily_life",
        administration=None,
        observed_on=D(2025, 6, 1),
        description="Ingen ork på morgnarna.",
    )
    ObstacleFactory(family=f3, administration=adm_school, observed_on=END)
    ObstacleFactory(family=f3, administration=adm_school, observed_on=D(2025, 12, 1))
    ObstacleFactory(family=f3, administration=adm_school, observed_on=D(2025, 3, 31))

    # Journal: 2 home visits (two families) and 1 phone call; addenda and outside entries not.
    JournalEntryFactory(
        family=f1, event_at=at(START, 0, 30), facts="Hemligt: pappan berättade om skulderna."
    )
    JournalEntryFactory(family=f1, kind="phone", event_at=at(END, 23, 30))
    j3 = JournalEntryFactory(family=f2, event_at=at(D(2025, 6, 1), 10))
    JournalEntryFactory(family=f2, event_at=at(D(2025, 6, 2), 10), corrects=j3)
    JournalEntryFactory(family=f1, event_at=at(D(2025, 12, 1), 0, 10))
    JournalEntryFactory(family=f1, event_at=at(D(2025, 3, 31), 23, 59))

    # Time: home visits 2.0 h (two families), coordination 0.5 h; total 2.5 h, 3 families.
    TimeEntryFactory(family=f1, activity="home_visit", minutes=90, date=START)
    TimeEntryFactory(family=f2, activity="coordination", minutes=30, date=END)
    TimeEntryFactory(family=f1, activity="travel", minutes=60, date=D(2025, 12, 1))
    TimeEntryFactory(family=f3, activity="home_visit", minutes=30, date=D(2025, 5, 5))

    # Cost key: 800 SEK an hour, 60/40.
    from reporting.models import CostSettings

    CostSettings.objects.update_or_create(
        organisation=OrganisationFactory(), defaults={"hourly_cost": 800}
    )
    FunderShareFactory(name="Kommunen", share_percent=60, position=1)
    FunderShareFactory(name="Region Exempel", share_percent=40, position=2)

    # SIPs: agreed in the period S1 S2 S4; in force at the end S1 S2 S4; overdue S1 S4.
    def agreed_plan(member, need, meeting, *, next_follow_up, **kw):
        consent = ConsentFactory(
            subject=member, valid_from=D(2025, 1, 1), valid_until=D(2026, 12, 31)
        )
        return PlanFactory(
            member=member,
            need_noticed_on=need,
            first_meeting_on=meeting,
            agreed_on=meeting,
            next_follow_up_on=next_follow_up,
            overall_responsible=adm_soc,
            consent=consent,
            status=kw.pop("status", sm.Plan.Status.AGREED),
            **kw,
        )

    s1 = agreed_plan(c1, D(2025, 3, 1), D(2025, 4, 11), next_follow_up=D(2025, 10, 1))
    s2 = agreed_plan(
        c2,
        D(2025, 5, 1),
        D(2025, 5, 21),
        next_follow_up=D(2026, 2, 1),
        status=sm.Plan.Status.FOLLOWED_UP,
    )
    s3 = agreed_plan(
        c3,
        D(2025, 1, 1),
        D(2025, 2, 1),
        next_follow_up=D(2025, 5, 1),
        status=sm.Plan.Status.CLOSED,
        closed_on=D(2025, 6, 1),
        close_reason="Behovet upphörde",
    )
    s4 = agreed_plan(c7, D(2025, 9, 1), D(2025, 10, 1), next_follow_up=D(2026, 3, 1))
    s5 = PlanFactory(member=c11, need_noticed_on=D(2025, 6, 1))  # a draft
    SipFollowUpFactory(plan=s2, held_on=D(2025, 9, 1), due_on=D(2025, 9, 1))  # on time
    SipFollowUpFactory(plan=s3, held_on=D(2025, 5, 10), due_on=D(2025, 5, 1))  # late
    SipFollowUpFactory(plan=s4, held_on=D(2025, 12, 5), due_on=D(2025, 11, 15))  # after end
    SipFollowUpFactory(plan=s2, held_on=D(2025, 10, 15), due_on=None)  # undated
    # Interventions under way: Regionen 2 (two persons), Skolan 1.
    SipInterventionFactory(
        plan=s1, responsible_administration=adm_region, start_on=D(2025, 4, 11), end_on=None
    )
    SipInterventionFactory(
        plan=s1,
        responsible_administration=adm_school,
        start_on=D(2025, 4, 11),
        end_on=D(2025, 6, 30),
    )
    SipInterventionFactory(
        plan=s2, responsible_administration=adm_region, start_on=D(2025, 6, 1), end_on=None
    )
    SipInterventionFactory(
        plan=s3, responsible_administration=adm_soc, start_on=D(2025, 2, 1), end_on=D(2025, 3, 15)
    )
    SipInterventionFactory(
        plan=s4, responsible_administration=adm_region, start_on=D(2025, 12, 10), end_on=None
    )
    SipInterventionFactory(
        plan=s5, responsible_administration=adm_region, start_on=D(2025, 6, 1), end_on=None
    )

    # Network work: N1 service (started), N2 decided (closed, 15 h), N3 service (closed, 8 h).
    n1 = NetworkProcessFactory(member=c1, started_on=D(2025, 5, 1))
    n2 = NetworkProcessFactory(
        member=c2,
        provision="decided",
        decision_reference="B-1",
        started_on=D(2025, 2, 1),
        closed_on=D(2025, 8, 1),
        status="closed",
        close_reason="Klart",
    )
    n3 = NetworkProcessFactory(
        member=c3, started_on=D(2025, 3, 1), closed_on=END, status="closed", close_reason="Klart"
    )
    NetworkProcessFactory(member=c7, started_on=D(2025, 12, 1))
    for stage, day in (
        ("coordination", D(2025, 5, 2)),
        ("pre_meeting", D(2025, 5, 10)),
        ("network_meeting", D(2025, 6, 1)),
    ):
        NetworkMeetingFactory(process=n1, stage=stage, held_on=day)
    NetworkMeetingFactory(process=n2, stage="network_meeting", held_on=D(2025, 3, 1))
    NetworkMeetingFactory(process=n2, stage="follow_up_meeting", held_on=D(2025, 7, 1))
    NetworkTimeEntryFactory(process=n1, activity="coordination", minutes=120, on=D(2025, 5, 2))
    NetworkTimeEntryFactory(process=n1, activity="pre_meeting", minutes=180, on=D(2025, 5, 10))
    NetworkTimeEntryFactory(process=n1, activity="network_meeting", minutes=240, on=D(2025, 6, 1))
    NetworkTimeEntryFactory(process=n2, activity="coordination", minutes=600, on=D(2025, 2, 1))
    NetworkTimeEntryFactory(process=n2, activity="follow_up_meeting", minutes=300, on=D(2025, 7, 1))
    NetworkTimeEntryFactory(process=n3, activity="network_meeting", minutes=480, on=D(2025, 4, 15))

    return SimpleNamespace(
        adm_rs=adm_rs,
        adm_soc=adm_soc,
        adm_school=adm_school,
        adm_region=adm_region,
        families=[f1, f2, f3, f4, f7, f10, f11],
        child=c1,
        parent=p1,
        project_leader=UserFactory(
            username="w_project", role=User.Role.PROJECT_LEADER, administration=adm_rs
        ),
    )
