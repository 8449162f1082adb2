"""Writing the access log: the one helper every view and service uses.

Rows hold ids only (no names, no text). Reads of personal data are logged here; changes are
also kept by the change history.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from familjelotsen.client_address import client_ip
from familjelotsen.models import AccessLogEntry, User

Action = AccessLogEntry.Action
Basis = AccessLogEntry.Basis


def _remote_addr(request) -> str | None:
    """The client's address, behind the trusted proxies (FL_TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    return client_ip(request)


def _family_id(obj: models.Model) -> int | None:
    if obj.__class__.__name__ == "Family":
        return obj.pk
    return getattr(obj, "family_id", None)


def _member_id(obj: models.Model) -> int | None:
    if obj.__class__.__name__ == "Member":
        return obj.pk
    return getattr(obj, "member_id", None) or getattr(obj, "subject_id", None)


def _entry(user: User, action: str, obj, basis: str, consent_id, request, **extra):
    return AccessLogEntry(
        user_id=user.pk,
        administration_id=user.administration_id,
        action=action,
        object_type=extra.pop("object_type", None)
        or (obj._meta.label_lower if obj is not None else ""),
        object_id=obj.pk if obj is not None else extra.pop("object_id", None),
        family_id=_family_id(obj) if obj is not None else extra.pop("family_id", None),
        member_id=_member_id(obj) if obj is not None else extra.pop("member_id", None),
        basis=basis,
        consent_id=consent_id,
        remote_addr=_remote_addr(request),
    )


def log_access(
    *,
    user: User,
    action: str,
    obj: models.Model | None = None,
    basis: str,
    consent_id: int | None = None,
    request=None,
    object_type: str | None = None,
    object_id: int | None = None,
    family_id: int | None = None,
    member_id: int | None = None,
) -> AccessLogEntry:
    entry = _entry(
        user,
        action,
        obj,
        basis,
        consent_id,
        request,
        object_type=object_type,
        object_id=object_id,
        family_id=family_id,
        member_id=member_id,
    )
    entry.save(force_insert=True)
    return entry


def log_list(
    *,
    user: User,
    objects: Iterable[models.Model],
    request=None,
    basis: str | None = None,
    action: str = Action.VIEW,
) -> None:
    """A list page shows personal data of many records: one row per record, one INSERT.

    Each object carries the `access_basis` the visibility selector annotated, unless the
    caller gives the `basis` of the whole list (staff accounts read by the system
    administrator: `access.administration_log_basis()`). An export of many records gives
    its `action`.
    """
    rows = [
        _entry(
            user,
            action,
            obj,
            basis or getattr(obj, "access_basis", Basis.CASE_TEAM),
            getattr(obj, "access_consent_id", None),
            request,
        )
        for obj in objects
    ]
    if rows:
        _insert_all(rows)


def _insert_all(rows: list[AccessLogEntry]) -> None:
    """The rows in one INSERT statement (PostgreSQL's UNNEST form), and nothing else.

    `bulk_create` wraps its statements in a transaction of its own: outside a transaction that
    is BEGIN, the INSERT and COMMIT, three round trips on every page for what one statement
    does atomically by itself. This is the insert `bulk_create` makes, without the wrapper
    (the rows' ids are not read back: nothing uses them)."""
    fields = [
        f
        for f in AccessLogEntry._meta.concrete_fields
        if not isinstance(f, models.AutoField) and not f.generated
    ]
    AccessLogEntry.objects._insert(rows, fields=fields)


def log_read(request, obj: models.Model, action: str = Action.VIEW) -> AccessLogEntry:
    """Log what a view did with a record it looked up through the access module: the
    record carries the basis (and the consent behind a share) the selector annotated."""
    return log_access(
        user=request.user,
        action=action,
        obj=obj,
        basis=obj.access_basis,
        consent_id=getattr(obj, "access_consent_id", None),
        request=request,
    )
