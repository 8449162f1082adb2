"""No lost work, no duplicate work: a form sent twice with the same one-time token creates one
record; the repeat gets the first answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from familjelotsen.models import Administration

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]
URL = "/_test/administration/"


def _token(client) -> str:
    body = client.get(URL).content.decode()
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', body).group(1)


def test_form_token_tag_renders_a_fresh_hidden_token_each_time(client, ombud):
    client.force_login(ombud)
    first, second = _token(client), _token(client)
    assert first != second


def test_double_post_with_the_same_token_creates_one_record(client, ombud):
    client.force_login(ombud)
    token = _token(client)
    data = {"name": "Dubbelklick", "form_token": token}

    first = client.post(URL, data)
    second = client.post(URL, data)

    assert Administration.objects.filter(name="Dubbelklick").count() == 1
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]


def test_a_repeat_from_htmx_is_told_where_to_go(client, ombud):
    client.force_login(ombud)
    data = {"name": "Via htmx", "form_token": _token(client)}
    first = client.post(URL, data)
    repeat = client.post(URL, data, headers={"HX-Request": "true"})
    assert repeat["HX-Redirect"] == first["Location"]
    assert Administration.objects.filter(name="Via htmx").count() == 1


def test_two_forms_with_their_own_tokens_create_two_records(client, ombud):
    client.force_login(ombud)
    client.post(URL, {"name": "Första", "form_token": _token(client)})
    client.post(URL, {"name": "Andra", "form_token": _token(client)})
    assert Administration.objects.filter(name__in=["Första", "Andra"]).count() == 2


def test_a_rejected_form_can_be_corrected_and_sent_with_the_same_token(client, ombud):
    client.force_login(ombud)
    token = _token(client)
    rejected = client.post(URL, {"name": "", "form_token": token})
    assert rejected.status_code == 200
    accepted = client.post(URL, {"name": "Rättad", "form_token": token})
    assert accepted.status_code == 302
    assert Administration.objects.filter(name="Rättad").count() == 1


def test_another_users_token_replays_nothing_for_them(client, ombud, colleague_on_team):
    client.force_login(ombud)
    token = _token(client)
    client.post(URL, {"name": "Ombudets", "form_token": token})

    other = Client()
    other.force_login(colleague_on_team)
    response = other.post(URL, {"name": "Kollegans", "form_token": token})
    assert response.status_code == 302
    assert Administration.objects.filter(name__in=["Ombudets", "Kollegans"]).count() == 2


def test_a_post_without_a_token_runs_as_usual(client, ombud):
    client.force_login(ombud)
    client.post(URL, {"name": "Utan token"})
    client.post(URL, {"name": "Utan token 2", "form_token": "not-a-token"})
    assert Administration.objects.filter(name__startswith="Utan token").count() == 2
