"""Every write of the consent app: registering, signing, revoking, expiring and the signed scan.

A consent decides access (SPEC §3.3). Shares are derived, never accumulated: registering,
starting, revoking or expiring a consent re-derives the family's shares and grants from their
sources (`access.family_derive`, also behind `access.apply_default_shares` and
`access.reconcile_shares`), in the same transaction. Nothing is deleted: the records stay with
their owner, and the consent's history is kept by pghistory triggers.

The access-log basis of a change is the policy's: the basis the view's lookup annotated on the
consent, or the acting person's permissions on the family.

Written consents may be registered before the signed scan is uploaded. The ombud takes the
signature at the home visit and scans it back at the office; refusing the registration until
then would leave the family without the coordination they just agreed to. The consent shows
"scan missing" until the scan is attached (`consent_attach_scan`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import puremagic
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Family, InfoCategory, Member
from consent.models import Consent, ConsentSignature, Share
from familjelotsen import access
from familjelotsen.audit import log_access
from familjelotsen.models import AccessLogEntry, Administration, User

Action = AccessLogEntry.Action
Basis = AccessLogEntry.Basis
Capacity = ConsentSignature.Capacity

# --- The signed scan --------------------------------------------------------------------------

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# Our own check, used when puremagic cannot tell and required to agree when it can: the
# signature must open the file (a viewer would otherwise treat it as something else).
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_SNIFF_BYTES = 8192


def sniff_scan_type(head: bytes) -> str | None:
    """The content type of a scan judged by its bytes (never its name), or None if refused."""
    own = next((mime for signature, mime in _SIGNATURES if head.startswith(signature)), None)
    if own is None:
        return None
    try:
        found = {match.mime_type for match in puremagic.magic_string(head)}
    except puremagic.PureError:
        # puremagic knows nothing of it; our signature check alone decides.
        return own
    return own if own in found else None


def validate_scan(file: UploadedFile) -> str:
    """Check an uploaded scan; return its sniffed content type or raise a ValidationError
    whose message is meant for the field."""
    size = getattr(file, "size", None) or 0
    if size <= 0:
        raise ValidationError(
            _("The file is empty. Choose the scanned, signed consent form."), code="empty"
        )
    if size > MAX_SCAN_BYTES:
        raise ValidationError(
            _("The file is larger than %(max)d MB. Scan it at a lower resolution and try again."),
            code="too_large",
            params={"max": MAX_SCAN_BYTES // (1024 * 1024)},
        )
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    content_type = sniff_scan_type(head)
    if content_type is None:
        raise ValidationError(
            _(
                "Only PDF, JPEG or PNG files can be uploaded, and this file's content is none "
                "of them (whatever its name says)."
            ),
            code="file_type",
        )
    return content_type


def _store_scan(consent: Consent, file: UploadedFile) -> None:
    content_type = validate_scan(file)
    # The name is random (scan_upload_to); the original file name is never kept. A replaced
    # scan stays on disk: the history still names it and nothing of a consent is deleted.
    consent.scan.save(f"scan.{SCAN_TYPES[content_type]}", file, save=False)
    consent.scan_content_type = content_type


# --- Registering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureInput:
    """One person's consent: the adult for themselves, or one custodian for a child."""

    signer: Member
    signed_on: dt.date


def _basis(by: User, obj) -> str:
    return access.acting_basis(by, obj)


def _err(field: str, message) -> ValidationError:
    return ValidationError({field: message})


