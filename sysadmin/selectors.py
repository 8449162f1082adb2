"""Reads of the administration area: staff, administrations, reference data and their change
history. None of them reaches a case: the staff pages show a count of the families an ombud
holds (what a hand-over needs), never a family."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from pghistory.models import Events

from cases import models as cm
from familjelotsen import access
from familjelotsen.models import Administration, Organisation, SecondFactorReset, User
from familjelotsen.two_factor import SECOND_FACTOR_TYPES
from reporting.models import (
    FunderContribution,
    PriceIndexYear,
    VolumeTarget,
    VolumeWork,
)

# The records the administration area changes: their change history is what it shows. Case
# records are not among them.
TRACKED = (
    "familjelotsen.UserEvent",
    "familjelotsen.OrganisationEvent",
    "familjelotsen.AdministrationEvent",
    "familjelotsen.UserGroupEvent",
    "familjelotsen.UserOrganisationEvent",
    "familjelotsen.SecondFactorResetEvent",
    "cases.LegalReferenceEvent",
    "cases.RetentionRuleEvent",
    "reporting.CostSettingsEvent",
    "reporting.FunderShareEvent",
    "reporting.PriceIndexYearEvent",
    "reporting.FunderContributionEvent",
    "reporting.VolumeTargetEvent",
)
_SKIPPED_FIELDS = {"updated_at", "created_at", "version"}


def _with_second_factor(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        has_second_factor=Exists(
            Authenticator.objects.filter(user_id=OuterRef("pk"), type__in=SECOND_FACTOR_TYPES)
        )
    )


def staff_list(*, q: str = "") -> QuerySet:
    """Staff accounts, searchable by name or username. Queries: 1 per page."""
    qs = User.objects.select_related("administration")
    for word in q.split():
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return _with_second_factor(qs).order_by("-is_active", "last_name", "first_name", "username")


def staff_member(pk) -> User:
    return _with_second_factor(User.objects.select_related("administration")).get(pk=pk)


def second_factor_resets(user: User) -> QuerySet:
    return SecondFactorReset.objects.filter(user=user).select_related("reset_by")[:20]


def held_count(user: User) -> int:
    return access.held_families(user).count()


def administration_list() -> QuerySet:
    return (
        Administration.objects.select_related("organisation")
        .annotate(staff_count=Count("staff", filter=Q(staff__is_active=True)))
        .order_by("organisation__name", "name")
    )


def organisation_list() -> QuerySet:
    """With how many administrations each has and whether its login service is in use (None:
    none set up)."""
    return Organisation.objects.annotate(
        administration_count=Count("administrations"),
        sso_enabled=F("identity_provider__enabled"),
    ).order_by("name")


def legal_references() -> QuerySet:
    return cm.LegalReference.objects.order_by("key")


def retention_rules() -> QuerySet:
    return cm.RetentionRule.objects.select_related("legal_reference").order_by("key")


def price_index() -> QuerySet:
    return PriceIndexYear.objects.order_by("-year")


def contributions(organisation) -> QuerySet:
    return (
        FunderContribution.objects.filter(organisation=organisation)
        .select_related("administration")
        .order_by("-year", "funder")
    )


def volume_targets(organisation) -> QuerySet:
    return VolumeTarget.objects.filter(organisation=organisation).order_by("work")


def _name(data: dict) -> str:
    """What the record is called in its event, for the reader of the history."""
    full = " ".join(p for p in (data.get("first_name"), data.get("last_name")) if p)
    name = data.get("name") or data.get("key") or data.get("username") or data.get("funder")
    if not name and data.get("work") in VolumeWork.values:
        name = str(VolumeWork(data["work"]).label)
    if data.get("year") and not full:
        name = f"{name or 'OPI'} {data['year']}"
    return str(full or name or "")


@dataclass
class Change:
    at: Any
    record: str
    record_id: Any
    name: str
    label: str
    fields: list[str]
    by: User | None
    reason: str
    task: str


def change_history(*, limit: int = 100, offset: int = 0) -> list[Change]:
    """The newest changes of staff, administrations and reference data: what changed, when,
    by whom and why (the reason given with a reset). Queries: 2 (events, users)."""
    rows = list(
        Events.objects.across(*TRACKED).order_by("-pgh_created_at")[offset : offset + limit]
    )
    user_ids = set()
    for e in rows:
        context = e.pgh_context if isinstance(e.pgh_context, dict) else {}
        if isinstance(context.get("user"), int):
            user_ids.add(context["user"])
    users = User.objects.in_bulk(user_ids)
    out = []
    for e in rows:
        model = apps.get_model(e.pgh_obj_model) if e.pgh_obj_model else None
        context = e.pgh_context if isinstance(e.pgh_context, dict) else {}
        fields = []
        for name in e.pgh_diff or {}:
            if name in _SKIPPED_FIELDS:
                continue
            try:
                fields.append(str(model._meta.get_field(name).verbose_name))
            except Exception:  # noqa: BLE001 - a field that no longer exists
                fields.append(name)
        data = e.pgh_data or {}
        if model is None and "group_id" in data:
            # A membership of an administration's group (the proxy of the m2m table).
            model, record_id = User, data.get("user_id")
            fields = [str(_("group"))]
        elif model is None and "organisation_id" in data and "user_id" in data:
            # A project leader given or losing an organisation to report on.
            model, record_id = User, data.get("user_id")
            fields = [str(User._meta.get_field("organisations").verbose_name)]
        else:
            record_id = e.pgh_obj_id
        out.append(
            Change(
                at=e.pgh_created_at,
                record=str(model._meta.verbose_name) if model else str(e.pgh_obj_model),
                record_id=record_id,
                name=_name(data),
                label=e.pgh_label,
                fields=fields,
                by=users.get(context.get("user")),
                reason=str(context.get("reason") or (e.pgh_data or {}).get("reason") or ""),
                task=str(context.get("task") or context.get("command") or ""),
            )
        )
    return out
