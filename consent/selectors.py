"""Every read of the consent app that a page shows. Each starts from the access module's
visibility filter and owns its select_related/prefetch_related, so page query counts stay
fixed whatever the data size.

Three of them are integration points for pages outside this app (the family page, the record
pages with share buttons, "Mina familjer"): `family_panel`, `share_options`, `expiring_soon`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import labels as member_labels
from cases import models as cm
from cases.personnummer import format_full, format_masked
from consent.models import Consent, ConsentSignature, Share
from familjelotsen import access, memo
from familjelotsen.models import Administration, User

EXPIRING_DAYS = 30


class Status:
    PENDING = "pending"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATUS_LABELS = {
    Status.PENDING: gettext_lazy("Not yet valid"),
    Status.ACTIVE: gettext_lazy("Active"),
    Status.EXPIRING: gettext_lazy("Expiring soon"),
    Status.EXPIRED: gettext_lazy("Expired"),
    Status.REVOKED: gettext_lazy("Revoked"),
}
STATUS_BADGES = {
    Status.PENDING: "",
    Status.ACTIVE: "badge--ok",
    Status.EXPIRING: "badge--warn",
    Status.EXPIRED: "badge--error",
    Status.REVOKED: "badge--error",
}


def consent_status(consent: Consent, on: dt.date | None = None) -> str:
    on = on or timezone.localdate()
    if consent.revoked_on is not None:
        return Status.REVOKED
    if consent.valid_until < on:
        return Status.EXPIRED
    if consent.valid_from > on:
        return Status.PENDING
    if consent.valid_until <= on + dt.timedelta(days=EXPIRING_DAYS):
        return Status.EXPIRING
    return Status.ACTIVE


def _decorate(consent: Consent, on: dt.date) -> Consent:
    consent.status = consent_status(consent, on)
    consent.status_label = str(STATUS_LABELS[consent.status])
    consent.status_badge = STATUS_BADGES[consent.status]
    consent.partial_custody = consent.only_one_custodian_signed
    consent.days_left = (consent.valid_until - on).days
    consent.categories_display = ", ".join(
        str(cm.InfoCategory(c).label) for c in consent.categories if c in cm.InfoCategory
    )
    consent.scan_missing = consent.form == Consent.Form.WRITTEN and not consent.scan
    consent.subject_name = (
        str(consent.subject) if consent.subject_identity_visible else _("Protected identity")
    )
    return consent


def _annotated(user, qs: QuerySet, *, receiving: bool = True) -> QuerySet:
    """Consents with what lists show: the partial-custody count and whether the subject's
    identity may be shown (protected identity is masked outside the case team), and the
    receiving administrations (`receiving`: prefetched; otherwise the names only, as
    `receiving_names`, in the same statement)."""
    signed = (
        ConsentSignature.objects.filter(
            consent_id=OuterRef("pk"), capacity=ConsentSignature.Capacity.CUSTODIAN
        )
        .order_by()
        .values("consent_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = qs.annotate(
        custodian_signatures=models.functions.Coalesce(Subquery(signed), 0),
        subject_identity_visible=access.identity_visible_expression(user, "subject"),
    ).select_related("subject", "family")
    if receiving:
        return qs.prefetch_related("receiving")
    return qs.annotate(
        receiving_names=ArraySubquery(
            Consent.receiving.through.objects.filter(consent_id=OuterRef("pk"))
            .order_by("administration__name", "administration_id")
            .values("administration__name")
        )
    )


# --- People, masked where the law says so ----------------------------------------------------


def _label_member(member: cm.Member, *, full_number: bool = False) -> cm.Member:
    """`display_name` and `display_number` as the policy lets the user see them: a protected
    identity masked (`identity_visible`, annotated by the policy), the full personnummer only
    when `full_number` (the case team, `Permissions.identity`)."""
    visible = getattr(member, "identity_visible", not member.protected_identity)
    member.display_name = str(member) if visible else _("Protected identity")
    if not visible or not member.personal_number:
        member.display_number = ""
    elif full_number:
        member.display_number = format_full(member.personal_number)
    else:
        member.display_number = format_masked(member.personal_number)
    return member


def family_members(
    user, family: cm.Family, can: access.Permissions | None = None
) -> list[cm.Member]:
    """The members the user may see, each with `display_name`/`display_number` masked for a
    protected identity unless the user is on the case team. `can` is the user's permissions
    on the family (or a record of it), asked of the policy when not given."""
    if can is None:
        can = access.family_permissions(user, family)
    members = access.family_records(user, cm.Member, family).order_by("kind", "birth_date", "id")
    return [_label_member(m, full_number=can.identity) for m in members]


# --- Lists and detail ------------------------------------------------------------------------


def family_consents(user, family: cm.Family, *, receiving: bool = True) -> list[Consent]:
    """The family's consents the user may see, newest first (`receiving`: see `_annotated`)."""
    on = timezone.localdate()
    qs = _annotated(user, access.family_records(user, Consent, family), receiving=receiving)
    return [_decorate(c, on) for c in qs.order_by("-valid_from", "-id")]


