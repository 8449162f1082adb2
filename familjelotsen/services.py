"""Writes to the core records: organisations, administrations and staff.

The system administrator's changes run here (the administration area only calls these). Each
is atomic and kept by the change history (pghistory: the request's user and URL, and here a
`reason` where one is given); the access module says what is refused and why.
"""

from __future__ import annotations

import pghistory
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from familjelotsen import access
from familjelotsen.models import (
    Administration,
    IdentityProvider,
    Organisation,
    SecondFactorReset,
    User,
)


def _group_name(name: str) -> str:
    return f"Förvaltning: {name}"


def _check_administration_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the administration a name.")})
    taken = Administration.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": _("There is already an administration with this name.")})
    return name


def _check_organisation_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the municipality or region a name.")})
    taken = Organisation.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"name": _("There is already a municipality or region with this name.")}
        )
    return name


@transaction.atomic
def organisation_create(*, name: str, kind: str, code: str) -> Organisation:
    """A municipality or region. Its code goes into the reference code of each of its new
    families, so it is given once and never changed."""
    name = _check_organisation_name(name)
    code = (code or "").strip().upper()
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": _("Another municipality or region has this code.")})
    organisation = Organisation(name=name, kind=kind, code=code)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, name: str, kind: str) -> None:
    """Rename an organisation or change its kind (its code stays: references carry it)."""
    organisation.name = _check_organisation_name(name, exclude_pk=organisation.pk)
    organisation.kind = kind
    organisation.save(update_fields=["name", "kind", "updated_at"])


@transaction.atomic
def identity_provider_save(*, organisation: Organisation, client_secret: str = "", **data):
    """Set an organisation's login service. A role must be one a provider may give
    (`access.granted_by_identity_provider`: never the system administrator's) and an
    administration one of this organisation's. An OpenID Connect provider needs its client id
    and, when new, its client secret (an existing one keeps it when none is given); a SAML
    provider its entity id, and no client. The protocol stays once staff have logged in
    through the provider: their accounts are tied to its identities."""
    errors: dict[str, list[str]] = {}
    saml = data.get("protocol") == IdentityProvider.Protocol.SAML
    for value, role in data.get("role_map", {}).items():
        if not access.granted_by_identity_provider(role):
            errors.setdefault("role_map", []).append(
                _("“%(role)s” (for %(value)s) is not a role a login service may give.")
                % {"role": role[:40], "value": value[:40]}
            )
    names = set(
        Administration.objects.filter(organisation=organisation).values_list("name", flat=True)
    )
    for value, name in data.get("administration_map", {}).items():
        if name not in names:
            errors.setdefault("administration_map", []).append(
                _("%(organisation)s has no administration called “%(name)s” (for %(value)s).")
                % {"organisation": organisation.name, "name": name[:60], "value": value[:40]}
            )
    idp = IdentityProvider.objects.filter(organisation=organisation).first()
    if saml:
        data["client_id"], client_secret = "", ""
        if not (data.get("entity_id") or "").strip():
            errors.setdefault("entity_id", []).append(
                _("Write the provider's entity id, as its metadata gives it.")
            )
    else:
        data["entity_id"] = ""
        if not (data.get("client_id") or "").strip():
            errors.setdefault("client_id", []).append(
                _("Write the client id the login service gave.")
            )
        if not client_secret and (idp is None or not idp.client_secret):
            errors.setdefault("client_secret", []).append(
                _("Write the client secret the login service gave.")
            )
    if (
        idp is not None
        and data.get("protocol", idp.protocol) != idp.protocol
        and SocialAccount.objects.filter(provider=idp.provider_id).exists()
    ):
        errors.setdefault("protocol", []).append(
            _("Staff have logged in through this provider: its protocol cannot change.")
        )
    if errors:
        raise ValidationError(errors)
    idp = idp or IdentityProvider(organisation=organisation)
    for field, value in data.items():
        setattr(idp, field, value)
    if saml:
        idp.client_secret = ""
    elif client_secret:
        idp.client_secret = client_secret
    idp.save()
    return idp


def _check_organisation(organisation: Organisation | None) -> Organisation:
    if organisation is None:
        raise ValidationError(
            {"organisation": _("Choose the municipality or region the administration belongs to.")}
        )
    return organisation


@transaction.atomic
def administration_create(
    *, name: str, kind: str, organisation: Organisation | None
) -> Administration:
    """A new administration of a municipality or region, with its own group (what shares to it
    are granted to)."""
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: _check_administration_name(name),
        lambda: _check_organisation(organisation),
    ):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    name = name.strip()
    group, _created = Group.objects.get_or_create(name=_group_name(name))
    return Administration.objects.create(
        name=name, kind=kind, group=group, organisation=organisation
    )


