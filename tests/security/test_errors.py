"""Error pages: Swedish, no stack trace, no personal data."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]


def test_server_error_page_is_swedish_without_trace_or_personal_data(client, ombud, settings):
    settings.DEBUG = False
    client.force_login(ombud)
    client.raise_request_exception = False

    response = client.get("/_test/fail/")

    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert "Något gick fel" in body
    for leak in ("Traceback", "RuntimeError", "Anna", "191212121212", "consent", "p_ombud"):
        assert leak not in body, leak
    assert "Content-Security-Policy" in response


@pytest.mark.swedish
def test_not_found_page_is_swedish_and_says_nothing_about_existence(client, ombud):
    client.force_login(ombud)
    response = client.get("/familjer/999999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert "Traceback" not in body


@pytest.mark.swedish
def test_repeated_form_while_the_first_is_saving_gets_a_clear_conflict_page(client, ombud):
    from django.core.cache import cache

    from familjelotsen import idempotency

    client.force_login(ombud)
    token = "a" * 32
    cache.set(f"fl:form-token:{ombud.pk}:{token}", "pending", 60)
    original = idempotency.WAIT_FOR_FIRST
    idempotency.WAIT_FOR_FIRST = 0.2
    try:
        response = client.post("/_test/administration/", {"name": "X", "form_token": token})
    finally:
        idempotency.WAIT_FOR_FIRST = original
    assert response.status_code == 409
    assert '<html lang="sv">' in response.content.decode()
