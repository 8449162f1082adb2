"""The family questionnaires (issue 19 part 3): the case team enters and reads them; nobody
else reads individual answers (other ombud, the team lead, the school and the Region the
family shared records with, a team lead of another administration, the project leader: the
project leader sees them only as suppressed figures); every read is in the access log; due
questionnaires show up in the ombud's work, the six-month one after closure too."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors, services
from evaluation.models import Questionnaire
from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from reporting import figures as report_figures
from reporting import suppression
from tests.evaluation.conftest import ANSWERS, days_ago

pytestmark = pytest.mark.django_db

Occasion = Questionnaire.Occasion


def _enter(family, by, occasion=Occasion.START, **extra):
    return services.questionnaire_create(
        family=family,
        by=by,
        occasion=occasion,
        answered_on=extra.pop("answered_on", timezone.localdate()),
        how=Questionnaire.How.WITH_OMBUD,
        **{**ANSWERS, **extra},
    )


def _post(client, family, **data):
    payload = {
        "occasion": Occasion.START,
        "answered_on": timezone.localdate().isoformat(),
        "how": Questionnaire.How.PRINTED_FORM,
        **{k: str(v) for k, v in ANSWERS.items()},
        **data,
    }
    return client.post(reverse("evaluation:questionnaire_new", args=[family.pk]), payload)


def test_the_case_team_enters_a_questionnaire_and_reads_it(as_user, family, colleague_on_team):
    client = as_user(colleague_on_team)
    response = _post(client, family)
    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get(family=family)
    assert questionnaire.entered_by == colleague_on_team
    assert questionnaire.child_view == 0  # "would rather not answer" is kept as an answer

    page = client.get(reverse("evaluation:questionnaire_detail", args=[questionnaire.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "We get the support we need" in body and "Mostly true" in body
    assert "Would rather not answer" in body
    read = AccessLogEntry.objects.filter(
        user=colleague_on_team,
        action=AccessLogEntry.Action.VIEW,
        object_type="evaluation.questionnaire",
        object_id=questionnaire.pk,
    ).get()
    assert read.family_id == family.pk and read.basis == AccessLogEntry.Basis.CASE_TEAM

    # The follow-up page shows the answers side by side: one row for the family, one for the
    # questionnaire, in the same request.
    before = AccessLogEntry.objects.count()
    assert client.get(reverse("evaluation:family", args=[family.pk])).status_code == 200
    rows = list(AccessLogEntry.objects.order_by("id")[before:])
    assert sorted((r.object_type, r.object_id) for r in rows) == sorted(
        [("cases.family", family.pk), ("evaluation.questionnaire", questionnaire.pk)]
    )


@pytest.fixture
def outsiders(
    colleague_not_on_team,
    team_lead,
    other_team_lead,
    school_coordinator,
    region_coordinator,
    project_leader,
):
    return {
        "another ombud": colleague_not_on_team,
        "the team lead of the owning administration": team_lead,
        "a team lead of another administration": other_team_lead,
        "the school the family shared records with": school_coordinator,
        "the Region the family shared records with": region_coordinator,
        "the project leader": project_leader,
    }


def test_nobody_outside_the_case_team_reads_or_enters_individual_answers(
    as_user, family, ombud, outsiders, school_coordinator, team_lead
):
    questionnaire = _enter(family, ombud)
    # The family itself is visible to some of them (shares, the team lead): the rule is the
    # questionnaire's, not the family's.
    assert access.visible_families(school_coordinator).filter(pk=family.pk).exists()
    assert access.visible_families(team_lead).filter(pk=family.pk).exists()
    for who, user in outsiders.items():
        client = as_user(user)
        detail = client.get(reverse("evaluation:questionnaire_detail", args=[questionnaire.pk]))
        assert detail.status_code == 404, who
        follow_up = client.get(reverse("evaluation:family", args=[family.pk]))
        assert follow_up.status_code in (403, 404), who
        assert "Mostly true" not in follow_up.content.decode(), who
        assert _post(client, family, occasion=Occasion.CLOSURE).status_code in (403, 404), who
        assert not access.visible_questionnaires(user).exists(), who
        # No read of the questionnaire is logged for them: there was none.
        assert not AccessLogEntry.objects.filter(
            user=user, object_type="evaluation.questionnaire"
        ).exists(), who
    assert Questionnaire.objects.filter(family=family).count() == 1


def test_the_family_page_shows_the_follow_up_panel_to_the_case_team_only(
    as_user, family, ombud, team_lead
):
    _enter(family, ombud)
    page = as_user(ombud).get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert 'id="panel-follow-up"' in page
    assert AccessLogEntry.objects.filter(
        user=ombud, object_type="evaluation.questionnaire", family_id=family.pk
    ).exists()
    lead_page = as_user(team_lead).get(reverse("cases:family_detail", args=[family.pk]))
    assert lead_page.status_code == 200
    assert 'id="panel-follow-up"' not in lead_page.content.decode()


def test_the_project_leader_sees_the_answers_only_as_suppressed_figures(
    ombud, family, project_leader
):
    _enter(family, ombud)
    today = timezone.localdate()
    period = report_figures.Period(today.replace(month=1, day=1), today)
    tables = suppression.suppress(report_figures.compute(period))
    follow_up = tables["family_follow_up"]
    # One family: its answer is withheld, never shown as the family's own number.
    assert follow_up.cell("support", Occasion.START).display == suppression.WITHHELD
    assert tables["family_follow_up_count"].cell(Occasion.START, "answered").display == "<5"
    # No dimension of the table is an ombud or a family.
    assert {r.key for r in follow_up.rows} == set(ANSWERS)
    assert {c["key"] for c in follow_up.columns} == set(Occasion.values)


def test_five_families_answers_are_shown_as_a_mean(ombud):
    from tests.factories import FamilyFactory

    for value in (1, 2, 3, 4, 5):
        family = FamilyFactory(responsible_ombud=ombud)
        _enter(family, ombud, support=value)
    FamilyFactory(responsible_ombud=ombud)  # no questionnaire: not in the figures
    today = timezone.localdate()
    period = report_figures.Period(today - dt.timedelta(days=30), today)
    tables = suppression.suppress(report_figures.compute(period))
    assert tables["family_follow_up"].cell("support", Occasion.START).value == 3.0
    # child_view is "would rather not answer" everywhere: no mean, not a zero.
    assert tables["family_follow_up"].cell("child_view", Occasion.START).value is None
    assert tables["family_follow_up_count"].cell(Occasion.START, "answered").display == "5"


def test_missing_answers_and_a_second_questionnaire_get_swedish_messages_not_a_500(
    as_user, family, ombud
):
    client = as_user(ombud)
    client.cookies["django_language"] = "sv"
    missing = _post(client, family, support="", answered_on="igår")
    assert missing.status_code == 200
    body = missing.content.decode()
    assert "Välj ett svar, eller ”Vill inte svara”." in body
    assert 'href="#id_support"' in body and 'id="id_support"' in body  # linked to the field
    assert not Questionnaire.objects.exists()

    assert _post(client, family).status_code == 302
    again = _post(client, family)
    assert again.status_code == 200
    assert "Enkäten för det här tillfället är redan registrerad." in again.content.decode()


def test_a_family_that_declines_keeps_no_answers_and_is_no_longer_due(as_user, family, ombud):
    client = as_user(ombud)
    response = _post(client, family, declined="on", **dict.fromkeys(ANSWERS, ""))
    assert response.status_code == 302
    declined = Questionnaire.objects.get(family=family)
    assert declined.declined and declined.support is None
    assert not [d for d in selectors.due_questionnaires(ombud) if d.family.pk == family.pk]


def test_the_six_month_questionnaire_is_due_in_the_ombuds_work_after_closure(
    as_user, closed_family, ombud, colleague_not_on_team
):
    due = selectors.due_questionnaires(ombud)
    occasions = {d.occasion for d in due if d.family.pk == closed_family.pk}
    assert occasions == {Occasion.SIX_MONTHS}  # closure's window has passed
    page = as_user(ombud).get(reverse("cases:my_families")).content.decode()
    assert "Follow-up questionnaires to do" in page and closed_family.reference in page
    assert selectors.due_questionnaires(colleague_not_on_team) == []

    _enter(closed_family, ombud, occasion=Occasion.SIX_MONTHS)
    assert not [d for d in selectors.due_questionnaires(ombud) if d.family.pk == closed_family.pk]


def test_the_six_month_questionnaire_cannot_be_entered_at_closure(ombud, closed_family):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        _enter(
            closed_family, ombud, occasion=Occasion.SIX_MONTHS, answered_on=closed_family.end_date
        )
    assert "answered_on" in refused.value.message_dict
    assert days_ago(0) >= closed_family.end_date


def test_the_printed_questionnaire_is_a_pdf_in_swedish_without_anything_about_a_family(
    as_user, ombud, family, tmp_path
):
    client = as_user(ombud)
    client.cookies["django_language"] = "sv"
    response = client.get(reverse("evaluation:questionnaire_print"))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "formular.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Uppföljningsenkät" in text
    assert "Vill inte svara" in text and "Stämmer helt" in text
    assert "Barnet: Jag får hjälp med det som är viktigt för mig" in text
    assert family.reference not in text and "Maja" not in text
    html = client.get(reverse("evaluation:questionnaire_print") + "?format=html")
    assert html.status_code == 200 and "Vi känner oss trygga i vardagen" in html.content.decode()


def test_the_team_lead_who_sees_the_family_is_told_the_answers_are_the_case_teams(
    as_user, family, team_lead, ombud
):
    """Not the generic "you may see but not change": the team lead cannot read the answers
    at all, and the page says why (and where the figures are)."""
    _enter(family, ombud)
    page = as_user(team_lead).get(reverse("evaluation:family", args=[family.pk]))
    assert page.status_code == 403
    text = html.unescape(page.content.decode())
    assert "Only the family's case team enters and reads its follow-up questionnaires." in text
    assert "Mostly true" not in text


def _correct(client, questionnaire, **data):
    payload = {
        "answered_on": questionnaire.answered_on.isoformat(),
        "how": questionnaire.how,
        **{k: str(v) for k, v in ANSWERS.items()},
        **data,
    }
    return client.post(
        reverse("evaluation:questionnaire_correct", args=[questionnaire.pk]), payload
    )


def test_the_case_team_corrects_an_answer_and_the_change_is_logged_and_shown(
    as_user, family, ombud, colleague_on_team
):
    questionnaire = _enter(family, ombud)
    client = as_user(colleague_on_team)
    form = client.get(reverse("evaluation:questionnaire_correct", args=[questionnaire.pk]))
    assert form.status_code == 200
    assert 'name="occasion"' not in form.content.decode()  # the occasion stays

    response = _correct(client, questionnaire, support="1", occasion=Occasion.CLOSURE)

    assert response.status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.support == 1 and questionnaire.overview == ANSWERS["overview"]
    assert questionnaire.occasion == Occasion.START
    assert questionnaire.entered_by == ombud and questionnaire.corrected_by == colleague_on_team
    assert AccessLogEntry.objects.filter(
        user=colleague_on_team,
        action=AccessLogEntry.Action.CHANGE,
        object_type="evaluation.questionnaire",
        object_id=questionnaire.pk,
        family_id=family.pk,
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Last corrected" in page and colleague_on_team.get_full_name() in page


def test_a_correction_with_a_missing_answer_keeps_what_was_typed_and_changes_nothing(
    as_user, family, ombud
):
    questionnaire = _enter(family, ombud)
    client = as_user(ombud)
    client.cookies["django_language"] = "sv"
    response = _correct(client, questionnaire, support="", overview="1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Välj ett svar, eller ”Vill inte svara”." in body
    # What was typed is kept: the new answer to the second question stays chosen.
    assert re.search(r'name="overview" value="1"[^>]*checked', body)
    questionnaire.refresh_from_db()
    assert questionnaire.overview == ANSWERS["overview"] and questionnaire.corrected_by is None


def test_nobody_outside_the_case_team_corrects_answers(as_user, family, ombud, outsiders):
    questionnaire = _enter(family, ombud)
    for who, user in outsiders.items():
        client = as_user(user)
        url = reverse("evaluation:questionnaire_correct", args=[questionnaire.pk])
        assert client.get(url).status_code == 404, who
        assert _correct(client, questionnaire, support="1").status_code == 404, who
    questionnaire.refresh_from_db()
    assert questionnaire.support == ANSWERS["support"] and questionnaire.corrected_by is None
