"""Shares and grants: derived from their sources, never accumulated.

A record of a family reaches another administration only through a share, and a share exists
only while one of its sources wants it **and** valid consents cover it. The sources (SPEC §3.4):

1. every consent active today: the family overview and the person it concerns go to each
   administration it names; the person's pupil support goes to a school, for change;
2. the family ombud's explicit shares (`ExplicitShare`), while the ombud stands by them;
3. a SIP: the administrations of its participants, of the interventions' responsible huvudmän
   and of the overall responsibility;
4. a network process: the administrations of its professional network.

`family_derive` computes what the sources want, checks each against the consents, and applies
the difference to the `Share` rows (why a record is shared) and to django-guardian's direct
foreign-key rows (the grant that the visibility selectors read), in one transaction. Every
service that changes a source calls it; `sync_access` compares the same derivation with what
is stored and reports drift.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, models, transaction
from django.db.models import OuterRef
from django.utils import timezone

from cases import models as cm
from consent.models import Consent, ExplicitShare, Share
from familjelotsen.access.coverage import (
    FamilyConsents,
    ShareRefused,
    concerned_member_ids,
    consent_cover,
    covering_consents,
    family_of,
    record_category,
    share_check,
)
from familjelotsen.access.policy import acting_basis
from familjelotsen.access.registry import REGISTRY, model_by_label
from familjelotsen.audit import log_access
from familjelotsen.models import AccessLogEntry, Administration, User
from network import models as network_models
from sip import models as sip_models

Basis = AccessLogEntry.Basis
Reason = Share.Reason


# --- What the sources want ----------------------------------------------------------------------

_PRIORITY = {Reason.MANUAL: 3, Reason.SIP: 2, Reason.NETWORK: 2, Reason.DEFAULT: 1}


@dataclass
class Wanted:
    obj: models.Model
    administration: Administration
    reason: str
    can_change: bool
    by_id: int
    consents: list[Consent] = field(default_factory=list)

    @property
    def valid_until(self) -> dt.date:
        return min(c.valid_until for c in self.consents)


Key = tuple[type[models.Model], int, int]


def _key(obj, administration) -> Key:
    return (type(obj), obj.pk, administration.pk)


def sip_administration_ids(plan: sip_models.Plan) -> set[int]:
    """Every administration that takes part in a SIP, but the ones that already hold it."""
    ids = set(
        plan.participants.filter(administration__isnull=False).values_list(
            "administration_id", flat=True
        )
    )
    ids |= set(
        plan.interventions.filter(responsible_administration__isnull=False).values_list(
            "responsible_administration_id", flat=True
        )
    )
    if plan.overall_responsible_id:
        ids.add(plan.overall_responsible_id)
    return ids - {plan.family.owner_id, plan.owner_id}


def network_administration_ids(process: network_models.NetworkProcess) -> set[int]:
    ids = set(
        process.participants.filter(administration__isnull=False).values_list(
            "administration_id", flat=True
        )
    )
    return ids - {process.family.owner_id, process.owner_id}


def _candidates(family: cm.Family, cover: FamilyConsents):
    """(record, administration, reason, can_change, by_id) for every source of the family;
    the defaults come from the consents `cover` has read."""
    administrations: dict[int, Administration] = {}

    def adm(pk: int) -> Administration:
        if pk not in administrations:
            administrations[pk] = Administration.objects.get(pk=pk)
        return administrations[pk]

    for consent in cover.consents:
        support = None
        for administration in consent.receiving.all():
            administrations.setdefault(administration.pk, administration)
            yield family, administration, Reason.DEFAULT, False, consent.registered_by_id
            yield consent.subject, administration, Reason.DEFAULT, False, consent.registered_by_id
            if administration.kind == Administration.Kind.SCHOOL:
                support = (
                    support or cm.PupilSupport.objects.filter(member_id=consent.subject_id).first()
                )
                if support is not None:
                    yield support, administration, Reason.DEFAULT, True, consent.registered_by_id
    explicit = ExplicitShare.objects.filter(family_id=family.pk, ended_at__isnull=True)
    for row in explicit.select_related("content_type"):
        model = row.content_type.model_class()
        obj = model.objects.filter(pk=row.object_id).first()
        if obj is not None:
            yield obj, adm(row.administration_id), Reason.MANUAL, row.can_change, row.shared_by_id
    for plan in sip_models.Plan.objects.filter(family_id=family.pk).select_related("family"):
        for pk in sorted(sip_administration_ids(plan)):
            yield plan, adm(pk), Reason.SIP, False, plan.created_by_id
    processes = network_models.NetworkProcess.objects.filter(family_id=family.pk)
    for process in processes.select_related("family"):
        for pk in sorted(network_administration_ids(process)):
            yield process, adm(pk), Reason.NETWORK, False, process.created_by_id


def wanted_shares(family: cm.Family, on: dt.date | None = None) -> dict[Key, Wanted]:
    """What the sources want and the consents cover, on `on` (today)."""
    on = on or timezone.localdate()
    wanted: dict[Key, Wanted] = {}
    consents = FamilyConsents.load(family, on, members=True)
    for obj, administration, reason, can_change, by_id in _candidates(family, consents):
        if administration.pk == family.owner_id:
            continue
        key = _key(obj, administration)
        if key in wanted:
            row = wanted[key]
            row.can_change = row.can_change or can_change
            if _PRIORITY[reason] > _PRIORITY[row.reason]:
                row.reason, row.by_id = reason, by_id
            continue
        try:
            covering = consents.covering(obj, administration)
        except ShareRefused:
            continue
        wanted[key] = Wanted(obj, administration, reason, can_change, by_id, covering)
    return wanted


# --- Applying the difference ------------------------------------------------------------------


def _active_shares(family_id: int) -> dict[Key, Share]:
    rows = (
        Share.objects.filter(family_id=family_id, withdrawn_at__isnull=True)
        .select_related("content_type")
        .prefetch_related("consents")
    )
    return {
        (row.content_type.model_class(), row.object_id, row.administration_id): row for row in rows
    }


def _perm_rows(model, family_id: int) -> models.QuerySet:
    spec = REGISTRY[model]
    if not spec.family_field:
        return spec.group_perm.objects.filter(content_object_id=family_id)
    return spec.group_perm.objects.filter(**{f"content_object__{spec.family_field}_id": family_id})


def _wanted_perms(wanted: dict[Key, Wanted]) -> dict[tuple, dt.date]:
    """(model, object id, group id, codename) -> valid until."""
    perms: dict[tuple, dt.date] = {}
    for (model, obj_id, _adm), row in wanted.items():
        name = model._meta.model_name
        group_id = row.administration.group_id
        perms[(model, obj_id, group_id, f"view_{name}")] = row.valid_until
        if row.can_change:
            perms[(model, obj_id, group_id, f"change_{name}")] = row.valid_until
    return perms


@functools.cache
def _stored_perms_sql() -> str:
    """One statement over every guarded model's permission table, written from the models'
    metadata once (the ORM's UNION of eleven querysets cost more to compile than to run)."""
    quote = connection.ops.quote_name
    permissions = quote(Permission._meta.db_table)
    parts = []
    for i, (model, spec) in enumerate(REGISTRY.items()):
        grants = spec.group_perm._meta.db_table
        join, family_col = "", "g.content_object_id"
        if spec.family_field:
            column = model._meta.get_field(spec.family_field).column
            join = f" JOIN {quote(model._meta.db_table)} o ON o.id = g.content_object_id"
            family_col = f"o.{quote(column)}"
        # Only names from the models' metadata are put into the text; the family id is a
        # parameter.
        parts.append(
            f"SELECT {i} AS m, g.id, g.content_object_id, g.group_id, p.codename, g.valid_until"  # noqa: S608
            f" FROM {quote(grants)} g JOIN {permissions} p ON p.id = g.permission_id{join}"
            f" WHERE {family_col} = %(family)s"
        )
    return " UNION ALL ".join(parts)


def _stored_perms(family_id: int) -> dict[tuple, tuple[int, dt.date | None]]:
    """(model, object id, group id, codename) -> (row id, valid until): every model's rows in
    one statement."""
    guarded = list(REGISTRY)
    with connection.cursor() as cursor:
        cursor.execute(_stored_perms_sql(), {"family": family_id})
        return {
            (guarded[m], obj_id, group_id, codename): (row_id, until)
            for m, row_id, obj_id, group_id, codename, until in cursor.fetchall()
        }


@dataclass
class Drift:
    create: list[Wanted] = field(default_factory=list)
    update: list[tuple[Share, Wanted]] = field(default_factory=list)
    withdraw: list[Share] = field(default_factory=list)
    grant: dict[tuple, dt.date] = field(default_factory=dict)
    revoke: list[tuple] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.create or self.update or self.withdraw or self.grant or self.revoke)


