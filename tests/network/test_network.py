"""Network work: the process per child, its stages, the network, actions carried over, the
needs inventory and the time against the planning figure; who sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import InfoCategory
from familjelotsen import access
from familjelotsen.models import AccessLogEntry
from familjelotsen.versioning import Conflict
from network import models as nm
from network import selectors, services
from tests.factories import (
    ConsentFactory,
    MemberFactory,
    NetworkMeetingFactory,
    NetworkParticipantFactory,
    NetworkProcessFactory,
)

pytestmark = pytest.mark.django_db
Stage = nm.Stage


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=1) - dt.timedelta(days=days)


def _all_areas(rating: int = 3) -> dict:
    return dict.fromkeys(nm.GirfecArea.values, (rating, "", ""))


# --- The process -------------------------------------------------------------------------------


@pytest.mark.parametrize(("years", "allowed"), [(0, True), (12, True), (20, True), (21, False)])
def test_network_work_is_for_children_and_young_people_from_0_to_20(family, ombud, years, allowed):
    member = MemberFactory(family=family, birth_date=_years_ago(years, days=10 if years else 0))
    kwargs = {"family": family, "member": member, "by": ombud, "started_on": timezone.localdate()}
    if allowed:
        assert services.process_create(**kwargs).pk
    else:
        with pytest.raises(ValidationError) as exc:
            services.process_create(**kwargs)
        assert "0 to 20" in " ".join(exc.value.messages)


def test_a_decided_intervention_needs_its_decision_reference(family, child, ombud):
    with pytest.raises(ValidationError) as exc:
        services.process_create(
            family=family,
            member=child,
            by=ombud,
            started_on=timezone.localdate(),
            provision="decided",
        )
    assert "decision_reference" in exc.value.message_dict


def test_decided_interventions_are_listed_before_service(family, child, ombud):
    service = NetworkProcessFactory(member=child, provision="service")
    sibling = MemberFactory(family=family)
    decided = NetworkProcessFactory(
        member=sibling, provision="decided", decision_reference="SOC-2026-118"
    )
    assert selectors.family_processes(ombud, family) == [decided, service]


def test_closing_needs_a_reason(process, ombud):
    with pytest.raises(ValidationError):
        services.process_close(process=process, by=ombud, reason="")
    services.process_close(process=process, by=ombud, reason="Målen nådda")
    process.refresh_from_db()
    assert (process.status, process.closed_on) == ("closed", timezone.localdate())


# --- Meetings, attendance and actions -----------------------------------------------------------


def test_every_network_member_gets_an_attendance_row_split_private_and_professional(
    process, ombud, adm_school
):
    grandma, _w = services.participant_add(
        process=process, by=ombud, side="private", name="Mormor Inga", relation="Mormor"
    )
    teacher, _w = services.participant_add(
        process=process,
        by=ombud,
        side="professional",
        name="Lärare Per",
        administration=adm_school,
        role="Mentor",
    )
    meeting = services.meeting_record(
        process=process,
        by=ombud,
        stage=Stage.NETWORK_MEETING,
        held_on=timezone.localdate(),
        place="home",
        attended=[grandma],
    )
    rows = {
        a.participant.name: a.attended for a in meeting.attendance.select_related("participant")
    }
    assert rows == {"Mormor Inga": True, "Lärare Per": False}


def test_a_private_network_member_needs_a_relation_and_a_professional_an_organisation(
    process, ombud
):
    with pytest.raises(ValidationError) as exc:
        services.participant_add(process=process, by=ombud, side="private", name="Anna")
    assert "relation" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.participant_add(process=process, by=ombud, side="professional", name="Bo")
    assert "administration" in exc.value.message_dict


def test_an_action_has_exactly_one_who(process, ombud, adm_school):
    meeting = NetworkMeetingFactory(process=process)
    person = NetworkParticipantFactory(process=process)
    with pytest.raises(ValidationError):
        services.action_add(meeting=meeting, by=ombud, what="Ringa skolan")
    with pytest.raises(ValidationError):
        services.action_add(
            meeting=meeting,
            by=ombud,
            what="Ringa skolan",
            responsible_participant=person,
            responsible_administration=adm_school,
        )
    action = services.action_add(
        meeting=meeting, by=ombud, what="Ringa skolan", responsible_administration=adm_school
    )
    assert action.status == "open"


def test_open_actions_are_carried_over_to_the_follow_up_meeting(
    as_user, process, ombud, adm_school
):
    today = timezone.localdate()
    uncle = NetworkParticipantFactory(process=process, name="Morbror Olle", relation="Morbror")
    meeting = NetworkMeetingFactory(process=process, held_on=today - dt.timedelta(days=20))
    still_open = services.action_add(
        meeting=meeting,
        by=ombud,
        what="Skjutsa till fotbollen på tisdagar",
        responsible_participant=uncle,
        due_on=today - dt.timedelta(days=5),
    )
    done = services.action_add(
        meeting=meeting,
        by=ombud,
        what="Boka möte med mentor",
        responsible_administration=adm_school,
    )
    services.action_set_status(action=done, expected_version=done.version, by=ombud, status="done")

    follow_up = services.meeting_record(
        process=process, by=ombud, stage=Stage.FOLLOW_UP_MEETING, held_on=today, place="digital"
    )

    assert list(follow_up.carried_actions.all()) == [still_open]
    page = as_user(ombud).get(reverse("network:meeting_detail", args=[process.pk, follow_up.pk]))
    body = page.content.decode()
    assert "Open actions carried over from earlier meetings" in body
    assert "Skjutsa till fotbollen på tisdagar" in body
    assert "Boka möte med mentor" not in body
    assert "overdue" in body


def test_a_stale_status_change_of_an_action_is_refused(process, ombud, adm_school):
    meeting = NetworkMeetingFactory(process=process)
    action = services.action_add(
        meeting=meeting, by=ombud, what="Ringa skolan", responsible_administration=adm_school
    )
    version = action.version
    services.action_set_status(action=action, expected_version=version, by=ombud, status="done")
    with pytest.raises(Conflict):
        services.action_set_status(
            action=action, expected_version=version, by=ombud, status="dropped"
        )
    action.refresh_from_db()
    assert action.status == "done"


# --- Needs inventory -----------------------------------------------------------------------------


def test_a_needs_inventory_rates_all_eight_areas(process, ombud):
    ratings = _all_areas()
    del ratings["included"]
    with pytest.raises(ValidationError) as exc:
        services.inventory_record(
            process=process,
            by=ombud,
            made_on=timezone.localdate(),
            rated_by="family",
            ratings=ratings,
        )
    assert "Included" in " ".join(exc.value.messages)


def test_the_needs_inventory_is_drawn_as_a_radar_with_a_table_alternative(as_user, process, ombud):
    today = timezone.localdate()
    first = _all_areas(2)
    first["safe"] = (1, "", "Oro för bråk hemma")
    services.inventory_record(
        process=process,
        by=ombud,
        made_on=today - dt.timedelta(days=60),
        rated_by="family",
        ratings=first,
    )
    services.inventory_record(
        process=process, by=ombud, made_on=today, rated_by="family", ratings=_all_areas(4)
    )
    services.inventory_record(
        process=process, by=ombud, made_on=today, rated_by="ombud", ratings=_all_areas(3)
    )
    response = as_user(ombud).get(reverse("network:process_detail", args=[process.pk]))
    body = response.content.decode()
    svg = str(response.context["detail"].radar)
    assert svg.count("<polygon") == 5 + 3  # five rings, three rating sets
    assert f'<title id="radar-{process.pk}-title">' in svg
    assert "<desc" in svg and "Safe 1" in svg
    for label in (
        "Safe",
        "Healthy",
        "Achieving",
        "Nurtured",
        "Active",
        "Respected",
        "Responsible",
        "Included",
    ):
        assert f">{label}</text>" in svg
    assert "Ratings (1–5) per wellbeing area over time" in body
    assert "Oro för bråk hemma" in body


# --- Time ----------------------------------------------------------------------------------------


def test_time_per_activity_is_shown_against_the_planning_figure(as_user, process, ombud, settings):
    settings.NETWORK_HOURS_PLANNING_FIGURE = 10
    for activity, minutes in [("coordination", 90), ("pre_meeting", 120), ("network_meeting", 180)]:
        services.time_add(
            process=process, by=ombud, activity=activity, on=timezone.localdate(), minutes=minutes
        )
    detail = selectors.process_detail(ombud, process)
    assert detail.total_hours == 6.5
    assert detail.planning_hours == 10
    assert {r["label"]: r["hours"] for r in detail.time_by_activity}["Pre-meeting"] == 2.0
    body = as_user(ombud).get(reverse("network:process_detail", args=[process.pk])).content.decode()
    assert "6.5 of the 10 hours planned per family" in body


def test_time_outside_a_day_is_refused_at_the_field(process, ombud):
    with pytest.raises(ValidationError) as exc:
        services.time_add(
            process=process, by=ombud, activity="coordination", on=timezone.localdate(), minutes=0
        )
    assert "minutes" in exc.value.message_dict


# --- Who sees it ---------------------------------------------------------------------------------


def test_the_case_team_sees_the_process_and_a_colleague_not_on_the_team_gets_404(
    as_user, process, ombud, colleague_on_team, colleague_not_on_team
):
    url = reverse("network:process_detail", args=[process.pk])
    assert as_user(ombud).get(url).status_code == 200
    assert as_user(colleague_on_team).get(url).status_code == 200
    outsider = as_user(colleague_not_on_team)
    assert outsider.get(url).status_code == 404
    assert outsider.get(reverse("network:family", args=[process.family_id])).status_code == 404
    assert outsider.post(reverse("network:time_add", args=[process.pk])).status_code == 404


def test_the_region_sees_the_process_only_when_in_the_network_and_the_consent_covers_it(
    process, child, ombud, adm_region, region_coordinator
):
    ConsentFactory(
        subject=child,
        receiving=[adm_region],
        categories=[InfoCategory.COORDINATION, InfoCategory.SOCIAL],
    )
    assert list(access.visible(region_coordinator, nm.NetworkProcess)) == []
    _p, warnings = services.participant_add(
        process=process,
        by=ombud,
        side="professional",
        name="Kurator BUP",
        administration=adm_region,
        role="Kurator",
    )
    assert warnings == []
    assert list(access.visible(region_coordinator, nm.NetworkProcess)) == [process]


def test_without_a_covering_consent_the_share_is_a_warning_and_nothing_is_shared(
    process, ombud, adm_region, region_coordinator
):
    _p, warnings = services.participant_add(
        process=process,
        by=ombud,
        side="professional",
        name="Kurator BUP",
        administration=adm_region,
    )
    assert len(warnings) == 1 and "Regionen" in warnings[0]
    assert list(access.visible(region_coordinator, nm.NetworkProcess)) == []


def test_a_shared_process_can_be_read_but_not_written_by_the_region(
    as_user, process, child, ombud, adm_region, region_coordinator
):
    ConsentFactory(subject=child, receiving=[adm_region], categories=[InfoCategory.SOCIAL])
    services.participant_add(
        process=process, by=ombud, side="professional", name="BUP", administration=adm_region
    )
    client = as_user(region_coordinator)
    assert client.get(reverse("network:process_detail", args=[process.pk])).status_code == 200
    assert client.get(reverse("network:meeting_add", args=[process.pk])).status_code == 403


def test_the_process_page_is_logged_and_its_query_count_does_not_grow_with_the_network(
    as_user, process, ombud, adm_school, django_assert_max_num_queries
):
    client = as_user(ombud)
    url = reverse("network:process_detail", args=[process.pk])
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def grow(n: int) -> None:
        for k in range(n):
            person = NetworkParticipantFactory(process=process)
            meeting = NetworkMeetingFactory(process=process)
            services.action_add(
                meeting=meeting, by=ombud, what=f"Åtgärd {k}", responsible_participant=person
            )
            services.inventory_record(
                process=process,
                by=ombud,
                made_on=timezone.localdate() - dt.timedelta(days=len(grown) + k),
                rated_by="family",
                ratings=_all_areas(),
            )
        grown.append(n)

    grown: list[int] = []
    grow(1)
    small = count()
    grow(6)
    assert count() == small
    # session, user, process with access basis, members (names), participants, meetings,
    # attendance (prefetch), actions, inventories, ratings (prefetch), time per activity,
    # the access-log row, the administration in the page header, the session save (3).
    with django_assert_max_num_queries(16):
        client.get(url)
    assert (
        AccessLogEntry.objects.filter(
            object_type="network.networkprocess", object_id=process.pk, action="view"
        ).count()
        == 4
    )


def test_the_family_summary_gives_hours_open_actions_and_a_link(process, ombud, family, adm_school):
    meeting = NetworkMeetingFactory(process=process)
    services.action_add(
        meeting=meeting,
        by=ombud,
        what="Ringa skolan",
        responsible_administration=adm_school,
        due_on=meeting.held_on,
    )
    services.time_add(
        process=process, by=ombud, activity="coordination", on=timezone.localdate(), minutes=120
    )
    summary = selectors.family_summary(ombud, family)
    assert summary["count"] == 1
    assert summary["open_actions"] == 1
    assert summary["overdue_actions"] == 1
    assert summary["processes"][0].hours == 2.0
    assert summary["url"] == reverse("network:family", args=[family.pk])


def test_creating_a_process_on_the_page_keeps_the_input_on_error(as_user, family, child, ombud):
    response = as_user(ombud).post(
        reverse("network:process_create", args=[family.pk]),
        {
            "member": child.pk,
            "started_on": timezone.localdate().isoformat(),
            "provision": "decided",
            "purpose": "Stötta skolgången",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "A decided intervention needs its decision reference." in body
    assert "Stötta skolgången" in body
    assert not nm.NetworkProcess.objects.exists()


def test_the_new_process_form_logs_the_family_and_each_member_named_once(
    as_user, family, child, ombud
):
    sibling = MemberFactory(family=family, first_name="Ebba")
    assert (
        as_user(ombud).get(reverse("network:process_create", args=[family.pk])).status_code == 200
    )
    rows = AccessLogEntry.objects.filter(user=ombud)
    assert sorted((r.action, r.object_type, r.object_id, r.basis) for r in rows) == sorted(
        [
            ("view", "cases.family", family.pk, "case_team"),
            ("view", "cases.member", child.pk, "case_team"),
            ("view", "cases.member", sibling.pk, "case_team"),
        ]
    )


def test_the_family_and_meeting_pages_log_their_record_once(as_user, process, family, ombud):
    meeting = NetworkMeetingFactory(process=process)
    client = as_user(ombud)
    client.get(reverse("network:family", args=[family.pk]))
    client.get(reverse("network:meeting_detail", args=[process.pk, meeting.pk]))
    rows = AccessLogEntry.objects.filter(user=ombud, action="view")
    assert rows.filter(object_type="cases.family", object_id=family.pk).count() == 1
    assert rows.filter(object_type="network.networkprocess", object_id=process.pk).count() == 2


def test_the_region_reading_a_shared_process_sees_no_buttons_to_run_it(
    as_user, process, child, ombud, adm_region, region_coordinator
):
    ConsentFactory(subject=child, receiving=[adm_region], categories=[InfoCategory.SOCIAL])
    services.participant_add(
        process=process, by=ombud, side="professional", name="BUP", administration=adm_region
    )
    page = as_user(region_coordinator).get(reverse("network:process_detail", args=[process.pk]))
    assert reverse("network:meeting_add", args=[process.pk]) not in page.content.decode()
    family_page = as_user(region_coordinator).get(
        reverse("network:family", args=[process.family_id])
    )
    assert reverse("network:process_create", args=[process.family_id]) not in (
        family_page.content.decode()
    )
