"""Template filters for the shared form partials (`templates/partials/`)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()

# Never repeated in the conflict box: the version is bookkeeping, and a personal number is
# shown only where the page itself masks it.
_NOT_SHOWN = {"version", "personal_number"}


@register.filter
def saved_values(obj, form) -> list[tuple[str, object]]:
    """(label, saved value) for each field of `form` that the saved record `obj` has: what
    someone else saved, beside what the user typed (a stale edit, `partials/conflict.html`)."""
    if obj is None or form is None:
        return []
    rows = []
    for field in form.visible_fields():
        name = field.name
        if name in _NOT_SHOWN or not hasattr(obj, name):
            continue
        display = getattr(obj, f"get_{name}_display", None)
        if callable(display):
            value = display()
        else:
            value = getattr(obj, name)
            if hasattr(value, "all"):
                value = ", ".join(str(v) for v in value.all())
            elif isinstance(value, bool):
                value = _("Yes") if value else _("No")
            elif value is None:
                value = ""
        rows.append((field.label, value))
    return rows