def family_drift(family: cm.Family, on: dt.date | None = None) -> tuple[Drift, dict]:
    """What would change if the family's shares and grants were derived now."""
    wanted = wanted_shares(family, on)
    active = _active_shares(family.pk)
    drift = Drift()
    for key, row in wanted.items():
        share = active.get(key)
        if share is None:
            drift.create.append(row)
            continue
        have = {c.pk for c in share.consents.all()}
        if (
            share.reason != row.reason
            or share.can_change != row.can_change
            or have != {c.pk for c in row.consents}
        ):
            drift.update.append((share, row))
    drift.withdraw = [share for key, share in active.items() if key not in wanted]
    want_perms = _wanted_perms(wanted)
    stored = _stored_perms(family.pk)
    for key, until in want_perms.items():
        if key not in stored or stored[key][1] != until:
            drift.grant[key] = until
    drift.revoke = [key for key in stored if key not in want_perms]
    return drift, stored


# Permission ids by (model, codename). Emptied whenever post_migrate runs (apps.py): a flush
# in the transactional tests deletes the permissions and post_migrate makes them anew with
# new ids.
_perm_cache: dict[tuple[str, str], int] = {}


def forget_permission_ids(**_kwargs) -> None:
    _perm_cache.clear()


def _permission_id(model, codename: str) -> int:
    key = (model._meta.label_lower, codename)
    if key not in _perm_cache:
        _perm_cache[key] = Permission.objects.get(
            content_type=ContentType.objects.get_for_model(model), codename=codename
        ).pk
    return _perm_cache[key]


