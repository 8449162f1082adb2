"""Demo municipality: administrations and one user per role, all fictional.

Idempotent: running it again changes nothing that exists.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.conf import settings

from familjelotsen import services
from familjelotsen.models import Administration, IdentityProvider, Organisation, User

Kind = Administration.Kind
Role = User.Role

# code, name, kind: two municipalities and the region (issue 21).
ORGANISATIONS = [
    ("LIN", "Lindesbergs kommun", Organisation.Kind.MUNICIPALITY),
    ("NOR", "Nora kommun", Organisation.Kind.MUNICIPALITY),
    ("RÖL", "Region Örebro län", Organisation.Kind.REGION),
]

# The default organisation of migration familjelotsen 0013_organisations.
MIGRATION_DEFAULT_CODE = "KOM"

# name, kind, organisation code
ADMINISTRATIONS = [
    ("Socialtjänsten", Kind.SOCIAL_SERVICES, "LIN"),
    ("Skolan", Kind.SCHOOL, "LIN"),
    ("Råd & Stöd", Kind.DISABILITY_SERVICES, "LIN"),
    ("Regionen", Kind.HEALTH_REGION, "RÖL"),
    ("Jobb- och kunskapstorget", Kind.EMPLOYMENT, "LIN"),
    # The second municipality, so that each organisation's scope shows.
    ("Socialtjänsten Nora", Kind.SOCIAL_SERVICES, "NOR"),
    ("Skolan Nora", Kind.SCHOOL, "NOR"),
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
    # The second municipality (issue 21): its ombud holds Nora's demo family, which the
    # project leader of Lindesberg does not count.
    ("ombud_nora", Role.FAMILY_OMBUD, "Socialtjänsten Nora", "Nils", "Norén", "Familjeombud"),
]

# The organisations each demo project leader reports on.
REPORT_SCOPES = {"projektledare": ["LIN"]}

# Nora's login service (issue 21, single sign-on): the OpenID Connect test provider that
# `make run` starts on this address (scripts/demo-oidc.sh) with two staff members: Eva, an
# ombud whose provider login counts as strong (amr "mfa"), and Olle, whom the provider gives
# no role (his account waits for the system administrator).
DEMO_OIDC_URL = "http://127.0.0.1:9400"
DEMO_IDENTITY_PROVIDER = {
    "enabled": True,
    "server_url": DEMO_OIDC_URL,
    "client_id": "familjelotsen-demo",
    "client_secret": "demo-secret-not-for-production",
    "role_claim": "roles",
    "role_map": {"fl-ombud": "family_ombud", "fl-teamledare": "team_lead"},
    "administration_claim": "department",
    "administration_map": {"IFO Nora": "Socialtjänsten Nora"},
    "strong_acr_values": [],
    "strong_amr_values": ["mfa"],
}

# The Region's login service over SAML 2.0 (issue 21): the small SAML provider of the tests,
# which `make run` starts on this address (scripts/demo-saml.sh) with one staff member, Karin,
# a coordinator at child psychiatry whose login is at the Swedish level of assurance 3.
DEMO_SAML_URL = "http://127.0.0.1:9401"
DEMO_SAML_PROVIDER = {
    "enabled": True,
    "protocol": IdentityProvider.Protocol.SAML,
    "server_url": f"{DEMO_SAML_URL}/metadata",
    "entity_id": f"{DEMO_SAML_URL}/metadata",
    "role_claim": "urn:x-region:fl-role",
    "role_map": {"koordinator": "coordinator"},
    "administration_claim": "urn:x-region:fl-unit",
    "administration_map": {"BUP": "Regionen"},
    "strong_acr_values": ["http://id.elegnamnden.se/loa/1.0/loa3"],
    "strong_amr_values": [],
}


def seed() -> dict[str, object]:
    organisations = {}
    for code, name, kind in ORGANISATIONS:
        org = Organisation.objects.filter(code=code).first()
        organisations[code] = org or services.organisation_create(name=name, kind=kind, code=code)
    administrations = {}
    for name, kind, code in ADMINISTRATIONS:
        adm = Administration.objects.filter(name=name).first()
        if adm is None:
            adm = services.administration_create(
                name=name, kind=kind, organisation=organisations[code]
            )
        elif adm.organisation.code == MIGRATION_DEFAULT_CODE:
            # A demo database from before organisations: migration familjelotsen 0013 put its
            # administrations into one default organisation; the demo's belong where listed.
            services.administration_update(
                administration=adm, name=adm.name, kind=adm.kind, organisation=organisations[code]
            )
        administrations[name] = adm
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
                organisations=[organisations[c] for c in REPORT_SCOPES.get(username, [])],
                check_password=False,
            )
        elif username in REPORT_SCOPES and not user.organisations.exists():
            # A demo database from before organisations: the project leader is given the
            # scope the demo describes (the system administrator's choice in real use).
            user.organisations.set([organisations[c] for c in REPORT_SCOPES[username]])
        users[username] = user
        if settings.DEBUG:
            give_demo_authenticator(user)
    if not IdentityProvider.objects.filter(organisation=organisations["NOR"]).exists():
        services.identity_provider_save(organisation=organisations["NOR"], **DEMO_IDENTITY_PROVIDER)
    if not IdentityProvider.objects.filter(organisation=organisations["RÖL"]).exists():
        services.identity_provider_save(organisation=organisations["RÖL"], **DEMO_SAML_PROVIDER)
    return {"organisations": organisations, "administrations": administrations, "users": users}


def give_demo_authenticator(user: User) -> None:
    """The demo user's authenticator app (idempotent): the published DEMO_TOTP_SECRET."""
    Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": encrypt(DEMO_TOTP_SECRET)}},
    )
