"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from familjelotsen.versioning import Conflict


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
    has that field), else above the form. Everything the user typed stays in the form. A form
    with its own `apply_service_errors` places them itself."""
    if hasattr(form, "apply_service_errors"):
        form.apply_service_errors(exc)
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@dataclass
class Submission:
    """What became of a posted form (`submit`): `saved` with the service's `result`; or
    `conflict`, the record as someone else saved it first; or neither (a GET, or errors now
    shown on the form)."""

    saved: bool = False
    result: Any = None
    conflict: Any = None


def submit(request, form, save: Callable[[dict], Any]) -> Submission:
    """The one way a page handles its form. On a POST with valid input, call `save` with the
    cleaned data (without the hidden `version`: a versioned edit reads
    `form.cleaned_data["version"]`). A service's ValidationError lands on the form's fields;
    a Conflict leaves the form as typed, now carrying the saved version so that the next save,
    after the user compared, goes through. Nothing the user typed is lost either way."""
    if request.method != "POST" or not form.is_valid():
        return Submission()
    data = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    try:
        result = save(data)
    except Conflict as exc:
        _carry_version(form, exc.current)
        return Submission(conflict=exc.current)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return Submission()
    return Submission(saved=True, result=result)


def _carry_version(form, current) -> None:
    if "version" in form.fields and current is not None:
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = current.version
