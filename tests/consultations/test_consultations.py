"""Consultations (issue 20 part 3): a professional asks the team for advice without identifying
the family. The form refuses a personnummer and keeps what was typed; it warns, without saying
which name, when the text holds a name from the register the user may see, and saves after
confirmation. The team (ombud, team lead) reads them, each read logged; the school, the Region
and the project leader do not see individual consultations."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations import screening, services
from consultations.models import Consultation
from familjelotsen.models import AccessLogEntry
from tests.factories import CustodianFactory, FamilyFactory, UserFactory, personnummer_for

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def _form(adm, **overrides):
    data = {
        "asked_by": "Kurator, Norrskolan",
        "asking_administration": adm.pk,
        "held_on": timezone.localdate().isoformat(),
        "question": "Eleven har hög frånvaro och föräldrarna är trötta.",
        "advice": "Bjud in till nätverksmöte med familjens samtycke.",
        "minutes": "45",
        "follow_up": Consultation.FollowUp.NONE,
    }
    return {**data, **overrides}


@pytest.mark.swedish
def test_a_personnummer_is_refused_next_to_its_field_and_the_text_is_kept(ombud, adm_school):
    pnr = personnummer_for(timezone.localdate().replace(year=2014, day=3), 7)
    typed = f"Gäller barnet {pnr[:8]}-{pnr[8:]} som inte kommer till skolan."
    response = _client(ombud, "sv").post(
        reverse("consultations:new"), _form(adm_school, question=typed)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ta bort personnumret: en konsultation får inte identifiera familjen." in html
    assert 'id="id_question_errors"' in html  # at the field, linked from the summary
    assert typed in html and "Bjud in till nätverksmöte" in html  # nothing typed is lost
    assert not Consultation.objects.exists()


def test_what_looks_like_a_personnummer_is_found_even_with_a_wrong_check_digit():
    assert screening.has_personnummer("Barnet 20140603-2383 i åk 6")  # check digit off
    assert screening.has_personnummer("pnr 140603+2381 och 201406032381")
    assert not screening.has_personnummer("Ring 0701234567 eller 070-123 45 67, dnr 2026-1234")
    assert not screening.has_personnummer("Barnet 20141403-2382")  # no 14th month


def test_a_register_name_warns_without_naming_it_and_saves_once_confirmed(
    ombud, colleague_not_on_team, adm_school
):
    family = FamilyFactory(responsible_ombud=ombud)
    CustodianFactory(family=family, first_name="Lejla", last_name="Hodzic")
    client = _client(ombud)
    data = _form(adm_school, advice="Prata med Lejla om skolans stöd.")

    warned = client.post(reverse("consultations:new"), data)
    html = warned.content.decode()
    assert warned.status_code == 200 and not Consultation.objects.exists()
    assert "also a name in the register" in html
    assert 'id="id_advice_errors"' in html and 'id="id_question_errors"' not in html
    # The warning names no name and no family; the typed text is kept and confirmable.
    assert html.count("Lejla") == 1 and family.reference not in html
    assert 'name="names_confirmed"' in html

    saved = client.post(reverse("consultations:new"), {**data, "names_confirmed": "on"})
    assert saved.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.advice == "Prata med Lejla om skolans stöd."
    assert consultation.recorded_by == ombud and consultation.owner_id == ombud.administration_id
    assert AccessLogEntry.objects.filter(
        object_type="consultations.consultation",
        object_id=consultation.pk,
        action=AccessLogEntry.Action.CREATE,
        family_id=None,
    ).exists()

    # Someone who may not see the family is not told the name is in the register.
    services.consultation_create(
        by=colleague_not_on_team,
        asked_by="Mentor",
        asking_administration=adm_school,
        held_on=timezone.localdate(),
        question="Hur stöttar vi Lejla Hodzic?",
        advice="Förslag på extra anpassningar.",
        minutes=20,
        follow_up=Consultation.FollowUp.NONE,
    )
    assert Consultation.objects.count() == 2


def test_the_team_reads_consultations_others_do_not(
    ombud, team_lead, school_coordinator, region_coordinator, project_leader, adm_school
):
    other_ombud = UserFactory(username="p_ombud_soc", role="family_ombud")
    consultation = services.consultation_create(
        by=other_ombud,
        asked_by="Anna Andersson, kurator",
        asking_administration=adm_school,
        held_on=timezone.localdate(),
        question="Fråga om samordning.",
        advice="Råd om SIP.",
        minutes=30,
        follow_up=Consultation.FollowUp.REQUEST,
    )
    detail = reverse("consultations:detail", args=[consultation.pk])
    for user in (ombud, team_lead):
        client = _client(user)
        listed = client.get(reverse("consultations:list"))
        assert listed.status_code == 200 and "Anna Andersson, kurator" in listed.content.decode()
        assert client.get(detail).status_code == 200
        reads = AccessLogEntry.objects.filter(
            user=user, object_type="consultations.consultation", action="view"
        )
        assert reads.count() == 2  # the list's row and the page's
    for user in (school_coordinator, region_coordinator, project_leader):
        client = _client(user)
        assert client.get(reverse("consultations:list")).status_code == 403
        assert client.get(reverse("consultations:new")).status_code == 403
        assert client.get(detail).status_code == 404
        assert not AccessLogEntry.objects.filter(user=user).exists()
