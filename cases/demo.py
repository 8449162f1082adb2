"""Demo families: a dozen fictional families across the statuses, with a year of journal
entries, goals and follow-ups, a child with protected identity and pupil support.

Idempotent: families are created once (recognised by a marker in the background text).
Keys in the returned dict are used by the consent, SIP and network demos.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from cases import models as cm
from cases import services
from cases.personnummer import with_check_digit

MARKER = "[demo:"

JOURNAL_TEXTS = [
    "Hembesök. Vi gick igenom veckans schema med bildstöd och planerade morgonrutinen.",
    "Telefonsamtal med mamma om skolfrånvaron. Kontakt tas med mentor.",
    "Möte på skolan med mentor och specialpedagog om extra anpassningar i matematik.",
    "Hembesök. Familjen har kommit igång med matlådor och handlingslista.",
    "Följde med pappa till Arbetsförmedlingen för inskrivning.",
    "SIP-möte förbereddes med familjen: vad är viktigt för er?",
    "Nätverksmöte med mormor, fotbollstränaren och skolan.",
    "Hembesök. Genomgång av ekonomi och räkningar med familjen.",
]

OUTCOMES = [
    cm.OutcomeArea.HOME,
    cm.OutcomeArea.SCHOOLING,
    cm.OutcomeArea.LEISURE,
    cm.OutcomeArea.PARENTS_OCCUPATION,
]


def _pnr(birth: dt.date, serial: int) -> str:
    ten = with_check_digit(f"{birth:%y%m%d}{serial:03d}")
    return f"{birth:%Y}{ten[2:]}"


# key, last name, status, ombud, priority, children (first name, age, grade),
# custodians (first names), protected child, request days ago
FAMILIES = [
    (
        "berg",
        "Berg",
        "active",
        "ombud",
        2,
        [("Maja", 9, 3), ("Elis", 13, 7)],
        ["Lena", "Olof"],
        False,
        300,
    ),
    ("lind", "Lind", "active", "ombud", 3, [("Noah", 11, 5)], ["Sara"], False, 260),
    ("holm", "Holm", "active", "ombud", 2, [("Alva", 8, 2)], ["Karin", "Jonas"], True, 220),
    ("strand", "Strand", "active", "ombud2", 3, [("Vide", 12, 6)], ["Petra"], False, 250),
    ("ek", "Ek", "phasing_out", "ombud", 3, [("Liam", 15, 9)], ["Mona", "Ali"], False, 380),
    ("sjo", "Sjö", "active", "ombud", 2, [("Ella", 10, 4)], ["Hanna", "Erik"], False, 200),
    ("gran", "Gran", "assessment", "ombud", 2, [("Ture", 7, 1)], ["Nora"], False, 40),
    ("al", "Al", "request", None, 1, [("Iris", 6, 0)], ["Amir", "Leila"], False, 12),
    ("bjork", "Björk", "request", None, 3, [("Otto", 14, 8)], ["Eva"], False, 25),
    ("asp", "Asp", "closed", "ombud", 3, [("Vera", 16, 9)], ["Tove"], False, 420),
    ("lonn", "Lönn", "declined", None, 4, [("Melvin", 12, 6)], ["Stina"], False, 90),
    ("alm", "Alm", "withdrawn", "ombud2", 3, [("Juni", 9, 3)], ["Rut", "Kai"], False, 150),
    # Network work only (seed 004, children and young people 0–20): two on the waiting list,
    # a decided intervention (goes first) and a service; one taken in (its network process,
    # network/demo.py, moves it along to the network meeting).
    ("vass", "Vass", "request", None, 3, [("Tilde", 4, None)], ["Maria"], False, 9),
    ("ronn", "Rönn", "request", None, 3, [("Adam", 17, None)], ["Jenny", "Anders"], False, 20),
    ("tall", "Tall", "pre_meeting", "ombud", 3, [("Wilma", 11, 5)], ["Linda"], False, 45),
    # Nora's family (the second municipality, issue 21): owned by Socialtjänsten Nora, so it
    # counts in Nora's figures and gets Nora's reference code and school administration.
    ("nordin", "Nordin", "active", "ombud_nora", 3, [("Ebba", 10, 4)], ["Ylva"], False, 160),
]
# The families of network work only and how their work is given (the others are coordinated
# support).
NETWORK_ONLY = {
    "vass": cm.Provision.DECIDED,
    "ronn": cm.Provision.SERVICE,
    "tall": cm.Provision.SERVICE,
}

PATHS = {
    "request": [],
    "assessment": ["assessment"],
    "active": ["assessment", "active"],
    "phasing_out": ["assessment", "active", "phasing_out"],
    "closed": ["assessment", "active", "phasing_out", "closed"],
    "declined": ["declined"],
    "withdrawn": ["assessment", "active", "withdrawn"],
    # Network work only: taken in (the pre-meeting is next).
    "pre_meeting": ["pre_meeting"],
}


def seed(base: dict) -> dict:
    users, adms = base["users"], base["administrations"]
    existing = {
        f.background.split(MARKER, 1)[1].split("]", 1)[0]: f
        for f in cm.Family.objects.filter(background__contains=MARKER)
    }
    families = {}
    rng = random.Random(20261123)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    lead = users["teamledare"]
    for index, (
        key,
        last,
        status,
        ombud_name,
        prio,
        children,
        parents,
        protected,
        days,
    ) in enumerate(FAMILIES):
        if key in existing:
            families[key] = existing[key]
            continue
        ombud = users[ombud_name] if ombud_name else None
        creator = ombud or lead
        requested = today - dt.timedelta(days=days)
        network_only = key in NETWORK_ONLY
        # Requests come from the school or social services of the family's own municipality.
        own = creator.administration.organisation_id == adms["Skolan"].organisation_id
        family = services.family_create_from_request(
            by=creator if creator.administration_id else lead,
            requesting_administration=(adms["Skolan"] if index % 2 else adms["Socialtjänsten"])
            if own
            else creator.administration,
            requesting_contact="Rektor / kurator",
            request_date=requested,
            priority=prio,
            background=f"Fiktiv demofamilj {last}. {MARKER}{key}]",
            placements_at_risk_at_start=1 if index % 3 == 0 else 0,
            eligibility=dict.fromkeys(cm.Eligibility.Criterion.values[:3], ("yes", ""))
            if status != "request" and not network_only
            else {},
            responsible_ombud=ombud,
            kind=cm.WorkKind.NETWORK_WORK if network_only else cm.WorkKind.COORDINATED_SUPPORT,
            provision=NETWORK_ONLY.get(key, ""),
        )
        adults = []
        for p_index, first in enumerate(parents):
            birth = dt.date(
                today.year - 38 - p_index * 3,
                1 + (index + p_index) % 12,
                3 + (index * 2 + p_index) % 20,
            )
            adults.append(
                services.member_create(
                    family=family,
                    by=creator,
                    kind=cm.Member.Kind.CUSTODIAN,
                    first_name=first,
                    last_name=last,
                    id_type=cm.Member.IdType.PERSONNUMMER,
                    personal_number=_pnr(birth, 980 + p_index),
                    birth_date=birth,
                    protected_identity=protected,
                    occupation=cm.Member.Occupation.JOB_SEEKING
                    if p_index
                    else cm.Member.Occupation.EMPLOYED,
                    occupation_at_start=cm.Member.Occupation.NONE
                    if p_index == 0
                    else cm.Member.Occupation.JOB_SEEKING,
                    income_support=index % 2 == 0,
                    income_support_at_start=index % 2 == 0,
                    mobile=f"070-{100 + index:03d} {10 + p_index:02d} {20 + index:02d}",
                    sms_reminders=p_index == 0,
                )
            )
        kids = []
        for c_index, (first, age, grade) in enumerate(children):
            birth = dt.date(
                today.year - age, 1 + (index + c_index * 5) % 12, 2 + (index + c_index * 7) % 22
            )
            kids.append(
                services.member_create(
                    family=family,
                    by=creator,
                    kind=cm.Member.Kind.CHILD,
                    first_name=first,
                    last_name=last,
                    id_type=cm.Member.IdType.PERSONNUMMER,
                    personal_number=_pnr(birth, 990 + c_index),
                    birth_date=birth,
                    protected_identity=protected,
                    npf_diagnosis="ADHD" if c_index == 0 else "Autism",
                    # A child not in compulsory school (network work: 0–20 years) has none.
                    school=("Exempelskolan" if c_index == 0 else "Påhittaskolan")
                    if grade is not None
                    else "",
                    grade=grade,
                    school_class=f"{grade}B" if grade is not None else "",
                    custodians=adults,
                )
            )
            if status in ("active", "phasing_out", "assessment") and grade:
                services.pupil_support_save(
                    member=kids[-1],
                    by=creator,
                    # The school administration of the family's municipality (the service
                    # finds it: Skolan, or Skolan Nora for Nora's family).
                    school=kids[-1].school,
                    grade=grade,
                    support_level=[
                        cm.PupilSupport.Level.EXTRA_ADAPTATIONS,
                        cm.PupilSupport.Level.SPECIAL_SUPPORT,
                        cm.PupilSupport.Level.GUIDANCE,
                    ][(index + c_index) % 3],
                    action_programme_review_on=today + dt.timedelta(days=60)
                    if (index + c_index) % 3 == 1
                    else None,
                    absence_concern=(index + c_index) % 2 == 0,
                    eligibility_track=cm.PupilSupport.Track.AT_RISK
                    if grade >= 7
                    else cm.PupilSupport.Track.YES,
                )
        # Walk the status flow as it happened.
        step_day = requested
        for step in PATHS[status]:
            step_day = min(step_day + dt.timedelta(days=20), today)
            reason = (
                "Familjen avslutade insatsen enligt plan"
                if step == "closed"
                else (
                    "Uppfyller inte kriterierna"
                    if step == "declined"
                    else ("Familjen valde att avsluta" if step == "withdrawn" else "")
                )
            )
            services.family_transition(
                family=family,
                to_status=step,
                by=lead if lead else creator,
                reason=reason,
                on=step_day,
            )
        family.refresh_from_db()
        if ombud and family.start_date and not network_only:
            _journal_year(family, ombud, kids, adults, rng, today)
            _goals(family, ombud, kids, rng, today)
            if status in ("active", "phasing_out"):
                # The next visit, booked without SMS reminders (those are the agenda's demo).
                cm.Visit.objects.create(
                    family=family,
                    owner_id=ombud.administration_id,
                    ombud=ombud,
                    starts_at=timezone.now() + dt.timedelta(days=2 + index % 5, hours=index % 4),
                    place="Hemma hos familjen",
                )
            services.obstacle_report(
                family=family,
                by=ombud,
                kind=cm.Obstacle.Kind.COORDINATION,
                description="Väntetid till BUP-utredning utan besked till familjen.",
                observed_on=family.start_date + dt.timedelta(days=15),
                administration=adms["Regionen"],
            )
            if adults:
                services.assessment_record(
                    family=family,
                    by=ombud,
                    member=adults[0],
                    instrument=cm.Assessment.Instrument.SOC13,
                    score=48 + index,
                    assessed_on=family.start_date,
                )
                services.assessment_record(
                    family=family,
                    by=ombud,
                    member=adults[0],
                    instrument=cm.Assessment.Instrument.SOC13,
                    score=58 + index,
                    assessed_on=min(family.start_date + dt.timedelta(days=180), today),
                )
        families[key] = family
    return {"families": families}


def _journal_year(family, ombud, kids, adults, rng, today) -> None:
    start = family.start_date
    end = family.end_date or today
    day = start
    count = 0
    while day <= end and count < 24:
        event_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + count % 6, 0)))
        entry = services.journal_entry_save_draft(
            family=family,
            by=ombud,
            kind=[
                cm.JournalEntry.Kind.HOME_VISIT,
                cm.JournalEntry.Kind.PHONE,
                cm.JournalEntry.Kind.SCHOOL_MEETING,
                cm.JournalEntry.Kind.NETWORK_MEETING,
            ][count % 4],
            event_at=event_at,
            duration_minutes=[60, 20, 90, 120][count % 4],
            place=["Hemma hos familjen", "Telefon", "Skolan", "Familjecentralen"][count % 4],
            facts=JOURNAL_TEXTS[rng.randrange(len(JOURNAL_TEXTS))],
            outcome_areas=[OUTCOMES[count % 4]],
            concerns=kids if count % 3 else kids[:1],
            participants=adults[:1],
        )
        if day < end - dt.timedelta(days=7):
            services.journal_entry_sign(entry=entry, by=ombud)
        services.time_entry_add(
            family=family,
            by=ombud,
            activity=[
                cm.TimeEntry.Activity.HOME_VISIT,
                cm.TimeEntry.Activity.COORDINATION,
                cm.TimeEntry.Activity.MEETING,
                cm.TimeEntry.Activity.MEETING,
            ][count % 4],
            date=day,
            minutes=[60, 20, 90, 120][count % 4],
            journal_entry=entry,
        )
        day += dt.timedelta(days=14 + rng.randrange(5))
        count += 1


def _goals(family, ombud, kids, rng, today) -> None:
    for area, text in [
        (cm.OutcomeArea.HOME, "En fungerande morgonrutin fem dagar i veckan"),
        (cm.OutcomeArea.SCHOOLING, "Närvaro i skolan över 80 procent"),
        (cm.OutcomeArea.PARENTS_OCCUPATION, "Förälder har sysselsättning eller praktik"),
    ]:
        goal = services.goal_create(
            family=family,
            by=ombud,
            area=area,
            description=text,
            member=kids[0] if area == cm.OutcomeArea.SCHOOLING else None,
        )
        rating = 2 + rng.randrange(2)
        date = family.start_date + dt.timedelta(days=10)
        while date <= min(family.end_date or today, today):
            services.goal_follow_up_add(goal=goal, by=ombud, date=date, rating=rating)
            rating = min(5, rating + rng.randrange(2))
            date += dt.timedelta(days=60)


DEMO_EMERGENCY_REASON = (
    "Skolan ringde på kvällen: barnet hade inte kommit hem och mamma svarade inte. Jag "
    "behövde se familjens nätverk och kontaktuppgifter för att nå dem."
)


def seed_emergency_access(made: dict) -> dict:
    """An emergency access (issue 21) of the other administration's family ombud to a family
    of the team lead's administration that they do not see: opened three days ago for one
    day, ended, and waiting for the team lead's review (so the start page lists it). Written
    with its past times directly: the service always opens an access from now."""
    users, families = made["users"], made["families"]
    requester, lead, family = users["ombud2"], users["teamledare"], families["ek"]
    if family.owner_id != lead.administration_id or family.team.filter(user=requester).exists():
        return {}
    opened = timezone.now() - dt.timedelta(days=3)
    emergency, _ = cm.EmergencyAccess.objects.get_or_create(
        user=requester,
        family=family,
        reason=DEMO_EMERGENCY_REASON,
        defaults={
            "administration_id": requester.administration_id,
            "days": 1,
            "starts_at": opened,
            "ends_at": opened + dt.timedelta(days=1),
        },
    )
    return {"emergency_access": emergency}
