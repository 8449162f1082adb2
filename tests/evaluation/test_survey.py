"""The collaboration survey (issue 19 part 4): the project leader opens rounds; the
professionals asked answer once and anonymously: no column joins an answer to a person
(proved over the database schema itself); results are compared round by round in the
reports, suppressed where small."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.figures import survey_rounds
from evaluation.models import (
    SurveyComment,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from familjelotsen.models import User
from reporting import figures as report_figures
from reporting import suppression
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWER = {"overview": "4", "whole_picture": "3", "core_time": "2", "collaboration": "5"}


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return dict(cursor.fetchall())


def _foreign_keys(table: str) -> set[str]:
    """The tables `table` points at with a foreign key, as the database has them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ccu.table_name FROM information_schema.table_constraints tc
            JOIN information_schema.constraint_column_usage ccu
              ON ccu.constraint_name = tc.constraint_name
            WHERE tc.table_name = %s AND tc.constraint_type = 'FOREIGN KEY'
            """,
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


def test_no_column_joins_an_answer_to_a_person():
    answers = [SurveyResponse._meta.db_table, SurveyComment._meta.db_table]
    invitations = SurveyInvitation._meta.db_table
    users = User._meta.db_table
    for table in answers:
        columns = _columns(table)
        assert columns, table
        # Points at the round only: not at a user, an invitation or an administration.
        assert _foreign_keys(table) == {SurveyRound._meta.db_table}, table
        assert not {c for c in columns if "user" in c or "invitation" in c or "by" in c}, table
        # No time that could be lined up with when someone answered.
        assert not {c for c, kind in columns.items() if "time" in kind or kind == "date"}, table
        # A random id: a sequence would follow the order of the "answered" marks.
        assert columns["id"] == "uuid", table
    assert "administration_id" not in _columns(SurveyResponse._meta.db_table)
    # The comment is kept apart from the answers and their kind of administration.
    assert set(_columns(SurveyComment._meta.db_table)) == {"id", "round_id", "text"}
    # The "answered" mark names the person and the round, nothing of the answer.
    assert _foreign_keys(invitations) == {SurveyRound._meta.db_table, users}
    assert set(_columns(invitations)) == {"id", "round_id", "user_id", "answered"}
    # Neither table holds the other's key: no join exists even through the round's rows.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND c.relname LIKE 'evaluation_survey%%'"
            " AND t.tgname LIKE 'pgtrigger%%'"
        )
        assert cursor.fetchall() == []  # no change history that would keep times
        cursor.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE '%%survey%%event'")
        assert cursor.fetchall() == []


@pytest.fixture
def survey_round(project_leader, adm_rs, adm_school, ombud, school_coordinator):
    today = timezone.localdate()
    return services.round_open(
        by=project_leader,
        title="Hösten",
        opened_on=today,
        closes_on=today + dt.timedelta(days=14),
        administrations=[adm_rs, adm_school],
    )


def test_the_project_leader_opens_a_round_and_the_staff_there_are_asked(
    as_user, project_leader, adm_rs, adm_school, ombud, school_coordinator, region_coordinator
):
    today = timezone.localdate()
    response = as_user(project_leader).post(
        reverse("evaluation:rounds"),
        {
            "title": "Våren",
            "opened_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=21)).isoformat(),
            "administrations": [adm_rs.pk, adm_school.pk],
        },
    )
    assert response.status_code == 302
    invited = set(SurveyInvitation.objects.values_list("user__username", flat=True))
    assert {ombud.username, school_coordinator.username} <= invited
    assert region_coordinator.username not in invited  # the Region was not chosen
    assert project_leader.username not in invited  # not case-working staff


@pytest.mark.parametrize("who", ["ombud", "team_lead", "school_coordinator", "region_coordinator"])
def test_only_the_project_leader_runs_the_rounds(as_user, request, who, survey_round):
    client = as_user(request.getfixturevalue(who))
    assert client.get(reverse("evaluation:rounds")).status_code == 403
    assert client.get(reverse("evaluation:round_detail", args=[survey_round.pk])).status_code == 403
    assert client.post(reverse("evaluation:round_close", args=[survey_round.pk])).status_code == 403


def test_an_invited_professional_answers_once_and_the_answer_keeps_no_name(
    as_user, survey_round, school_coordinator
):
    client = as_user(school_coordinator)
    home = client.get(reverse("cases:pupils")).content.decode()
    assert reverse("evaluation:survey_answer", args=[survey_round.pk]) in home
    url = reverse("evaluation:survey_answer", args=[survey_round.pk])
    response = client.post(url, {**ANSWER, "comment": "Fler gemensamma möten."})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    invitation = SurveyInvitation.objects.get(round=survey_round, user=school_coordinator)
    assert invitation.answered
    answer = SurveyResponse.objects.get()
    assert answer.administration_kind == school_coordinator.administration.kind
    assert (answer.overview, answer.collaboration) == (4, 5)
    assert SurveyComment.objects.get().text == "Fler gemensamma möten."
    # Once only: the second answer is refused and nothing more is stored.
    again = client.post(url, ANSWER)
    assert "already" in again.content.decode() or "Thank you" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert (
        reverse("evaluation:survey_answer", args=[survey_round.pk])
        not in client.get(reverse("cases:pupils")).content.decode()
    )


def test_someone_not_asked_cannot_answer(as_user, survey_round, region_coordinator):
    url = reverse("evaluation:survey_answer", args=[survey_round.pk])
    assert as_user(region_coordinator).post(url, ANSWER).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_a_missing_answer_gets_a_message_not_a_500(as_user, survey_round, ombud):
    url = reverse("evaluation:survey_answer", args=[survey_round.pk])
    response = as_user(ombud).post(url, {**ANSWER, "core_time": "", "overview": "9"})
    assert response.status_code == 200
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.get(round=survey_round, user=ombud).answered


def test_rounds_are_compared_in_the_reports_and_small_ones_suppressed(project_leader, adm_school):
    today = timezone.localdate()
    people = [
        UserFactory(role=User.Role.SCHOOL_COORDINATOR, administration=adm_school) for _ in range(6)
    ]

    def round_with(title, opened, answering, value):
        r = services.round_open(
            by=project_leader,
            title=title,
            opened_on=opened,
            closes_on=today,
            administrations=[adm_school],
        )
        for person in answering:
            services.survey_answer(
                survey_round=r,
                by=person,
                overview=value,
                whole_picture=value,
                core_time=value,
                collaboration=value,
            )
        return r

    first = round_with("Första", today - dt.timedelta(days=100), people[:5], 2)
    second = round_with("Andra", today - dt.timedelta(days=10), people[:3], 4)
    period = report_figures.Period(today.replace(month=1, day=1) - dt.timedelta(days=365), today)
    tables = suppression.suppress(report_figures.compute(period))
    rounds = tables["survey_rounds"]
    assert [r.key for r in rounds.rows] == [str(first.pk), str(second.pk)]  # oldest first
    assert rounds.cell(str(first.pk), "collaboration").value == 2.0
    assert rounds.cell(str(first.pk), "answered").display == "5"
    # Three answered the second round: their mean is withheld, their count is "<5".
    assert rounds.cell(str(second.pk), "collaboration").display == suppression.WITHHELD
    assert rounds.cell(str(second.pk), "answered").display == "<5"
    assert rounds.cell(str(second.pk), "invited").display == "6"


def test_the_survey_figures_take_the_same_queries_however_many_rounds(
    project_leader, adm_school, django_assert_max_num_queries
):
    today = timezone.localdate()
    UserFactory(role=User.Role.SCHOOL_COORDINATOR, administration=adm_school)
    period = report_figures.Period(today - dt.timedelta(days=400), today)
    for n in range(6):
        services.round_open(
            by=project_leader,
            title=f"Omgång {n}",
            opened_on=today - dt.timedelta(days=50 * n),
            closes_on=today,
            administrations=[adm_school],
        )
        fig = report_figures.Figures(period)
        with django_assert_max_num_queries(2):  # the rounds, the latest round by kind
            survey_rounds(period, fig)
    assert len(fig.tables["survey_rounds"].rows) == 4  # the latest four


def test_the_free_text_is_shown_only_once_five_have_answered(as_user, project_leader, adm_school):
    today = timezone.localdate()
    people = [
        UserFactory(role=User.Role.SCHOOL_COORDINATOR, administration=adm_school) for _ in range(5)
    ]
    survey_round = services.round_open(
        by=project_leader,
        title="Vintern",
        opened_on=today,
        closes_on=today,
        administrations=[adm_school],
    )
    url = reverse("evaluation:round_detail", args=[survey_round.pk])
    for n, person in enumerate(people, start=1):
        services.survey_answer(
            survey_round=survey_round,
            by=person,
            overview=3,
            whole_picture=3,
            core_time=3,
            collaboration=3,
            comment=f"Kommentar nummer {n}",
        )
        page = as_user(project_leader).get(url).content.decode()
        assert ("Kommentar nummer 1" in page) is (n >= 5)


# --- One municipality's rounds (issue 21) -------------------------------------------------------


@pytest.fixture
def nora_leader(db):
    from tests.factories import AdministrationFactory, OrganisationFactory

    nora = OrganisationFactory(name="Nora kommun", code="NOR")
    administration = AdministrationFactory(name="Socialtjänsten Nora", organisation=nora)
    return UserFactory(role=User.Role.PROJECT_LEADER, administration=administration)


def test_a_round_is_its_municipalitys_only_in_the_lists_and_the_reports(
    as_user, survey_round, project_leader, nora_leader, adm_region
):
    # The opener's organisation owns the round, whoever was asked.
    assert survey_round.organisations == [project_leader.administration.organisation_id]
    today = timezone.localdate()
    period = report_figures.Period(today - dt.timedelta(days=30), today)

    own = as_user(project_leader)
    assert "Hösten" in own.get(reverse("evaluation:rounds")).content.decode()
    assert own.get(reverse("evaluation:round_detail", args=[survey_round.pk])).status_code == 200
    mine = report_figures.compute(
        report_figures.Period(
            period.start, period.end, organisations=[survey_round.organisations[0]]
        )
    )
    assert [r.key for r in mine.tables["survey_rounds"].rows] == [str(survey_round.pk)]

    other = as_user(nora_leader)
    assert "Hösten" not in other.get(reverse("evaluation:rounds")).content.decode()
    assert other.get(reverse("evaluation:round_detail", args=[survey_round.pk])).status_code == 404
    other.post(reverse("evaluation:round_close", args=[survey_round.pk]))
    survey_round.refresh_from_db()
    assert survey_round.closed_on is None
    theirs = report_figures.compute(
        report_figures.Period(
            period.start, period.end, organisations=[nora_leader.administration.organisation_id]
        )
    )
    assert theirs.tables["survey_rounds"].rows == []


def test_a_project_leader_who_reports_on_no_organisation_opens_no_round(adm_rs, adm_school):
    leader = UserFactory(role=User.Role.PROJECT_LEADER, administration=adm_rs, organisations=[])
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.round_open(
            by=leader,
            title="Utan kommun",
            opened_on=today,
            closes_on=today,
            administrations=[adm_school],
        )
    assert not SurveyRound.objects.filter(title="Utan kommun").exists()
