"""A reference access policy, written from SPEC.md §3 in plain Python, independent of the app.

It reads a snapshot of the world with plain ORM queries (rows, never the app's grants, shares
or permission tables, and nothing from `familjelotsen.access`) and answers, for a user and a
guarded model, which records the user may see (the need SEE). The property test
(test_policy_property.py) compares it with `familjelotsen.access.visible` after every step of
random histories.

The rules (SPEC §3.2-3.6):

- A system administrator, an inactive user or a user without an administration sees nothing.
- The case team of a family sees every record of the family; so does a team lead of the
  administration that owns the family.
- The reporter of a report of concern sees that report (a legal duty, not a share).
- Otherwise a record reaches the case-working staff (family ombud, team lead, school
  coordinator, coordinator: never the project leader, never the system administrator) of an
  administration A other than the family's owner only when some source wants it shared with A
  and valid consents cover it today. The sources: each consent active today shares, with each
  administration it names as receiving, the family, its subject and (for a school) the
  subject's pupil support; the ombud's explicit shares; a SIP with the administrations taking
  part in it; a network process with its professional network's administrations.
- Break-the-glass (issue 21): a case-working user who opened a family in an emergency sees
  every record of that family, from the access's start until its end (at most seven days).
- Covered: every person the record concerns has a consent of their own, active today, that
  names A as receiving, the disclosing party D as disclosing and the record's kind of
  information. D is the record's owner, or the family's owner when the record has no owner or
  A owns it itself (pupil support held by school still reveals the case). The family overview
  is covered by any one member's such consent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from cases import models as cm
from consent import models as consent_models
from familjelotsen.models import Administration, User
from network import models as network_models
from sip import models as sip_models

# Every guarded record of a family, by model label. The property test checks that this is
# exactly the set of models the app guards, so a new model is noticed.
FAMILY = "cases.family"
MEMBER = "cases.member"
JOURNAL = "cases.journalentry"
GOAL = "cases.goal"
ASSESSMENT = "cases.assessment"
OBSTACLE = "cases.obstacle"
PUPIL_SUPPORT = "cases.pupilsupport"
REPORT = "cases.reportofconcern"
CONSENT = "consent.consent"
PLAN = "sip.plan"
PROCESS = "network.networkprocess"
LABELS = (
    FAMILY,
    MEMBER,
    JOURNAL,
    GOAL,
    ASSESSMENT,
    OBSTACLE,
    PUPIL_SUPPORT,
    REPORT,
    CONSENT,
    PLAN,
    PROCESS,
)

# SPEC §3.3: a share opens a record to the administration's case-working staff only; the
# referrer (a rektor, a social-services case officer, issue 20) works with families in theirs.
CASE_WORKING_ROLES = frozenset(
    {"family_ombud", "team_lead", "school_coordinator", "coordinator", "referrer"}
)

COORDINATION, SCHOOL, HEALTH, SOCIAL, EMPLOYMENT = (
    "coordination",
    "school",
    "health",
    "social",
    "employment",
)
GOAL_AREA_CATEGORY = {
    "schooling": SCHOOL,
    "upper_secondary": SCHOOL,
    "parents_occupation": EMPLOYMENT,
    "economy": EMPLOYMENT,
}


@dataclass(frozen=True)
class Person:
    role: str
    administration_id: int | None
    is_active: bool

    @property
    def sees_cases(self) -> bool:
        return self.is_active and self.administration_id is not None and self.role != "system_admin"


@dataclass(frozen=True)
class Record:
    label: str
    pk: int
    family_id: int
    owner_id: int | None
    category: str
    # The members whose information the record is (empty for the family itself).
    concerned: frozenset[int]


@dataclass(frozen=True)
class ConsentRow:
    pk: int
    family_id: int
    subject_id: int
    disclosing: frozenset[int]
    receiving: frozenset[int]
    categories: frozenset[str]
    valid_from: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None

    def active(self, on: dt.date) -> bool:
        return self.revoked_on is None and self.valid_from <= on <= self.valid_until


@dataclass
class World:
    today: dt.date
    administration_kind: dict[int, str]
    users: dict[int, Person]
    family_owner: dict[int, int]
    family_members: dict[int, frozenset[int]]
    team: set[tuple[int, int]]  # (family id, user id)
    records: dict[str, dict[int, Record]]
    pupil_support_of: dict[int, int]  # member id -> pupil support id
    reporter_of: dict[int, int]  # report id -> user id
    consents: list[ConsentRow]
    explicit_shares: list[tuple[str, int, int]]  # (label, record id, administration id)
    sip_administrations: dict[int, frozenset[int]]
    network_administrations: dict[int, frozenset[int]]
    # (family id, user id) of the emergency accesses running now.
    emergency: set[tuple[int, int]] = field(default_factory=set)
    _shared: set[tuple[str, int, int]] | None = field(default=None, repr=False)

    def record(self, label: str, pk: int) -> Record | None:
        return self.records.get(label, {}).get(pk)


# --- The snapshot ------------------------------------------------------------------------------


def _pairs(rows) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    for key, value in rows:
        if value is not None:
            out[key].add(value)
    return out


def snapshot(today: dt.date | None = None) -> World:
    """Read the world with plain ORM queries (about twenty statements)."""
    today = today or timezone.localdate()
    administration_kind = dict(Administration.objects.values_list("pk", "kind"))
    users = {
        pk: Person(role, adm, active)
        for pk, role, adm, active in User.objects.values_list(
            "pk", "role", "administration_id", "is_active"
        )
    }
    family_owner = dict(cm.Family.objects.values_list("pk", "owner_id"))
    members = list(cm.Member.objects.values_list("pk", "family_id", "owner_id"))
    family_members_sets: dict[int, set[int]] = {pk: set() for pk in family_owner}
    for pk, family_id, _owner in members:
        family_members_sets[family_id].add(pk)
    family_members = {pk: frozenset(ids) for pk, ids in family_members_sets.items()}

    def everyone(family_id: int) -> frozenset[int]:
        return family_members[family_id]

    records: dict[str, dict[int, Record]] = {label: {} for label in LABELS}

    def add(label, pk, family_id, owner_id, category, concerned):
        records[label][pk] = Record(label, pk, family_id, owner_id, category, concerned)

    for pk, owner_id in family_owner.items():
        add(FAMILY, pk, pk, owner_id, COORDINATION, frozenset())
    for pk, family_id, owner_id in members:
        add(MEMBER, pk, family_id, owner_id, COORDINATION, frozenset({pk}))

    concerns = _pairs(
        cm.JournalEntry.concerns.through.objects.values_list("journalentry_id", "member_id")
    )
    for pk, family_id, owner_id, category in cm.JournalEntry.objects.values_list(
        "pk", "family_id", "owner_id", "category"
    ):
        concerned = frozenset(concerns.get(pk, ())) or everyone(family_id)
        add(JOURNAL, pk, family_id, owner_id, category, concerned)
    for pk, family_id, owner_id, area, member_id in cm.Goal.objects.values_list(
        "pk", "family_id", "owner_id", "area", "member_id"
    ):
        concerned = frozenset({member_id}) if member_id else everyone(family_id)
        add(GOAL, pk, family_id, owner_id, GOAL_AREA_CATEGORY.get(area, SOCIAL), concerned)
    for pk, family_id, owner_id, member_id in cm.Assessment.objects.values_list(
        "pk", "family_id", "owner_id", "member_id"
    ):
        add(ASSESSMENT, pk, family_id, owner_id, HEALTH, frozenset({member_id}))
    for pk, family_id, owner_id in cm.Obstacle.objects.values_list("pk", "family_id", "owner_id"):
        add(OBSTACLE, pk, family_id, owner_id, SOCIAL, everyone(family_id))
    pupil_support_of = {}
    for pk, family_id, owner_id, member_id in cm.PupilSupport.objects.values_list(
        "pk", "family_id", "owner_id", "member_id"
    ):
        add(PUPIL_SUPPORT, pk, family_id, owner_id, SCHOOL, frozenset({member_id}))
        pupil_support_of[member_id] = pk
    reporter_of = {}
    for pk, family_id, owner_id, reporter_id in cm.ReportOfConcern.objects.values_list(
        "pk", "family_id", "owner_id", "reporter_id"
    ):
        # A report names its child as `child`, not member or subject: it concerns the family.
        add(REPORT, pk, family_id, owner_id, SOCIAL, everyone(family_id))
        reporter_of[pk] = reporter_id

    Consent = consent_models.Consent
    receiving = _pairs(
        Consent.receiving.through.objects.values_list("consent_id", "administration_id")
    )
    disclosing = _pairs(
        Consent.disclosing.through.objects.values_list("consent_id", "administration_id")
    )
    consents = []
    for row in Consent.objects.values_list(
        "pk",
        "family_id",
        "owner_id",
        "subject_id",
        "categories",
        "valid_from",
        "valid_until",
        "revoked_on",
    ):
        pk, family_id, owner_id, subject_id, categories, valid_from, valid_until, revoked = row
        add(CONSENT, pk, family_id, owner_id, SOCIAL, frozenset({subject_id}))
        consents.append(
            ConsentRow(
                pk,
                family_id,
                subject_id,
                frozenset(disclosing.get(pk, ())),
                frozenset(receiving.get(pk, ())),
                frozenset(categories),
                valid_from,
                valid_until,
                revoked,
            )
        )

    sip_participants = _pairs(
        sip_models.Participant.objects.values_list("plan_id", "administration_id")
    )
    sip_responsible = _pairs(
        sip_models.Intervention.objects.values_list("plan_id", "responsible_administration_id")
    )
    sip_administrations = {}
    for pk, family_id, owner_id, member_id, overall in sip_models.Plan.objects.values_list(
        "pk", "family_id", "owner_id", "member_id", "overall_responsible_id"
    ):
        add(PLAN, pk, family_id, owner_id, COORDINATION, frozenset({member_id}))
        ids = sip_participants.get(pk, set()) | sip_responsible.get(pk, set())
        if overall:
            ids = ids | {overall}
        sip_administrations[pk] = frozenset(ids - {family_owner[family_id], owner_id})

    network_participants = _pairs(
        network_models.NetworkParticipant.objects.filter(
            side=network_models.NetworkParticipant.Side.PROFESSIONAL
        ).values_list("process_id", "administration_id")
    )
    network_administrations = {}
    for pk, family_id, owner_id, member_id in network_models.NetworkProcess.objects.values_list(
        "pk", "family_id", "owner_id", "member_id"
    ):
        add(PROCESS, pk, family_id, owner_id, SOCIAL, frozenset({member_id}))
        ids = network_participants.get(pk, set())
        network_administrations[pk] = frozenset(ids - {family_owner[family_id], owner_id})

    explicit_shares = [
        (f"{app}.{model}", object_id, administration_id)
        for app, model, object_id, administration_id in consent_models.ExplicitShare.objects.filter(
            ended_at__isnull=True
        ).values_list(
            "content_type__app_label", "content_type__model", "object_id", "administration_id"
        )
    ]

    return World(
        today=today,
        administration_kind=administration_kind,
        users=users,
        family_owner=family_owner,
        family_members=family_members,
        team=set(cm.CaseTeamMember.objects.values_list("family_id", "user_id")),
        records=records,
        pupil_support_of=pupil_support_of,
        reporter_of=reporter_of,
        consents=consents,
        explicit_shares=explicit_shares,
        sip_administrations=sip_administrations,
        network_administrations=network_administrations,
        emergency=set(
            cm.EmergencyAccess.objects.filter(
                starts_at__lte=timezone.now(), ends_at__gt=timezone.now()
            ).values_list("family_id", "user_id")
        ),
    )


# --- The rules ---------------------------------------------------------------------------------


def covered(world: World, record: Record, administration_id: int) -> bool:
    """Valid consents allow the record to reach the administration today."""
    owner = world.family_owner[record.family_id]
    if administration_id == owner:
        return False
    disclosing = (
        owner
        if record.owner_id is None or record.owner_id == administration_id
        else record.owner_id
    )

    def allows(consent: ConsentRow) -> bool:
        return (
            consent.family_id == record.family_id
            and consent.active(world.today)
            and administration_id in consent.receiving
            and disclosing in consent.disclosing
            and record.category in consent.categories
        )

    if record.label == FAMILY:
        return any(allows(c) for c in world.consents)
    consenting = {c.subject_id for c in world.consents if allows(c)}
    return bool(record.concerned) and record.concerned <= consenting


def wanted(world: World) -> set[tuple[str, int, int]]:
    """(label, record id, administration id) that some source wants shared."""
    out: set[tuple[str, int, int]] = set()
    for consent in world.consents:
        if not consent.active(world.today):
            continue
        for administration_id in consent.receiving:
            out.add((FAMILY, consent.family_id, administration_id))
            out.add((MEMBER, consent.subject_id, administration_id))
            support = world.pupil_support_of.get(consent.subject_id)
            if support is not None and world.administration_kind[administration_id] == "school":
                out.add((PUPIL_SUPPORT, support, administration_id))
    out.update(world.explicit_shares)
    for plan_id, ids in world.sip_administrations.items():
        out.update((PLAN, plan_id, adm) for adm in ids)
    for process_id, ids in world.network_administrations.items():
        out.update((PROCESS, process_id, adm) for adm in ids)
    return out


def shared(world: World) -> set[tuple[str, int, int]]:
    """What reaches another administration: wanted by a source and covered by consents."""
    if world._shared is None:
        result = set()
        for label, pk, administration_id in wanted(world):
            record = world.record(label, pk)
            if record is not None and covered(world, record, administration_id):
                result.add((label, pk, administration_id))
        world._shared = result
    return world._shared


def visible_ids(world: World, user_id: int, label: str) -> set[int]:
    user = world.users[user_id]
    if not user.sees_cases:
        return set()
    teams = {family for family, member in world.team if member == user_id}
    opened = {family for family, member in world.emergency if member == user_id}
    leads = user.role == "team_lead"
    receives = user.role in CASE_WORKING_ROLES
    reach = shared(world)
    out = set()
    for record in world.records[label].values():
        if (
            record.family_id in teams
            or (leads and world.family_owner[record.family_id] == user.administration_id)
            or (label == REPORT and world.reporter_of.get(record.pk) == user_id)
            or (receives and (label, record.pk, user.administration_id) in reach)
            or (receives and record.family_id in opened)
        ):
            out.add(record.pk)
    return out


def visible_all(world: World, user_ids, labels=LABELS) -> dict[tuple[int, str], set[int]]:
    return {(uid, label): visible_ids(world, uid, label) for uid in user_ids for label in labels}
