"""Families (cases), their members, the status flow, the journal, goals, assessments,
obstacles, pupil support, booked visits and time entries.

Every guarded record has an owning administration (`owner`): the one whose staff created it.
Who may see a record is decided in familjelotsen.access, never here.

One module per sub-domain, each guardian permission table beside its record. This package
re-exports every name, so callers write `from cases import models as cm` and `cm.Family`.
django-pghistory attaches the event models it generates (`FamilyEvent`, ...) to this package.
"""

from __future__ import annotations

from cases.models.agenda import (
    SMS_TRANSITIONS,
    CalendarFeedToken,
    DigestDelivery,
    SmsReminder,
    Visit,
    VisitReminderChoice,
    new_idempotency_key,
)
from cases.models.base import (
    HISTORY,
    JOURNAL_OUTCOME_AREAS,
    InfoCategory,
    OutcomeArea,
    ShareValidity,
    VersionedModel,
)
from cases.models.concerns import (
    ReportOfConcern,
    ReportOfConcernGroupObjectPermission,
    ReportOfConcernUserObjectPermission,
)
from cases.models.emergency import (
    EMERGENCY_DEFAULT_DAYS,
    EMERGENCY_MAX_DAYS,
    EMERGENCY_REASON_MIN_LENGTH,
    EmergencyAccess,
)
from cases.models.families import (
    CLOSED_STATUSES,
    MANDATORY_CRITERIA,
    MOVES_TO_COORDINATED_SUPPORT,
    NETWORK_TRANSITIONS,
    REASON_REQUIRED,
    TRANSITIONS,
    TRANSITIONS_BY_KIND,
    WORKING_STATUSES,
    CaseTeamMember,
    Eligibility,
    Family,
    FamilyGroupObjectPermission,
    FamilyUserObjectPermission,
    Provision,
    ReferenceCounter,
    StatusChange,
    WorkKind,
)
from cases.models.goals import (
    Assessment,
    AssessmentGroupObjectPermission,
    AssessmentUserObjectPermission,
    Goal,
    GoalFollowUp,
    GoalGroupObjectPermission,
    GoalUserObjectPermission,
    Obstacle,
    ObstacleGroupObjectPermission,
    ObstacleUserObjectPermission,
)
from cases.models.journal import (
    JournalEntry,
    JournalEntryGroupObjectPermission,
    JournalEntryUserObjectPermission,
    JournalObjection,
    TimeEntry,
)
from cases.models.legal import LegalReference, RetentionLogEntry, RetentionRule
from cases.models.members import (
    CustodyLink,
    Member,
    MemberGroupObjectPermission,
    MemberUserObjectPermission,
)
from cases.models.pupils import (
    PupilHealthReview,
    PupilSupport,
    PupilSupportGroupObjectPermission,
    PupilSupportUserObjectPermission,
)

__all__ = [
    "Assessment",
    "AssessmentGroupObjectPermission",
    "AssessmentUserObjectPermission",
    "CLOSED_STATUSES",
    "CalendarFeedToken",
    "CaseTeamMember",
    "CustodyLink",
    "DigestDelivery",
    "EMERGENCY_DEFAULT_DAYS",
    "EMERGENCY_MAX_DAYS",
    "EMERGENCY_REASON_MIN_LENGTH",
    "Eligibility",
    "EmergencyAccess",
    "Family",
    "FamilyGroupObjectPermission",
    "FamilyUserObjectPermission",
    "Goal",
    "GoalFollowUp",
    "GoalGroupObjectPermission",
    "GoalUserObjectPermission",
    "HISTORY",
    "InfoCategory",
    "JOURNAL_OUTCOME_AREAS",
    "JournalEntry",
    "JournalEntryGroupObjectPermission",
    "JournalEntryUserObjectPermission",
    "JournalObjection",
    "LegalReference",
    "MANDATORY_CRITERIA",
    "MOVES_TO_COORDINATED_SUPPORT",
    "NETWORK_TRANSITIONS",
    "Member",
    "MemberGroupObjectPermission",
    "MemberUserObjectPermission",
    "Obstacle",
    "ObstacleGroupObjectPermission",
    "ObstacleUserObjectPermission",
    "OutcomeArea",
    "Provision",
    "PupilHealthReview",
    "PupilSupport",
    "PupilSupportGroupObjectPermission",
    "PupilSupportUserObjectPermission",
    "REASON_REQUIRED",
    "ReferenceCounter",
    "ReportOfConcern",
    "ReportOfConcernGroupObjectPermission",
    "ReportOfConcernUserObjectPermission",
    "RetentionLogEntry",
    "RetentionRule",
    "SMS_TRANSITIONS",
    "ShareValidity",
    "SmsReminder",
    "StatusChange",
    "TRANSITIONS",
    "TRANSITIONS_BY_KIND",
    "TimeEntry",
    "VersionedModel",
    "Visit",
    "VisitReminderChoice",
    "WORKING_STATUSES",
    "WorkKind",
    "new_idempotency_key",
]
