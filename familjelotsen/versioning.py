"""Optimistic locking for records with a `version` field, shared by every app.

An edit form carries the version the user read (`familjelotsen.forms.VersionedForm`); the
service writes only if the row still has that version (`save_versioned`), else nothing is
overwritten and the view gets `Conflict`, with the record as now saved to show the user."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _


class Conflict(Exception):
    """Someone else saved the record first: nothing was overwritten. `current` is the record
    as now saved; its `version` is the one the next save is checked against."""

    def __init__(self, current, message: str | None = None):
        super().__init__(message or _("Someone else saved this record while you were editing it."))
        self.current = current


def save_versioned(
    obj,
    *,
    expected_version: int | None,
    fields: Iterable[str] | Mapping[str, Any],
    only_if: Mapping[str, Any] | None = None,
    defer: Iterable[str] = (),
    message: str | None = None,
) -> None:
    """Write `fields` of `obj` only if its row still has `expected_version` (and still meets
    the `only_if` lookups), bumping the version and `updated_at`; else raise `Conflict` with
    the row as now saved (loaded without the `defer` fields, e.g. large payloads).

    `fields` names the fields to write, read from `obj`; or maps field names to new values,
    which are set on `obj` only once they are written."""
    if expected_version is None:
        raise ValueError("expected_version is required for an edit")
    if isinstance(fields, Mapping):
        values = dict(fields)
    else:
        values = {name: getattr(obj, name) for name in fields}
    model = type(obj)
    updated = model.objects.filter(pk=obj.pk, version=expected_version, **(only_if or {})).update(
        version=F("version") + 1, updated_at=timezone.now(), **values
    )
    if not updated:
        raise Conflict(model.objects.defer(*defer).get(pk=obj.pk), message)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.version = expected_version + 1
