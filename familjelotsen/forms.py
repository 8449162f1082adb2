"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    """The browser's date picker; the value in ISO 8601 (the only format it reads)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionField(forms.IntegerField):
    """The version of the record the user read, sent back with the edit (optimistic locking:
    `familjelotsen.versioning.save_versioned`)."""

    widget = forms.HiddenInput


class VersionedForm(forms.Form):
    """A form that edits a versioned record: it sends back the version the user read. A form
    that also creates the record (no version yet) declares `VersionField(required=False)`."""

    version = VersionField()


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the field it names (when the form
    has that field), else above the form. Everything the user typed stays in the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
