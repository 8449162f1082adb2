"""The skeleton: PostgreSQL, Swedish login, role start pages, login required everywhere,
production settings that pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from familjelotsen.models import User
from tests.security.twofactor import log_in

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_the_database_is_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


@pytest.mark.swedish
def test_login_page_is_in_swedish(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert "Logga in" in body
    assert "Lösenord" in body
    assert 'href="#main"' in body  # skip link to the main landmark


@pytest.mark.swedish
def test_wrong_password_shows_swedish_error_and_keeps_the_username(client, ombud):
    response = client.post(
        reverse("account_login"), {"login": "p_ombud", "password": "fel-lösenord"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "inte korrekt" in body or "felaktig" in body.lower()
    assert 'value="p_ombud"' in body
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("persona", "start"),
    [
        ("ombud", "cases:my_families"),
        ("team_lead", "cases:waiting_list"),
        ("school_coordinator", "cases:pupils"),
        ("region_coordinator", "cases:shared"),
        ("project_leader", "reporting:dashboard"),
        ("sysadmin", "sysadmin:index"),
    ],
)
def test_each_role_lands_on_its_own_start_page(client, request, persona, start):
    user = request.getfixturevalue(persona)
    # Password first, then the authenticator app's code (two factors for everyone).
    response = log_in(client, user)
    assert response.redirect_chain, "login should redirect"
    assert response.request["PATH_INFO"] == reverse(start)
    assert response.status_code == 200


def _all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


PUBLIC_PREFIXES = ("konto/", "robots.txt", "i18n/", "static/", "health/")


def test_every_page_but_login_requires_login(client):
    checked = 0
    for route, _pattern in _all_patterns():
        if route.startswith(PUBLIC_PREFIXES) or "<" in route or "(?P" in route:
            continue
        response = client.get("/" + route)
        assert response.status_code == 302, route
        assert response["Location"].startswith(reverse("account_login")), route
        checked += 1
    assert checked >= 5


def test_django_admin_site_is_not_installed(client, sysadmin):
    """The system administrator works in the app's own administration area; Django's admin
    site (which bypasses the services and the access policy) is not reachable at all."""
    from django.apps import apps

    assert not apps.is_installed("django.contrib.admin")
    client.force_login(sysadmin)
    assert client.get("/admin/").status_code == 404


def test_authenticated_pages_are_never_cached(client, ombud):
    client.force_login(ombud)
    response = client.get(reverse("cases:my_families"))
    assert "no-store" in response["Cache-Control"]


def test_sysadmin_does_not_reach_case_pages(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("cases:my_families")).status_code in (403, 404)


PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7#kq!2m-production-like-secret-9f8e7d6c5b4a3210-zyxwvutsrqponm",
    "DJANGO_ALLOWED_HOSTS": "familjelotsen.example.se",
}


def _manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_malformed_variable_stops_start_up_naming_it():
    result = _manage("check", env_extra={**PRODUCTION_ENV, "DJANGO_SECURE_HSTS_SECONDS": "ett år"})
    assert result.returncode != 0
    assert "DJANGO_SECURE_HSTS_SECONDS" in result.stderr


def test_production_requires_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = _manage("check", env_extra=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_user_roles_cover_the_spec():
    assert {r.value for r in User.Role} == {
        "family_ombud",
        "team_lead",
        "school_coordinator",
        "coordinator",
        "project_leader",
        "system_admin",
        "referrer",
    }


@pytest.mark.swedish
def test_swedish_is_the_default_whatever_the_browser_says_and_english_is_selectable(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/konto/login/"})
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="sv")
    assert '<html lang="en">' in response.content.decode()
