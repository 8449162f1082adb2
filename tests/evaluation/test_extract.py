"""The evaluators' extract (issue 19 part 5): pseudonymised CSV per period, made by the
project leader only, every family in it logged; no names, personnummer, addresses, phone
numbers, reference codes or free text, birth years instead of birth dates; a stable random key
per family; families without the agreement to take part (or that withdrew it) left out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import EvaluationAgreement, EvaluationKey, Questionnaire
from familjelotsen.models import AccessLogEntry
from tests.evaluation.conftest import ANSWERS, days_ago
from tests.factories import FamilyFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _agree(family, by, on=None):
    return services.agreement_record(
        family=family, by=by, given_on=on or days_ago(30), form=EvaluationAgreement.Form.WRITTEN
    )


def _extract(client, start=None, end=None):
    today = timezone.localdate()
    response = client.post(
        reverse("evaluation:extract"),
        {
            "start": (start or today.replace(month=1, day=1) - dt.timedelta(days=365)).isoformat(),
            "end": (end or today).isoformat(),
        },
    )
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return text, list(csv.DictReader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def agreed(family, ombud):
    """The shared family, with a rich record: names, personnummer, address, phone, free text."""
    family.background = "Mamma Lena berättar om oron för Maja i skolan."
    family.end_reason = ""
    family.save()
    member = family.members.get(first_name="Maja")
    member.address = "Storgatan 12, 702 10 Örebro"
    member.mobile = "0701234567"
    member.save()
    _agree(family, ombud)
    services.questionnaire_create(
        family=family,
        by=ombud,
        occasion=Questionnaire.Occasion.START,
        answered_on=days_ago(10),
        how=Questionnaire.How.WITH_OMBUD,
        **ANSWERS,
    )
    return family


def test_only_the_project_leader_makes_the_extract(
    as_user, agreed, ombud, team_lead, other_team_lead, school_coordinator, region_coordinator
):
    for user in (ombud, team_lead, other_team_lead, school_coordinator, region_coordinator):
        client = as_user(user)
        assert client.get(reverse("evaluation:extract")).status_code == 403
        assert client.post(reverse("evaluation:extract"), {}).status_code == 403
    assert not EvaluationKey.objects.exists()
    assert not AccessLogEntry.objects.filter(basis=AccessLogEntry.Basis.EVALUATION).exists()


def test_the_extract_holds_no_identifier_and_no_free_text(as_user, agreed, project_leader):
    text, rows = _extract(as_user(project_leader))
    assert len(rows) == 1
    row = rows[0]
    members = list(agreed.members.all())
    forbidden = [agreed.reference, agreed.background, "Storgatan", "0701234567", "Lindqvist"]
    for m in members:
        forbidden += [
            m.first_name,
            m.personal_number,
            m.personal_number[2:8],
            m.birth_date.isoformat(),
        ]
    for value in forbidden:
        assert value not in text, value
    assert not re.search(r"\b\d{6,}\b", text.replace(row["key"], ""))  # no numbers of persons
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no whole dates at all
    # What the evaluation needs is there: birth years, months, the answers.
    assert row["children_birth_years"] == str(agreed.members.get(first_name="Maja").birth_date.year)
    assert row["start_month"] == agreed.start_date.strftime("%Y-%m")
    assert (row["start_support"], row["start_child_view"]) == ("4", "0")
    assert row["closure_support"] == ""
    assert row["key"] and str(agreed.pk) != row["key"]


def test_the_key_is_random_and_stays_the_same_from_one_extract_to_the_next(
    as_user, agreed, project_leader, ombud
):
    other = FamilyFactory(responsible_ombud=ombud)
    MemberFactory(family=other)
    _agree(other, ombud)
    client = as_user(project_leader)
    _text, first = _extract(client)
    _text, second = _extract(client)
    assert {r["key"] for r in first} == {r["key"] for r in second}
    keys = {
        family_id: (reference, key)
        for family_id, reference, key in EvaluationKey.objects.values_list(
            "family_id", "family__reference", "key"
        )
    }
    assert len({key for _ref, key in keys.values()}) == 2
    for family_id, (reference, key) in keys.items():
        # 64 random bits, nothing of the family's id or reference code.
        assert re.fullmatch(r"[0-9a-f]{16}", key)
        assert key not in (str(family_id), reference, f"{family_id:016x}")


def test_families_without_the_agreement_are_left_out(as_user, agreed, project_leader, ombud):
    never = FamilyFactory(responsible_ombud=ombud)
    withdrew = FamilyFactory(responsible_ombud=ombud)
    _agree(withdrew, ombud, on=days_ago(60))
    services.agreement_withdraw(family=withdrew, by=ombud, withdrawn_on=days_ago(5))
    _text, rows = _extract(as_user(project_leader))
    assert len(rows) == 1
    key = EvaluationKey.objects.get(family=agreed).key
    assert rows[0]["key"] == key
    assert not EvaluationKey.objects.filter(family__in=[never, withdrew]).exists()


def test_the_extract_is_recorded_in_the_access_log_per_family(
    as_user, agreed, project_leader, ombud
):
    never = FamilyFactory(responsible_ombud=ombud)
    _extract(as_user(project_leader))
    logged = AccessLogEntry.objects.filter(
        user=project_leader, basis=AccessLogEntry.Basis.EVALUATION
    )
    assert list(logged.values_list("action", "family_id")) == [
        (AccessLogEntry.Action.EXPORT, agreed.pk)
    ]
    assert not AccessLogEntry.objects.filter(family_id=never.pk, user=project_leader).exists()
    page = as_user(project_leader).get(reverse("evaluation:extract")).content.decode()
    assert "Extracts made" in page


def test_the_agreement_is_recorded_by_the_case_team_with_date_and_who(
    as_user, family, ombud, team_lead
):
    url = reverse("evaluation:agreement_record", args=[family.pk])
    assert (
        as_user(team_lead).post(url, {"given_on": days_ago(1), "form": "oral"}).status_code == 403
    )
    response = as_user(ombud).post(url, {"given_on": days_ago(1).isoformat(), "form": "oral"})
    assert response.status_code == 302
    agreement = EvaluationAgreement.objects.get(family=family)
    assert (agreement.given_on, agreement.recorded_by, agreement.form) == (
        days_ago(1),
        ombud,
        "oral",
    )
    # Its history is kept, like a consent's.
    assert agreement.events.count() == 1
    bad = as_user(ombud).post(
        reverse("evaluation:agreement_withdraw", args=[family.pk]), {"withdrawn_on": "x"}
    )
    assert bad.status_code == 302  # back to the page with the message, never a 500
    agreement.refresh_from_db()
    assert agreement.in_force
