"""Every write of the referrals app: saving and sending a request, the team's decision, and
the team's school-responsible member.

Accepting a request makes the family the way the team would register it by hand: the
request (`cases.services.family_create_from_request`) with its kind of work, the members, and
one consent per person from the attached form (`consent.services.consent_register`, the
scan copied onto each): so the consent drives the shares exactly as a consent the team
registers (`access.family_derive`). Consent is the only road between administrations: the
referrer's administration sees what the form's consents cover, nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import models as cm
from cases import services as case_services
from cases.personnummer import PersonnummerError, parse
from consent import services as consent_services
from familjelotsen import access
from familjelotsen.audit import log_access
from familjelotsen.models import AccessLogEntry, Administration, User
from familjelotsen.versioning import save_versioned
from referrals.models import TRANSITIONS, Referral, ReferralPerson, SchoolContact

Action = AccessLogEntry.Action
Status = Referral.Status
PersonKind = ReferralPerson.Kind
# The form has the child and up to two custodians: its field prefixes by (kind, position).
PREFIXES = {(PersonKind.CHILD, 0): "child", (PersonKind.CUSTODIAN, 0): "c1"}
PREFIXES[(PersonKind.CUSTODIAN, 1)] = "c2"


@dataclass(frozen=True)
class PersonInput:
    kind: str
    position: int
    first_name: str = ""
    last_name: str = ""
    personal_number: str = ""  # 12 digits, or "" when not given
    signed_consent: bool = False

    @property
    def prefix(self) -> str:
        return PREFIXES[(self.kind, self.position)]

    @property
    def given(self) -> bool:
        return bool(self.first_name or self.last_name or self.personal_number)


# --- Saving and sending -------------------------------------------------------------------------


def send_errors(
    *,
    people: Sequence[PersonInput],
    about: str,
    has_scan: bool,
    consent_signed_on: dt.date | None,
    consent_valid_until: dt.date | None,
    consent_receiving: Sequence[Administration],
    consent_categories: Sequence[str],
    child_view: str,
    today: dt.date,
) -> dict[str, list]:
    """What a request needs before it is sent: the family as the referrer knows it, what
    the help is about and, when the consent form is attached, what the form covers."""
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    by_prefix = {p.prefix: p for p in people}
    child = by_prefix.get("child") or PersonInput(PersonKind.CHILD, 0)
    if not child.first_name:
        add("child_first_name", _("Give the child's first name."))
    if not child.last_name:
        add("child_last_name", _("Give the child's last name."))
    if not child.personal_number:
        add("child_personal_number", _("Give the child's personal identity number."))
    first = by_prefix.get("c1") or PersonInput(PersonKind.CUSTODIAN, 0)
    for person in [first, by_prefix.get("c2")]:
        if person is None or (person.prefix == "c2" and not person.given):
            continue
        if not person.first_name:
            add(f"{person.prefix}_first_name", _("Give the custodian's first name."))
        if not person.last_name:
            add(f"{person.prefix}_last_name", _("Give the custodian's last name."))
        if not person.personal_number:
            add(
                f"{person.prefix}_personal_number",
                _("Give the custodian's personal identity number."),
            )
    if not about.strip():
        add("about", _("Describe what the family needs help with."))
    if not has_scan:
        return errors
    # The consent form is attached: what it covers must be said, as on a consent the team
    # registers (DOMAIN §2.3: which parties, which information, how long).
    if consent_signed_on is None:
        add("consent_signed_on", _("Give the date the consent form was signed."))
    elif consent_signed_on > today:
        add("consent_signed_on", _("A consent cannot be dated in the future."))
    if consent_valid_until is None:
        add("consent_valid_until", _("A consent must have an end date."))
    elif consent_valid_until < today:
        add("consent_valid_until", _("The consent form has already run out."))
    elif consent_signed_on and consent_valid_until < consent_signed_on:
        add("consent_valid_until", _("The end date cannot be before the start date."))
    if not consent_receiving:
        add(
            "consent_receiving",
            _("Choose the administrations the family agreed may receive information."),
        )
    if not consent_categories:
        add("consent_categories", _("Choose at least one kind of information the consent covers."))
    if not any(p.signed_consent and p.given for p in people if p.kind == PersonKind.CUSTODIAN):
        add("c1_signed_consent", _("Tick each custodian who signed the consent form."))
    if not child_view.strip():
        add(
            "child_view",
            _("Note the child's age and maturity and how the child's view was heard."),
        )
    return errors


def _store_scan(referral: Referral, scan: UploadedFile) -> None:
    try:
        content_type = consent_services.validate_scan(scan)
    except ValidationError as error:
        raise ValidationError({"scan": error.messages}) from None
    referral.scan.save(f"scan.{consent_services.SCAN_TYPES[content_type]}", scan, save=False)
    referral.scan_content_type = content_type


FIELDS = (
    "team",
    "kind",
    "about",
    "school",
    "referrer_phone",
    "consent_signed_on",
    "consent_valid_until",
    "consent_categories",
    "child_view",
)


@transaction.atomic
def referral_save(
    *,
    by: User,
    referral: Referral | None = None,
    expected_version: int | None = None,
    send: bool = False,
    team: Administration,
    kind: str,
    people: Sequence[PersonInput],
    about: str = "",
    school: str = "",
    referrer_phone: str = "",
    scan: UploadedFile | None = None,
    consent_signed_on: dt.date | None = None,
    consent_valid_until: dt.date | None = None,
    consent_receiving: Sequence[Administration] = (),
    consent_categories: Sequence[str] = (),
    child_view: str = "",
    request=None,
) -> Referral:
    """Save the referrer's request as a draft, or send it (`send`) to the team. A sent
    request may still be changed until the team decides (the consent form attached later).
    Raises ValidationError per field (the form's field names)."""
    if not access.files_referrals(by):
        raise ValidationError(_("Only a referrer writes requests to the team."))
    if team not in access.referral_teams():
        raise ValidationError({"team": _("Choose a team from the list.")})
    if referral is not None and referral.referrer_id != by.pk:
        raise ValidationError(_("Only the referrer who wrote the request changes it."))
    if referral is not None and not referral.is_open:
        raise ValidationError(_("The team has decided on this request: it can no longer change."))
    sending = send or (referral is not None and referral.status == Status.SENT)
    if sending:
        errors = send_errors(
            people=people,
            about=about,
            has_scan=scan is not None or bool(referral and referral.scan),
            consent_signed_on=consent_signed_on,
            consent_valid_until=consent_valid_until,
            consent_receiving=consent_receiving,
            consent_categories=consent_categories,
            child_view=child_view,
            today=timezone.localdate(),
        )
        if errors:
            raise ValidationError(errors)
    values = {
        "team": team,
        "kind": kind,
        "about": about.strip(),
        "school": school.strip(),
        "referrer_phone": referrer_phone.strip(),
        "consent_signed_on": consent_signed_on,
        "consent_valid_until": consent_valid_until,
        "consent_categories": list(dict.fromkeys(consent_categories)),
        "child_view": child_view.strip(),
    }
    now = timezone.now()
    if referral is None:
        referral = Referral(referrer=by, administration_id=by.administration_id, **values)
        if scan is not None:
            _store_scan(referral, scan)
        if send:
            referral.status, referral.sent_at = Status.SENT, now
        referral.save()
        action = Action.CREATE
    else:
        for name, value in values.items():
            setattr(referral, name, value)
        fields = list(FIELDS)
        if scan is not None:
            _store_scan(referral, scan)
            fields += ["scan", "scan_content_type"]
        if send and referral.status == Status.DRAFT:
            referral.status, referral.sent_at = Status.SENT, now
            fields += ["status", "sent_at"]
        save_versioned(
            referral,
            expected_version=expected_version,
            fields=fields,
            only_if={"status__in": [Status.DRAFT, Status.SENT]},
        )
        action = Action.CHANGE
    referral.consent_receiving.set(consent_receiving)
    referral.people.all().delete()
    ReferralPerson.objects.bulk_create(
        ReferralPerson(
            referral=referral,
            kind=p.kind,
            position=p.position,
            first_name=p.first_name.strip(),
            last_name=p.last_name.strip(),
            personal_number=p.personal_number,
            signed_consent=p.signed_consent and p.kind == PersonKind.CUSTODIAN,
        )
        for p in people
        if p.given or p.prefix != "c2"
    )
    log_access(
        user=by,
        action=action,
        obj=referral,
        basis=AccessLogEntry.Basis.REFERRER,
        request=request,
    )
    return referral


# --- The team's decision ------------------------------------------------------------------------


def _decider_basis(by: User, referral: Referral) -> str:
    """The access-log basis of the one deciding; refused unless the policy lets them decide."""
    found = access.visible_referrals(by).filter(pk=referral.pk).first()
    can = access.referral_permissions(found) if found is not None else None
    if can is None or not can.decide:
        raise PermissionDenied(_("Only the team that received the request decides on it."))
    return can.basis


def _locked_sent(referral: Referral, expected_version: int | None) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != Status.SENT or (
        expected_version is not None and locked.version != expected_version
    ):
        raise ValidationError(
            _("Someone else decided or changed this request while you were reading it.")
        )
    return locked


def accept_refusal(referral: Referral, today: dt.date | None = None) -> str | None:
    """Why the request cannot be accepted (yet), in words for the team lead."""
    today = today or timezone.localdate()
    if not referral.scan:
        return _(
            "The request has no signed consent form: it can be accepted once the referrer has "
            "attached it. Without the family's consent nothing of the case may be shared with "
            "the administration that sent it."
        )
    if referral.consent_valid_until is None or referral.consent_valid_until < today:
        return _("The consent form has run out: ask the referrer for a new one.")
    if _child_already_in_team(referral):
        return _(
            "The child already has an open family in the team: a second one would split the "
            "records. Decline this request (saying so to the referrer) and add what it brings "
            "to the family the team already has."
        )
    return None


def _child_already_in_team(referral: Referral) -> bool:
    """The request's child is a member of an open family the receiving team already holds
    (its own administration's families only: another administration's are not the team's to
    know of)."""
    numbers = [
        p.personal_number
        for p in referral.people.all()
        if p.kind == PersonKind.CHILD and p.personal_number
    ]
    if not numbers:
        return False
    return (
        cm.Member.objects.filter(
            personal_number__in=numbers,
            family__owner_id=referral.team_id,
            family__anonymised_at__isnull=True,
        )
        .exclude(family__status__in=cm.CLOSED_STATUSES)
        .exists()
    )


def _person_fields(person: ReferralPerson, kind: str) -> dict:
    parsed = parse(person.personal_number)
    return {
        "kind": kind,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "id_type": (
            cm.Member.IdType.SAMORDNINGSNUMMER
            if parsed.is_coordination_number
            else cm.Member.IdType.PERSONNUMMER
        ),
        "personal_number": parsed.digits,
        "birth_date": parsed.birth_date,
    }


@transaction.atomic
def referral_accept(
    *, referral: Referral, by: User, expected_version: int | None = None, request=None
) -> cm.Family:
    """Accept a sent request into the waiting list: the family (with its kind of work), its
    members, and the consents of the attached form, which derive the shares."""
    basis = _decider_basis(by, referral)
    locked = _locked_sent(referral, expected_version)
    refusal = accept_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    people = list(locked.people.all())
    from_social_services = locked.administration.kind == Administration.Kind.SOCIAL_SERVICES
    known = cm.Eligibility.Criterion.KNOWN_TO_SOCIAL_SERVICES
    referrer = locked.referrer
    contact = ", ".join(
        part for part in (referrer.get_full_name(), referrer.title, locked.referrer_phone) if part
    )
    family = case_services.family_create_from_request(
        by=by,
        requesting_administration=locked.administration,
        request_date=timezone.localtime(locked.sent_at).date(),
        requesting_contact=contact[:120],
        background=locked.about,
        eligibility=(
            {known: (cm.Eligibility.Answer.YES, _("Request from social services."))}
            if from_social_services
            else None
        ),
        kind=locked.kind,
        # Network work starts as a service; the team lead marks it decided on the family
        # once social services' decision comes (it then moves up the waiting list).
        provision=cm.Provision.SERVICE if locked.kind == cm.WorkKind.NETWORK_WORK else "",
    )
    try:
        custodians = [
            (
                p,
                case_services.member_create(
                    family=family, by=by, **_person_fields(p, cm.Member.Kind.CUSTODIAN)
                ),
            )
            for p in people
            if p.kind == PersonKind.CUSTODIAN
        ]
        child_row = next(p for p in people if p.kind == PersonKind.CHILD)
        child = case_services.member_create(
            family=family,
            by=by,
            custodians=[m for _p, m in custodians],
            school=locked.school,
            **_person_fields(child_row, cm.Member.Kind.CHILD),
        )
    except (PersonnummerError, StopIteration) as exc:
        raise ValidationError(_("The request's people are incomplete: %s") % exc) from None
    signed = [m for p, m in custodians if p.signed_consent]
    receiving = list(locked.consent_receiving.all())
    disclosing = list(dict.fromkeys([family.owner, locked.administration]))
    purpose = _(
        "Coordination of the support for the family within Familjelotsen, after the request "
        "from %(administration)s."
    ) % {"administration": locked.administration.name}
    handle = locked.scan.open("rb")
    try:
        scan = File(handle, name=f"scan.{consent_services.SCAN_TYPES[locked.scan_content_type]}")
        for subject, signatures in [(child, signed), *[(m, [m]) for m in signed]]:
            scan.seek(0)
            consent_services.consent_register(
                family=family,
                subject=subject,
                registered_by=by,
                receiving=receiving,
                disclosing=disclosing,
                categories=locked.consent_categories,
                purpose=purpose,
                valid_from=locked.consent_signed_on,
                valid_until=locked.consent_valid_until,
                signatures=[
                    consent_services.SignatureInput(s, locked.consent_signed_on) for s in signatures
                ],
                child_maturity_note=locked.child_view if subject.is_child else "",
                scan=scan,
                request=request,
            )
    except ValidationError as exc:
        raise ValidationError(
            _("The consent form cannot be registered as it is: %s") % " ".join(exc.messages)
        ) from None
    finally:
        handle.close()
    _decide(locked, by=by, status=Status.ACCEPTED, family=family)
    referral.status, referral.family = locked.status, family
    log_access(user=by, action=Action.CHANGE, obj=locked, basis=basis, request=request)
    return family


@transaction.atomic
def referral_decline(
    *,
    referral: Referral,
    by: User,
    reason: str,
    expected_version: int | None = None,
    request=None,
) -> Referral:
    """Decline a sent request; the referrer sees the reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason: the referrer will read it.")})
    basis = _decider_basis(by, referral)
    locked = _locked_sent(referral, expected_version)
    _decide(locked, by=by, status=Status.DECLINED, reason=reason.strip())
    referral.status = locked.status
    log_access(user=by, action=Action.CHANGE, obj=locked, basis=basis, request=request)
    return locked


@transaction.atomic
def referral_withdraw(
    *, referral: Referral, by: User, expected_version: int | None = None, request=None
) -> Referral:
    """The referrer takes back a sent request before the team decided (sent by mistake, or
    the family changed its mind): it leaves the team's waiting list, and stays on the
    referrer's list as withdrawn."""
    found = access.visible_referrals(by).filter(pk=referral.pk).first()
    can = access.referral_permissions(found) if found is not None else None
    if can is None or not can.withdraw:
        raise PermissionDenied(_("Only the one who wrote the request takes it back."))
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if Status.WITHDRAWN not in TRANSITIONS[locked.status] or (
        expected_version is not None and locked.version != expected_version
    ):
        raise ValidationError(
            _("The team has decided this request already, or it was changed meanwhile.")
        )
    save_versioned(locked, expected_version=locked.version, fields={"status": Status.WITHDRAWN})
    referral.status = locked.status
    log_access(user=by, action=Action.CHANGE, obj=locked, basis=can.basis, request=request)
    return locked


def _decide(referral: Referral, *, by: User, status: str, family=None, reason: str = "") -> None:
    if status not in TRANSITIONS[referral.status]:
        raise ValidationError(_("This request cannot change that way."))
    referral.status = status
    referral.decided_at = timezone.now()
    referral.decided_by = by
    referral.decline_reason = reason
    referral.family = family
    referral.version += 1
    referral.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "decline_reason",
            "family",
            "version",
            "updated_at",
        ]
    )


# --- The team's school-responsible member ------------------------------------------------------


@transaction.atomic
def school_contact_set(*, by: User, member: User | None) -> SchoolContact | None:
    """The team lead names (or, with None, removes) the team's school-responsible member."""
    if not access.sets_school_contact(by):
        raise ValidationError(_("Only the team lead names the school-responsible member."))
    if member is None:
        SchoolContact.objects.filter(team_id=by.administration_id).delete()
        return None
    if not access.school_contact_candidates(by).filter(pk=member.pk).exists():
        raise ValidationError({"member": _("Choose an active family ombud of your team.")})
    contact, _created = SchoolContact.objects.update_or_create(
        team_id=by.administration_id, defaults={"member": member, "set_by": by}
    )
    return contact