def _log_share(*, by: User | None, obj, basis: str, consent_id=None, request=None) -> None:
    """A disclosure made by a person's action is logged as theirs; the daily jobs' changes
    are kept by the Share rows' own history."""
    if by is None:
        return
    log_access(
        user=by,
        action=AccessLogEntry.Action.SHARE,
        obj=obj,
        basis=basis,
        consent_id=consent_id,
        request=request,
    )


@transaction.atomic
def family_derive(
    *,
    family: cm.Family | int,
    by: User | None = None,
    on: dt.date | None = None,
    reason: str = "no source or consent covers the share any longer",
    request=None,
) -> int:
    """Re-derive one family's shares and grants from their sources; returns how many shares
    were withdrawn. `by` is the person whose action changed a source (for the access log)."""
    if not isinstance(family, cm.Family):
        family = cm.Family.objects.get(pk=family)
    cm.Family.objects.select_for_update().filter(pk=family.pk).first()
    drift, stored = family_drift(family, on)
    basis = (
        acting_basis(by, family)
        if by is not None and (drift.create or drift.withdraw)
        else Basis.CASE_TEAM
    )
    for row in drift.create:
        share = Share.objects.create(
            family=family,
            content_type=ContentType.objects.get_for_model(type(row.obj)),
            object_id=row.obj.pk,
            administration=row.administration,
            can_change=row.can_change,
            reason=row.reason,
            shared_by_id=row.by_id,
        )
        share.consents.set(row.consents)
        _log_share(by=by, obj=row.obj, basis=basis, consent_id=row.consents[0].pk, request=request)
    for share, row in drift.update:
        share.reason, share.can_change = row.reason, row.can_change
        share.save(update_fields=["reason", "can_change", "updated_at"])
        share.consents.set(row.consents)
    for share in drift.withdraw:
        share.withdrawn_at = timezone.now()
        share.withdrawn_reason = reason[:200]
        share.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
        if by is not None:
            log_access(
                user=by,
                action=AccessLogEntry.Action.UNSHARE,
                basis=basis,
                object_type=share.content_type.model_class()._meta.label_lower,
                object_id=share.object_id,
                family_id=family.pk,
                request=request,
            )
    for key in drift.revoke:
        REGISTRY[key[0]].group_perm.objects.filter(pk=stored[key][0]).delete()
    for (model, obj_id, group_id, codename), until in drift.grant.items():
        REGISTRY[model].group_perm.objects.update_or_create(
            group_id=group_id,
            permission_id=_permission_id(model, codename),
            content_object_id=obj_id,
            defaults={"valid_until": until},
        )
    return len(drift.withdraw)


