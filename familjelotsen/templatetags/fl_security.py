"""Template helpers for the sign-in pages."""

from __future__ import annotations

from django import template

from familjelotsen import two_factor

register = template.Library()


@register.filter
def has_second_factor(user) -> bool:
    """{% if user|has_second_factor %}: enrolled in an authenticator app or security key."""
    return bool(user and user.is_authenticated and two_factor.has_second_factor(user))
