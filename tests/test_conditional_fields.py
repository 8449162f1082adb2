"""Fields that apply only for some answers of another field (issue 18, part 1): the page says
which answers they belong to (the browser hides them otherwise), and the server asks for
them when they apply and ignores them when they do not."""

from __future__ import annotations

import json
import re

import pytest
from django.template.loader import render_to_string

from agenda.forms import VisitForm
from network.forms import ParticipantForm as NetworkParticipantForm
from network.forms import ProcessForm
from network.models import NetworkParticipant, NetworkProcess
from sip.forms import TransitionForm as PlanTransitionForm
from sip.models import Plan
from tests.factories import CustodianFactory, FamilyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(ombud):
    return FamilyFactory(responsible_ombud=ombud)


@pytest.fixture
def parent(family):
    return CustodianFactory(family=family, mobile="0701234567", sms_reminders=True)


def _show_when(html: str, field_id: str) -> dict | None:
    """The answers that show the field whose input has `field_id`, as the page says."""
    for match in re.finditer(r'<(div|fieldset) class="field[^"]*"([^>]*)>', html):
        start = match.end()
        end = html.find(f"</{match.group(1)}>", start)
        if f'id="{field_id}"' in html[start:end]:
            found = re.search(r'data-show-when="([^"]*)"', match.group(2))
            return json.loads(found.group(1).replace("&quot;", '"')) if found else None
    raise AssertionError(f"no field {field_id}")


def test_the_decision_fields_belong_to_a_decided_intervention(ombud):
    html = render_to_string(
        "partials/form_fields.html", {"form": ProcessForm(family=None, labels={}, process=True)}
    )
    decided = {"provision": [NetworkProcess.Provision.DECIDED]}
    assert _show_when(html, "id_decision_reference") == decided
    assert _show_when(html, "id_decision_date") == decided
    assert _show_when(html, "id_purpose") is None  # always asked


def test_a_decided_intervention_without_its_reference_gets_the_message_at_the_field(ombud):
    form = ProcessForm(
        {"provision": NetworkProcess.Provision.DECIDED, "purpose": "Nätverksmöten"},
        family=None,
        labels={},
        process=True,
    )
    assert not form.is_valid()
    assert form.errors["decision_reference"] == [
        "A decided intervention needs its decision reference."
    ]


def test_decision_details_typed_for_a_service_are_ignored(ombud):
    form = ProcessForm(
        {
            "provision": NetworkProcess.Provision.SERVICE,
            "decision_reference": "Dnr 2026-14",
            "decision_date": "inte ett datum",
        },
        family=None,
        labels={},
        process=True,
    )
    assert form.is_valid(), form.errors  # the unreadable date does not apply either
    assert form.cleaned_data["decision_reference"] == ""
    assert form.cleaned_data["decision_date"] is None


def test_a_private_network_member_needs_a_relation_and_no_organisation(adm_soc):
    private = NetworkParticipantForm(
        {
            "side": NetworkParticipant.Side.PRIVATE,
            "name": "Mormor",
            "administration": adm_soc.pk,
            "organisation": "Försäkringskassan",
        }
    )
    assert not private.is_valid()
    assert private.errors["relation"] == ["Say how the person is related to the child."]
    assert private.cleaned_data["administration"] is None
    assert private.cleaned_data["organisation"] == ""

    professional = NetworkParticipantForm(
        {"side": NetworkParticipant.Side.PROFESSIONAL, "name": "Kim", "relation": "granne"}
    )
    assert professional.is_valid(), professional.errors
    assert professional.cleaned_data["relation"] == ""


def test_the_reason_is_asked_for_only_when_the_plan_is_closed():
    closing = PlanTransitionForm({"to_status": Plan.Status.CLOSED})
    assert not closing.is_valid()
    assert closing.errors["reason"] == ["Give a reason for closing the plan."]

    agreeing = PlanTransitionForm({"to_status": Plan.Status.AGREED, "reason": "Skrivet ändå"})
    assert agreeing.is_valid(), agreeing.errors
    assert agreeing.cleaned_data["reason"] == ""


def test_who_gets_the_sms_applies_only_when_a_reminder_is_chosen(family, parent):
    data = {
        "starts_at": "2026-12-10T10:00",
        "duration_minutes": "60",
        "place": "Hemma",
        "kind": "home_visit",
        "reminder_members": [str(parent.pk)],
    }
    members = type(parent).objects.filter(family=family)
    without = VisitForm(data, members=members)
    assert without.is_valid(), without.errors
    assert list(without.cleaned_data["reminder_members"]) == []

    chosen = VisitForm({**data, "remind_two_hours_before": "on"}, members=members)
    assert chosen.is_valid(), chosen.errors
    assert list(chosen.cleaned_data["reminder_members"]) == [parent]

    html = render_to_string("partials/field.html", {"field": chosen["reminder_members"]})
    answers = json.loads(
        re.search(r'data-show-when="([^"]*)"', html).group(1).replace("&quot;", '"')
    )
    assert answers == {"remind_day_before": ["on"], "remind_two_hours_before": ["on"]}
    # Sent with a value the user chose: it stays in view whatever the answer.
    assert "data-show-keep" in html


def test_school_belongs_to_a_child_and_occupation_to_an_adult(family):
    from cases.forms import MemberForm

    data = {
        "first_name": "Lena",
        "last_name": "Berg",
        "id_type": "none",
        "birth_date": "1985-03-02",
        "school": "Västerskolan",
        "grade": "4",
        "occupation": "employed",
    }
    adult = MemberForm({**data, "kind": "custodian"}, family=family)
    assert adult.is_valid(), adult.errors
    assert (adult.cleaned_data["school"], adult.cleaned_data["grade"]) == ("", None)
    assert adult.cleaned_data["occupation"] == "employed"

    child = MemberForm({**data, "kind": "child", "birth_date": "2016-03-02"}, family=family)
    assert child.is_valid(), child.errors
    assert child.cleaned_data["school"] == "Västerskolan"
    assert child.cleaned_data["occupation"] == ""


def test_a_sip_participant_form_names_every_missing_answer_at_once(family):
    from sip.forms import ParticipantForm

    form = ParticipantForm({"kind": "professional"}, family=family, labels={})
    assert not form.is_valid()
    assert form.errors["administration"] == ["Choose the professional's administration."]
    assert form.errors["name"] == ["Give the participant's name."]


def test_a_custodians_consent_date_belongs_to_their_ticked_box(ombud, family, parent):
    """The date of a custodian's consent is asked only for a custodian who consented: a
    ticked box without a date gets the message at the date, an unticked one's date is ignored."""
    from consent.forms import ConsentForm
    from tests.factories import MemberFactory

    child = MemberFactory(family=family)
    other = CustodianFactory(family=family)
    for member in (parent, other):
        member.display_name = str(member)  # as consent.selectors masks names for the page
    kwargs = {"family": family, "subject": child, "custodians": [parent, other], "user": ombud}
    html = render_to_string("partials/form_fields.html", {"form": ConsentForm(**kwargs)})
    assert _show_when(html, f"id_signed_on_{parent.pk}") == {f"sign_{parent.pk}": ["on"]}
    form = ConsentForm(
        {
            f"sign_{parent.pk}": "on",
            f"signed_on_{parent.pk}": "",
            f"signed_on_{other.pk}": "2026-01-01",
        },
        **kwargs,
    )
    form.is_valid()
    assert form.errors[f"signed_on_{parent.pk}"] == ["Give the date of this custodian's consent."]
    assert f"signed_on_{other.pk}" not in form.errors
    assert [s.signer for s in form.cleaned_data["signatures"]] == []