def families_with_sources() -> models.QuerySet:
    """Every family that has (or had) a share or a grant to derive."""
    sources = [
        Consent.objects.values_list("family_id"),
        Share.objects.filter(withdrawn_at__isnull=True).values_list("family_id"),
        ExplicitShare.objects.filter(ended_at__isnull=True).values_list("family_id"),
        sip_models.Plan.objects.values_list("family_id"),
        network_models.NetworkProcess.objects.values_list("family_id"),
    ]
    for spec in REGISTRY.values():
        path = (
            "content_object_id"
            if not spec.family_field
            else f"content_object__{spec.family_field}_id"
        )
        sources.append(spec.group_perm.objects.values_list(path))
    ids = sources[0].order_by().union(*(q.order_by() for q in sources[1:]))
    return cm.Family.objects.filter(pk__in=ids).order_by("pk")


# --- The ombud's explicit shares ------------------------------------------------------------


@transaction.atomic
def share(
    *,
    obj,
    administration: Administration,
    shared_by: User,
    can_change: bool = False,
    reason: str = Reason.MANUAL,
    request=None,
) -> Share:
    """The ombud shares one record with an administration: refused (ShareRefused, saying why)
    when no valid consent covers it; otherwise kept as a source and derived at once."""
    covering_consents(obj, administration)
    family = family_of(obj)
    ct = ContentType.objects.get_for_model(type(obj))
    row = ExplicitShare.objects.filter(
        content_type=ct, object_id=obj.pk, administration=administration, ended_at__isnull=True
    ).first()
    if row is None:
        ExplicitShare.objects.create(
            family=family,
            content_type=ct,
            object_id=obj.pk,
            administration=administration,
            can_change=can_change,
            shared_by=shared_by,
        )
    elif can_change and not row.can_change:
        row.can_change = True
        row.save(update_fields=["can_change", "updated_at"])
    family_derive(family=family, by=shared_by, request=request)
    return Share.objects.get(
        content_type=ct, object_id=obj.pk, administration=administration, withdrawn_at__isnull=True
    )


@transaction.atomic
def unshare(
    *, row: Share, by: User, reason: str = "withdrawn by the family ombud", request=None
) -> bool:
    """The ombud stops an explicit share. A share that another source wants (the consent's
    defaults, a SIP, a network) stays: that source decides. Returns whether it was withdrawn."""
    ExplicitShare.objects.filter(
        content_type_id=row.content_type_id,
        object_id=row.object_id,
        administration_id=row.administration_id,
        ended_at__isnull=True,
    ).update(ended_at=timezone.now(), ended_by=by, updated_at=timezone.now())
    family_derive(family=row.family_id, by=by, reason=reason, request=request)
    return Share.objects.filter(pk=row.pk, withdrawn_at__isnull=False).exists()


