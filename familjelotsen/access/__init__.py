"""THE access policy of Familjelotsen (SPEC.md §3). Views ask; only this package decides and
grants.

- `policy`: the vocabulary. Who the user is, the needs (SEE, OVERSEE, DOCUMENT, CHANGE), the
  visibility selectors, one record's `Permissions`, masking of protected identity, and the
  lookup that views use (`get_for_user`: 404 when not visible, 403 when short of the need,
  one access-log row for a read).
- `grants`: shares derived from their sources (consents, the ombud's explicit shares, SIP and
  network participants) and applied to django-guardian's direct foreign-key rows; the drift
  check behind `manage.py sync_access`.
- `coverage`: which consents cover a record for an administration; a record's category and
  the members it concerns.
- `team`: the case team, drawn from the owning administration only.
- `evaluation`: the evaluation's records: a family's follow-up questionnaires (the case team
  only), the collaboration survey's rounds and the evaluators' extract (the project leader).
- `outreach`: the team's work outside the cases: consultations for professionals and
  parenting-support courses (the team only; the project leader counts them in the reports).
- `referrals`: requests to the team from school and social services (issue 20): the
  referrer's own, the team lead's and the school-responsible member's reading and deciding.
- `emergency`: break-the-glass (issue 21): a case worker's temporary, read-only access to a
  family not shared with them, the notice to the case team and the owning team lead's review.
- `staff`: the system administrator's area (staff accounts, administrations, reference data,
  never a case) and the hand-over of an ombud's families by their team lead.

Nothing outside this package compares roles, access bases or `access_basis` to decide
access; a role gate (`require_roles`) only picks which home pages a role has.
"""

from __future__ import annotations

from cases import models as _cm
from consent.models import Consent as _Consent
from familjelotsen.access.emergency import (
    EmergencyTargets,
    emergency_log_basis,
    emergency_notices,
    emergency_notices_for,
    emergency_reviews,
    emergency_targets,
    family_page_emergency,
    get_emergency_access_for_review,
    get_own_emergency_access,
    own_emergency_accesses,
    requests_emergency_access,
    require_emergency_requester,
    reviews_emergency_accesses,
    told_of_emergency,
    unreviewed_emergency_accesses,
)
from familjelotsen.access.evaluation import (
    evaluation_extract_basis,
    get_family_for_follow_up,
    get_questionnaire_for_user,
    makes_evaluation_extract,
    runs_surveys,
    survey_invitees,
    visible_questionnaires,
)
from familjelotsen.access.family_records import family_records
from familjelotsen.access.grants import (
    ShareRefused,
    apply_default_shares,
    concerned_member_ids,
    consent_cover,
    covering_consents,
    families_with_sources,
    family_derive,
    family_drift,
    reconcile_shares,
    record_category,
    share,
    share_check,
    shares_of_family,
    sync_access,
    unshare,
    user_sync_groups,
    wanted_shares,
)
from familjelotsen.access.outreach import (
    course_candidates,
    course_leader_candidates,
    course_members,
    get_consultation_for_user,
    get_course_for_user,
    require_outreach,
    visible_consultations,
    visible_courses,
    works_outreach,
)
from familjelotsen.access.policy import (
    CASE_ROLES,
    CASE_TEAM_ROLES,
    CASE_WORKING_ROLES,
    FAMILY_LIST_ROLES,
    LEAD_ROLES,
    NONE,
    PLANNING_ROLES,
    PUPIL_LIST_ROLES,
    REPORT_ROLES,
    REQUEST_ROLES,
    Basis,
    Need,
    NotForRole,
    Permissions,
    ShortOfNeed,
    acting_basis,
    can_write,
    emergency_family_ids,
    family_permissions,
    get_for_user,
    identity_visible_expression,
    in_role_gate,
    intervention_writable,
    is_on_team,
    is_team_lead,
    leads,
    outside_team_q,
    permissions_of,
    receives_shares,
    require_roles,
    sees_cases,
    team_family_ids,
    visible,
    visible_families,
    visible_members,
    visible_records,
    with_basis,
    with_identity,
)
from familjelotsen.access.referrals import (
    REFERRAL_ROLES,
    ReferralPermissions,
    files_referrals,
    get_referral_for_user,
    is_school_contact,
    receives_referrals,
    referral_permissions,
    referral_teams,
    require_receiver,
    require_referrer,
    school_contact_candidates,
    sets_school_contact,
    visible_referrals,
    waiting_referrals,
)
from familjelotsen.access.registry import REGISTRY, Guarded, model_by_label
from familjelotsen.access.reports import (
    deletes_report,
    edits_cost_settings,
    get_report_for_user,
    log_review_basis,
    makes_reports,
    money_organisations,
    report_scope,
    reviews_access_log,
    visible_reports,
)
from familjelotsen.access.staff import (
    HELD_STATUSES,
    administers,
    administration_log_basis,
    deactivation_refusal,
    granted_by_identity_provider,
    hand_over_refusal,
    hand_over_sources,
    has_report_scope,
    held_families,
    may_hand_over,
    needs_administration,
    require_administrator,
    staff_change_refusal,
    staff_flag,
)
from familjelotsen.access.team import (
    is_ombud,
    ombuds,
    team_add,
    team_candidates,
    team_leave_other_administrations,
    team_refusal,
    team_remove,
    team_set_responsible,
)
from network import models as _network_models
from sip import models as _sip_models

