"""{% form_token %}: a one-time token that makes a form's POST idempotent
(see familjelotsen.idempotency for the view side)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from familjelotsen.idempotency import FIELD_NAME, new_form_token

register = template.Library()


@register.simple_tag
def form_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_form_token())