def consent_page_queryset(user) -> QuerySet:
    """The consents the user may see, with everything the detail page and the print name, for
    the policy's lookup (`access.get_for_user(..., queryset=...)`): one query, and the basis
    the policy annotates stays on the record for the log."""
    return (
        _annotated(user, access.visible_consents(user))
        .select_related("registered_by", "revoked_by", "oral_taken_by")
        .prefetch_related("disclosing", "signatures")
    )


def for_page(consent: Consent) -> Consent:
    """A consent from `consent_page_queryset`, with its status and labels for the page."""
    return _decorate(consent, timezone.localdate())


def signature_rows(consent: Consent, members: list[cm.Member]) -> list[dict]:
    by_id = {m.pk: m for m in members}
    rows = []
    for signature in sorted(consent.signatures.all(), key=lambda s: (s.signed_on, s.pk)):
        member = by_id.get(signature.signer_id)
        rows.append(
            {
                "signature": signature,
                "name": member.display_name if member else _("Protected identity"),
                "capacity": signature.get_capacity_display(),
            }
        )
    return rows


def unsigned_custodians(consent: Consent, members: list[cm.Member]) -> list[cm.Member]:
    """The custodians of a child who have not (yet) consented: each may sign later."""
    if not consent.subject.is_child:
        return []
    signed = {s.signer_id for s in consent.signatures.all()}
    custodian_ids = set(
        cm.CustodyLink.objects.filter(child_id=consent.subject_id).values_list(
            "custodian_id", flat=True
        )
    )
    return [m for m in members if m.pk in custodian_ids and m.pk not in signed]


def custodians_of(subject: cm.Member, members: list[cm.Member]) -> list[cm.Member]:
    ids = set(
        cm.CustodyLink.objects.filter(child_id=subject.pk).values_list("custodian_id", flat=True)
    )
    return [m for m in members if m.pk in ids]


def pdf_signers(
    subject: cm.Member, members: list[cm.Member], consent: Consent | None = None
) -> list[dict]:
    """Who signs the printed form: each custodian of a child (both when custody is joint), or
    the adult themselves; with the date when the consent already records it."""
    signed = {s.signer_id: s.signed_on for s in consent.signatures.all()} if consent else {}
    if subject.is_child:
        people = custodians_of(subject, members)
        capacity = ConsentSignature.Capacity.CUSTODIAN.label
    else:
        people = [subject]
        capacity = ConsentSignature.Capacity.SELF.label
    return [{"member": m, "capacity": capacity, "signed_on": signed.get(m.pk)} for m in people]


def consent_shares(consent: Consent) -> QuerySet:
    """The shares that rest on this consent, withdrawn ones included (they are history)."""
    return (
        Share.objects.filter(consents=consent)
        .select_related("administration", "content_type")
        .order_by("withdrawn_at", "administration__name", "content_type_id", "object_id")
    )


# --- History (pghistory events), for those who oversee the case ------------------------------