SEE, OVERSEE, DOCUMENT, CHANGE = Need.SEE, Need.OVERSEE, Need.DOCUMENT, Need.CHANGE


def _need(write: bool) -> Need:
    return Need.CHANGE if write else Need.SEE


# Shorthands by model, for the views; `need` defaults to SEE (`write=True` means CHANGE).
def get_family_for_user(request, pk, write=False, *, need=None, log=True):
    # Family pages name the responsible ombud and the requesting administration.
    return get_for_user(
        request,
        _cm.Family,
        pk,
        need=need or _need(write),
        log=log,
        related=("responsible_ombud", "requesting_administration"),
    )


def get_family_for_team(request, pk, *, log=True):
    """The family, for documenting its records: the case team only."""
    return get_for_user(request, _cm.Family, pk, need=Need.DOCUMENT, log=log)


def get_member_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _cm.Member, pk, need=need or _need(write), log=log)


def get_journal_entry_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _cm.JournalEntry, pk, need=need or _need(write), log=log)


def get_goal_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _cm.Goal, pk, need=need or _need(write), log=log)


def get_assessment_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _cm.Assessment, pk, need=need or _need(write), log=log)


def get_obstacle_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _cm.Obstacle, pk, need=need or _need(write), log=log)


def get_pupil_support_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _cm.PupilSupport, pk, need=need or _need(write), log=log)


def get_report_of_concern_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _cm.ReportOfConcern, pk, need=need or _need(write), log=log)


def get_consent_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _Consent, pk, need=need or _need(write), log=log)


def get_plan_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(request, _sip_models.Plan, pk, need=need or _need(write), log=log)


def get_network_process_for_user(request, pk, write=False, *, need=None, log=True):
    return get_for_user(
        request, _network_models.NetworkProcess, pk, need=need or _need(write), log=log
    )


def visible_journal_entries(user, need=Need.SEE):
    return visible_records(user, _cm.JournalEntry, need)


def visible_goals(user, need=Need.SEE):
    return visible_records(user, _cm.Goal, need)


def visible_assessments(user, need=Need.SEE):
    return visible_records(user, _cm.Assessment, need)


def visible_obstacles(user, need=Need.SEE):
    return visible_records(user, _cm.Obstacle, need)


def visible_pupil_support(user, need=Need.SEE):
    return visible_records(user, _cm.PupilSupport, need)


def visible_consents(user, need=Need.SEE):
    return visible_records(user, _Consent, need)


def grant_reporter(*, report, user) -> None:
    """The reporter keeps sight of their own report of concern (a legal duty, not a share)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    perm = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(_cm.ReportOfConcern),
        codename="view_reportofconcern",
    )
    _cm.ReportOfConcernUserObjectPermission.objects.get_or_create(
        user=user, permission=perm, content_object=report
    )