@transaction.atomic
def administration_update(
    *,
    administration: Administration,
    name: str,
    kind: str,
    organisation: Organisation | None = None,
) -> None:
    """Rename an administration, change its kind or move it to another organisation (its
    families then count in that organisation's figures; their reference codes stay; none
    given keeps the one it has). Its group keeps its grants and follows the name."""
    name = _check_administration_name(name, exclude_pk=administration.pk)
    administration.name = name
    administration.kind = kind
    administration.organisation = organisation or administration.organisation
    administration.save(update_fields=["name", "kind", "organisation", "updated_at"])
    Group.objects.filter(pk=administration.group_id).update(name=_group_name(name))


def _check_work(role: str, administration: Administration | None) -> Administration | None:
    if access.needs_administration(role):
        if administration is None:
            raise ValidationError(
                {"administration": _("Choose the administration whose cases the person works in.")}
            )
        return administration
    # The system administrator works for no administration (and so sees no case).
    return None


def _check_scope(role: str, organisations) -> list[Organisation]:
    organisations = list(organisations or [])
    if organisations and not access.has_report_scope(role):
        raise ValidationError(
            {"organisations": _("Only a project leader reports on municipalities and regions.")}
        )
    return organisations


def _check_username(username: str, *, exclude_pk: int | None = None) -> str:
    username = (username or "").strip()
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"username": _("This username is taken: choose another.")})
    return username


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    administration: Administration | None,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    email: str = "",
    organisations=(),
    check_password: bool = True,
) -> User:
    """A staff account in its administration's group. `check_password=False` is for the demo
    seed only, whose published password is fixed (and refused with the demo second factor in
    production)."""
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: _check_username(username),
        lambda: _check_work(role, administration),
        lambda: _check_scope(role, organisations),
    ):
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    username = username.strip()
    administration = _check_work(role, administration)
    user = User(
        username=username,
        role=role,
        administration=administration,
        first_name=first_name,
        last_name=last_name,
        title=title,
        email=email,
        is_staff=access.staff_flag(role),
        is_superuser=False,
    )
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.organisations.set(_check_scope(role, organisations))
    access.user_sync_groups(user)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    role: str,
    administration: Administration | None,
    first_name: str,
    last_name: str,
    title: str = "",
    email: str = "",
    organisations=None,
) -> User:
    """Change a staff account. Nobody changes their own role or administration, and an ombud
    responsible for families keeps role and administration until the team lead has handed
    the families over (the access module says why). `organisations`: the project leader's
    scope; None keeps it, and a role without one loses it."""
    administration = _check_work(role, administration)
    if organisations is None:
        organisations = user.organisations.all() if access.has_report_scope(role) else ()
    organisations = _check_scope(role, organisations)
    refusal = access.staff_change_refusal(
        actor, user, role=role, administration_id=administration.pk if administration else None
    )
    if refusal:
        raise ValidationError({"role": refusal})
    moved = user.administration_id != (administration.pk if administration else None)
    user.role = role
    user.administration = administration
    user.first_name = first_name
    user.last_name = last_name
    user.title = title
    user.email = email
    user.is_staff = access.staff_flag(role)
    user.full_clean(exclude=["password"])
    user.save()
    user.organisations.set(organisations)
    access.user_sync_groups(user)
    if moved:
        # The case team is drawn from the owning administration only (SPEC §3.2).
        access.team_leave_other_administrations(user)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> None:
    """The account can no longer sign in (its sessions end at the next request). Refused
    while the user is responsible for families: the team lead hands them over first."""
    refusal = access.deactivation_refusal(actor, user)
    if refusal:
        raise ValidationError(refusal)
    user.is_active = False
    user.save(update_fields=["is_active"])


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> None:
    """Activate an account again, or for the first time one that waits for its role (made at
    a first login through an identity provider): that needs a role and administration first."""
    if not user.role or (access.needs_administration(user.role) and not user.administration_id):
        raise ValidationError(
            _("Give the account a role and an administration and save, then activate it.")
        )
    user.is_active = True
    user.save(update_fields=["is_active"])


@transaction.atomic
def user_reset_second_factor(*, actor: User, user: User, reason: str) -> SecondFactorReset:
    """Remove the user's authenticators (app, security keys, recovery codes): they enrol a
    new one at their next login. The reason is mandatory and kept with the reset."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the second factor is reset.")})
    authenticators = Authenticator.objects.filter(user=user)
    removed = sorted({a.type for a in authenticators})
    if not removed:
        raise ValidationError(_("The user has no second factor to reset."))
    with pghistory.context(reason=reason):
        authenticators.delete()
        return SecondFactorReset.objects.create(
            user=user, reset_by=actor, reason=reason, removed=removed
        )
