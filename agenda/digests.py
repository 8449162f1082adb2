"""The staff's daily digest: what is due for one member of staff, from the families they may
see only (visits today, goal, SIP and network follow-ups, consents ending, families without
contact; for a team lead also the waiting list and caseloads), shown on a page and sent once
a day as an e-mail of counts and reference codes (`manage.py send_digests`, queued through
`agenda.tasks`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from agenda.reminders import ReminderError
from agenda.selectors import with_family_basis
from cases import models as cm
from cases.notices import site_url
from cases.selectors import caseloads
from consent.selectors import expiring_soon
from familjelotsen import access
from familjelotsen.audit import Action, log_access
from familjelotsen.models import User
from network import models as nm
from sip import models as sm

GOAL_TARGET_AHEAD = dt.timedelta(days=14)
GOAL_FOLLOW_UP_EVERY = dt.timedelta(days=90)
SIP_AHEAD = dt.timedelta(days=14)
ACTION_AHEAD = dt.timedelta(days=7)
CONSENT_DAYS = 30
NO_CONTACT = dt.timedelta(days=30)
DRAFT_DUE = dt.timedelta(hours=24)
REQUEST_WAITING = dt.timedelta(days=14)
# The families whose work is under way, of either kind of work.
OPEN_STATUSES = tuple(sorted(set().union(*cm.WORKING_STATUSES.values())))


@dataclass
class DigestItem:
    family_id: int | None
    when: dt.date | dt.datetime | None
    what: str
    obj: object = None
    overdue: bool = False
    reference: str = ""
    url: str = ""  # the record itself, when the item is about one (a draft to sign)

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)


@dataclass
class DigestSection:
    key: str
    title: str
    items: list[DigestItem] = field(default_factory=list)


@dataclass
class Digest:
    user: User
    on: dt.date
    sections: list[DigestSection]

    @property
    def total(self) -> int:
        return sum(len(s.items) for s in self.sections)

    def counts(self) -> dict[str, int]:
        return {s.key: len(s.items) for s in self.sections}


def _section(key: str, title: str, items: list[DigestItem]) -> DigestSection:
    return DigestSection(key=key, title=title, items=items)


def digest_for(user: User, on: dt.date | None = None) -> Digest:
    """What is due for one member of staff, from the families they may see only.

    An ombud's digest covers the families on their case teams; a team lead's adds the
    administration's requests waiting more than 14 days and the ombud over the caseload figure.
    Queries: about ten, whatever the number of families.
    """
    on = on or timezone.localdate()
    team = access.team_family_ids(user)
    open_team = access.visible_families(user).filter(id__in=team, status__in=OPEN_STATUSES)
    start = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    end = start + dt.timedelta(days=1)

    visits = [
        DigestItem(v.family_id, v.starts_at, v.get_kind_display(), v)
        for v in with_family_basis(
            user,
            cm.Visit.objects.filter(
                family_id__in=open_team.values("id"),
                cancelled_at__isnull=True,
                starts_at__gte=start,
                starts_at__lt=end,
            ),
        )
        .annotate(family_reference=F("family__reference"))
        .order_by("starts_at")
    ]

    reached = cm.GoalFollowUp.objects.filter(goal_id=OuterRef("pk"), rating=5)
    goals = []
    for goal in (
        access.visible_goals(user)
        .filter(family_id__in=open_team.values("id"))
        .annotate(
            last_follow_up=Max("follow_ups__date"),
            reached=Exists(reached),
            family_reference=F("family__reference"),
        )
        .filter(reached=False)
        .filter(
            Q(target_date__lte=on + GOAL_TARGET_AHEAD)
            | Q(last_follow_up__lt=on - GOAL_FOLLOW_UP_EVERY)
            | Q(last_follow_up__isnull=True, created_at__lt=start - GOAL_FOLLOW_UP_EVERY)
        )
        .order_by("target_date", "id")
    ):
        due = goal.target_date or (
            (goal.last_follow_up or goal.created_at.date()) + GOAL_FOLLOW_UP_EVERY
        )
        goals.append(DigestItem(goal.family_id, due, str(goal.get_area_display()), goal, due < on))

    plans = [
        DigestItem(
            p.family_id,
            p.next_follow_up_on,
            _("SIP follow-up"),
            p,
            p.next_follow_up_on < on,
        )
        for p in access.with_basis(user, access.visible(user, sm.Plan))
        .filter(
            family_id__in=team,
            status__in=[
                sm.Plan.Status.AGREED,
                sm.Plan.Status.FOLLOW_UP_DUE,
                sm.Plan.Status.FOLLOWED_UP,
            ],
            next_follow_up_on__lte=on + SIP_AHEAD,
        )
        .annotate(family_reference=F("family__reference"))
        .order_by("next_follow_up_on", "id")
    ]

    actions = []
    # The log basis of an action is its process's, as the policy finds it.
    process = access.visible_records(user, nm.NetworkProcess).filter(pk=OuterRef("process_id"))
    for action in (
        nm.Action.objects.filter(
            process__in=access.visible(user, nm.NetworkProcess).filter(family_id__in=team),
            status=nm.Action.Status.OPEN,
            due_on__lte=on + ACTION_AHEAD,
        )
        .annotate(
            access_basis=Subquery(process.values("access_basis")[:1]),
            access_consent_id=Subquery(process.values("access_consent_id")[:1]),
            family_reference=F("process__family__reference"),
        )
        .select_related("process")
        .order_by("due_on", "id")
    ):
        action.family_id = action.process.family_id
        actions.append(
            DigestItem(
                action.family_id, action.due_on, _("Network action"), action, action.due_on < on
            )
        )

    consents = [
        DigestItem(c.family_id, c.valid_until, _("Consent ends"), c)
        for c in expiring_soon(user, days=CONSENT_DAYS)
    ]

    last_contact = (
        cm.JournalEntry.objects.filter(family_id=OuterRef("pk"), event_at__lte=timezone.now())
        .order_by("-event_at")
        .values("event_at")[:1]
    )
    quiet = []
    for family in (
        open_team.annotate(last_contact=Subquery(last_contact))
        .filter(
            Q(last_contact__lt=start - NO_CONTACT)
            | Q(last_contact__isnull=True, request_date__lt=on - NO_CONTACT)
        )
        .order_by("reference")
    ):
        quiet.append(
            DigestItem(family.pk, family.last_contact, _("No contact for 30 days"), family)
        )

    # Drafts not signed a day after they were begun: the user's own, and for a team lead
    # every draft of the administration's families (documentation is due promptly).
    draft_families = (
        access.visible_families(user).filter(owner_id=user.administration_id)
        if access.is_team_lead(user)
        else cm.Family.objects.filter(id__in=team)
    )
    drafts = [
        DigestItem(
            e.family_id,
            e.event_at,
            _("Unsigned draft: %(kind)s") % {"kind": e.get_kind_display()},
            e,
            True,
            url=reverse("cases:journal_edit", args=[e.pk]),
        )
        for e in with_family_basis(
            user,
            access.visible_journal_entries(user).filter(
                family_id__in=draft_families.values("id"),
                signed_at__isnull=True,
                created_at__lt=timezone.now() - DRAFT_DUE,
            ),
        )
        .annotate(family_reference=F("family__reference"))
        .order_by("event_at", "id")
    ]

    sections = [
        _section("unsigned_drafts", _("Drafts not signed within 24 hours"), drafts),
        _section("visits_today", _("Visits today"), visits),
        _section("goal_follow_ups", _("Goal follow-ups due"), goals),
        _section("sip_follow_ups", _("SIP follow-ups due or overdue"), plans),
        _section("network_actions", _("Network actions due"), actions),
        _section("consents_expiring", _("Consents ending within 30 days"), consents),
        _section("no_contact", _("Families without contact for 30 days"), quiet),
    ]
    # Break-the-glass (issue 21): someone opened one of the user's families in an emergency
    # (running, or waiting for the team lead's review).
    emergencies = [
        DigestItem(
            e.family_id,
            e.starts_at,
            _("Emergency access by %(name)s until %(ends)s")
            % {
                "name": e.user.get_full_name() or e.user.username,
                "ends": formats.date_format(timezone.localtime(e.ends_at), "SHORT_DATETIME_FORMAT"),
            },
            e,
        )
        for e in access.emergency_notices_for(user)
    ]
    if emergencies:
        sections.insert(
            0, _section("emergency_access", _("Emergency access to your families"), emergencies)
        )
    if access.is_team_lead(user):  # the administration's waiting list and caseloads
        # Each kind of work counted apart: coordinated support and network work only.
        waiting = {kind: [] for kind in cm.WorkKind.values}
        for f in (
            access.visible_families(user)
            .filter(
                owner_id=user.administration_id,
                status=cm.Family.Status.REQUEST,
                request_date__lt=on - REQUEST_WAITING,
            )
            .order_by("priority", "request_date", "id")
        ):
            waiting[f.kind].append(DigestItem(f.pk, f.request_date, _("Request waiting"), f))
        # The planning figure is for coordinated support (cases.selectors.caseloads).
        over_text = _("%(name)s: %(open)s open families (planning figure %(figure)s)")
        over = [
            DigestItem(
                None,
                None,
                over_text
                % {
                    "name": row["ombud"].get_full_name() or row["ombud"].username,
                    "open": row["open"],
                    "figure": row["figure"],
                },
            )
            for row in caseloads(user)
            if row["over"]
        ]
        sections += [
            _section(
                "requests_waiting",
                _("Requests waiting more than 14 days"),
                waiting[cm.WorkKind.COORDINATED_SUPPORT],
            ),
            _section(
                "network_requests_waiting",
                _("Requests for network work only waiting more than 14 days"),
                waiting[cm.WorkKind.NETWORK_WORK],
            ),
            _section("over_caseload", _("Family ombud over the caseload figure"), over),
        ]
    _attach_references(sections)
    return Digest(user=user, on=on, sections=sections)


def _known_reference(obj) -> str | None:
    """The family's reference code as the item's own query read it (annotated, or the family
    itself, or a consent's family loaded with it)."""
    if isinstance(obj, cm.Family):
        return obj.reference
    if getattr(obj, "family_reference", None):
        return obj.family_reference
    descriptor = getattr(type(obj), "family", None)
    if descriptor is not None and hasattr(descriptor, "is_cached") and descriptor.is_cached(obj):
        return obj.family.reference
    return None


def _attach_references(sections: list[DigestSection]) -> None:
    """Each item's reference code, from the rows already read; one query only for items whose
    query did not bring it."""
    refs = {}
    for item in (i for s in sections for i in s.items if i.family_id and i.obj is not None):
        known = _known_reference(item.obj)
        if known:
            refs[item.family_id] = known
    missing = {i.family_id for s in sections for i in s.items if i.family_id} - set(refs)
    if missing:
        refs.update(cm.Family.objects.filter(id__in=missing).values_list("id", "reference"))
    for section in sections:
        for item in section.items:
            item.reference = refs.get(item.family_id, "")


def digest_logged_objects(digest: Digest) -> list:
    """The records a digest page shows, for the access log (one row each)."""
    return [item.obj for section in digest.sections for item in section.items if item.obj]


def digest_email(digest: Digest, *, site_url: str) -> tuple[str, str]:
    """Subject and body: counts, reference codes and a link; never names or case text."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Familjelotsen: %(n)s things to look at today") % {"n": digest.total}
        lines = [
            _("Good morning! This is what is due on %(day)s.")
            % {"day": formats.date_format(digest.on, "l j F")},
            "",
        ]
        for section in digest.sections:
            if not section.items:
                continue
            refs = sorted({i.reference for i in section.items if i.reference})
            line = f"{section.title}: {len(section.items)}"
            if refs:
                line += " (" + ", ".join(refs[:20]) + (", …" if len(refs) > 20 else "") + ")"
            lines.append(line)
        lines += ["", _("Open the list: %(url)s") % {"url": site_url + reverse("agenda:digest")}]
    return str(subject), "\n".join(str(x) for x in lines) + "\n"


def digest_recipients() -> QuerySet:
    return User.objects.filter(
        is_active=True,
        administration__isnull=False,
        role__in=access.PLANNING_ROLES,
    ).order_by("pk")


def digest_send(*, user_id: int, on: dt.date) -> cm.DigestDelivery | None:
    """Send one user's digest for a day, at most once (the row is locked while sending).

    A failure is recorded with its reason and may be retried; a sent digest never goes again.
    """
    user = digest_recipients().filter(pk=user_id).first()
    if user is None:  # left, deactivated or no longer in a role with a digest
        return None
    try:
        with transaction.atomic():
            cm.DigestDelivery.objects.get_or_create(user=user, on=on)
    except IntegrityError:  # a concurrent run created it first
        pass
    with transaction.atomic():
        delivery = cm.DigestDelivery.objects.select_for_update().get(user=user, on=on)
        if delivery.status not in (
            cm.DigestDelivery.Status.PENDING,
            cm.DigestDelivery.Status.FAILED,
        ):
            return delivery
        digest = digest_for(user, on)
        delivery.counts = digest.counts()
        delivery.attempts += 1
        if not user.email:
            delivery.status = cm.DigestDelivery.Status.NO_ADDRESS
        elif digest.total == 0:
            delivery.status = cm.DigestDelivery.Status.NOTHING_DUE
        else:
            subject, body = digest_email(digest, site_url=site_url())
            try:
                send_mail(subject, body, None, [user.email], fail_silently=False)
            except Exception as exc:  # SMTP, DNS, refused: kept for the retry button
                delivery.status = cm.DigestDelivery.Status.FAILED
                delivery.failure_reason = f"{type(exc).__name__}"[:300]
            else:
                delivery.status = cm.DigestDelivery.Status.SENT
                delivery.sent_at = timezone.now()
                delivery.failure_reason = ""
                families = {i.family_id for s in digest.sections for i in s.items if i.family_id}
                for family in access.visible_families(user).filter(id__in=families):
                    log_access(
                        user=user,
                        action=Action.EXPORT,
                        obj=family,
                        basis=family.access_basis,
                        consent_id=family.access_consent_id,
                    )
        delivery.save()
        return delivery


def digest_retry_check(*, delivery: cm.DigestDelivery) -> None:
    """A digest may be sent again only after it failed (`agenda.tasks.digest_retry` queues it)."""
    if delivery.status != cm.DigestDelivery.Status.FAILED:
        raise ReminderError(_("Only a failed digest can be sent again."))