def _validate_register(
    *,
    family: Family,
    subject: Member,
    receiving: Sequence[Administration],
    disclosing: Sequence[Administration],
    categories: Sequence[str],
    purpose: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    form: str,
    signatures: Sequence[SignatureInput],
    child_maturity_note: str,
    oral_taken_by: User | None,
    oral_wording: str,
    scan: UploadedFile | None,
    today: dt.date,
) -> dict:
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if subject.family_id != family.pk:
        add("subject", _("The person is not a member of this family."))
    if valid_until is None:
        add("valid_until", _("A consent must have an end date."))
    if valid_from is None:
        add("valid_from", _("Give the date the consent is valid from."))
    if valid_from and valid_until and valid_until < valid_from:
        add("valid_until", _("The end date cannot be before the start date."))
    if not categories:
        add("categories", _("Choose at least one kind of information the consent covers."))
    unknown = [c for c in categories if c not in InfoCategory.values]
    if unknown:
        add("categories", _("Choose kinds of information from the list."))
    if not purpose.strip():
        add("purpose", _("Describe the purpose of the information exchange."))
    receivers = [a for a in receiving if a.pk != family.owner_id]
    if not receivers:
        add(
            "receiving",
            _(
                "Choose at least one administration, other than the one holding the case, that "
                "may receive information."
            ),
        )
    if not disclosing:
        add("disclosing", _("Choose at least one administration that may disclose information."))
    if form not in Consent.Form.values:
        add("form", _("Choose how the consent was given."))
    if form == Consent.Form.ORAL:
        if oral_taken_by is None:
            add("oral_taken_by", _("Say who took the oral consent."))
        if not oral_wording.strip():
            add("oral_wording", _("Write down the wording of the oral consent."))
        if scan is not None:
            add("scan", _("An oral consent has no signed form: leave the file out."))

    custodian_ids = set(subject.custodians.values_list("id", flat=True))
    custody = ""
    signers = [s.signer.pk for s in signatures]
    if len(signers) != len(set(signers)):
        add("signatures", _("Each person can consent only once."))
    for signature in signatures:
        if signature.signed_on is None:
            add("signatures", _("Give the date of each person's consent."))
        elif signature.signed_on > today:
            add("signatures", _("A consent cannot be dated in the future."))
    if subject.is_child:
        custody = Consent.Custody.JOINT if len(custodian_ids) >= 2 else Consent.Custody.SOLE
        if not custodian_ids:
            add(
                "signatures",
                _(
                    "Register the child's custodians on the family first: for a child the "
                    "custodians give the consent."
                ),
            )
        elif not signatures:
            add("signatures", _("At least one custodian must have consented."))
        elif any(s.signer.pk not in custodian_ids for s in signatures):
            add("signatures", _("Only the child's custodians can consent for the child."))
        if not child_maturity_note.strip():
            add(
                "child_maturity_note",
                _("Note the child's age and maturity and how the child's view was heard."),
            )
    elif [s.signer.pk for s in signatures] != [subject.pk]:
        add("signatures", _("An adult consents for themselves: give the date of the consent."))

    if errors:
        raise ValidationError(errors)
    return {"custody": custody, "receivers": receivers}


