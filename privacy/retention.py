"""Retention (gallring) of closed cases: SoL (2001:453) 12 kap. 1-2 §§ as configured in
RetentionRule (the paragraphs were renumbered in SFS 2025:400, so the rule is data).

A closed, declined or withdrawn family is due when its last journal entry is older than the
rule's years; the deletion must be done by the end of the following calendar year. Kept and
flagged instead: families under a legal hold, and families with a person born on one of the
rule's research birth days (5, 15, 25: the research exception).

"Deleting" removes every piece of personal data — names, identity numbers, addresses, free
text, signed scans, consents, the request to the team that became the case, change history —
but keeps the structure that reports count
(statuses, dates, kinds, scores, minutes, choices), so figures of past periods stay the same.
The access log keeps its rows (ids only; at least five years). A deletion log records what
was done, without personal content.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pgtrigger
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone
from pghistory.models import Event

from cases import models as cm

# Apps whose records hang off a family (a request to the team, once it became the family's
# case, with its people's identity numbers and its signed consent form, is one of them).
CASE_APPS = ("cases", "consent", "sip", "network", "evaluation", "referrals")
REDACTED = "[gallrad]"
# Records with no statistical value: removed outright rather than emptied.
DELETE_MODELS = {
    # The evaluators' key: once the family is gone, their extract can no longer be linked.
    "evaluation.evaluationkey",
    "consent.consent",
    "cases.smsreminder",
    "cases.visitreminderchoice",
    "consent.consentsignature",
    "consent.share",
    "cases.pupilsupport",
    "cases.pupilhealthreview",
    "cases.visit",
    "cases.reportofconcern",
    "cases.journalobjection",
    "cases.custodylink",
}
# Structure that is not personal data and that identifies the case in the deletion log.
KEEP_TEXT_FIELDS = {"reference", "status", "retention_flag", "scan_content_type"}


@dataclass(frozen=True)
class Candidate:
    family: cm.Family
    last_entry: dt.date
    eligible_on: dt.date
    deadline: dt.date
    action: str  # a RetentionLogEntry.Action value


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def active_rule() -> cm.RetentionRule | None:
    return cm.RetentionRule.objects.filter(key="closed-family", active=True).first()


def candidates(
    *, on: dt.date | None = None, rule: cm.RetentionRule | None = None
) -> list[Candidate]:
    """Closed families past the retention limit, with what the rule says to do with each."""
    on = on or timezone.localdate()
    rule = rule or active_rule()
    if rule is None:
        return []
    families = (
        cm.Family.objects.filter(status__in=cm.CLOSED_STATUSES, anonymised_at__isnull=True)
        .annotate(last_event=Max("journal__event_at"))
        .prefetch_related(
            models.Prefetch(
                "members", queryset=cm.Member.objects.only("id", "family_id", "birth_date")
            )
        )
        .order_by("reference")
    )
    research_days = set(rule.research_birth_days or [])
    found = []
    for family in families:
        last = (
            timezone.localtime(family.last_event).date()
            if family.last_event
            else family.end_date or family.request_date
        )
        eligible = _add_years(last, rule.years_after_last_entry)
        if eligible > on:
            continue
        deadline = dt.date(eligible.year + 1, 12, 31) if rule.by_end_of_following_year else eligible
        if family.legal_hold:
            action = cm.RetentionLogEntry.Action.KEPT_HOLD
        elif any(m.birth_date.day in research_days for m in family.members.all()):
            action = cm.RetentionLogEntry.Action.KEPT_RESEARCH
        else:
            action = cm.RetentionLogEntry.Action.DELETED
        found.append(Candidate(family, last, eligible, deadline, action))
    return found


def _family_path(model: type[models.Model], depth: int = 3) -> str | None:
    """The lookup from a model to its family (e.g. "plan__family"), or None."""
    if model is cm.Family:
        return "pk"
    frontier = [(model, "")]
    for _level in range(depth):
        nxt = []
        for current, prefix in frontier:
            for field in current._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey):
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is cm.Family:
                    return path
                if field.related_model._meta.app_label in CASE_APPS:
                    nxt.append((field.related_model, f"{path}__"))
        frontier = nxt
    return None


def _is_history_model(model) -> bool:
    return issubclass(model, Event)


def _case_models():
    for app_label in CASE_APPS:
        yield from apps.get_app_config(app_label).get_models()


def _redact_fields(model) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if field.choices or field.name in KEEP_TEXT_FIELDS or field.primary_key:
            continue
        fields.append(field)
    return fields


def anonymise_family(family: cm.Family) -> Counter:
    """Remove every piece of personal data of one family; returns counts per model."""
    counts: Counter = Counter()
    history_models = [m for m in apps.get_models() if _is_history_model(m)]
    # Tracked objects' ids, gathered before anything is removed, to purge their history.
    tracked_ids: dict[type, list] = {}
    for model in history_models:
        try:
            tracked = model._meta.get_field("pgh_obj").related_model
        except FieldDoesNotExist:  # e.g. events of many-to-many links: ids only
            continue
        path = _family_path(tracked)
        if path:
            tracked_ids[model] = list(
                tracked.objects.filter(**{path: family.pk}).values_list("pk", flat=True)
            )
    uris = [
        f"{m._meta.label}:{t.name}"
        for m in history_models
        for t in getattr(m._meta, "triggers", [])
    ]
    with transaction.atomic(), pgtrigger.ignore(*uris):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL familjelotsen.retention = 'on'")
        for model in _case_models():
            if _is_history_model(model):
                continue
            path = _family_path(model)
            if path is None:
                continue
            qs = model._base_manager.filter(**{path: family.pk})
            label = model._meta.label_lower
            if label in DELETE_MODELS:
                for field in model._meta.concrete_fields:
                    if isinstance(field, models.FileField):
                        for name in qs.exclude(**{field.name: ""}).values_list(
                            field.name, flat=True
                        ):
                            default_storage.delete(name)
                counts[label] += qs.count()
                qs.delete()
                continue
            updates = {
                f.name: Case(
                    When(**{f.name: ""}, then=Value("")),
                    default=Value(REDACTED[: f.max_length] if f.max_length else REDACTED),
                    output_field=f,
                )
                for f in _redact_fields(model)
            }
            # Uploaded files (a signed consent form's scan): the files go, the field empties.
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField):
                    for name in qs.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                        default_storage.delete(name)
                    updates[field.name] = Value("")
            # An identity number is emptied, never overwritten (it must stay 12 digits or none).
            if any(f.name == "personal_number" for f in model._meta.concrete_fields):
                updates["personal_number"] = Value("")
            if model is cm.Member:
                updates.update(
                    personal_number=Value(""),
                    id_type=Value(cm.Member.IdType.NONE),
                    protected_identity=Value(False),
                    sms_reminders=Value(False),
                )
            if updates:
                counts[label] += qs.update(**updates)
        for through in (cm.JournalEntry.concerns.through, cm.JournalEntry.participants.through):
            through.objects.filter(journalentry__family_id=family.pk).delete()
        for model, ids in tracked_ids.items():
            deleted, _ = model.objects.filter(pgh_obj_id__in=ids).delete()
            if deleted:
                counts[model._meta.label_lower] += deleted
        cm.Family.objects.filter(pk=family.pk).update(
            anonymised_at=timezone.now(), legal_hold=False
        )
    return counts


def apply(*, dry_run: bool, on: dt.date | None = None) -> list[Candidate]:
    """List (dry run) or carry out the retention rule. Kept families are flagged."""
    rule = active_rule()
    found = candidates(on=on, rule=rule)
    if dry_run:
        return found
    for candidate in found:
        family = candidate.family
        if candidate.action == cm.RetentionLogEntry.Action.DELETED:
            counts = anonymise_family(family)
        else:
            flag = (
                "research"
                if candidate.action == cm.RetentionLogEntry.Action.KEPT_RESEARCH
                else "legal_hold"
            )
            cm.Family.objects.filter(pk=family.pk).update(retention_flag=flag)
            counts = Counter()
        cm.RetentionLogEntry.objects.create(
            family_reference=family.reference,
            action=candidate.action,
            rule=rule.key,
            due_on=candidate.deadline,
            counts=dict(counts),
        )
    return found


# --- Requests that never became a case ------------------------------------------------------
# A request to the team (referrals) that was declined, withdrawn or never sent holds the
# child's and custodians' identity numbers, free text and the signed consent form's scan, but
# no family: the rule's years run from its decision (or last change) and then it is deleted
# outright with its history (no figure counts requests). One accepted is the family's.
ENDED_REQUEST_STATUSES = ("declined", "withdrawn", "draft")


@dataclass(frozen=True)
class RequestCandidate:
    referral: models.Model
    last_change: dt.date
    eligible_on: dt.date

    @property
    def number(self) -> int:
        """The request's number, kept for the deletion log after the row is gone."""
        return self._number

    def __post_init__(self):
        object.__setattr__(self, "_number", self.referral.pk)


