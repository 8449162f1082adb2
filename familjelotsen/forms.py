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


@dataclass(frozen=True)
class ShowWhen:
    """A field that applies only for some answers of other fields: shown when any of
    `answers` (controlling field name -> the answers for which it applies) holds. A checkbox
    that controls is answered `True` when ticked. `required` is the message shown at the field
    when it applies and was left empty; when it does not apply its value is ignored (unless
    `clear` is false: the form's own `clean` then decides, e.g. a value it derives)."""

    answers: dict[str, tuple]
    required: Any = None
    clear: bool = True

    def applies(self, form: forms.Form) -> bool:
        for name, values in self.answers.items():
            field = form.fields.get(name)
            if field is None:
                continue
            raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            given = raw if isinstance(raw, list | tuple) else [raw]
            wanted = {str(v) for v in values}
            if any(str(v) in wanted for v in given if v not in (None, "")):
                return True
        return False

    def html_answers(self, form: forms.Form) -> dict[str, list[str]]:
        """For the browser: the controlling inputs by their HTML name, a ticked checkbox as
        "on" (the value a browser sends)."""
        return {
            form.add_prefix(name): ["on" if v is True else str(v) for v in values]
            for name, values in self.answers.items()
            if name in form.fields
        }


class ConditionalFieldsMixin:
    """A form whose `show_when` names fields that apply only for some answers (`ShowWhen`).
    The page works without JavaScript (every field shown); with it, `static/js/app.js` hides a
    field while it does not apply (never one with an error or a value). On the server a
    field that does not apply is ignored (its value and any error on it dropped), and one that
    applies but is required and empty gets its message."""

    show_when: dict[str, ShowWhen] = {}

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        for name, rule in self.show_when.items():
            field = self.fields.get(name)
            if field is None:
                continue
            if not rule.applies(self):
                self._errors.pop(name, None)
                if rule.clear and hasattr(self, "cleaned_data"):
                    self.cleaned_data[name] = _empty_value(field, self.add_prefix(name))
            elif rule.required and name not in self._errors:
                value = self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None
                if value in field.empty_values or value is False or _is_empty_qs(value):
                    self.add_error(name, rule.required)


def _empty_value(field: forms.Field, html_name: str):
    """What the field cleans to when left empty (None, "", False, an empty list)."""
    try:
        return field.clean(field.widget.value_from_datadict({}, {}, html_name))
    except ValidationError:
        return None


def _is_empty_qs(value) -> bool:
    return hasattr(value, "exists") and not value.exists()


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
