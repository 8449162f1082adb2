"""The team's two assignments (issue 20, seed 004): coordinated support under the
Familjelotsen criteria, and network work only with its own short flow (request →
pre-meeting → network meeting → follow-up → closed) for children and young people 0–20,
given as a decided intervention (first on the waiting list) or as a service. A network-only
family moves into coordinated support without anything entered again. Reports and the
project leader's volume count each kind apart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import models as cm
from cases import selectors, services
from network import models as nm
from reporting import figures, suppression
from reporting.models import VolumeTarget, VolumeWork
from tests.factories import (
    ConsentFactory,
    FamilyFactory,
    JournalEntryFactory,
    MemberFactory,
    NetworkProcessFactory,
    OrganisationFactory,
    today,
)

pytestmark = pytest.mark.django_db
S = cm.Family.Status
NETWORK, COORDINATED = cm.WorkKind.NETWORK_WORK, cm.WorkKind.COORDINATED_SUPPORT


def _born(age: int) -> dt.date:
    return today().replace(year=today().year - age) - dt.timedelta(days=30)


def _request(client, adm, **extra):
    data = {
        "kind": NETWORK,
        "provision": cm.Provision.SERVICE,
        "requesting_administration": adm.pk,
        "request_date": today().isoformat(),
        "priority": cm.Family.Priority.NORMAL,
        "placements_at_risk_at_start": 0,
        **{f"elig_{c}": "unknown" for c in cm.Eligibility.Criterion.values},
        **extra,
    }
    return client.post(reverse("cases:family_create"), data)


def _meeting(client, process, stage, days_ago):
    url = reverse("network:meeting_add", args=[process.pk])
    held_on = (today() - dt.timedelta(days=days_ago)).isoformat()
    response = client.post(url, {"stage": stage, "held_on": held_on, "place": "home"})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_network_only_family_goes_request_to_closed_through_the_pages(
    client, team_lead, ombud, adm_rs
):
    # The team lead registers the request: network work only, a decided intervention; the
    # criteria checklist is left unanswered.
    client.force_login(team_lead)
    response = _request(client, adm_rs, provision=cm.Provision.DECIDED)
    family = cm.Family.objects.get()
    assert response.status_code == 302
    assert (family.kind, family.provision, family.status) == (NETWORK, "decided", S.REQUEST)
    page = client.get(reverse("cases:waiting_list"), {"kind": NETWORK}).content.decode()
    assert family.reference in page and "Decided intervention" in page
    client.post(reverse("cases:assign_ombud", args=[family.pk]), {"ombud": ombud.pk})

    # The ombud takes the family in: no criterion is confirmed, and none is asked for; the
    # page offers the steps of network work, not the criteria.
    child = MemberFactory(family=family, birth_date=_born(4))
    client.force_login(ombud)
    detail = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert "Network work only" in detail and 'aria-current="step"' in detail
    assert "confirm the mandatory criteria" not in detail
    status_url = reverse("cases:family_transition", args=[family.pk])
    assert client.post(status_url, {"to_status": S.PRE_MEETING}).status_code == 302
    family.refresh_from_db()
    assert family.status == S.PRE_MEETING and family.start_date == today()
    assert family not in selectors.waiting_list(team_lead)

    # The family follows its network process: each meeting moves it one step.
    client.post(
        reverse("network:process_create", args=[family.pk]),
        {
            "member": child.pk,
            "started_on": today().isoformat(),
            "provision": "decided",
            "decision_reference": "SN-2026-1",
        },
    )
    process = nm.NetworkProcess.objects.get(family=family)
    for stage, status in [
        (nm.Stage.PRE_MEETING, S.PRE_MEETING),
        (nm.Stage.NETWORK_MEETING, S.NETWORK_MEETING),
        (nm.Stage.FOLLOW_UP_MEETING, S.FOLLOW_UP),
    ]:
        _meeting(client, process, stage, 0)
        family.refresh_from_db()
        assert family.status == status, stage

    # Closed with a reason: the network process ends with the family.
    assert client.post(status_url, {"to_status": S.CLOSED, "reason": ""}).status_code == 400
    client.post(status_url, {"to_status": S.CLOSED, "reason": "Nätverket bär själv"})
    family.refresh_from_db()
    process.refresh_from_db()
    assert family.status == S.CLOSED and family.end_date == today()
    assert (process.status, process.close_reason) == ("closed", "Nätverket bär själv")
    assert list(family.status_changes.values_list("to_status", flat=True)) == [
        S.REQUEST,
        S.PRE_MEETING,
        S.NETWORK_MEETING,
        S.FOLLOW_UP,
        S.CLOSED,
    ]
    # Over: nothing more to move to, and no move into coordinated support.
    assert services.allowed_transitions(family) == []
    move = reverse("cases:family_move_to_coordinated_support", args=[family.pk])
    assert "is over" in client.post(move, {"reason": ""}).content.decode()


def test_network_work_moves_into_coordinated_support_keeping_everything_and_the_criteria_apply(
    client, ombud, team_lead
):
    family = FamilyFactory(
        responsible_ombud=ombud, kind=NETWORK, provision="service", status=S.NETWORK_MEETING
    )
    child = MemberFactory(family=family, birth_date=_born(9))
    process = NetworkProcessFactory(member=child)
    consent = ConsentFactory(subject=child)
    entry = JournalEntryFactory(family=family, author=ombud)
    client.force_login(ombud)
    move = reverse("cases:family_move_to_coordinated_support", args=[family.pk])
    assert "stay as they are" in client.get(move).content.decode()
    response = client.post(move, {"reason": "Fler aktörer behöver samordnas"})
    assert response.status_code == 302

    family.refresh_from_db()
    assert (family.kind, family.status, family.provision) == (COORDINATED, S.REQUEST, "")
    assert family.responsible_ombud == ombud and family.start_date is None
    # Nothing was entered again: the members, consent, process and journal are the family's.
    assert list(family.members.all()) == [child]
    assert list(family.network_processes.all()) == [process]
    assert family.consents.get() == consent and cm.JournalEntry.objects.get(family=family) == entry
    change = family.status_changes.get()
    assert (change.from_status, change.to_status, change.kind) == (
        S.NETWORK_MEETING,
        S.REQUEST,
        COORDINATED,
    )
    assert change.changed_by == ombud and change.reason == "Fler aktörer behöver samordnas"
    page = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert "Fler aktörer behöver samordnas" in page and "confirm the mandatory criteria" in page

    # Now the criteria apply: refused (with why, at the form) until they are confirmed.
    status_url = reverse("cases:family_transition", args=[family.pk])
    refused = client.post(status_url, {"to_status": S.ASSESSMENT})
    assert refused.status_code == 400 and "mandatory criteria" in refused.content.decode()
    services.family_set_eligibility(
        family=family, answers=dict.fromkeys(cm.MANDATORY_CRITERIA, ("yes", ""))
    )
    assert client.post(status_url, {"to_status": S.ASSESSMENT}).status_code == 302
    # And it is back on the waiting list as coordinated support until then (seen above).
    assert client.post(move, {"reason": ""}).status_code == 200  # already coordinated


def test_the_criteria_never_block_network_work_but_still_block_coordinated_support_and_ages_do(
    ombud, settings
):
    network = FamilyFactory(responsible_ombud=ombud, kind=NETWORK, status=S.REQUEST)
    coordinated = FamilyFactory(responsible_ombud=ombud, status=S.REQUEST, start_date=None)
    for family in (network, coordinated):
        MemberFactory(family=family, birth_date=_born(19))
        services.family_set_eligibility(family=family, answers={})
    with pytest.raises(ValidationError, match="mandatory criteria"):
        services.family_transition(family=coordinated, to_status=S.ASSESSMENT, by=ombud)
    # Coordinated support's own steps are not network work's, nor the other way round.
    with pytest.raises(ValidationError, match="cannot move"):
        services.family_transition(family=network, to_status=S.ASSESSMENT, by=ombud)
    with pytest.raises(ValidationError, match="cannot move"):
        services.family_transition(family=coordinated, to_status=S.PRE_MEETING, by=ombud)
    # The ages are the deployment's: a 19-year-old is outside 0–18.
    settings.NETWORK_WORK_MAX_AGE = 18
    with pytest.raises(ValidationError, match="from 0 to 18 years"):
        services.family_transition(family=network, to_status=S.PRE_MEETING, by=ombud)
    settings.NETWORK_WORK_MAX_AGE = 20
    services.family_transition(family=network, to_status=S.PRE_MEETING, by=ombud)
    assert cm.Family.objects.get(pk=network.pk).status == S.PRE_MEETING


def test_the_waiting_list_puts_decided_before_service_and_counts_each_kind(
    client, team_lead, ombud
):
    def request(kind, provision, priority, days_ago):
        return FamilyFactory(
            responsible_ombud=None,
            owner=team_lead.administration,
            requesting_administration=team_lead.administration,
            status=S.REQUEST,
            start_date=None,
            kind=kind,
            provision=provision,
            priority=priority,
            request_date=today() - dt.timedelta(days=days_ago),
        )

    service_urgent = request(NETWORK, "service", cm.Family.Priority.URGENT, 40)
    decided_low = request(NETWORK, "decided", cm.Family.Priority.LOW, 1)
    coordinated = request(COORDINATED, "", cm.Family.Priority.HIGH, 10)
    assert list(selectors.waiting_list(team_lead)) == [decided_low, service_urgent, coordinated]
    assert list(selectors.waiting_list(team_lead, kind=COORDINATED)) == [coordinated]
    # A network family the ombud holds is beside the planning figure, not in it.
    FamilyFactory(responsible_ombud=ombud, kind=NETWORK, status=S.FOLLOW_UP)
    FamilyFactory(responsible_ombud=ombud, status=S.ACTIVE)
    [row] = [r for r in selectors.caseloads(team_lead) if r["ombud"] == ombud]
    assert (row["open"], row["network_open"], row["load"]) == (1, 1, 1)

    client.force_login(team_lead)
    page = client.get(reverse("cases:waiting_list"), {"kind": NETWORK}).content.decode()
    assert page.index(decided_low.reference) < page.index(service_urgent.reference)
    assert coordinated.reference not in page
    assert "Coordinated support: 1" in page and "Network work only: 2" in page
    # A kind that does not exist is ignored, not an error.
    assert client.get(reverse("cases:waiting_list"), {"kind": "x"}).status_code == 200

    # The social services' decision comes: the team lead marks the request decided, and it
    # moves up among the decided ones by its priority.
    edit = reverse("cases:family_edit", args=[service_urgent.pk])
    response = client.post(
        edit,
        {
            "requesting_administration": service_urgent.requesting_administration_id,
            "priority": service_urgent.priority,
            "placements_at_risk_at_start": 0,
            "placements_happened": 0,
            "provision": "decided",
            "version": service_urgent.version,
        },
    )
    assert response.status_code == 302
    assert list(selectors.waiting_list(team_lead))[:2] == [service_urgent, decided_low]
    # Coordinated support has no such choice.
    page = client.get(reverse("cases:family_edit", args=[coordinated.pk])).content.decode()
    assert 'name="provision"' not in page


def test_the_new_family_form_asks_how_network_work_is_given_and_keeps_the_input(
    client, team_lead, adm_rs
):
    client.force_login(team_lead)
    response = _request(client, adm_rs, provision="", requesting_contact="Rektor Berg")
    assert response.status_code == 200 and not cm.Family.objects.exists()
    page = response.content.decode()
    assert "decided intervention or a service" in page and "Rektor Berg" in page
    # Coordinated support needs no provision (and keeps none given).
    _request(client, adm_rs, kind=COORDINATED, provision="decided")
    assert cm.Family.objects.values_list("kind", "provision").get() == (COORDINATED, "")


def test_figures_and_volume_count_each_kind_of_work_apart(ombud):
    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.COORDINATED_SUPPORT, target=30
    )
    VolumeTarget.objects.create(
        organisation=OrganisationFactory(), work=VolumeWork.NETWORK_FAMILIES, target=150
    )
    request, started = dt.date(2025, 2, 1), dt.date(2025, 3, 1)
    for _ in range(5):
        FamilyFactory(responsible_ombud=ombud, request_date=request, start_date=started)
    network = [
        FamilyFactory(
            responsible_ombud=ombud,
            kind=NETWORK,
            status=S.FOLLOW_UP,
            request_date=request,
            start_date=started,
        )
        for _ in range(6)
    ]
    # One network family still waits; one coordinated family also had network meetings.
    FamilyFactory(
        responsible_ombud=ombud,
        kind=NETWORK,
        status=S.REQUEST,
        request_date=request,
        start_date=None,
    )
    coordinated = cm.Family.objects.filter(kind=COORDINATED).first()
    NetworkProcessFactory(member=MemberFactory(family=coordinated), started_on=started)
    NetworkProcessFactory(member=MemberFactory(family=network[0]), started_on=started)

    raw = figures.compute(figures.Period(start, end))
    kinds = {r.key: r.cells for r in raw["kinds"].rows}
    assert kinds[COORDINATED]["requested"].value == 5 and kinds[COORDINATED]["active"].value == 5
    assert kinds[NETWORK]["requested"].value == 7 and kinds[NETWORK]["active"].value == 6
    # The programme (coordinated support) leaves network work only out.
    assert raw["flow"].total.cells["active"].value == 5
    assert raw["caseload"].total.cells["families"].value == 5
    assert raw["caseload"].total.cells["network"].value == 6
    volume = {r.key: r.cells for r in raw["volume_targets"].rows}
    assert volume[VolumeWork.COORDINATED_SUPPORT]["actual"].value == 5
    # Six network-only families and the coordinated family's process, each family once.
    assert volume[VolumeWork.NETWORK_FAMILIES]["actual"].value == 7
    assert volume[VolumeWork.NETWORK_FAMILIES]["target"].value == Decimal("150.0")

    # Small counts are withheld on what is shown: one family in network work only.
    cm.Family.objects.filter(kind=NETWORK).exclude(pk=network[0].pk).delete()
    with translation.override("en"):
        shown = suppression.suppress(figures.compute(figures.Period(start, end)))
    assert shown["kinds"].cell(NETWORK, "active").display == "<5"
    assert (
        shown["volume_targets"].cell(VolumeWork.NETWORK_FAMILIES, "actual").display
        == suppression.WITHHELD
    )
