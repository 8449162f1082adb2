"""Every write to SIP plans: typed, keyword-only, atomic.

A SIP is shared with the administrations that take part in it (participants, responsible
huvudmän, the overall-responsible huvudman), within consent: the plan is a source of shares,
and every change to who takes part re-derives the family's shares (`access.family_derive`);
a share the consents do not allow comes back as a warning for the user, never as a crash.

Services do not ask who the user is: the views ask the access policy (DOCUMENT for writing
the plan; `access.intervention_writable` for `intervention_report`).
"""

from __future__ import annotations

from sip.services.common import (
    participating_administrations,
    plan_share_with_participants,
    require_open,
    require_staff,
)
from sip.services.meetings import (
    distribution_add,
    follow_up_record,
    meeting_record,
)
from sip.services.parts import (
    INTERVENTION_FIELDS,
    INTERVENTION_STATUS_FIELDS,
    intervention_add,
    intervention_report,
    intervention_update,
    need_add,
    other_measure_add,
    participant_add,
    participant_remove,
)
from sip.services.plan import (
    PLAN_EDITABLE,
    PLAN_TEXT_FIELDS,
    agreement_problems,
    allowed_transitions,
    plan_create,
    plan_transition,
    plan_update,
    plans_mark_follow_up_due,
)

__all__ = [
    "INTERVENTION_FIELDS",
    "INTERVENTION_STATUS_FIELDS",
    "PLAN_EDITABLE",
    "PLAN_TEXT_FIELDS",
    "agreement_problems",
    "allowed_transitions",
    "distribution_add",
    "follow_up_record",
    "intervention_add",
    "intervention_report",
    "intervention_update",
    "meeting_record",
    "need_add",
    "other_measure_add",
    "participant_add",
    "participant_remove",
    "participating_administrations",
    "plan_create",
    "plan_share_with_participants",
    "plan_transition",
    "plan_update",
    "plans_mark_follow_up_due",
    "require_open",
    "require_staff",
]
