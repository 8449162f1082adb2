from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from cases import models as cm
from cases import services
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db
Status = cm.Family.Status
LEGAL = {(a, b) for a, targets in cm.TRANSITIONS.items() for b in targets}


def _family(ombud, status):
    family = FamilyFactory(responsible_ombud=ombud, status=status, start_date=None)
    services.family_set_eligibility(
        family=family, answers=dict.fromkeys(cm.MANDATORY_CRITERIA, ("yes", ""))
    )
    return family


@pytest.mark.parametrize(("start", "end"), sorted(LEGAL))
def test_every_legal_transition_is_applied_and_recorded(ombud, start, end):
    family = _family(ombud, start)
    services.family_transition(family=family, to_status=end, by=ombud, reason="Skäl")
    family.refresh_from_db()
    assert family.status == end
    change = family.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (start, end, ombud)
    if end in cm.CLOSED_STATUSES:
        assert family.end_date is not None and family.end_reason == "Skäl"
    if end == Status.ACTIVE:
        assert family.start_date is not None


ILLEGAL = sorted(set(itertools.permutations(Status.values, 2)) - LEGAL)


@pytest.mark.parametrize(("start", "end"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_a_message(ombud, start, end):
    family = _family(ombud, start)
    with pytest.raises(ValidationError) as refused:
        services.family_transition(family=family, to_status=end, by=ombud, reason="Skäl")
    assert "cannot move" in " ".join(refused.value.messages)
    family.refresh_from_db()
    assert family.status == start
    assert not family.status_changes.exists()


@pytest.mark.parametrize("end", [Status.DECLINED, Status.WITHDRAWN])
def test_ending_participation_needs_a_reason(ombud, end):
    family = _family(ombud, Status.REQUEST)
    with pytest.raises(ValidationError) as refused:
        services.family_transition(family=family, to_status=end, by=ombud, reason="  ")
    assert "reason" in refused.value.message_dict


def test_closing_needs_a_reason(ombud):
    family = _family(ombud, Status.ACTIVE)
    with pytest.raises(ValidationError):
        services.family_transition(family=family, to_status=Status.CLOSED, by=ombud)


def test_a_request_does_not_move_on_until_the_three_mandatory_criteria_are_confirmed(ombud):
    family = FamilyFactory(responsible_ombud=ombud, status=Status.REQUEST, start_date=None)
    services.family_set_eligibility(
        family=family,
        answers={
            cm.Eligibility.Criterion.KNOWN_TO_SOCIAL_SERVICES: ("yes", ""),
            cm.Eligibility.Criterion.SCHOOL_AGE_CHILD: ("yes", ""),
            cm.Eligibility.Criterion.NPF_DIAGNOSIS: ("unknown", "utredning pågår"),
        },
    )
    with pytest.raises(ValidationError) as refused:
        services.family_transition(family=family, to_status=Status.ASSESSMENT, by=ombud)
    assert "mandatory" in refused.value.messages[0]
    assert "neuropsychiatric" in refused.value.messages[0]
    services.family_set_eligibility(
        family=family, answers=dict.fromkeys(cm.MANDATORY_CRITERIA, ("yes", ""))
    )
    services.family_transition(family=family, to_status=Status.ASSESSMENT, by=ombud)


def test_reference_codes_follow_the_year_and_count_up(ombud, adm_soc):
    import datetime as dt

    first = services.family_create_from_request(
        by=ombud, requesting_administration=adm_soc, request_date=dt.date(2026, 3, 1)
    )
    second = services.family_create_from_request(
        by=ombud, requesting_administration=adm_soc, request_date=dt.date(2026, 3, 2)
    )
    other_year = services.family_create_from_request(
        by=ombud, requesting_administration=adm_soc, request_date=dt.date(2025, 12, 30)
    )
    # FL-<the owning organisation's code>-<year>-<nnnn> (issue 21); the test municipality: TST.
    assert first.reference == "FL-TST-2026-0001"
    assert second.reference == "FL-TST-2026-0002"
    assert other_year.reference == "FL-TST-2025-0001"
    assert first.status_changes.get().to_status == Status.REQUEST
    assert cm.CaseTeamMember.objects.filter(
        family=first, user=ombud, role="responsible_ombud"
    ).exists()


@pytest.mark.swedish
def test_a_refused_status_change_shows_why_at_the_field_and_keeps_what_was_typed(ombud, client):
    """Closing without a reason: the page says so next to the reason, keeps the chosen status,
    and nothing changes; with the reason it goes through."""
    from django.urls import reverse

    family = _family(ombud, Status.ACTIVE)
    client.force_login(ombud)
    url = reverse("cases:family_transition", args=[family.pk])
    response = client.post(url, {"to_status": Status.CLOSED, "reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ange ett skäl till ändringen." in page
    assert 'id="id_reason_errors"' in page and 'aria-invalid="true"' in page
    assert f'value="{Status.CLOSED}" selected' in page
    family.refresh_from_db()
    assert family.status == Status.ACTIVE

    response = client.post(url, {"to_status": "", "reason": "Familjen har flyttat"})
    assert response.status_code == 400
    assert "Familjen har flyttat" in response.content.decode()

    response = client.post(url, {"to_status": Status.CLOSED, "reason": "Målen är nådda"})
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.status == Status.CLOSED
