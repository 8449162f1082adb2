"""The family's follow-up answers under the privacy rules: a member's register extract
(GDPR art. 15) holds them, and the retention run leaves no key that links the evaluators'
extract back to a family that is gone."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import EvaluationAgreement, EvaluationKey, Questionnaire
from privacy import retention
from tests.evaluation.conftest import ANSWERS, days_ago

pytestmark = pytest.mark.django_db


def test_a_parents_register_extract_holds_the_familys_follow_up(family, ombud, team_lead, client):
    parent = family.members.get(first_name="Lena")
    services.agreement_record(family=family, by=ombud, given_on=days_ago(30), form="written")
    services.questionnaire_create(
        family=family,
        by=ombud,
        occasion="start",
        answered_on=days_ago(20),
        how="with_ombud",
        **ANSWERS,
    )
    client.force_login(team_lead)
    data = json.loads(client.get(reverse("register_extract", args=[parent.pk, "json"])).content)
    follow_up = data["follow_up"]
    assert follow_up["agreement"]["given"] == days_ago(30).isoformat()
    assert follow_up["agreement"]["withdrawn"] is None
    [answered] = follow_up["questionnaires"]
    assert answered["answered"] == days_ago(20).isoformat() and not answered["declined"]
    assert len(answered["answers"]) == len(ANSWERS)


def test_retention_drops_the_evaluation_key_and_keeps_the_answers_for_the_figures(
    closed_family, ombud
):
    services.agreement_record(
        family=closed_family, by=ombud, given_on=days_ago(300), form="written"
    )
    services.questionnaire_create(
        family=closed_family,
        by=ombud,
        occasion="six_months",
        answered_on=days_ago(2),
        how="printed_form",
        **ANSWERS,
    )
    EvaluationKey.objects.create(family=closed_family)
    counts = retention.anonymise_family(closed_family)
    assert not EvaluationKey.objects.filter(family=closed_family).exists()
    assert counts["evaluation.evaluationkey"] == 1
    # Answers on a scale say nothing about who gave them: kept for the reports.
    assert Questionnaire.objects.get(family=closed_family).support == ANSWERS["support"]
    assert not EvaluationAgreement.pgh_event_model.objects.filter(
        pgh_obj__family=closed_family
    ).exists()
