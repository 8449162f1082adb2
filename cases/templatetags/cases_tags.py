"""Display helpers for people. They read the identity flag the selectors annotated
(`identity_visible`), never query: masking is decided in familjelotsen.access."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cases.models import LegalReference
from cases.personnummer import format_full, format_masked

register = template.Library()


def _visible(member) -> bool:
    # Masked unless the selector said otherwise: safe by default.
    return bool(getattr(member, "identity_visible", False))


@register.filter
def member_name(member) -> str:
    if member is None:
        return ""
    if _visible(member):
        return f"{member.first_name} {member.last_name}"
    return format_html('<span class="masked">{}</span>', _("Protected identity"))


@register.filter
def member_first_name(member) -> str:
    if _visible(member):
        return member.first_name
    return format_html('<span class="masked">{}</span>', _("Protected identity"))


@register.filter
def pnr_masked(member) -> str:
    if not _visible(member) or not member.personal_number:
        return ""
    return format_masked(member.personal_number)


@register.filter
def pnr_full(member) -> str:
    if not _visible(member) or not member.personal_number:
        return ""
    return format_full(member.personal_number)


@register.filter
def age(member) -> int | None:
    from django.utils import timezone

    if member is None or member.birth_date is None:
        return None
    today = timezone.localdate()
    b = member.birth_date
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


@register.filter
def minutes_as_hours(minutes) -> str:
    if not minutes:
        return "0 h"
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


@register.inclusion_tag("partials/legal_ref.html")
def legal_ref(key: str) -> dict:
    """The current citation for a legal duty, from the editable LegalReference table."""
    return {"ref": LegalReference.objects.filter(key=key).first()}
