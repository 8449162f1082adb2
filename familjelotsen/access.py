"""THE access policy of Familjelotsen (SPEC.md §3). Views ask; only this module grants.

Who sees a record:
1. the family's case team (CaseTeamMember), for every record of the family;
2. a team lead of the administration that owns the family, for every record of the family;
3. another administration's staff, for one record, while a share of that record with their
   administration exists (a django-guardian group object permission in the record's
   direct foreign-key table) and the consent(s) behind it are valid.
Employment in an administration alone grants nothing. The system administrator sees no case
contents; the project leader sees aggregates only, unless on a case team.

Lists filter with one `id__in` subquery built from these sources; nothing here calls
django-guardian's generic `get_objects_for_user` or checks permissions row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from consent.models import Consent, ConsentGroupObjectPermission, Share
from familjelotsen.models import AccessLogEntry, Administration, User
from network import models as network_models
from sip import models as sip_models

Basis = AccessLogEntry.Basis


@dataclass(frozen=True)
class Guarded:
    model: type[models.Model]
    group_perm: type[models.Model]
    # Path from the record to its family ("" for the family itself).
    family_field: str = "family"
    # User-level grants (e.g. the reporter of a report of concern), when the model uses them.
    user_perm: type[models.Model] | None = None


REGISTRY: dict[type[models.Model], Guarded] = {}


def register(
    model: type[models.Model],
    group_perm: type[models.Model],
    family_field="family",
    user_perm: type[models.Model] | None = None,
):
    REGISTRY[model] = Guarded(model, group_perm, family_field, user_perm)


register(cm.Family, cm.FamilyGroupObjectPermission, family_field="")
register(cm.Member, cm.MemberGroupObjectPermission)
register(cm.JournalEntry, cm.JournalEntryGroupObjectPermission)
register(cm.Goal, cm.GoalGroupObjectPermission)
register(cm.Assessment, cm.AssessmentGroupObjectPermission)
register(cm.Obstacle, cm.ObstacleGroupObjectPermission)
register(cm.PupilSupport, cm.PupilSupportGroupObjectPermission)
register(Consent, ConsentGroupObjectPermission)
register(
    cm.ReportOfConcern,
    cm.ReportOfConcernGroupObjectPermission,
    user_perm=cm.ReportOfConcernUserObjectPermission,
)
register(sip_models.Plan, sip_models.PlanGroupObjectPermission)
register(network_models.NetworkProcess, network_models.NetworkProcessGroupObjectPermission)


# Reports hold suppressed aggregates only, never case contents, and belong to no family, so
# they are not in REGISTRY (whose rules run through a family). The project leader sees the
# whole archive; a team lead the reports made in their administration; nobody else any.
def visible_reports(user) -> QuerySet:
    from reporting.models import Report

    if not (user.is_authenticated and user.is_active):
        return Report.objects.none()
    if user.role == User.Role.PROJECT_LEADER and user.administration_id is not None:
        return Report.objects.all()
    if user.role == User.Role.TEAM_LEAD and user.administration_id is not None:
        return Report.objects.filter(made_in_id=user.administration_id)
    return Report.objects.none()


def get_report_for_user(request, pk):
    """A report the user may see, or 404 (its existence is not revealed)."""
    from reporting.models import Report

    try:
        return visible_reports(request.user).get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


class ShareRefused(Exception):
    """A share that the consents do not allow; the message says why, for the user."""


# --- Who the user is --------------------------------------------------------------------------


def _sees_cases(user) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.administration_id is not None
        and user.role != User.Role.SYSTEM_ADMIN
    )


def _is_team_lead(user) -> bool:
    return user.role == User.Role.TEAM_LEAD


def _group_id(user) -> Subquery:
    return Subquery(Administration.objects.filter(pk=user.administration_id).values("group_id"))


# --- Visibility selectors ----------------------------------------------------------------------


def team_family_ids(user) -> QuerySet:
    return cm.CaseTeamMember.objects.filter(user_id=user.pk).values("family_id")


def _lead_family_ids(user) -> QuerySet:
    return cm.Family.objects.filter(owner_id=user.administration_id).values("id")


def _shared_ids(user, model, action: str = "view", on: dt.date | None = None) -> QuerySet:
    spec = REGISTRY[model]
    return spec.group_perm.objects.filter(
        group_id=_group_id(user),
        permission__codename=f"{action}_{model._meta.model_name}",
        valid_until__gte=on or timezone.localdate(),
    ).values("content_object_id")


def _user_granted_ids(user, model) -> QuerySet | None:
    spec = REGISTRY[model]
    if spec.user_perm is None:
        return None
    return spec.user_perm.objects.filter(
        user_id=user.pk, permission__codename=f"view_{model._meta.model_name}"
    ).values("content_object_id")


def _full_access_family_ids(user) -> QuerySet:
    ids = team_family_ids(user)
    if _is_team_lead(user):
        ids = ids.union(_lead_family_ids(user))
    return ids


def visible(user, model: type[models.Model]) -> QuerySet:
    """Every record of `model` the user may see, as one queryset (one SQL statement)."""
    if not _sees_cases(user):
        return model.objects.none()
    spec = REGISTRY[model]
    if not spec.family_field:
        ids = _full_access_family_ids(user).union(_shared_ids(user, model))
        return model.objects.filter(id__in=ids)
    # An OR of two INs (case team / team lead, and shares). The bench tried one IN over a
    # UNION: faster for the pupil list but 4x slower for a team lead's family page; the
    # shape to try next is `id = ANY(ARRAY(subquery))` (bench/results.md).
    condition = Q(**{f"{spec.family_field}_id__in": _full_access_family_ids(user)}) | Q(
        id__in=_shared_ids(user, model)
    )
    granted = _user_granted_ids(user, model)
    if granted is not None:
        condition |= Q(id__in=granted)
    return model.objects.filter(condition)


def visible_families(user) -> QuerySet:
    return with_basis(user, visible(user, cm.Family))


def visible_members(user) -> QuerySet:
    return with_identity(user, with_basis(user, visible(user, cm.Member)))


def visible_journal_entries(user) -> QuerySet:
    return with_basis(user, visible(user, cm.JournalEntry))


def visible_goals(user) -> QuerySet:
    return with_basis(user, visible(user, cm.Goal))


def visible_assessments(user) -> QuerySet:
    return with_basis(user, visible(user, cm.Assessment))


def visible_obstacles(user) -> QuerySet:
    return with_basis(user, visible(user, cm.Obstacle))


def visible_pupil_support(user) -> QuerySet:
    return with_basis(user, visible(user, cm.PupilSupport))


def visible_consents(user) -> QuerySet:
    return with_basis(user, visible(user, Consent))


def _family_ref(model) -> str:
    spec = REGISTRY[model]
    return "pk" if not spec.family_field else f"{spec.family_field}_id"


def _on_team(user, model) -> Exists:
    return Exists(
        cm.CaseTeamMember.objects.filter(user_id=user.pk, family_id=OuterRef(_family_ref(model)))
    )


def with_basis(user, qs: QuerySet) -> QuerySet:
    """Annotate `access_basis` (and the consent behind a share) for the log and the UI."""
    model = qs.model
    if not _sees_cases(user):
        return qs
    family_owner = "owner_id" if model is cm.Family else f"{REGISTRY[model].family_field}__owner_id"
    whens = [When(_on_team(user, model), then=Value(Basis.CASE_TEAM))]
    if _is_team_lead(user):
        whens.append(When(Q(**{family_owner: user.administration_id}), then=Value(Basis.TEAM_LEAD)))
    user_perm = REGISTRY[model].user_perm
    if user_perm is not None:
        whens.append(
            When(
                Exists(user_perm.objects.filter(user_id=user.pk, content_object_id=OuterRef("pk"))),
                then=Value(Basis.DUTY),
            )
        )
    share_consent = Share.consents.through.objects.filter(
        share__content_type=ContentType.objects.get_for_model(model),
        share__object_id=OuterRef("pk"),
        share__administration_id=user.administration_id,
        share__withdrawn_at__isnull=True,
    ).values("consent_id")[:1]
    return qs.annotate(
        access_basis=Case(*whens, default=Value(Basis.SHARE), output_field=models.CharField()),
        access_consent_id=Case(
            *[When(w.condition, then=Value(None)) for w in whens],
            default=Subquery(share_consent),
            output_field=models.BigIntegerField(),
        ),
    )


def with_identity(user, qs: QuerySet) -> QuerySet:
    """Annotate `on_team` and `identity_visible` on members.

    Protected identity is masked for everyone outside the case team (SPEC §3.7); sensitive
    fields such as the NPF diagnosis are shown to the case team only.
    """
    if not _sees_cases(user):
        return qs.annotate(on_team=Value(False), identity_visible=Value(False))
    on_team = _on_team(user, cm.Member)
    return qs.annotate(
        on_team=on_team,
        identity_visible=Case(
            When(protected_identity=False, then=Value(True)),
            When(on_team, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
    )


# --- View helpers: 404 when not visible, 403 when visible but not writable --------------------


def can_write(user, obj) -> bool:
    basis = getattr(obj, "access_basis", None)
    if basis == Basis.CASE_TEAM:
        return True
    if basis == Basis.TEAM_LEAD:
        # The team lead prioritises, assigns and moves cases; the case team writes records.
        return isinstance(obj, cm.Family)
    if basis == Basis.DUTY:
        return isinstance(obj, cm.ReportOfConcern)
    if basis == Basis.SHARE:
        model = type(obj)
        return _shared_ids(user, model, action="change").filter(content_object_id=obj.pk).exists()
    return False


def get_for_user(user, model: type[models.Model], pk, *, write: bool = False, queryset=None):
    qs = queryset if queryset is not None else with_basis(user, visible(user, model))
    try:
        obj = qs.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and not can_write(user, obj):
        raise PermissionDenied
    return obj


def get_family_for_user(request, pk, write=False):
    return get_for_user(request.user, cm.Family, pk, write=write)


def get_family_for_team(request, pk):
    """The family, for writing its records: the case team only (the team lead prioritises
    and assigns, but the case team documents). 404 when not visible, 403 when not on team."""
    family = get_for_user(request.user, cm.Family, pk)
    if family.access_basis != Basis.CASE_TEAM:
        raise PermissionDenied
    return family


def get_member_for_user(request, pk, write=False):
    return get_for_user(
        request.user, cm.Member, pk, write=write, queryset=visible_members(request.user)
    )


def get_journal_entry_for_user(request, pk, write=False):
    return get_for_user(request.user, cm.JournalEntry, pk, write=write)


def get_goal_for_user(request, pk, write=False):
    return get_for_user(request.user, cm.Goal, pk, write=write)


def get_assessment_for_user(request, pk, write=False):
    return get_for_user(request.user, cm.Assessment, pk, write=write)


def get_obstacle_for_user(request, pk, write=False):
    return get_for_user(request.user, cm.Obstacle, pk, write=write)


def get_pupil_support_for_user(request, pk, write=False):
    return get_for_user(request.user, cm.PupilSupport, pk, write=write)


def get_report_of_concern_for_user(request, pk, write=False):
    return get_for_user(request.user, cm.ReportOfConcern, pk, write=write)


def grant_reporter(*, report: cm.ReportOfConcern, user: User) -> None:
    """The reporter keeps sight of their own report of concern (and nobody else outside
    the case team gets it)."""
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(cm.ReportOfConcern),
        codename="view_reportofconcern",
    )
    cm.ReportOfConcernUserObjectPermission.objects.get_or_create(
        user=user, permission=perm, content_object=report
    )


def get_consent_for_user(request, pk, write=False):
    return get_for_user(request.user, Consent, pk, write=write)


def get_plan_for_user(request, pk, write=False):
    return get_for_user(request.user, sip_models.Plan, pk, write=write)


def get_network_process_for_user(request, pk, write=False):
    return get_for_user(request.user, network_models.NetworkProcess, pk, write=write)


def is_on_team(user, family) -> bool:
    return cm.CaseTeamMember.objects.filter(user_id=user.pk, family_id=family.pk).exists()


# --- Case team -------------------------------------------------------------------------------


@transaction.atomic
def team_add(
    *, family: cm.Family, user: User, added_by: User, role: str = cm.CaseTeamMember.Role.OMBUD
) -> cm.CaseTeamMember:
    member, _created = cm.CaseTeamMember.objects.get_or_create(
        family=family, user=user, defaults={"role": role, "added_by": added_by}
    )
    return member


@transaction.atomic
def team_remove(*, family: cm.Family, user: User) -> None:
    if family.responsible_ombud_id == user.pk:
        raise PermissionDenied(_("The responsible family ombud stays on the case team."))
    cm.CaseTeamMember.objects.filter(family=family, user=user).delete()


@transaction.atomic
def team_set_responsible(*, family: cm.Family, ombud: User, by: User) -> None:
    """The responsible ombud is always on the case team (and only one is responsible)."""
    cm.CaseTeamMember.objects.filter(
        family=family, role=cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD
    ).exclude(user=ombud).update(role=cm.CaseTeamMember.Role.OMBUD)
    row, created = cm.CaseTeamMember.objects.get_or_create(
        family=family,
        user=ombud,
        defaults={"role": cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD, "added_by": by},
    )
    if not created and row.role != cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD:
        row.role = cm.CaseTeamMember.Role.RESPONSIBLE_OMBUD
        row.save(update_fields=["role", "updated_at"])


def user_sync_groups(user: User) -> None:
    """Staff belong to their administration's group (what guardian's group rows refer to)."""
    if user.administration_id:
        user.groups.set([user.administration.group_id])
    else:
        user.groups.clear()


# --- Shares: consent decides -----------------------------------------------------------------

GOAL_AREA_CATEGORY = {
    cm.OutcomeArea.SCHOOLING: cm.InfoCategory.SCHOOL,
    cm.OutcomeArea.UPPER_SECONDARY: cm.InfoCategory.SCHOOL,
    cm.OutcomeArea.PARENTS_OCCUPATION: cm.InfoCategory.EMPLOYMENT,
    cm.OutcomeArea.ECONOMY: cm.InfoCategory.EMPLOYMENT,
}


def record_category(obj) -> str:
    """The kind of information a record holds, which a covering consent must name."""
    if isinstance(obj, cm.Family | cm.Member):
        return cm.InfoCategory.COORDINATION
    if isinstance(obj, cm.JournalEntry):
        return obj.category
    if isinstance(obj, cm.Goal):
        return GOAL_AREA_CATEGORY.get(obj.area, cm.InfoCategory.SOCIAL)
    if isinstance(obj, cm.Assessment):
        return cm.InfoCategory.HEALTH
    if isinstance(obj, cm.PupilSupport):
        return cm.InfoCategory.SCHOOL
    extra = getattr(obj, "share_category", None)
    if extra:
        return extra
    return cm.InfoCategory.SOCIAL


def concerned_member_ids(obj) -> list[int]:
    """Whose information a record is: every one of them must have consented."""
    if isinstance(obj, cm.Member):
        return [obj.pk]
    if isinstance(obj, cm.JournalEntry):
        ids = list(obj.concerns.values_list("id", flat=True))
        return ids or list(obj.family.members.values_list("id", flat=True))
    member_id = getattr(obj, "member_id", None) or getattr(obj, "subject_id", None)
    if member_id:
        return [member_id]
    family_id = obj.pk if isinstance(obj, cm.Family) else obj.family_id
    return list(cm.Member.objects.filter(family_id=family_id).values_list("id", flat=True))


def _family_of(obj) -> cm.Family:
    return obj if isinstance(obj, cm.Family) else obj.family


def covering_consents(
    obj, administration: Administration, on: dt.date | None = None
) -> list[Consent]:
    """The consents that allow `obj` to reach `administration`, or ShareRefused saying why."""
    family = _family_of(obj)
    if administration.pk == family.owner_id:
        raise ShareRefused(_("The administration already holds the case."))
    category = record_category(obj)
    owner_id = getattr(obj, "owner_id", family.owner_id)
    # A record the receiving administration owns itself (pupil support for school) still
    # reveals the case: the case owner must be a disclosing party.
    disclosing_id = family.owner_id if owner_id == administration.pk else owner_id
    candidates = (
        Consent.objects.active(on)
        .filter(
            family_id=family.pk,
            receiving=administration,
            disclosing=disclosing_id,
            categories__contains=[category],
        )
        .order_by("-valid_until")
    )
    members = concerned_member_ids(obj)
    by_subject: dict[int, Consent] = {}
    for consent in candidates:
        by_subject.setdefault(consent.subject_id, consent)
    if isinstance(obj, cm.Family):
        # The family overview: at least one member's consent must cover the administration.
        if not by_subject:
            raise ShareRefused(
                _("No valid consent covers sharing the family with %(adm)s.")
                % {"adm": administration.name}
            )
        return list(by_subject.values())
    missing = [m for m in members if m not in by_subject]
    if missing or not members:
        raise ShareRefused(
            _(
                "Not every person the record concerns has a valid consent that covers "
                "%(category)s for %(adm)s."
            )
            % {"category": cm.InfoCategory(category).label, "adm": administration.name}
        )
    return [by_subject[m] for m in members]


def share_check(obj, administration: Administration) -> str | None:
    """None when the record may be shared with the administration, else the reason why not."""
    try:
        covering_consents(obj, administration)
    except ShareRefused as refused:
        return str(refused)
    return None


def _perm_rows(obj, administration: Administration):
    spec = REGISTRY[type(obj)]
    return spec.group_perm.objects.filter(group_id=administration.group_id, content_object=obj)


def _grant(obj, administration: Administration, *, valid_until: dt.date, can_change: bool):
    from django.contrib.auth.models import Permission

    spec = REGISTRY[type(obj)]
    ct = ContentType.objects.get_for_model(type(obj))
    name = type(obj)._meta.model_name
    wanted = {f"view_{name}"} | ({f"change_{name}"} if can_change else set())
    perms = {p.codename: p for p in Permission.objects.filter(content_type=ct, codename__in=wanted)}
    existing = {
        row.permission.codename: row
        for row in _perm_rows(obj, administration).select_related("permission")
    }
    for codename, row in existing.items():
        if codename not in wanted:
            row.delete()
        elif row.valid_until != valid_until:
            row.valid_until = valid_until
            row.save(update_fields=["valid_until"])
    for codename in wanted - existing.keys():
        spec.group_perm.objects.create(
            group_id=administration.group_id,
            permission=perms[codename],
            content_object=obj,
            valid_until=valid_until,
        )


@transaction.atomic
def share(
    *,
    obj,
    administration: Administration,
    shared_by: User,
    can_change: bool = False,
    reason: str = Share.Reason.MANUAL,
    request=None,
) -> Share:
    from familjelotsen.audit import log_access

    consents = covering_consents(obj, administration)
    family = _family_of(obj)
    ct = ContentType.objects.get_for_model(type(obj))
    row = Share.objects.filter(
        content_type=ct, object_id=obj.pk, administration=administration, withdrawn_at__isnull=True
    ).first()
    if row is None:
        row = Share.objects.create(
            family=family,
            content_type=ct,
            object_id=obj.pk,
            administration=administration,
            can_change=can_change,
            reason=reason,
            shared_by=shared_by,
        )
    elif can_change and not row.can_change:
        row.can_change = True
        row.save(update_fields=["can_change", "updated_at"])
    row.consents.set(consents)
    _grant(
        obj,
        administration,
        valid_until=min(c.valid_until for c in consents),
        can_change=row.can_change,
    )
    log_access(
        user=shared_by,
        action=AccessLogEntry.Action.SHARE,
        obj=obj,
        basis=Basis.CASE_TEAM,
        consent_id=consents[0].pk,
        request=request,
    )
    return row


def _withdraw(row: Share, reason: str) -> None:
    row.withdrawn_at = timezone.now()
    row.withdrawn_reason = reason[:200]
    row.save(update_fields=["withdrawn_at", "withdrawn_reason", "updated_at"])
    spec_model = row.content_type.model_class()
    REGISTRY[spec_model].group_perm.objects.filter(
        group_id=row.administration.group_id, content_object_id=row.object_id
    ).delete()


@transaction.atomic
def unshare(*, row: Share, by: User, reason: str, request=None) -> None:
    from familjelotsen.audit import log_access

    _withdraw(row, reason)
    obj = row.content_type.get_object_for_this_type(pk=row.object_id)
    log_access(
        user=by,
        action=AccessLogEntry.Action.UNSHARE,
        obj=obj,
        basis=Basis.CASE_TEAM,
        request=request,
    )


@transaction.atomic
def reconcile_shares(
    *, family_id: int, on: dt.date | None = None, reason: str = "consent no longer covers the share"
) -> int:
    """Re-check every active share of a family against its consents (after a consent was
    revoked, expired or changed). Shares no longer covered are withdrawn at once; the rest
    get the new end date. Returns the number withdrawn. Nothing is deleted from the records."""
    withdrawn = 0
    rows = Share.objects.filter(family_id=family_id, withdrawn_at__isnull=True).select_related(
        "content_type", "administration"
    )
    for row in rows:
        model = row.content_type.model_class()
        obj = model.objects.filter(pk=row.object_id).first()
        if obj is None:
            _withdraw(row, "record removed")
            withdrawn += 1
            continue
        try:
            consents = covering_consents(obj, row.administration, on=on)
        except ShareRefused:
            _withdraw(row, reason)
            withdrawn += 1
            continue
        row.consents.set(consents)
        _grant(
            obj,
            row.administration,
            valid_until=min(c.valid_until for c in consents),
            can_change=row.can_change,
        )
    return withdrawn


def default_share_targets(consent: Consent, administration: Administration) -> list:
    """What a consent shares by default (SPEC §3.4): the family overview and the person,
    their pupil support with school; journal entries stay with the owner."""
    targets: list = [consent.family, consent.subject]
    if administration.kind == Administration.Kind.SCHOOL:
        support = cm.PupilSupport.objects.filter(member_id=consent.subject_id).first()
        if support is not None:
            targets.append(support)
    return targets


@transaction.atomic
def apply_default_shares(*, consent: Consent, by: User) -> list[Share]:
    made = []
    for administration in consent.receiving.all():
        for obj in default_share_targets(consent, administration):
            try:
                made.append(
                    share(
                        obj=obj,
                        administration=administration,
                        shared_by=by,
                        can_change=isinstance(obj, cm.PupilSupport),
                        reason=Share.Reason.DEFAULT,
                    )
                )
            except ShareRefused:
                continue
    return made


def shares_of_family(family: cm.Family) -> QuerySet:
    """Active shares of a family's records: which administration sees what, and why."""
    return (
        Share.objects.filter(family=family, withdrawn_at__isnull=True)
        .select_related("administration", "content_type", "shared_by")
        .prefetch_related("consents")
        .order_by("administration__name", "content_type_id", "object_id")
    )


