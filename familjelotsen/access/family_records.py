"""One family's records, as the family page reads them (`family_records`): the same rows and
annotations as `policy.visible_records` restricted to the family, without building the
whole visibility statement for every panel when the family's basis already decides it."""

from __future__ import annotations

from django.db.models import Exists, Q, QuerySet, Value, When

from cases import models as cm
from familjelotsen.access.policy import (
    Basis,
    Need,
    _annotate_basis,
    _duty_exists,
    _identity_flags,
    _shared_exists,
    _shared_ids,
    _user_granted_ids,
    emergency_family_ids,
    family_permissions,
    receives_shares,
    sees_cases,
    visible_records,
    with_constant_basis,
)
from familjelotsen.access.registry import REGISTRY


def _reaches_whole_family(basis: str | None, need: Need) -> bool:
    """Whether a user who reaches a family on `basis` reaches every record in it for `need`
    on that same basis: its case team always, its owner's team lead to see or oversee (the
    first two arms of `_family_ids`, and the first two of `with_basis`, which win over any
    later one)."""
    return basis == Basis.CASE_TEAM or (
        basis == Basis.TEAM_LEAD and need in (Need.SEE, Need.OVERSEE)
    )


def family_records(user, model, family, need: Need = Need.SEE) -> QuerySet:
    """The records of `model` in one family that the user may reach for `need`, annotated as
    `visible_records` annotates them (for a member, with the identity flags too).

    `family` is the family as the policy looked it up (with its `access_basis`), or its id.
    Whoever reaches the whole family by membership (`_reaches_whole_family`) gets a plain
    filter on the family with the basis as a constant: the same rows and annotations as the
    full visibility statement, which a family page would otherwise build, plan and run once
    per panel. Whoever reaches it through a share or an emergency access gets the arms of
    that statement that can hold for them (`_records_reached_from_outside`); anyone else
    the full statement restricted to the family. `tests/access/test_family_records.py`
    holds the three to `visible_records` for every demo user, family and record type."""
    need = Need(need)
    spec = REGISTRY[model]
    family_id = family if isinstance(family, int) else family.pk
    in_family = {spec.family_ref: family_id}
    basis = family_permissions(user, family).basis if isinstance(family, cm.Family) else None
    if sees_cases(user) and basis in (Basis.SHARE, Basis.EMERGENCY):
        return _records_reached_from_outside(user, model, family_id, need)
    if not sees_cases(user) or not _reaches_whole_family(basis, need):
        return visible_records(user, model, need).filter(**in_family)
    return with_constant_basis(model.objects.filter(**in_family), basis)


def _records_reached_from_outside(user, model, family_id: int, need: Need) -> QuerySet:
    """`family_records` for a user who reaches the family through a share or an emergency
    access: one who is neither on its case team nor leads its owner (those bases would win),
    so the membership arms of `visible` and `with_basis` are false for every record in it
    and are left out. What remains: the records shared with the user's administration, the
    user's own grants and, to see, the user's emergency access to this family."""
    spec = REGISTRY[model]
    reach = []
    if need in (Need.SEE, Need.CHANGE) and receives_shares(user):
        action = "view" if need == Need.SEE else "change"
        reach.append(Q(id__in_array=_shared_ids(user, model, action)))
    if need in (Need.SEE, Need.CHANGE) and spec.user_perm is not None:
        reach.append(Q(id__in_array=_user_granted_ids(user, model)))
    whens = []
    if spec.user_perm is not None:
        whens.append(When(_duty_exists(user, model), then=Value(Basis.DUTY)))
    if need == Need.SEE and receives_shares(user):
        in_emergency = Exists(emergency_family_ids(user).filter(family_id=family_id))
        reach.append(Q(in_emergency))
        whens.append(
            When(Q(in_emergency) & ~_shared_exists(user, model), then=Value(Basis.EMERGENCY))
        )
    if not reach:
        return model.objects.none()
    condition = reach[0]
    for arm in reach[1:]:
        condition |= arm
    qs = _annotate_basis(
        user, model.objects.filter(condition, **{spec.family_ref: family_id}), whens
    )
    if model is cm.Member:
        qs = qs.annotate(**_identity_flags(on_team=False))
    return qs