def request_candidates(
    *, on: dt.date | None = None, rule: cm.RetentionRule | None = None
) -> list[RequestCandidate]:
    """Requests without a family whose retention limit has passed."""
    on = on or timezone.localdate()
    rule = rule or active_rule()
    if rule is None:
        return []
    referral_model = apps.get_model("referrals", "Referral")
    found = []
    for referral in referral_model.objects.filter(
        family__isnull=True, status__in=ENDED_REQUEST_STATUSES
    ).order_by("pk"):
        last = timezone.localtime(referral.decided_at or referral.updated_at).date()
        eligible = _add_years(last, rule.years_after_last_entry)
        if eligible <= on:
            found.append(RequestCandidate(referral, last, eligible))
    return found


def delete_request(referral) -> Counter:
    """Delete one request that never became a case: its scan, its people, its history."""
    counts: Counter = Counter()
    person_model = apps.get_model("referrals", "ReferralPerson")
    owned = {
        apps.get_model("referrals", "Referral"): [referral.pk],
        person_model: list(
            person_model.objects.filter(referral_id=referral.pk).values_list("pk", flat=True)
        ),
    }
    history = [
        m
        for m in apps.get_models()
        if _is_history_model(m)
        and any(f.name == "pgh_obj" and f.related_model in owned for f in m._meta.concrete_fields)
    ]
    uris = [f"{m._meta.label}:{t.name}" for m in history for t in getattr(m._meta, "triggers", [])]
    with transaction.atomic(), pgtrigger.ignore(*uris):
        if referral.scan:
            default_storage.delete(referral.scan.name)
        for model in history:
            tracked = model._meta.get_field("pgh_obj").related_model
            deleted, _ = model.objects.filter(pgh_obj_id__in=owned[tracked]).delete()
            if deleted:
                counts[model._meta.label_lower] += deleted
        counts["referrals.referralperson"] += len(owned[person_model])
        referral.delete()
        counts["referrals.referral"] += 1
    return counts


def apply_requests(*, dry_run: bool, on: dt.date | None = None) -> list[RequestCandidate]:
    """List (dry run) or delete the requests past the limit, each in the deletion log."""
    rule = active_rule()
    found = request_candidates(on=on, rule=rule)
    if dry_run:
        return found
    for candidate in found:
        reference = f"request {candidate.number}"
        counts = delete_request(candidate.referral)
        cm.RetentionLogEntry.objects.create(
            family_reference=reference,
            action=cm.RetentionLogEntry.Action.DELETED,
            rule=rule.key,
            due_on=candidate.eligible_on,
            counts=dict(counts),
        )
    return found


def apply_scheduled() -> int:
    """The monthly job (the schedule, registered in privacy.apps): carry out the rule, for
    families and for requests that never became one. Returns how many it handled (the
    families' references and the requests' numbers stay in the deletion log)."""
    return len(apply(dry_run=False)) + len(apply_requests(dry_run=False))
