"""Reports and the access log's review: who reports on which organisations, which reports
they see and delete, and who reviews the log (SPEC §6, §3.8)."""

from __future__ import annotations

from django.db.models import QuerySet, Value
from django.http import Http404

from familjelotsen.access.policy import Basis, Role, is_team_lead, sees_cases
from familjelotsen.models import Organisation
from reporting.models import Report


def report_scope(user) -> frozenset[int]:
    """The organisations (municipalities, regions) whose families the user's report figures
    count (issue 21): a project leader's are those the system administrator gave them (none
    given: none, never all); a team lead's is the organisation of their administration;
    nobody else reports."""
    if not sees_cases(user):
        return frozenset()
    # Asked several times per page (figures, archive, names): read once per user object.
    cached = getattr(user, "_report_scope", None)
    if cached is not None:
        return cached
    scope: frozenset[int] = frozenset()
    if user.role == Role.PROJECT_LEADER:
        scope = frozenset(user.organisations.values_list("pk", flat=True))
    elif user.role == Role.TEAM_LEAD and user.administration_id is not None:
        scope = frozenset({user.administration.organisation_id})
    user._report_scope = scope
    return scope


def visible_reports(user) -> QuerySet:
    """Reports hold suppressed aggregates only and belong to no family. The project leader
    sees the reports whose organisations all lie in their scope; a team lead the reports made
    in their administration."""
    if not sees_cases(user):
        return Report.objects.none()
    reports = Report.objects.annotate(access_basis=Value(Basis.AGGREGATE))
    if user.role == Role.PROJECT_LEADER:
        return reports.filter(
            organisations__len__gt=0, organisations__contained_by=sorted(report_scope(user))
        )
    if user.role == Role.TEAM_LEAD:
        return reports.filter(made_in_id=user.administration_id)
    return Report.objects.none()


def get_report_for_user(request, pk):
    try:
        return visible_reports(request.user).get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def makes_reports(user) -> bool:
    return sees_cases(user) and user.role in (Role.PROJECT_LEADER, Role.TEAM_LEAD)


def deletes_report(user, report) -> bool:
    """A draft (or a draft whose rendering failed) may be deleted by the one who made it, or
    by the project leader; an archived report never, nor one being rendered."""
    if report.status not in (Report.Status.DRAFT, Report.Status.FAILED):
        return False
    if not makes_reports(user) or not visible_reports(user).filter(pk=report.pk).exists():
        return False
    return report.created_by_id == user.pk or user.role == Role.PROJECT_LEADER


def money_organisations(user) -> QuerySet:
    """The organisations whose agreement (hourly cost, distribution key) the user sees beside
    their reports (issue 21): those their report figures count, never another's."""
    return Organisation.objects.filter(pk__in=sorted(report_scope(user))).order_by("name")


def edits_cost_settings(user, organisation=None) -> bool:
    """The project leader changes the cost key; of an organisation, only of one they report
    on."""
    if not (sees_cases(user) and user.role == Role.PROJECT_LEADER):
        return False
    return organisation is None or organisation.pk in report_scope(user)


def reviews_access_log(user) -> bool:
    return is_team_lead(user)


def log_review_basis(user) -> str:
    """The basis of reading the access log itself: the team lead's duty to review it."""
    return Basis.TEAM_LEAD