@transaction.atomic
def consent_register(
    *,
    family: Family,
    subject: Member,
    registered_by: User,
    receiving: Sequence[Administration],
    categories: Sequence[str],
    purpose: str,
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    signatures: Sequence[SignatureInput],
    disclosing: Sequence[Administration] | None = None,
    not_covered: str = "",
    form: str = Consent.Form.WRITTEN,
    child_view: str = "",
    child_maturity_note: str = "",
    oral_taken_by: User | None = None,
    oral_wording: str = "",
    scan: UploadedFile | None = None,
    request=None,
) -> Consent:
    """Register one data subject's consent and apply the default shares it allows.

    Raises ValidationError with messages per field (field names as in ConsentForm; signature
    problems under "signatures")."""
    today = timezone.localdate()
    disclosing = list(disclosing) if disclosing else [family.owner]
    checked = _validate_register(
        family=family,
        subject=subject,
        receiving=receiving,
        disclosing=disclosing,
        categories=categories,
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        form=form,
        signatures=signatures,
        child_maturity_note=child_maturity_note,
        oral_taken_by=oral_taken_by,
        oral_wording=oral_wording,
        scan=scan,
        today=today,
    )
    consent = Consent(
        family=family,
        owner=family.owner,
        subject=subject,
        categories=list(dict.fromkeys(categories)),
        not_covered=not_covered.strip(),
        purpose=purpose.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        form=form,
        oral_taken_by=oral_taken_by if form == Consent.Form.ORAL else None,
        oral_wording=oral_wording.strip() if form == Consent.Form.ORAL else "",
        child_view=child_view.strip() if subject.is_child else "",
        child_maturity_note=child_maturity_note.strip() if subject.is_child else "",
        custody=checked["custody"],
        registered_by=registered_by,
    )
    if scan is not None:
        try:
            _store_scan(consent, scan)
        except ValidationError as error:
            raise ValidationError({"scan": error.messages}) from None
    consent.save()
    consent.receiving.set(checked["receivers"])
    consent.disclosing.set(disclosing)
    capacity = Capacity.CUSTODIAN if subject.is_child else Capacity.SELF
    ConsentSignature.objects.bulk_create(
        ConsentSignature(consent=consent, signer=s.signer, capacity=capacity, signed_on=s.signed_on)
        for s in signatures
    )
    log_access(
        user=registered_by,
        action=Action.CREATE,
        obj=consent,
        basis=_basis(registered_by, family),
        request=request,
    )
    if consent.is_active(today):
        # A consent registered in advance is derived on its first day (consent_start_due).
        access.apply_default_shares(consent=consent, by=registered_by, request=request)
    return consent


def _check_version(consent: Consent, expected_version: int | None) -> None:
    if expected_version is not None and consent.version != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this consent while you were working. Reload the page to "
                "see their change; what you typed is kept below."
            ),
            code="conflict",
        )


def _lock(consent: Consent) -> Consent:
    return Consent.objects.select_for_update().get(pk=consent.pk)


def _bump(consent: Consent, fields: Iterable[str]) -> None:
    """Save the changed fields with the next version (optimistic locking)."""
    consent.version += 1
    consent.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def consent_signature_add(
    *,
    consent: Consent,
    signer: Member,
    signed_on: dt.date,
    by: User,
    expected_version: int | None = None,
    request=None,
) -> ConsentSignature:
    """The other custodian signs later (joint custody): add their consent to the record."""
    locked = _lock(consent)
    _check_version(locked, expected_version)
    if locked.revoked_on is not None:
        raise ValidationError(_("The consent has been revoked; register a new one."))
    subject = locked.subject
    if not subject.is_child:
        raise _err("signer", _("An adult consents for themselves only."))
    if not subject.custodians.filter(pk=signer.pk).exists():
        raise _err("signer", _("Only the child's custodians can consent for the child."))
    if locked.signatures.filter(signer=signer).exists():
        raise _err("signer", _("This custodian's consent is already registered."))
    if signed_on is None or signed_on > timezone.localdate():
        raise _err("signed_on", _("A consent cannot be dated in the future."))
    signature = ConsentSignature.objects.create(
        consent=locked, signer=signer, capacity=Capacity.CUSTODIAN, signed_on=signed_on
    )
    _bump(locked, [])
    consent.refresh_from_db()
    log_access(
        user=by, action=Action.CHANGE, obj=locked, basis=_basis(by, consent), request=request
    )
    return signature


@transaction.atomic
def consent_attach_scan(
    *,
    consent: Consent,
    file: UploadedFile,
    by: User,
    expected_version: int | None = None,
    request=None,
) -> Consent:
    locked = _lock(consent)
    _check_version(locked, expected_version)
    if locked.form != Consent.Form.WRITTEN:
        raise _err("scan", _("An oral consent has no signed form."))
    try:
        _store_scan(locked, file)
    except ValidationError as error:
        raise ValidationError({"scan": error.messages}) from None
    _bump(locked, ["scan", "scan_content_type"])
    consent.refresh_from_db()
    log_access(
        user=by, action=Action.CHANGE, obj=locked, basis=_basis(by, consent), request=request
    )
    return consent


