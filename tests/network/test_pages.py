"""Every network page renders for the case team (no template errors); wrong ids are 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import NetworkMeetingFactory, NetworkProcessFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "process_detail",
        "process_edit",
        "process_close",
        "participant_add",
        "meeting_add",
        "inventory_add",
        "time_add",
    ],
)
def test_every_process_page_renders_for_the_case_team(as_user, process, ombud, name):
    assert as_user(ombud).get(reverse(f"network:{name}", args=[process.pk])).status_code == 200


def test_the_family_and_meeting_pages_render_for_the_case_team(as_user, process, ombud):
    client = as_user(ombud)
    meeting = NetworkMeetingFactory(process=process)
    assert client.get(reverse("network:family", args=[process.family_id])).status_code == 200
    assert (
        client.get(reverse("network:process_create", args=[process.family_id])).status_code == 200
    )
    for name in ("meeting_detail", "action_add"):
        url = reverse(f"network:{name}", args=[process.pk, meeting.pk])
        assert client.get(url).status_code == 200


def test_a_meeting_of_another_process_is_not_found_through_this_process(
    as_user, process, child, ombud
):
    other = NetworkMeetingFactory(process=NetworkProcessFactory(member=child))
    url = reverse("network:meeting_detail", args=[process.pk, other.pk])
    assert as_user(ombud).get(url).status_code == 404


def test_the_team_lead_reads_but_the_case_team_writes(as_user, process, team_lead):
    client = as_user(team_lead)
    assert client.get(reverse("network:process_detail", args=[process.pk])).status_code == 200
    assert client.get(reverse("network:time_add", args=[process.pk])).status_code == 403
    assert (
        client.get(reverse("network:process_create", args=[process.family_id])).status_code == 403
    )


def test_a_double_submitted_time_entry_is_recorded_once(as_user, process, ombud):
    import re

    from django.utils import timezone

    client = as_user(ombud)
    url = reverse("network:time_add", args=[process.pk])
    token = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode())[1]
    data = {
        "form_token": token,
        "activity": "coordination",
        "on": timezone.localdate().isoformat(),
        "minutes": 45,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert process.time_entries.count() == 1
