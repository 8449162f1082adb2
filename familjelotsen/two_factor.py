"""Two factors for everyone: who counts as signed in with a second factor, and the refusal of
the published demo authenticator secret in production.

Wired in settings: ``AUTHENTICATION_BACKENDS`` (`AuthenticationBackend`) and ``MFA_FORMS``
(`AuthenticateForm`); `familjelotsen.middleware` enforces enrolment with `has_second_factor`.
"""

from __future__ import annotations

import hashlib
import hmac

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

#: Authenticator types that are a second factor on their own (recovery codes are a fallback
#: that allauth only issues together with one of these).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

#: SHA-256 hex digests of the published authenticator secrets (normalised: no spaces, upper
#: case) that production refuses. Only digests live here, not the secrets: the demo secret
#: stays with the demo code (familjelotsen.demo.DEMO_TOTP_SECRET), so production code neither
#: imports the demo module (which would also close an import circle through the services and
#: the access package) nor carries a usable secret. tests/security/test_two_factor.py checks
#: that the digest matches the demo secret, so the two cannot drift apart.
PUBLISHED_TOTP_SECRET_DIGESTS = (
    "8210bc382c16fae80e5b9a3031bd24809490156ea9d1a1f3af34494a2f9092c3",  # DEMO_TOTP_SECRET
)


def _second_factor_exists():
    return Exists(
        Authenticator.objects.filter(user_id=OuterRef("pk"), type__in=SECOND_FACTOR_TYPES)
    )


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, loading the session's user with a flag saying whether they have
    enrolled a second factor, so the enrolment middleware costs no extra query."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            # The header names the user's administration on every page.
            user = (
                user_model._default_manager.select_related("administration")
                .annotate(fl_has_second_factor=_second_factor_exists())
                .get(pk=user_id)
            )
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def has_second_factor(user) -> bool:
    """True when the user has an authenticator app or a security key.

    allauth completes a login of such a user only after the second factor (its MFA stage), so
    an authenticated session of an enrolled user is a two-factor session.
    """
    flag = getattr(user, "fl_has_second_factor", None)
    if flag is None:
        flag = Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()
        user.fl_has_second_factor = flag
    return bool(flag)


def uses_demo_secret(user) -> bool:
    """True when the user's authenticator app uses a published (demo) secret."""
    from allauth.mfa.utils import decrypt

    auth = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if auth is None:
        return False
    secret = decrypt(auth.data.get("secret", "")).replace(" ", "").upper()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    # Compare with every digest (no early exit), each in constant time.
    matches = [hmac.compare_digest(digest, known) for known in PUBLISHED_TOTP_SECRET_DIGESTS]
    return any(matches)


class AuthenticateForm(AllauthAuthenticateForm):
    """allauth's second-factor form; in production it refuses the published demo secret."""

    def clean_code(self) -> str:
        if not settings.DEBUG and uses_demo_secret(self.user):
            raise forms.ValidationError(
                _(
                    "This account uses the public demo authenticator, which is not allowed "
                    "here. Ask the system administrator to reset your two-factor login."
                ),
                code="demo_secret",
            )
        return super().clean_code()
