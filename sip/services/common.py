"""What every SIP write shares: the open and staff checks, and sharing with the
participating administrations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from familjelotsen import access
from familjelotsen.models import Administration, User
from sip import models as sm

Status = sm.Plan.Status


def require_open(plan: sm.Plan) -> None:
    if plan.status == Status.CLOSED:
        raise ValidationError(_("The plan is closed and can no longer be changed."))


def require_staff(by: User) -> None:
    if by.administration_id is None:
        raise ValidationError(_("Only staff of an administration can write a SIP."))


# --- Sharing with the participating administrations ------------------------------------------


def participating_administrations(plan: sm.Plan) -> list[Administration]:
    """Every administration that takes part: professional participants, the huvudmän
    responsible for interventions, the overall-responsible huvudman. The case owner and the
    plan's owner already hold the plan and are left out."""
    ids = access.grants.sip_administration_ids(plan)
    return list(Administration.objects.filter(pk__in=ids).order_by("name"))


def plan_share_with_participants(*, plan: sm.Plan, by: User, request=None) -> list[str]:
    """Re-derive the family's shares after a change to the plan's participants (the access
    module shares the plan with every participating administration the consents cover and
    withdraws the rest). Returns a warning for each administration the consents leave out."""
    access.family_derive(family=plan.family, by=by, request=request)
    warnings: list[str] = []
    for administration in participating_administrations(plan):
        refused = access.share_check(plan, administration)
        if refused:
            warnings.append(
                _("The plan was not shared with %(adm)s: %(why)s")
                % {"adm": administration.name, "why": refused}
            )
    return warnings