# --- Drift check -----------------------------------------------------------------------------


def expected_grants(on: dt.date | None = None) -> set[tuple]:
    """Every grant the sources justify: (model label, object id, group id, codename)."""
    on = on or timezone.localdate()
    expected: set[tuple] = set()
    rows = (
        Share.objects.filter(withdrawn_at__isnull=True)
        .select_related("content_type", "administration")
        .prefetch_related("consents")
    )
    for row in rows:
        consents = list(row.consents.all())
        if not consents or not all(c.is_active(on) for c in consents):
            continue
        name = row.content_type.model
        label = f"{row.content_type.app_label}.{name}"
        expected.add((label, row.object_id, row.administration.group_id, f"view_{name}"))
        if row.can_change:
            expected.add((label, row.object_id, row.administration.group_id, f"change_{name}"))
    return expected


def actual_grants(on: dt.date | None = None) -> set[tuple]:
    on = on or timezone.localdate()
    actual: set[tuple] = set()
    for model, spec in REGISTRY.items():
        label = model._meta.label_lower
        for obj_id, group_id, codename in spec.group_perm.objects.filter(
            valid_until__gte=on
        ).values_list("content_object_id", "group_id", "permission__codename"):
            actual.add((label, obj_id, group_id, codename))
    return actual


def sync_access(*, repair: bool = False) -> dict[str, list]:
    """Re-derive every grant from its sources (shares under valid consents, staff groups)
    and report drift; with repair, make the grants match."""
    expected, actual = expected_grants(), actual_grants()
    report = {
        "missing": sorted(expected - actual),
        "unjustified": sorted(actual - expected),
        "groups": [],
    }
    for user in User.objects.select_related("administration").prefetch_related("groups"):
        want = {user.administration.group_id} if user.administration_id else set()
        have = {g.pk for g in user.groups.all()}
        if want != have:
            report["groups"].append(user.pk)
            if repair:
                user_sync_groups(user)
    if repair:
        with transaction.atomic():
            today = timezone.localdate()
            for spec in REGISTRY.values():
                spec.group_perm.objects.filter(valid_until__lt=today).delete()
            for label, obj_id, group_id, codename in report["unjustified"]:
                model = _model_by_label(label)
                REGISTRY[model].group_perm.objects.filter(
                    content_object_id=obj_id, group_id=group_id, permission__codename=codename
                ).delete()
            families = {row.family_id for row in Share.objects.filter(withdrawn_at__isnull=True)}
            for family_id in families:
                reconcile_shares(family_id=family_id)
    return report


def _model_by_label(label: str) -> type[models.Model]:
    for model in REGISTRY:
        if model._meta.label_lower == label:
            return model
    raise LookupError(label)


# --- Pages by role ---------------------------------------------------------------------------

CASE_ROLES = frozenset(
    {
        User.Role.FAMILY_OMBUD,
        User.Role.TEAM_LEAD,
        User.Role.SCHOOL_COORDINATOR,
        User.Role.COORDINATOR,
        User.Role.PROJECT_LEADER,
    }
)


def require_roles(*roles):
    """A page meant for some roles only; others get 403 (the page exists for everyone)."""
    allowed = frozenset(roles)

    def decorator(view):
        from functools import wraps

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(request.user, "role", None) not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