# Why a share was withdrawn, as familjelotsen.access and the views store it (plain English
# keys in the data; shown translated).
WITHDRAWN_BY_OMBUD = "withdrawn by the family ombud"
WITHDRAWAL_REASONS = {
    WITHDRAWN_BY_OMBUD: gettext_lazy("withdrawn by the family ombud"),
    "consent revoked": gettext_lazy("the consent was revoked"),
    "consent expired": gettext_lazy("the consent expired"),
    "consent no longer covers the share": gettext_lazy("no valid consent covers it"),
    "record removed": gettext_lazy("the record was removed"),
    "no source or consent covers the share any longer": gettext_lazy(
        "no source or valid consent wants it any longer"
    ),
    "re-derived by sync_access": gettext_lazy("corrected by the access check"),
}


def withdrawal_reason(value: str) -> str:
    return str(WITHDRAWAL_REASONS.get(value, value or "–"))


_SKIPPED_FIELDS = {"id", "created_at", "updated_at", "version", "scan_content_type"}


def _event_model(name: str):
    return apps.get_model("consent", name)


def consent_history(user, consent: Consent) -> list[dict]:
    """Every change of the consent, its signatures, the administrations it names and the
    shares resting on it: when, who, what. Newest first."""
    from pghistory.models import MiddlewareEvents

    own = MiddlewareEvents.objects.across(
        _event_model("ConsentEvent"),
        _event_model("ConsentSignatureEvent"),
        _event_model("ConsentReceivingEvent"),
        _event_model("ConsentDisclosingEvent"),
    ).references(consent)
    events = list(own.order_by("pgh_created_at", "pgh_id"))
    share_ids = list(Share.objects.filter(consents=consent).values_list("pk", flat=True))
    if share_ids:
        shares = list(Share.objects.filter(pk__in=share_ids))
        events += list(
            MiddlewareEvents.objects.across(_event_model("ShareEvent"))
            .tracks(shares)
            .order_by("pgh_created_at", "pgh_id")
        )
    user_ids = {e.pgh_context.get("user") for e in events if e.pgh_context} - {None}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    adm_names = dict(Administration.objects.values_list("pk", "name"))
    member_ids = {
        e.pgh_data.get("signer_id") for e in events if e.pgh_model.endswith("SignatureEvent")
    }
    members = {}
    if member_ids:
        members = {
            m.pk: _label_member(m)
            for m in access.visible_members(user).filter(pk__in=member_ids - {None})
        }
    ct_ids = {
        e.pgh_data.get("content_type_id") for e in events if e.pgh_model.endswith(".ShareEvent")
    } - {None}
    content_types = {ct.pk: ct for ct in ContentType.objects.filter(pk__in=ct_ids)}
    rows = []
    for event in events:
        what, changes = _describe(event, adm_names, members, content_types)
        if what is None:
            continue
        context = event.pgh_context or {}
        rows.append(
            {
                "at": event.pgh_created_at,
                "user": users.get(context.get("user")),
                "what": what,
                "changes": changes,
            }
        )
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows


def _field_label(name: str) -> str:
    try:
        field = Consent._meta.get_field(name.removesuffix("_id"))
    except Exception:  # noqa: BLE001 - a column the model no longer has still shows
        return name
    return str(field.verbose_name)


def _value(name: str, value) -> str:
    if value in (None, ""):
        return "–"
    if name == "categories":
        return ", ".join(str(cm.InfoCategory(v).label) for v in value if v in cm.InfoCategory)
    if name == "form":
        return str(Consent.Form(value).label)
    if name == "scan":
        return _("signed scan")
    return str(value)


