"""Writes to the core records: administrations and staff."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from familjelotsen import access
from familjelotsen.models import Administration, User


@transaction.atomic
def administration_create(*, name: str, kind: str) -> Administration:
    group, _ = Group.objects.get_or_create(name=f"Förvaltning: {name}")
    return Administration.objects.create(name=name, kind=kind, group=group)


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
) -> User:
    user = User(
        username=username,
        role=role,
        administration=administration,
        first_name=first_name,
        last_name=last_name,
        title=title,
        email=email,
        is_staff=access.uses_admin_site(role),
        is_superuser=False,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    access.user_sync_groups(user)
    return user
