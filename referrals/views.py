"""Pages of requests to the team: the referrer's own (write, send, follow), and the team
lead's and school-responsible member's incoming requests (accept, decline). Each page asks
the access policy (`access.get_referral_for_user`, `access.visible_referrals`); every read of
a request writes one access-log row."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consent import services as consent_services
from familjelotsen import access
from familjelotsen.audit import Action, log_list, log_read
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post
from familjelotsen.paging import page_of
from referrals import forms, selectors, services

# --- The referrer ----------------------------------------------------------------------------


@require_GET
@access.require_referrer
def mine(request):
    rows = page_of(selectors.my_referrals(request.user), request.GET)
    for row in rows:
        selectors.label(row)
    log_list(user=request.user, objects=rows, request=request)
    return render(request, "referrals/mine.html", {"referrals": rows})


def _sending(request) -> bool:
    return request.POST.get("action") == "send"


def _save(request, form, referral=None):
    send = _sending(request)

    def save(data):
        kwargs = form.service_kwargs()
        return services.referral_save(
            by=request.user,
            referral=referral,
            expected_version=data.get("version") or (referral.version if referral else None),
            send=send,
            request=request,
            **kwargs,
        )

    return submit(request, form, save)


def _saved_message(request, referral) -> None:
    if referral.status == referral.Status.SENT:
        messages.success(request, _("The request was sent to the team. You see its status here."))
    else:
        messages.success(request, _("The request was saved as a draft. Nothing has been sent."))


@require_http_methods(["GET", "POST"])
@access.require_referrer
@idempotent_post
def create(request):
    form = forms.ReferralForm(
        request.POST or None, request.FILES or None, user=request.user, sending=_sending(request)
    )
    done = _save(request, form)
    if done.saved:
        _saved_message(request, done.result)
        return redirect("referrals:detail", pk=done.result.pk)
    return render(request, "referrals/form.html", {"form": form, "referral": None})


@require_http_methods(["GET", "POST"])
@access.require_referrer
@idempotent_post
def edit(request, pk):
    referral = access.get_referral_for_user(request, pk, need="edit")
    form = forms.ReferralForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        referral=referral,
        sending=_sending(request),
    )
    done = _save(request, form, referral)
    if done.saved:
        _saved_message(request, done.result)
        return redirect("referrals:detail", pk=referral.pk)
    if request.method == "POST":
        log_read(request, referral)
    context = {"form": form, "referral": referral, "conflict": done.conflict}
    return render(request, "referrals/form.html", context)


# --- Both sides --------------------------------------------------------------------------------


def _detail_context(request, referral, **forms_given) -> dict:
    selectors.label(referral)
    version = {"version": referral.version}
    family_can = (
        access.family_permissions(request.user, referral.family)
        if referral.family_id
        else access.NONE
    )
    context = {
        "referral": referral,
        "can": referral.can,
        "back_url": (
            "referrals:mine" if access.files_referrals(request.user) else "referrals:incoming"
        ),
        "family_can": family_can,
        "accept_refusal": services.accept_refusal(referral) if referral.can.decide else None,
        "accept_form": forms_given.get("accept_form") or forms.DecisionForm(initial=version),
        "decline_form": forms_given.get("decline_form") or forms.DeclineForm(initial=version),
    }
    return context


@require_GET
def detail(request, pk):
    referral = access.get_referral_for_user(request, pk)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@require_GET
def download_scan(request, pk):
    referral = access.get_referral_for_user(request, pk, log=False)
    if not referral.scan:
        raise Http404
    try:
        handle = referral.scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_read(request, referral, Action.DOWNLOAD)
    extension = consent_services.SCAN_TYPES.get(referral.scan_content_type, "bin")
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"samtyckesblankett-forfragan-{referral.pk}.{extension}",
        content_type=referral.scan_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The team ----------------------------------------------------------------------------------


@require_POST
@idempotent_post
def accept(request, pk):
    referral = access.get_referral_for_user(request, pk, need="decide")
    form = forms.DecisionForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.referral_accept(
            referral=referral,
            by=request.user,
            expected_version=data.get("version"),
            request=request,
        ),
    )
    if done.saved:
        messages.success(
            request,
            _("The request was accepted: %(ref)s is on the waiting list.")
            % {"ref": done.result.reference},
        )
        return redirect("cases:family_detail", pk=done.result.pk)
    log_read(request, referral)
    context = _detail_context(request, referral, accept_form=form)
    return render(request, "referrals/detail.html", context, status=422)


@require_POST
@idempotent_post
def decline(request, pk):
    referral = access.get_referral_for_user(request, pk, need="decide")
    form = forms.DeclineForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.referral_decline(
            referral=referral,
            by=request.user,
            reason=data.get("reason", ""),
            expected_version=data.get("version"),
            request=request,
        ),
    )
    if done.saved:
        messages.success(request, _("The request was declined. The referrer sees your reason."))
        return redirect("referrals:incoming")
    log_read(request, referral)
    context = _detail_context(request, referral, decline_form=form)
    return render(request, "referrals/detail.html", context, status=422)


@require_POST
@idempotent_post
def withdraw(request, pk):
    """The referrer takes a request back before the team decided."""
    referral = access.get_referral_for_user(request, pk, need="withdraw")
    form = forms.DecisionForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.referral_withdraw(
            referral=referral,
            by=request.user,
            expected_version=data.get("version"),
            request=request,
        ),
    )
    if done.saved:
        messages.success(request, _("The request was withdrawn: the team no longer has it."))
        return redirect("referrals:mine")
    log_read(request, referral)
    context = _detail_context(request, referral)
    return render(request, "referrals/detail.html", context, status=422)


@require_http_methods(["GET", "POST"])
@access.require_receiver
def incoming(request):
    contact_form = None
    if access.sets_school_contact(request.user):
        contact_form = forms.SchoolContactForm(
            request.POST or None,
            user=request.user,
            initial={"member": selectors.school_contact_id(request.user)},
        )
        done = submit(
            request,
            contact_form,
            lambda data: services.school_contact_set(by=request.user, member=data["member"]),
        )
        if done.saved:
            messages.success(request, _("The school-responsible member was saved."))
            return redirect("referrals:incoming")
    elif request.method == "POST":
        raise access.ShortOfNeed
    waiting = [selectors.label(r) for r in selectors.incoming(request.user)]
    decided = [selectors.label(r) for r in selectors.incoming(request.user, decided=True)[:20]]
    log_list(user=request.user, objects=[*waiting, *decided], request=request)
    return render(
        request,
        "referrals/incoming.html",
        {"waiting": waiting, "decided": decided, "contact_form": contact_form},
    )
