"""Template helpers for the sign-in pages."""

from __future__ import annotations

from django import template

from familjelotsen import two_factor
from familjelotsen.sso import login_choices

register = template.Library()


@register.filter
def has_second_factor(user) -> bool:
    """{% if user|has_second_factor %}: enrolled in an authenticator app or security key."""
    return bool(user and user.is_authenticated and two_factor.has_second_factor(user))


@register.simple_tag
def identity_providers() -> list[tuple[str, str]]:
    """The login page's single sign-on buttons: (login address, organisation name)."""
    return login_choices()
