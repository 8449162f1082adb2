"""Consent pages. Thin: look up through the access helpers (404 when not visible, 403 when
visible but not writable), call a selector or service, render, log each record shown.

Only the family's case team writes consents and shares (the team lead prioritises and
assigns; the ombud holds the family's mandate)."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import models as cm
from consent import forms, selectors, services
from consent.models import Share
from familjelotsen import access
from familjelotsen.audit import log_access, log_list
from familjelotsen.forms import add_service_errors
from familjelotsen.models import AccessLogEntry
from familjelotsen.pdf import render_pdf

Action = AccessLogEntry.Action
Basis = AccessLogEntry.Basis


def _require_case_team(obj) -> None:
    if getattr(obj, "access_basis", None) != Basis.CASE_TEAM:
        raise PermissionDenied


def _log(request, action: str, obj) -> None:
    log_access(
        user=request.user,
        action=action,
        obj=obj,
        basis=obj.access_basis,
        consent_id=obj.access_consent_id,
        request=request,
    )


def _log_members(request, members, action: str = Action.VIEW) -> None:
    if action == Action.VIEW:
        log_list(user=request.user, objects=members, request=request)
        return
    for member in members:
        _log(request, action, member)


def _member_or_404(members, pk: int) -> cm.Member:
    for member in members:
        if member.pk == pk:
            return member
    raise Http404


def _consent_for_write(request, pk: int):
    consent = access.get_consent_for_user(request, pk, write=True)
    _require_case_team(consent)
    return consent


# --- Lists and detail ------------------------------------------------------------------------


@require_http_methods(["GET"])
def family_consents(request, family_id: int):
    family = access.get_family_for_user(request, family_id)
    consents = selectors.family_consents(request.user, family)
    can_manage = family.access_basis == Basis.CASE_TEAM
    members = selectors.family_members(request.user, family) if can_manage else []
    # One INSERT for every record shown: the family, each consent, each member named.
    log_list(user=request.user, objects=[family, *consents, *members], request=request)
    return render(
        request,
        "consent/family_consents.html",
        {
            "family": family,
            "consents": consents,
            "members": members,
            "can_manage": can_manage,
            "full_access": family.access_basis in selectors.FULL_ACCESS,
        },
    )


@require_http_methods(["GET"])
def detail(request, pk: int):
    consent = access.get_consent_for_user(request, pk)
    consent = selectors.consent_for_page(request.user, consent)
    members = selectors.family_members(request.user, consent.family)
    signatures = selectors.signature_rows(consent, members)
    can_manage = consent.access_basis == Basis.CASE_TEAM
    unsigned = selectors.unsigned_custodians(consent, members) if can_manage else []
    shown_ids = {s["signature"].signer_id for s in signatures} | {m.pk for m in unsigned}
    _log(request, Action.VIEW, consent)
    _log_members(request, [m for m in members if m.pk in shown_ids and m.pk != consent.subject_id])
    context = {
        "consent": consent,
        "signatures": signatures,
        "shares": list(selectors.consent_shares(consent)) if can_manage else [],
        "history": selectors.consent_history(request.user, consent) if can_manage else [],
        "can_manage": can_manage,
        "active": consent.revoked_on is None,
    }
    if can_manage and consent.revoked_on is None and unsigned:
        context["signature_form"] = forms.SignatureAddForm(
            custodians=unsigned, initial={"version": consent.version}
        )
    return render(request, "consent/detail.html", context)


# --- Registering and changing ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request, family_id: int, member_id: int):
    family = access.get_family_for_user(request, family_id, write=True)
    _require_case_team(family)
    members = selectors.family_members(request.user, family)
    subject = _member_or_404(members, member_id)
    custodians = selectors.custodians_of(subject, members) if subject.is_child else []
    form_kwargs = {
        "family": family,
        "subject": subject,
        "custodians": custodians,
        "user": request.user,
    }
    if request.method == "POST":
        form = forms.ConsentForm(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            try:
                consent = services.consent_register(
                    family=family,
                    subject=subject,
                    registered_by=request.user,
                    request=request,
                    **form.service_kwargs(),
                )
            except ValidationError as error:
                form.apply_service_errors(error)
            else:
                messages.success(request, _("The consent is registered."))
                return redirect("consent:detail", pk=consent.pk)
    else:
        form = forms.ConsentForm(**form_kwargs)
    _log_members(request, [subject, *custodians])
    return render(
        request,
        "consent/register.html",
        {"family": family, "subject": subject, "form": form},
    )


@require_http_methods(["GET", "POST"])
def revoke(request, pk: int):
    consent = _consent_for_write(request, pk)
    if consent.revoked_on is not None:
        messages.info(request, _("The consent has already been revoked."))
        return redirect("consent:detail", pk=pk)
    if request.method == "POST":
        form = forms.RevokeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                withdrawn = services.consent_revoke(
                    consent=consent,
                    by=request.user,
                    revoked_on=data["revoked_on"],
                    how=data["how"],
                    reason=data["reason"],
                    expected_version=data["version"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The consent is revoked. Shares withdrawn: %(n)d.") % {"n": withdrawn},
                )
                return redirect("consent:detail", pk=pk)
    else:
        form = forms.RevokeForm(initial={"version": consent.version})
    _log(request, Action.VIEW, consent)
    return render(request, "consent/revoke.html", {"consent": consent, "form": form})


@require_http_methods(["GET", "POST"])
def upload_scan(request, pk: int):
    consent = _consent_for_write(request, pk)
    if request.method == "POST":
        form = forms.ScanForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.consent_attach_scan(
                    consent=consent,
                    file=form.cleaned_data["scan"],
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The signed scan is saved."))
                return redirect("consent:detail", pk=pk)
    else:
        form = forms.ScanForm(initial={"version": consent.version})
    _log(request, Action.VIEW, consent)
    return render(request, "consent/upload_scan.html", {"consent": consent, "form": form})


@require_POST
def add_signature(request, pk: int):
    consent = _consent_for_write(request, pk)
    members = selectors.family_members(request.user, consent.family)
    consent = selectors.consent_for_page(request.user, consent)
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
    consent = access.get_consent_for_user(request, pk)
    if not consent.scan:
        raise Http404
    try:
        handle = consent.scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    _log(request, Action.DOWNLOAD, consent)
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


@require_http_methods(["GET"])
def print_consent(request, pk: int):
    consent = access.get_consent_for_user(request, pk)
    consent = selectors.consent_for_page(request.user, consent)
    members = selectors.family_members(request.user, consent.family)
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
    _log(request, Action.PRINT, consent)
    _log_members(
        request, [s["member"] for s in signers if s["member"].pk != subject.pk], Action.PRINT
    )
    return _pdf_response(pdf, f"samtycke-{consent.pk}.pdf")


@require_http_methods(["GET", "POST"])
def blank_form(request, family_id: int):
    """A pre-filled consent form to take to a home visit, before any consent exists."""
    family = access.get_family_for_user(request, family_id, write=True)
    members_qs = access.visible_members(request.user).filter(family_id=family.pk)
    if request.method == "POST":
        form = forms.BlankFormForm(request.POST, family=family, members_qs=members_qs)
        if form.is_valid():
            data = form.cleaned_data
            members = selectors.family_members(request.user, family)
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
            _log(request, Action.PRINT, family)
            _log_members(request, [s["member"] for s in signers], Action.PRINT)
            if subject.pk not in {s["member"].pk for s in signers}:
                _log(request, Action.PRINT, subject)
            return _pdf_response(pdf, f"samtyckesblankett-{family.pk}.pdf")
    else:
        initial = {}
        if (member := request.GET.get("member", "")).isdigit():
            initial["member"] = int(member)
        form = forms.BlankFormForm(family=family, members_qs=members_qs, initial=initial)
    _log(request, Action.VIEW, family)
    return render(request, "consent/blank_form.html", {"family": family, "form": form})


# --- Sharing a record (buttons from consent/_share_controls.html) ----------------------------


def _share_target(request, form):
    label = form.cleaned_data["content_type"]
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        raise Http404 from None
    if model not in access.REGISTRY:
        raise Http404
    obj = access.get_for_user(request.user, model, form.cleaned_data["object_id"], write=True)
    _require_case_team(obj)
    return obj


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
    else:
        access.unshare(
            row=row,
            by=request.user,
            reason=form.cleaned_data.get("reason") or selectors.WITHDRAWN_BY_OMBUD,
            request=request,
        )
        messages.success(
            request, _("No longer shared with %(adm)s.") % {"adm": administration.name}
        )
    return _after_share(request, form, obj)