def shares_of_family(family: cm.Family, *, consents: bool = True) -> models.QuerySet:
    """Active shares of a family's records: which administration sees what, and why. Each
    share's consents are prefetched (`consents`), or only their ids are read with the shares
    (`consent_ids`, in the consents' order) for a caller that has read the consents."""
    qs = (
        Share.objects.filter(family=family, withdrawn_at__isnull=True)
        .select_related("administration", "content_type", "shared_by")
        .order_by("administration__name", "content_type_id", "object_id")
    )
    if consents:
        return qs.prefetch_related("consents")
    return qs.annotate(
        consent_ids=ArraySubquery(
            Share.consents.through.objects.filter(share_id=OuterRef("pk"))
            .order_by("-consent__valid_from", "-consent_id")
            .values("consent_id")
        )
    )


# Older names, kept for the services and commands that call them.
def apply_default_shares(*, consent: Consent, by: User | None = None, request=None) -> list[Share]:
    family_derive(family=consent.family_id, by=by, request=request)
    return list(
        Share.objects.filter(
            family_id=consent.family_id, withdrawn_at__isnull=True, consents=consent
        )
    )


def reconcile_shares(
    *,
    family_id: int,
    on: dt.date | None = None,
    reason: str = "consent no longer covers the share",
    by: User | None = None,
) -> int:
    return family_derive(family=family_id, on=on, reason=reason, by=by)


# --- Drift check ------------------------------------------------------------------------------


def user_sync_groups(user: User) -> None:
    """Staff belong to their administration's group (what guardian's group rows refer to)."""
    if user.administration_id:
        user.groups.set([user.administration.group_id])
    else:
        user.groups.clear()


def sync_access(*, repair: bool = False) -> dict[str, list]:
    """Re-derive every family's shares and grants from their sources, and the staff groups;
    report the drift, and with repair make the stored rows match."""
    report: dict[str, list] = {"missing": [], "unjustified": [], "shares": [], "groups": []}
    for family in families_with_sources().iterator(chunk_size=500):
        drift, _stored = family_drift(family)
        if not drift:
            continue
        for model, obj_id, group_id, codename in drift.grant:
            report["missing"].append((model._meta.label_lower, obj_id, group_id, codename))
        for model, obj_id, group_id, codename in drift.revoke:
            report["unjustified"].append((model._meta.label_lower, obj_id, group_id, codename))
        report["shares"].extend(
            [
                ("create", family.pk, type(w.obj)._meta.label_lower, w.obj.pk, w.administration.pk)
                for w in drift.create
            ]
            + [
                ("update", family.pk, s.content_type_id, s.object_id, s.administration_id)
                for s, _w in drift.update
            ]
            + [
                ("withdraw", family.pk, s.content_type_id, s.object_id, s.administration_id)
                for s in drift.withdraw
            ]
        )
        if repair:
            family_derive(family=family, reason="re-derived by sync_access")
    for user in User.objects.select_related("administration").prefetch_related("groups"):
        want = {user.administration.group_id} if user.administration_id else set()
        have = {g.pk for g in user.groups.all()}
        if want != have:
            report["groups"].append(user.pk)
            if repair:
                user_sync_groups(user)
    for key in ("missing", "unjustified", "shares"):
        report[key].sort(key=str)
    return report


__all__ = [
    "ShareRefused",
    "apply_default_shares",
    "concerned_member_ids",
    "consent_cover",
    "covering_consents",
    "family_derive",
    "model_by_label",
    "reconcile_shares",
    "record_category",
    "share",
    "share_check",
    "shares_of_family",
    "sync_access",
    "unshare",
    "user_sync_groups",
    "wanted_shares",
]
