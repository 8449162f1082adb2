"""Demo municipality: administrations and one user per role, all fictional.

Idempotent: running it again changes nothing that exists.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings

from familjelotsen import services
from familjelotsen.models import Administration, User

Kind = Administration.Kind
Role = User.Role

ADMINISTRATIONS = [
    ("Socialtjänsten", Kind.SOCIAL_SERVICES),
    ("Skolan", Kind.SCHOOL),
    ("Råd & Stöd", Kind.DISABILITY_SERVICES),
    ("Regionen", Kind.HEALTH_REGION),
    ("Jobb- och kunskapstorget", Kind.EMPLOYMENT),
]

# Every demo user's authenticator app shares this PUBLISHED secret (base32, RFC 6238: SHA-1,
# 6 digits, 30 s), so testers and the browser tests can log in. The current code:
#     .venv/bin/python manage.py demo_totp ombud
# or add the secret to any authenticator app. Production (DEBUG false) refuses a login whose
# authenticator uses it (familjelotsen.two_factor.AuthenticateForm, which knows it only by its
# SHA-256 digest in PUBLISHED_TOTP_SECRET_DIGESTS: change both together; a test compares them),
# and seed() below gives it to nobody there.
DEMO_TOTP_SECRET = "FAMILJELOTSENDEMOTOTPHEMLIGHET22"

# username, role, administration, first name, last name, title
USERS = [
    ("ombud", Role.FAMILY_OMBUD, "Råd & Stöd", "Anna", "Exempelsson", "Familjeombud"),
    ("ombud2", Role.FAMILY_OMBUD, "Socialtjänsten", "Bertil", "Provsson", "Familjeombud"),
    ("teamledare", Role.TEAM_LEAD, "Råd & Stöd", "Cecilia", "Demodotter", "Teamledare"),
    ("skola", Role.SCHOOL_COORDINATOR, "Skolan", "David", "Testlund", "Skolkoordinator"),
    ("region", Role.COORDINATOR, "Regionen", "Eva", "Påhittad", "Koordinator BUP"),
    ("projektledare", Role.PROJECT_LEADER, "Råd & Stöd", "Fredrik", "Fiktiv", "Projektledare"),
    ("admin", Role.SYSTEM_ADMIN, None, "Gun", "Systemsson", "Systemadministratör"),
    # Referrers (issue 20): they send the team requests with the family's consent form.
    ("rektor", Role.REFERRER, "Skolan", "Helena", "Rektorsson", "Rektor, Ekbackens skola"),
    ("handlaggare", Role.REFERRER, "Socialtjänsten", "Ivar", "Utredare", "Socialsekreterare"),
]


def seed() -> dict[str, object]:
    administrations = {}
    for name, kind in ADMINISTRATIONS:
        adm = Administration.objects.filter(name=name).first()
        administrations[name] = adm or services.administration_create(name=name, kind=kind)
    users = {}
    for username, role, adm_name, first, last, title in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                username=username,
                password=settings.DEMO_PASSWORD,
                role=role,
                administration=administrations[adm_name] if adm_name else None,
                first_name=first,
                last_name=last,
                title=title,
                email=f"{username}@familjelotsen.invalid",
                check_password=False,
            )
        users[username] = user
        if settings.DEBUG:
            give_demo_authenticator(user)
    return {"administrations": administrations, "users": users}


def give_demo_authenticator(user: User) -> None:
    """The demo user's authenticator app (idempotent): the published DEMO_TOTP_SECRET."""
    Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}},
    )
