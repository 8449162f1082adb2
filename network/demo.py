"""Demo network work on top of the demo families (all fictional).

berg: a network process (service) for the younger child: coordination, pre-meeting, network
      meeting with agreed actions, a follow-up meeting that took over the open ones, needs
      inventories by the family (twice) and the ombud, and time against the planning figure.
lind: a decided intervention (bistånd) with its decision reference, just started.
tall: a family of network work only, taken in: pre-meeting and network meeting recorded, so
      the family stands at the network meeting (the follow-up is next).

Idempotent: a family that already has network work is left alone; a missing family is skipped.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import models as cm
from network import models as nm
from network import services

Stage = nm.Stage
Place = nm.NetworkMeeting.Place

FAMILY_FIRST = {
    "safe": (3, "Trygg hemma med mamma och pappa", "Bråk på skolgården"),
    "healthy": (2, "Äter bra", "Sover dåligt, ont i magen på morgonen"),
    "achieving": (2, "Tycker om att rita", "Har svårt med läsningen"),
    "nurtured": (4, "Mormor finns nära", ""),
    "active": (2, "Har provat fotboll", "Orkar inte träningarna"),
    "respected": (3, "Får vara med och bestämma hemma", "Känner sig inte lyssnad på i skolan"),
    "responsible": (3, "Hjälper till med katten", ""),
    "included": (2, "En kompis i klassen", "Ensam på rasterna"),
}


def _youngest_child(family: cm.Family) -> cm.Member | None:
    return (
        family.members.filter(kind__in=[cm.Member.Kind.CHILD, cm.Member.Kind.SIBLING])
        .order_by("-birth_date", "-id")
        .first()
    )


def _berg(family: cm.Family, school, region, today: dt.date) -> nm.NetworkProcess | None:
    child = _youngest_child(family)
    by = family.responsible_ombud
    if child is None or by is None:
        return None
    started = today - dt.timedelta(days=90)
    process = services.process_create(
        family=family,
        member=child,
        by=by,
        started_on=started,
        purpose="Mobilisera nätverket kring Majas skoldag och fritid.",
        provision=nm.NetworkProcess.Provision.SERVICE,
        follow_up_person="Mormor Inga",
    )
    people = {}
    for key, kwargs in {
        "mormor": {"side": "private", "name": "Inga Berg", "relation": "Mormor"},
        "tranare": {"side": "private", "name": "Kalle Fiktiv", "relation": "Fotbollstränare"},
        "granne": {"side": "private", "name": "Siv Granne", "relation": "Granne"},
        "mentor": {
            "side": "professional",
            "name": "David Testlund",
            "administration": school,
            "role": "Mentor",
        },
        "bup": {
            "side": "professional",
            "name": "Eva Påhittad",
            "administration": region,
            "role": "Kurator, BUP",
        },
    }.items():
        if kwargs.get("side") == "professional" and kwargs.get("administration") is None:
            continue
        people[key], _warnings = services.participant_add(process=process, by=by, **kwargs)

    def meet(stage, days_ago, place, attended, notes=""):
        return services.meeting_record(
            process=process,
            by=by,
            stage=stage,
            held_on=today - dt.timedelta(days=days_ago),
            place=place,
            notes=notes,
            attended=[people[k] for k in attended if k in people],
        )

    meet(Stage.COORDINATION, 90, Place.OFFICE, [], "Kontakt med mentor och BUP inför förmötet.")
    meet(
        Stage.PRE_MEETING,
        80,
        Place.HOME,
        ["mormor"],
        "Förmöte med Maja och föräldrarna: mobiliseringslista och samtycke.",
    )
    network = meet(
        Stage.NETWORK_MEETING,
        60,
        Place.SCHOOL,
        ["mormor", "tranare", "mentor", "bup"],
        "Nätverket kom överens om handlingsplanen nedan.",
    )
    actions = [
        ("Hämtar Maja på tisdagar och torsdagar", "mormor", None, 30),
        ("Erbjuder en lugn plats på rasterna", None, school, 20),
        ("Följer med till första träningen", "tranare", None, 45),
    ]
    made = []
    for what, person, adm, due in actions:
        if person and person not in people:
            continue
        made.append(
            services.action_add(
                meeting=network,
                by=by,
                what=what,
                responsible_participant=people.get(person) if person else None,
                responsible_administration=adm,
                due_on=network.held_on + dt.timedelta(days=due),
            )
        )
    if made:
        done = made[0]
        services.action_set_status(
            action=done,
            expected_version=done.version,
            by=by,
            status=nm.Action.Status.DONE,
            on=today - dt.timedelta(days=30),
        )
    meet(
        Stage.FOLLOW_UP_MEETING,
        20,
        Place.DIGITAL,
        ["mormor", "mentor"],
        "Uppföljning: det mesta fungerar, två åtgärder är fortfarande öppna.",
    )
    services.inventory_record(
        process=process,
        by=by,
        made_on=today - dt.timedelta(days=80),
        rated_by=nm.NeedsInventory.RatedBy.FAMILY,
        ratings=FAMILY_FIRST,
        child_view="Det är jobbigt på rasterna.",
    )
    services.inventory_record(
        process=process,
        by=by,
        made_on=today - dt.timedelta(days=80),
        rated_by=nm.NeedsInventory.RatedBy.OMBUD,
        ratings={k: (max(1, v[0] - 1), v[1], v[2]) for k, v in FAMILY_FIRST.items()},
    )
    services.inventory_record(
        process=process,
        by=by,
        made_on=today - dt.timedelta(days=20),
        rated_by=nm.NeedsInventory.RatedBy.FAMILY,
        ratings={k: (min(5, v[0] + 1), v[1], v[2]) for k, v in FAMILY_FIRST.items()},
        child_view="Bättre nu när mormor hämtar.",
    )
    for activity, days_ago, minutes in [
        (Stage.COORDINATION, 90, 180),
        (Stage.PRE_MEETING, 80, 150),
        (Stage.NETWORK_MEETING, 60, 240),
        (Stage.FOLLOW_UP_MEETING, 20, 120),
    ]:
        services.time_add(
            process=process,
            by=by,
            activity=activity,
            on=today - dt.timedelta(days=days_ago),
            minutes=minutes,
        )
    return process


def _lind(family: cm.Family, today: dt.date) -> nm.NetworkProcess | None:
    child = _youngest_child(family)
    by = family.responsible_ombud
    if child is None or by is None:
        return None
    process = services.process_create(
        family=family,
        member=child,
        by=by,
        started_on=today - dt.timedelta(days=10),
        purpose="Nätverksmöte inför övergången till högstadiet.",
        provision=nm.NetworkProcess.Provision.DECIDED,
        decision_reference="SN-2026-0142",
        decision_date=today - dt.timedelta(days=14),
    )
    services.meeting_record(
        process=process,
        by=by,
        stage=Stage.COORDINATION,
        held_on=today - dt.timedelta(days=10),
        place=Place.OFFICE,
    )
    services.time_add(process=process, by=by, activity=Stage.COORDINATION, on=today, minutes=90)
    return process


def _tall(family: cm.Family, school, today: dt.date) -> nm.NetworkProcess | None:
    child = _youngest_child(family)
    by = family.responsible_ombud
    if child is None or by is None:
        return None
    process = services.process_create(
        family=family,
        member=child,
        by=by,
        started_on=today - dt.timedelta(days=25),
        purpose="Wilma vill inte gå till skolan; familjen vill samla dem som finns runt henne.",
        provision=nm.NetworkProcess.Provision.SERVICE,
        follow_up_person="Moster Petra",
    )
    people = {}
    people["moster"], _w = services.participant_add(
        process=process, by=by, side="private", name="Petra Tall", relation="Moster"
    )
    if school is not None:
        people["mentor"], _w = services.participant_add(
            process=process,
            by=by,
            side="professional",
            name="Jonas Exempel",
            administration=school,
            role="Mentor",
        )
    services.meeting_record(
        process=process,
        by=by,
        stage=Stage.PRE_MEETING,
        held_on=today - dt.timedelta(days=20),
        place=Place.HOME,
        notes="Förmöte hemma: Wilma och mamma bjuder in moster och mentorn.",
        attended=[people["moster"]],
    )
    services.meeting_record(
        process=process,
        by=by,
        stage=Stage.NETWORK_MEETING,
        held_on=today - dt.timedelta(days=6),
        place=Place.SCHOOL,
        notes="Nätverksmöte på skolan. Uppföljning om sex veckor.",
        attended=list(people.values()),
    )
    for activity, days_ago, minutes in [
        (Stage.COORDINATION, 25, 90),
        (Stage.PRE_MEETING, 20, 120),
        (Stage.NETWORK_MEETING, 6, 180),
    ]:
        services.time_add(
            process=process,
            by=by,
            activity=activity,
            on=today - dt.timedelta(days=days_ago),
            minutes=minutes,
        )
    return process


def seed(base: dict) -> dict:
    families = base.get("families") or {}
    adms = base.get("administrations") or {}
    today = timezone.localdate()
    made = []
    berg = families.get("berg")
    if berg is not None and not berg.network_processes.exists():
        made.append(_berg(berg, adms.get("Skolan"), adms.get("Regionen"), today))
    lind = families.get("lind")
    if lind is not None and not lind.network_processes.exists():
        made.append(_lind(lind, today))
    tall = families.get("tall")
    if tall is not None and not tall.network_processes.exists():
        made.append(_tall(tall, adms.get("Skolan"), today))
    return {"network_processes": [p for p in made if p is not None]}
