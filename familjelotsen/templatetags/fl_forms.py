"""Template filters for the shared form partials (`templates/partials/`)."""

from __future__ import annotations

import json

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Plats" -> "plats", but "SMS-påminnelse" stays."""
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


_CHOICE_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def specific_error(error, field) -> str:
    """Django's generic messages said about this field in particular: "Fyll i Plats.",
    "Välj Typ.", "Skriv datumet som åååå-mm-dd." instead of "Detta fält måste fyllas i."."""
    if field is None or not hasattr(field, "field"):
        return error
    messages = field.field.error_messages
    label = _in_sentence(str(field.label or "").strip().rstrip("*").strip())
    widget = field.field.widget
    if error == str(messages.get("required", "")):
        if isinstance(widget, _CHOICE_WIDGETS):
            return _("Choose %(label)s.") % {"label": label}
        if isinstance(widget, forms.CheckboxInput):
            return _("Tick %(label)s to go on.") % {"label": label}
        return _("Fill in %(label)s.") % {"label": label}
    if error == str(messages.get("invalid", "")):
        if isinstance(field.field, forms.DateTimeField):
            return _("Write the date and time as yyyy-mm-dd hh:mm, e.g. 2026-12-04 10:00.")
        if isinstance(field.field, forms.DateField):
            return _("Write the date as yyyy-mm-dd, e.g. 2026-12-04.")
        if isinstance(field.field, (forms.IntegerField, forms.DecimalField)):
            return _("Write %(label)s as a number.") % {"label": label}
    return error


@register.filter
def show_when(field) -> str:
    """The attributes of a field's container when the field applies only for some answers
    (`familjelotsen.forms.ShowWhen`): what the answers are, and whether the field must stay in
    view (it has an error, or the user gave it a value other than its default)."""
    rule = getattr(field.form, "show_when", {}).get(field.name)
    if rule is None:
        return ""
    keep = bool(field.errors) or (
        field.form.is_bound
        and _has_value(field)
        and field.field.has_changed(field.initial, field.data)
    )
    return format_html(
        ' data-show-when="{}"{}',
        json.dumps(rule.html_answers(field.form)),
        mark_safe(" data-show-keep") if keep else "",
    )


def _has_value(field) -> bool:
    raw = field.field.widget.value_from_datadict(field.form.data, field.form.files, field.html_name)
    if isinstance(raw, list | tuple):
        return any(v not in (None, "") for v in raw)
    return raw not in (None, "", False)


@register.filter
def required_when_shown(field) -> bool:
    """A field that applies only for some answers but must then be filled in (marked as
    required: it is only in view when it applies)."""
    rule = getattr(field.form, "show_when", {}).get(field.name)
    return bool(rule and rule.required)
