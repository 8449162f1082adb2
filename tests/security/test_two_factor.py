"""Two factors for everyone: a password alone reaches nothing; a user without an authenticator
is held at enrolment; a code works once; the administration area uses the same login; the
demo secret is refused in production."""

from __future__ import annotations

import hashlib
import io

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import reverse

from familjelotsen.demo import DEMO_TOTP_SECRET, give_demo_authenticator
from familjelotsen.models import User
from familjelotsen.two_factor import PUBLISHED_TOTP_SECRET_DIGESTS
from tests.factories import FamilyFactory, UserFactory
from tests.security.twofactor import (
    confirm_password,
    log_in,
    log_in_with_password,
    mid_window,
    totp_code,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    """The clock stands still mid-window for the whole test (see mid_window)."""
    at = mid_window()
    with time_machine.travel(at, tick=False):
        yield at


def test_password_alone_does_not_sign_in_an_enrolled_user(client, ombud):
    FamilyFactory(responsible_ombud=ombud)
    response = log_in_with_password(client, ombud.username)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_authenticate"))
    assert "_auth_user_id" not in client.session
    # No page with personal data opens: the family list sends back to login.
    families = client.get(reverse("cases:my_families"))
    assert families.status_code == 302
    assert families["Location"].startswith(reverse("account_login"))


def test_password_and_current_code_sign_in_and_cycle_the_session(client, ombud, frozen):
    client.get(reverse("account_login"))
    log_in_with_password(client, ombud.username)
    key_between_factors = client.session.session_key

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(at=frozen)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ombud.pk)
    # A new session id at login: a session id planted before login is worthless.
    assert client.session.session_key != key_between_factors
    assert client.get(reverse("cases:my_families")).status_code == 200


def test_wrong_code_is_refused_in_swedish_and_does_not_sign_in(client, ombud, frozen):
    log_in_with_password(client, ombud.username)
    wrong = "000000" if totp_code(at=frozen) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert 'class="field-errors"' in response.content.decode()  # said at the field
    assert "_auth_user_id" not in client.session


def test_a_code_is_accepted_only_once(client, ombud, frozen):
    code = totp_code(at=frozen)
    log_in_with_password(client, ombud.username)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))

    # Someone who saw the code (over a shoulder, a phishing page) replays it in its window.
    log_in_with_password(client, ombud.username)
    replay = client.post(reverse("mfa_authenticate"), {"code": code})

    assert replay.status_code == 200
    assert 'class="field-errors"' in replay.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.swedish
def test_user_without_a_factor_is_sent_to_enrolment_and_reaches_nothing_else(client, adm_rs):
    newcomer = UserFactory(
        username="p_newcomer", role=User.Role.FAMILY_OMBUD, administration=adm_rs, totp=False
    )
    FamilyFactory(responsible_ombud=newcomer)
    response = log_in_with_password(client, newcomer.username, follow=True)

    # Binding an authenticator asks for the password once more (a stolen session alone cannot
    # bind the thief's phone), then shows the QR code.
    assert response.request["PATH_INFO"] == reverse("account_reauthenticate")
    response = confirm_password(client, follow=True)
    enrol = reverse("mfa_activate_totp")
    assert response.request["PATH_INFO"] == enrol
    body = response.content.decode()
    assert '<html lang="sv">' in body
    assert 'src="data:image/svg+xml;base64,' in body  # the QR code
    for name in ("cases:my_families", "home", "access_log"):
        blocked = client.get(reverse(name))
        assert blocked.status_code == 302, name
        assert blocked["Location"] == enrol, name
    htmx = client.get(reverse("cases:my_families"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == enrol
    # Leaving, and pages without personal data, stay open.
    assert client.get(reverse("health")).status_code == 200
    assert client.post(reverse("session_ping")).status_code == 204


def test_enrolling_an_authenticator_app_opens_the_application(client, adm_rs, frozen):
    newcomer = UserFactory(
        username="p_newcomer", role=User.Role.FAMILY_OMBUD, administration=adm_rs, totp=False
    )
    log_in_with_password(client, newcomer.username)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]

    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret, at=frozen)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with it (for a lost phone).
    assert Authenticator.objects.filter(
        user=newcomer, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    codes_page = client.get(response["Location"])
    assert 'id="recovery_codes"' in codes_page.content.decode()
    assert f'href="{reverse("home")}"' in codes_page.content.decode()  # the way on
    assert client.get(reverse("cases:my_families")).status_code == 200


def test_administration_area_has_no_login_form_of_its_own(client, sysadmin):
    response = client.get(reverse("sysadmin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # ... and after both factors the system administrator reaches it.
    log_in(client, sysadmin)
    assert client.get(reverse("sysadmin:index")).status_code == 200


def test_admin_refuses_signed_in_staff_without_a_factor(client):
    admin = UserFactory(
        username="p_admin2",
        role=User.Role.SYSTEM_ADMIN,
        administration=None,
        is_staff=True,
        totp=False,
    )
    client.force_login(admin)
    response = client.get(reverse("sysadmin:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_production_refuses_the_published_demo_secret(client, ombud, settings, frozen):
    Authenticator.objects.filter(user=ombud).delete()
    give_demo_authenticator(ombud)
    settings.DEBUG = False

    log_in_with_password(client, ombud.username)
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET, frozen)}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_development_accepts_the_demo_secret(client, ombud, settings, frozen):
    Authenticator.objects.filter(user=ombud).delete()
    give_demo_authenticator(ombud)
    settings.DEBUG = True

    log_in_with_password(client, ombud.username)
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET, frozen)}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(ombud.pk)


def test_the_refused_digest_is_the_digest_of_the_demo_secret():
    # two_factor keeps only a digest of the published secret: it must follow the demo secret.
    digest = hashlib.sha256(DEMO_TOTP_SECRET.encode()).hexdigest()
    assert digest in PUBLISHED_TOTP_SECRET_DIGESTS


def test_demo_totp_command_prints_the_code_the_login_accepts(ombud, settings, frozen):
    Authenticator.objects.filter(user=ombud).delete()
    give_demo_authenticator(ombud)
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_totp", ombud.username, stdout=out)
    assert out.getvalue().strip() == totp_code(DEMO_TOTP_SECRET, frozen)


def test_demo_totp_command_refuses_in_production_and_for_real_users(ombud, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("demo_totp", ombud.username)  # ombud has a private secret
    give_demo_authenticator(UserFactory(username="demo_x", totp=False))
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_totp", "demo_x")


def test_demo_seed_gives_every_demo_user_the_documented_authenticator(settings):
    from familjelotsen import demo
    from familjelotsen.two_factor import uses_demo_secret

    settings.DEBUG = True
    users = demo.seed()["users"]
    assert users
    assert all(uses_demo_secret(user) for user in users.values())
