"""Consent pages. Thin: look up through the access policy by need (404 when not visible,
403 when short of the need), call a selector or service, render, log each record shown.

Registering, signing, revoking, uploading the scan and printing the blank form oversee the
case (OVERSEE: the case team or the owning team lead); an explicit share of a record is the
case team's (DOCUMENT: the ombud holds the family's mandate). The lookup logs the record it
found on a GET; the views log the other records a page shows, and prints and downloads."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import models as cm
from consent import forms, selectors, services
from consent.models import Consent, Share
from familjelotsen import access
from familjelotsen.audit import log_list, log_read
from familjelotsen.forms import submit
from familjelotsen.models import AccessLogEntry
from familjelotsen.pdf import render_pdf

Action = AccessLogEntry.Action


def _log_shown(request, obj, others=()) -> None:
    """Log a page that shows `obj` and `others`: the lookup already logged `obj` on a GET;
    a form shown again after a POST logs it here. One row per record."""
    if request.method not in ("GET", "HEAD"):
        log_read(request, obj)
    log_list(user=request.user, objects=list(others), request=request)


def _member_or_404(members, pk: int) -> cm.Member:
    for member in members:
        if member.pk == pk:
            return member
    raise Http404


def _consent_to_oversee(request, pk: int):
    return access.get_consent_for_user(request, pk, need=access.OVERSEE)


def _consent_page(request, pk: int, *, need=access.SEE, log: bool = True) -> Consent:
    """The consent with all a page or print shows, looked up by the policy (404/403, and the
    one log row of a GET unless `log=False`)."""
    consent = access.get_for_user(
        request,
        Consent,
        pk,
        need=need,
        queryset=selectors.consent_page_queryset(request.user),
        log=log,
    )
    return selectors.for_page(consent)


# --- Lists and detail ------------------------------------------------------------------------


@require_http_methods(["GET"])
def family_consents(request, family_id: int):
    family = access.get_family_for_user(request, family_id)
    can = family.can
    consents = selectors.family_consents(request.user, family)
    members = selectors.family_members(request.user, family, can) if can.oversee else []
    # The lookup logged the family; one INSERT for each consent and each member named.
    log_list(user=request.user, objects=[*consents, *members], request=request)
    return render(
        request,
        "consent/family_consents.html",
        {"family": family, "consents": consents, "members": members, "can": can},
    )


@require_http_methods(["GET"])
def detail(request, pk: int):
    consent = _consent_page(request, pk)
    can = consent.can
    members = selectors.family_members(request.user, consent.family, can)
    signatures = selectors.signature_rows(consent, members)
    unsigned = selectors.unsigned_custodians(consent, members) if can.oversee else []
    shown_ids = {s["signature"].signer_id for s in signatures} | {m.pk for m in unsigned}
    # The lookup logged the consent (and with it its subject); the others named are logged
    # here.
    log_list(
        user=request.user,
        objects=[m for m in members if m.pk in shown_ids and m.pk != consent.subject_id],
        request=request,
    )
    context = {
        "consent": consent,
        "signatures": signatures,
        "shares": list(selectors.consent_shares(consent)) if can.oversee else [],
        "history": selectors.consent_history(request.user, consent) if can.oversee else [],
        "can": can,
        "active": consent.revoked_on is None,
    }
    if can.oversee and consent.revoked_on is None and unsigned:
        context["signature_form"] = forms.SignatureAddForm(
            custodians=unsigned, initial={"version": consent.version}
        )
    return render(request, "consent/detail.html", context)


# --- Registering and changing ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request, family_id: int, member_id: int):
    family = access.get_family_for_user(request, family_id, need=access.OVERSEE)
    members = selectors.family_members(request.user, family, family.can)
    subject = _member_or_404(members, member_id)
    custodians = selectors.custodians_of(subject, members) if subject.is_child else []
    form_kwargs = {
        "family": family,
        "subject": subject,
        "custodians": custodians,
        "user": request.user,
    }
    form = forms.ConsentForm(request.POST or None, request.FILES or None, **form_kwargs)
    done = submit(
        request,
        form,
        lambda data: services.consent_register(
            family=family,
            subject=subject,
            registered_by=request.user,
            request=request,
            **form.service_kwargs(),
        ),
    )
    if done.saved:
        messages.success(request, _("The consent is registered."))
        return redirect("consent:detail", pk=done.result.pk)
    _log_shown(request, family, [subject, *custodians])
    return render(
        request,
        "consent/register.html",
        {"family": family, "subject": subject, "form": form, "can": family.can},
    )


@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    consent = _consent_to_oversee(request, pk)
    if consent.revoked_on is not None:
        messages.info(request, _("The consent has already been revoked."))
        return redirect("consent:detail", pk=pk)
    form = forms.RevokeForm(request.POST or None, initial={"version": consent.version})
    done = submit(
        request,
        form,
        lambda data: services.consent_revoke(
            consent=consent,
            by=request.user,
            revoked_on=data["revoked_on"],
            how=data["how"],
            reason=data["reason"],
            expected_version=form.cleaned_data["version"],
            request=request,
        ),
    )
    if done.saved:
        messages.success(
            request,
            _("The consent is revoked. Shares withdrawn: %(n)d.") % {"n": done.result},
        )
        return redirect("consent:detail", pk=pk)
    _log_shown(request, consent)
    return render(request, "consent/revoke.html", {"consent": consent, "form": form})


@require_http_methods(["GET", "POST"])
def upload_scan(request, pk: int):
    consent = _consent_to_oversee(request, pk)
    form = forms.ScanForm(
        request.POST or None, request.FILES or None, initial={"version": consent.version}
    )
    if submit(
        request,
        form,
        lambda data: services.consent_attach_scan(
            consent=consent,
            file=data["scan"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
            request=request,
        ),
    ).saved:
        messages.success(request, _("The signed scan is saved."))
        return redirect("consent:detail", pk=pk)
    _log_shown(request, consent)
    return render(request, "consent/upload_scan.html", {"consent": consent, "form": form})


@require_POST
def add_signature(request, pk: int):
    consent = _consent_page(request, pk, need=access.OVERSEE)
    members = selectors.family_members(request.user, consent.family, consent.can)
    unsigned = selectors.unsigned_custodians(consent, members)
    form = forms.SignatureAddForm(request.POST, custodians=unsigned)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_signature_add(
                consent=consent,
                signer=form.custodians[data["signer"]],
                signed_on=data["signed_on"],
                by=request.user,
                expected_version=data["version"],
                request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The custodian's consent is registered."))
    else:
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
    return redirect("consent:detail", pk=pk)


# --- Files: the signed scan and the printable form -------------------------------------------


@require_http_methods(["GET"])
def download_scan(request, pk: int):
    consent = access.get_consent_for_user(request, pk, log=False)
    if not consent.scan:
        raise Http404
    try:
        handle = consent.scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_read(request, consent, Action.DOWNLOAD)
    extension = services.SCAN_TYPES.get(consent.scan_content_type, "bin")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"samtycke-{consent.pk}.{extension}",
        content_type=consent.scan_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Protected identity on a consent form (SPEC §3.7, issue 14 finding 4): a consent form is
# printed to be signed by the very person it concerns (or the child's custodians), and it is
# the case team that takes it to the home visit. So a form printed by the case team carries
# the names and personnummer of a person with protected identity: the person signs their own
# consent, and a form with a masked name could not be signed or kept in the records. Printed
# by anyone else (the team lead), the protected identity is masked like on every page. The
# masking comes from the policy: `identity_visible` of each member (selectors.family_members)
# and `Permissions.identity` for the full personnummer.


@require_http_methods(["GET"])
def print_consent(request, pk: int):
    consent = _consent_page(request, pk, log=False)
    can = consent.can
    members = selectors.family_members(request.user, consent.family, can)
    subject = _member_or_404(members, consent.subject_id)
    signers = selectors.pdf_signers(subject, members, consent=consent)
    pdf = render_pdf(
        "consent/consent_pdf.html",
        {
            "family": consent.family,
            "consent": consent,
            "subject": subject,
            "signers": signers,
            "receiving": list(consent.receiving.all()),
            "disclosing": list(consent.disclosing.all()),
            "categories": [cm.InfoCategory(c).label for c in consent.categories],
            "not_covered": consent.not_covered,
            "purpose": consent.purpose,
            "valid_from": consent.valid_from,
            "valid_until": consent.valid_until,
        },
    )
    log_read(request, consent, Action.PRINT)
    for signer in signers:
        if signer["member"].pk != subject.pk:
            log_read(request, signer["member"], Action.PRINT)
    return _pdf_response(pdf, f"samtycke-{consent.pk}.pdf")


@require_http_methods(["GET", "POST"])
def blank_form(request, family_id: int):
    """A pre-filled consent form to take to a home visit, before any consent exists."""
    family = access.get_family_for_user(request, family_id, need=access.OVERSEE)
    members = selectors.family_members(request.user, family, family.can)
    members_qs = access.visible_members(request.user).filter(family_id=family.pk)
    if request.method == "POST":
        form = forms.BlankFormForm(request.POST, family=family, members_qs=members_qs)
        if form.is_valid():
            data = form.cleaned_data
            subject = _member_or_404(members, data["member"].pk)
            signers = selectors.pdf_signers(subject, members)
            pdf = render_pdf(
                "consent/consent_pdf.html",
                {
                    "family": family,
                    "consent": None,
                    "subject": subject,
                    "signers": signers,
                    "receiving": list(data["receiving"]),
                    "disclosing": list(data["disclosing"]),
                    "categories": [cm.InfoCategory(c).label for c in data["categories"]],
                    "not_covered": data.get("not_covered", ""),
                    "purpose": data["purpose"],
                    "valid_from": data.get("valid_from"),
                    "valid_until": data.get("valid_until"),
                },
            )
            log_read(request, family, Action.PRINT)
            printed = {s["member"].pk: s["member"] for s in signers}
            printed.setdefault(subject.pk, subject)
            for member in printed.values():
                log_read(request, member, Action.PRINT)
            return _pdf_response(pdf, f"samtyckesblankett-{family.pk}.pdf")
    else:
        initial = {}
        if (member := request.GET.get("member", "")).isdigit():
            initial["member"] = int(member)
        form = forms.BlankFormForm(family=family, members_qs=members_qs, initial=initial)
    # The form names every member the user may see (the choice of whose information).
    _log_shown(request, family, members)
    return render(
        request, "consent/blank_form.html", {"family": family, "form": form, "can": family.can}
    )


# --- Sharing a record (buttons from consent/_share_controls.html) ----------------------------


def _share_target(request, form):
    """The record to share: the case team's (DOCUMENT), since an explicit share is the
    ombud's decision on the family's mandate. 404 when not visible, 403 when short."""
    label = form.cleaned_data["content_type"]
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if model not in access.REGISTRY:
        raise Http404
    return access.get_for_user(
        request, model, form.cleaned_data["object_id"], need=access.DOCUMENT, log=False
    )


def _after_share(request, form, obj):
    if request.htmx:
        return render(
            request,
            "consent/_share_controls.html",
            {"obj": obj, "share_options": selectors.share_options(request.user, obj)},
        )
    target = form.cleaned_data.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    family_id = obj.pk if isinstance(obj, cm.Family) else obj.family_id
    return redirect(reverse("consent:family", args=[family_id]))


# Why a share stays after the ombud stopped sharing: the source that still wants it.
def _stays_message(row: Share, administration) -> str:
    names = {"adm": administration.name}
    if row.reason == Share.Reason.SIP:
        return (
            _(
                "The share with %(adm)s stays: it follows the SIP, and stays while the SIP "
                "has %(adm)s taking part."
            )
            % names
        )
    if row.reason == Share.Reason.NETWORK:
        return (
            _(
                "The share with %(adm)s stays: it follows the network process, and stays "
                "while %(adm)s is in the professional network."
            )
            % names
        )
    return (
        _(
            "The share with %(adm)s stays: it follows the consent, and stays while the "
            "consent names %(adm)s."
        )
        % names
    )


@require_POST
def share(request):
    form = forms.ShareForm(request.POST)
    if not form.is_valid():
        raise Http404
    obj = _share_target(request, form)
    administration = form.cleaned_data["administration"]
    try:
        access.share(
            obj=obj, administration=administration, shared_by=request.user, request=request
        )
    except access.ShareRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Shared with %(adm)s.") % {"adm": administration.name})
    return _after_share(request, form, obj)


@require_POST
def unshare(request):
    form = forms.UnshareForm(request.POST)
    if not form.is_valid():
        raise Http404
    obj = _share_target(request, form)
    administration = form.cleaned_data["administration"]
    row = Share.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        administration=administration,
        withdrawn_at__isnull=True,
    ).first()
    if row is None:
        messages.info(
            request, _("The record is not shared with %(adm)s.") % {"adm": administration.name}
        )
    elif access.unshare(
        row=row,
        by=request.user,
        reason=form.cleaned_data.get("reason") or selectors.WITHDRAWN_BY_OMBUD,
        request=request,
    ):
        messages.success(
            request, _("No longer shared with %(adm)s.") % {"adm": administration.name}
        )
    else:
        row.refresh_from_db()
        messages.info(request, _stays_message(row, administration))
    return _after_share(request, form, obj)
