"""Demo SIP plans on top of the demo families and consents (all fictional).

berg: the older child has an agreed SIP with a Regionen (BUP) and a Skolan intervention, a
      measure by Försäkringskassan, meetings and distribution; the younger child a draft that
      still lacks what the law asks for (the page shows the checklist).
holm: a draft for the child with protected identity (masked for everyone outside the team).

Idempotent: a family that already has SIPs is left alone; a missing family is skipped. Plans
go through the services, so shares and the process history are as in real use.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import models as cm
from sip import models as sm
from sip import services

Status = sm.Plan.Status


def _children(family: cm.Family) -> list[cm.Member]:
    return list(
        family.members.filter(kind__in=[cm.Member.Kind.CHILD, cm.Member.Kind.SIBLING]).order_by(
            "birth_date", "id"
        )
    )


def _berg(family: cm.Family, region, school, today: dt.date) -> list[sm.Plan]:
    by = family.responsible_ombud
    children = _children(family)
    if not children:
        return []
    elis = children[0]  # the oldest
    consent = family.consents.active().filter(subject=elis).order_by("-valid_until").first()
    noticed = today - dt.timedelta(days=75)
    plan = services.plan_create(
        family=family,
        member=elis,
        by=by,
        initiator=sm.Plan.Initiator.SCHOOL,
        initiator_administration=school,
        need_noticed_on=noticed,
        own_words="Jag vill orka gå till skolan hela dagen och ha någon att prata med.",
        child_participation=(
            "Elis deltog i förmötet hemma och i början av SIP-mötet; hans egna ord står ovan."
        ),
        current_situation=(
            "Hög frånvaro sedan höstterminen, sömnproblem, väntar på fördjupad utredning på BUP."
        ),
        questions="Hur får Elis stöd i skolan och i vården samtidigt, och vem samordnar?",
        own_actions="Föräldrarna håller fast vid kvällsrutinen och följer med till BUP.",
        coordinator_name="Anna Exempelsson (familjeombud)",
        coordinator_contact="013-00 00 00",
    )
    custodians = list(elis.custodians.order_by("id"))
    for parent in custodians:
        services.participant_add(
            plan=plan,
            by=by,
            kind=sm.Participant.Kind.PERSON,
            family_member=parent,
            role="Vårdnadshavare",
        )
    services.participant_add(
        plan=plan,
        by=by,
        kind=sm.Participant.Kind.PROFESSIONAL,
        administration=region,
        name="Eva Påhittad",
        role="Kurator, BUP",
    )
    services.participant_add(
        plan=plan,
        by=by,
        kind=sm.Participant.Kind.PROFESSIONAL,
        administration=school,
        name="David Testlund",
        role="Mentor",
    )
    sleep = services.need_add(plan=plan, by=by, description="Utredning och stöd kring sömn och oro")
    school_need = services.need_add(
        plan=plan, by=by, description="Anpassad skoldag så att Elis kan vara i skolan"
    )
    services.intervention_add(
        plan=plan,
        by=by,
        description="Fördjupad utredning och samtalsstöd på BUP",
        goal="Elis sover bättre och vet vart han kan vända sig när oron kommer.",
        responsible_administration=region,
        unit="BUP Linköping",
        contact_person="Eva Påhittad",
        start_on=today - dt.timedelta(days=40),
        end_on=today + dt.timedelta(days=140),
        need=sleep,
    )
    services.intervention_add(
        plan=plan,
        by=by,
        description="Särskilt stöd med åtgärdsprogram och anpassad studiegång",
        goal="Närvaro över 80 % och godkänt i svenska, engelska och matematik.",
        responsible_administration=school,
        unit="Exempelskolan",
        contact_person="David Testlund",
        start_on=today - dt.timedelta(days=30),
        end_on=today + dt.timedelta(days=200),
        need=school_need,
    )
    services.other_measure_add(
        plan=plan,
        by=by,
        actor=sm.OtherMeasure.Actor.SOCIAL_INSURANCE,
        actor_name="Försäkringskassan",
        description="Ansökan om omvårdnadsbidrag",
        start_on=today - dt.timedelta(days=20),
    )
    services.meeting_record(
        plan=plan,
        by=by,
        kind=sm.Meeting.Kind.PRE_MEETING,
        held_on=today - dt.timedelta(days=60),
        place="Hemma hos familjen",
        minutes="Vi gick igenom vad som är viktigt för Elis och vilka som ska bjudas in.",
        present=plan.participants.filter(kind=sm.Participant.Kind.PERSON),
    )
    services.plan_transition(
        plan=plan, to_status=Status.PREPARED, by=by, on=today - dt.timedelta(days=60)
    )
    services.meeting_record(
        plan=plan,
        by=by,
        kind=sm.Meeting.Kind.SIP_MEETING,
        held_on=today - dt.timedelta(days=45),
        place="Exempelskolan",
        minutes="Planen skrevs tillsammans. Regionen har det övergripande ansvaret.",
        present=plan.participants.all(),
    )
    plan.refresh_from_db()
    services.plan_update(
        plan=plan,
        expected_version=plan.version,
        by=by,
        overall_responsible=region,
        next_follow_up_on=today + dt.timedelta(days=10),
        consent=consent,
    )
    if consent is not None and not services.agreement_problems(
        plan, on=today - dt.timedelta(days=45)
    ):
        services.plan_transition(
            plan=plan, to_status=Status.AGREED, by=by, on=today - dt.timedelta(days=45)
        )
        for recipient, adm, kind in [
            ("Elis och vårdnadshavarna", None, sm.Distribution.Copy.ORIGINAL),
            ("BUP Linköping", region, sm.Distribution.Copy.COPY),
            ("Exempelskolan", school, sm.Distribution.Copy.COPY),
        ]:
            services.distribution_add(
                plan=plan,
                by=by,
                recipient=recipient,
                administration=adm,
                copy_kind=kind,
                sent_on=today - dt.timedelta(days=44),
            )
    plans = [plan]
    if len(children) > 1:
        maja = children[1]
        draft = services.plan_create(
            family=family,
            member=maja,
            by=by,
            initiator=sm.Plan.Initiator.NEXT_OF_KIN,
            need_noticed_on=today - dt.timedelta(days=14),
            own_words="Jag vill ha en kompis på rasterna.",
        )
        services.intervention_add(
            plan=draft,
            by=by,
            description="Stöd på fritids och under raster",
            start_on=today + dt.timedelta(days=14),
        )
        plans.append(draft)
    return plans


def _holm(family: cm.Family, today: dt.date) -> list[sm.Plan]:
    children = _children(family)
    if not children or family.responsible_ombud is None:
        return []
    plan = services.plan_create(
        family=family,
        member=children[0],
        by=family.responsible_ombud,
        initiator=sm.Plan.Initiator.MUNICIPALITY,
        need_noticed_on=today - dt.timedelta(days=7),
        own_words="Jag vill känna mig trygg.",
    )
    return [plan]


def seed(base: dict) -> dict:
    families = base.get("families") or {}
    adms = base.get("administrations") or {}
    region, school = adms.get("Regionen"), adms.get("Skolan")
    today = timezone.localdate()
    made: list[sm.Plan] = []
    berg = families.get("berg")
    if (
        berg is not None
        and berg.responsible_ombud is not None
        and region is not None
        and school is not None
        and not berg.sip_plans.exists()
    ):
        made += _berg(berg, region, school, today)
    holm = families.get("holm")
    if holm is not None and not holm.sip_plans.exists():
        made += _holm(holm, today)
    return {"sip_plans": made}