def _describe(event, adm_names, members, content_types):
    model = event.pgh_model.rsplit(".", 1)[-1]
    data = event.pgh_data or {}
    label = event.pgh_label
    if model == "ConsentEvent":
        if label == "insert":
            return _("Consent registered"), []
        changes = [
            (_field_label(name), _value(name, old), _value(name, new))
            for name, (old, new) in (event.pgh_diff or {}).items()
            if name not in _SKIPPED_FIELDS
        ]
        if "revoked_on" in (event.pgh_diff or {}):
            return _("Consent revoked"), changes
        if "scan" in (event.pgh_diff or {}):
            return _("Signed scan uploaded"), []
        if not changes:
            return None, []
        return _("Consent changed"), changes
    if model == "ConsentSignatureEvent":
        if label != "insert":
            return None, []
        member = members.get(data.get("signer_id"))
        return (
            _("Consent given by %(name)s (%(capacity)s) on %(date)s")
            % {
                "name": member.display_name if member else _("Protected identity"),
                "capacity": ConsentSignature.Capacity(data.get("capacity")).label,
                "date": data.get("signed_on"),
            },
            [],
        )
    if model in ("ConsentReceivingEvent", "ConsentDisclosingEvent"):
        name = adm_names.get(data.get("administration_id"), "?")
        added = label == "add"
        if model == "ConsentReceivingEvent":
            text = _("May receive: %(adm)s") if added else _("No longer receives: %(adm)s")
        else:
            text = _("May disclose: %(adm)s") if added else _("No longer discloses: %(adm)s")
        return text % {"adm": name}, []
    if model == "ShareEvent":
        ct = content_types.get(data.get("content_type_id"))
        kind = str(ct.model_class()._meta.verbose_name) if ct and ct.model_class() else "?"
        adm = adm_names.get(data.get("administration_id"), "?")
        if label == "insert":
            return _("Shared %(kind)s with %(adm)s") % {"kind": kind, "adm": adm}, []
        diff = event.pgh_diff or {}
        if "withdrawn_at" in diff and data.get("withdrawn_at"):
            return (
                _("Share of %(kind)s with %(adm)s withdrawn (%(reason)s)")
                % {
                    "kind": kind,
                    "adm": adm,
                    "reason": withdrawal_reason(data.get("withdrawn_reason")),
                },
                [],
            )
        if "can_change" in diff:
            return _("%(adm)s may now change the %(kind)s") % {"kind": kind, "adm": adm}, []
        return None, []
    return None, []


# --- Integration: the family page's consent panel --------------------------------------------


def _record_labels(user, family_id: int, rows: list[Share]) -> dict[tuple[int, int], str]:
    """A short label per shared record. The records the page's other panels have read (the
    members, pupil support, plans, processes: `familjelotsen.memo`) are named from those
    reads; a record they did not read is read as before, one query per kind of record."""
    by_ct: dict[int, set[int]] = defaultdict(set)
    cts: dict[int, ContentType] = {}
    for row in rows:
        by_ct[row.content_type_id].add(row.object_id)
        cts[row.content_type_id] = row.content_type
    labels: dict[tuple[int, int], str] = {}
    for ct_id, ids in by_ct.items():
        model = cts[ct_id].model_class()
        if model is None:
            continue
        if model is cm.Family:
            for pk in ids:
                labels[(ct_id, pk)] = _("Family overview (members, status, ombud, contact)")
            continue
        if model is cm.Member:
            # The family's members the user may see, read once for the page.
            read = {m.pk: m for m in member_labels.family_members(user, family_id)}
            missing = ids - read.keys()
            if missing:
                read |= {m.pk: m for m in access.visible_members(user).filter(pk__in=missing)}
            for pk in ids & read.keys():
                labels[(ct_id, pk)] = _label_member(read[pk]).display_name
            continue
        key = memo.family_records_key(user, model._meta.label_lower, family_id)
        read = {obj.pk: obj for obj in memo.recall(key, ())}
        missing = ids - read.keys()
        if missing:
            qs = model.objects.filter(pk__in=missing)
            if model is cm.PupilSupport:
                qs = qs.select_related("member").annotate(
                    member_identity_visible=access.identity_visible_expression(user, "member")
                )
            read |= {obj.pk: obj for obj in qs}
        for pk in ids & read.keys():
            labels[(ct_id, pk)] = _record_label(read[pk])
    return labels


def _record_label(obj) -> str:
    if isinstance(obj, cm.PupilSupport):
        member = obj.member
        shown = getattr(obj, "member_identity_visible", not member.protected_identity)
        name = str(member) if shown else _("Protected identity")
        return _("Pupil support for %(name)s") % {"name": name}
    if isinstance(obj, cm.Goal):
        return _("Goal: %(area)s") % {"area": obj.get_area_display()}
    if isinstance(obj, cm.Assessment):
        return _("KASAM %(date)s") % {"date": obj.assessed_on}
    return str(obj)


