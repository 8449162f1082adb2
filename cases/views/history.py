"""The change history of a family (case team)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases import selectors
from cases.views.common import (
    CASE_ROLES,
)
from familjelotsen import access
from familjelotsen.audit import Action, log_access

# --- Change history (case team) --------------------------------------------------------------


@require_GET
@access.require_roles(*CASE_ROLES)
def family_history(request, pk):
    """Every change of the family's records (pghistory events), for its case team."""
    family = access.get_family_for_user(request, pk, need=access.DOCUMENT, log=False)
    # One row, for the history (not the family overview) that the page shows.
    log_access(
        user=request.user,
        action=Action.VIEW,
        obj=family,
        basis=family.can.basis,
        consent_id=family.can.consent_id,
        request=request,
        object_type="cases.family.history",
    )
    events = selectors.family_history(family, limit=200)
    return render(
        request,
        "cases/family_history.html",
        {"family": family, "events": events, "can": family.can},
    )
