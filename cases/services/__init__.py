"""Every write to cases: families, the status flow, members, the journal, goals,
assessments, obstacles, pupil support and time (booking visits is `agenda.services`). Typed,
keyword-only, atomic."""

from __future__ import annotations

from cases.services.families import (
    allowed_transitions,
    family_assign_ombud,
    family_create_from_request,
    family_hand_over,
    family_set_eligibility,
    family_transition,
    family_update,
    mandatory_criteria_missing,
)
from cases.services.journal import (
    JOURNAL_FIELDS,
    SignedEntryError,
    journal_entry_addendum,
    journal_entry_discard_draft,
    journal_entry_save_draft,
    journal_entry_sign,
    journal_objection_record,
)
from cases.services.members import (
    MEMBER_FIELDS,
    member_create,
    member_set_custodians,
    member_update,
    resolve_identifier,
)
from cases.services.reference import (
    LEGAL_REFERENCE_FIELDS,
    RETENTION_RULE_FIELDS,
    legal_reference_save,
    retention_rule_save,
)
from cases.services.work import (
    assessment_record,
    goal_create,
    goal_follow_up_add,
    obstacle_report,
    obstacle_resolve,
    pupil_health_review_add,
    pupil_support_save,
    report_of_concern_feedback,
    report_of_concern_record,
    time_entry_add,
)
from familjelotsen.versioning import Conflict  # the views catch services.Conflict

__all__ = [
    "Conflict",
    "JOURNAL_FIELDS",
    "LEGAL_REFERENCE_FIELDS",
    "MEMBER_FIELDS",
    "RETENTION_RULE_FIELDS",
    "SignedEntryError",
    "allowed_transitions",
    "assessment_record",
    "family_assign_ombud",
    "family_create_from_request",
    "family_hand_over",
    "family_set_eligibility",
    "family_transition",
    "family_update",
    "goal_create",
    "goal_follow_up_add",
    "journal_entry_addendum",
    "journal_entry_discard_draft",
    "journal_entry_save_draft",
    "journal_entry_sign",
    "journal_objection_record",
    "legal_reference_save",
    "mandatory_criteria_missing",
    "member_create",
    "member_set_custodians",
    "member_update",
    "obstacle_report",
    "obstacle_resolve",
    "pupil_health_review_add",
    "pupil_support_save",
    "report_of_concern_feedback",
    "report_of_concern_record",
    "resolve_identifier",
    "retention_rule_save",
    "time_entry_add",
]