@transaction.atomic
def consent_revoke(
    *,
    consent: Consent,
    by: User,
    revoked_on: dt.date,
    how: str,
    reason: str,
    expected_version: int | None = None,
    request=None,
) -> int:
    """Record the revocation and withdraw, in this transaction, every share the family's
    consents no longer cover. Returns the number of shares withdrawn."""
    locked = _lock(consent)
    _check_version(locked, expected_version)
    errors: dict[str, list] = {}
    if locked.revoked_on is not None:
        raise ValidationError(_("The consent has already been revoked."), code="revoked")
    if revoked_on is None:
        errors["revoked_on"] = [_("Give the date the consent was revoked.")]
    elif revoked_on > timezone.localdate():
        # A revocation is the person's word now; one "from next month" would leave access in
        # place that the person has taken back.
        errors["revoked_on"] = [
            _("A revocation takes effect at once: it cannot be dated in the future.")
        ]
    if not how.strip():
        errors["how"] = [_("Say how the consent was revoked (e.g. by phone, in writing).")]
    if not reason.strip():
        errors["reason"] = [_("Record the reason given for the revocation.")]
    if errors:
        raise ValidationError(errors)
    locked.revoked_on = revoked_on
    locked.revoked_how = how.strip()[:120]
    locked.revoked_by = by
    locked.revoke_reason = reason.strip()
    _bump(locked, ["revoked_on", "revoked_how", "revoked_by", "revoke_reason"])
    consent.refresh_from_db()
    log_access(
        user=by, action=Action.CHANGE, obj=locked, basis=_basis(by, consent), request=request
    )
    return access.reconcile_shares(family_id=locked.family_id, reason="consent revoked", by=by)


def families_with_lapsed_shares(on: dt.date):
    """Families with an active share resting on a consent that no longer holds on `on`."""
    lapsed = Q(consents__valid_until__lt=on) | Q(consents__revoked_on__isnull=False)
    return (
        Share.objects.filter(withdrawn_at__isnull=True)
        .filter(lapsed)
        .values_list("family_id", flat=True)
        .distinct()
    )


def consent_start_due(*, on: dt.date | None = None) -> int:
    """Derive the shares of consents that begin later than they were registered (registered
    in advance) once their first day has come: `access.family_derive` for each family with
    such a consent. A daily job, not a person: the Share rows' history keeps what it did.
    Returns how many consents started."""
    on = on or timezone.localdate()
    due = list(
        Consent.objects.active(on)
        .filter(shares__isnull=True, valid_from__gt=F("created_at__date"))
        .values_list("family_id", flat=True)
    )
    for family_id in sorted(set(due)):
        with transaction.atomic():
            access.family_derive(family=family_id, on=on)
    return len(due)


def consent_expire_due(*, on: dt.date | None = None) -> int:
    """Withdraw the shares whose consents have run out (the daily `expire_consents`):
    `access.family_derive` for each family with a share resting on a lapsed consent.

    Reads already ignore them (the grants carry the consent's end date); this makes the share
    rows and the grants say so too. One transaction per family, so one family's trouble does
    not hold back the others. Returns the number of shares withdrawn."""
    on = on or timezone.localdate()
    withdrawn = 0
    for family_id in list(families_with_lapsed_shares(on)):
        with transaction.atomic():
            withdrawn += access.family_derive(family=family_id, on=on, reason="consent expired")
    return withdrawn


def consents_on_date(*, on: dt.date | None = None) -> int:
    """The daily consent job (the schedule, `manage.py expire_consents`): withdraw the shares
    of consents that ran out and start those registered in advance whose first day has come.
    Returns the number of shares withdrawn and consents started."""
    on = on or timezone.localdate()
    return consent_expire_due(on=on) + consent_start_due(on=on)