def family_panel(user, family: cm.Family) -> dict:
    """The family's consents with status, and which administration sees what under which
    consent. Staff who see the family only through a share get their own administration's
    part: the other administrations' involvement is not theirs to know (OSL).

    `can` is the user's Permissions on the family: the consents and every administration's
    part are for those who oversee the case (`can.oversee`). `consents` are the consents
    shown, for the page's access log."""
    can = access.family_permissions(user, family)
    full = can.oversee
    consents = family_consents(user, family, receiving=False) if full else []
    # Those who oversee see every consent of the family: the consents of the shares are among
    # them. Others see the consents of their administration's shares (read with the shares).
    rows = list(access.shares_of_family(family, consents=not full))
    if full:
        by_pk = {c.pk: c for c in consents}
        missing = {i for row in rows for i in row.consent_ids} - by_pk.keys()
        if missing:  # never: a share's consents are the family's
            by_pk |= Consent.objects.in_bulk(missing)
        for row in rows:
            row.consent_list = [by_pk[i] for i in row.consent_ids if i in by_pk]
    else:
        rows = [r for r in rows if r.administration_id == user.administration_id]
        for row in rows:
            row.consent_list = list(row.consents.all())
    labels = _record_labels(user, family.pk, rows)
    by_adm: dict[int, dict] = {}
    for row in rows:
        entry = by_adm.setdefault(
            row.administration_id, {"administration": row.administration, "shares": []}
        )
        entry["shares"].append(
            {
                "share": row,
                "kind": row.content_type.model_class()._meta.verbose_name
                if row.content_type.model_class()
                else row.content_type.model,
                "label": labels.get((row.content_type_id, row.object_id), "–"),
                "consents": row.consent_list,
                "can_change": row.can_change,
            }
        )
    return {
        "family": family,
        "consents": consents,
        "administrations": list(by_adm.values()),
        "can": can,
        "partial_custody": [c for c in consents if c.partial_custody and c.status != "revoked"],
    }


# --- Integration: share buttons on a record ---------------------------------------------------


def share_options(user, obj) -> list[dict]:
    """For each administration other than the family's owner: shared (with a "stop sharing"
    button only for the ombud's own explicit share; a share that follows the consent, the SIP
    or the network says so and stays while that source wants it), can share (button), or
    cannot share (disabled, with the reason from the access module)."""
    family = obj if isinstance(obj, cm.Family) else obj.family
    ct = ContentType.objects.get_for_model(type(obj))
    label = f"{ct.app_label}.{ct.model}"
    active = {
        row.administration_id: row
        for row in Share.objects.filter(
            content_type=ct, object_id=obj.pk, withdrawn_at__isnull=True
        ).prefetch_related("consents")
    }
    options = []
    for administration in Administration.objects.exclude(pk=family.owner_id).order_by("name"):
        row = active.get(administration.pk)
        reason = access.share_check(obj, administration)
        if row is not None:
            state = "shared"
        elif reason is None:
            state = "can_share"
        else:
            state = "cannot_share"
        options.append(
            {
                "administration": administration,
                "state": state,
                "share": row,
                # Only the ombud's explicit share can be withdrawn here; the others follow
                # their source (`source` says which).
                "withdrawable": row is not None and row.reason == Share.Reason.MANUAL,
                "source": row.get_reason_display() if row is not None else "",
                # For a share whose consent has lapsed: it goes with the next expiry run, and
                # reads already ignore it.
                "reason": reason,
                "content_type": label,
                "object_id": obj.pk,
            }
        )
    return options


# --- Integration: "Mina familjer" -------------------------------------------------------------


def expiring_soon(user, days: int = EXPIRING_DAYS) -> list[Consent]:
    """Active consents of the families the user documents (the case team) that end within
    `days` and have not been renewed (no later consent of the same person runs on)."""
    today = timezone.localdate()
    renewed = Consent.objects.filter(
        subject_id=OuterRef("subject_id"),
        revoked_on__isnull=True,
        valid_until__gt=OuterRef("valid_until"),
    ).exclude(pk=OuterRef("pk"))
    qs = _annotated(
        user,
        access.visible_consents(user, access.DOCUMENT)
        .active(today)
        .filter(valid_until__lte=today + dt.timedelta(days=days))
        .filter(~Exists(renewed)),
    ).order_by("valid_until", "id")
    return [_decorate(c, today) for c in qs]
