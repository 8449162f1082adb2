"""Pages of the agenda: booking, moving and cancelling a visit, a family's SMS outbox (issue
9), the team lead's failed sends, the daily digest, and the private calendar feed. Thin: look
up through familjelotsen.access, call agenda.reminders / agenda.digests / agenda.calendar_feed
(work to queue through agenda.tasks), render, log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda import calendar_feed, digests, forms, reminders, selectors, services, tasks
from cases import models as cm
from cases import selectors as cases_selectors
from cases.views.common import log_created
from familjelotsen import access
from familjelotsen.audit import Action, log_access, log_list
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

STAFF = access.PLANNING_ROLES


def _overseen_family(request, pk):
    """The family, for its visits and messages: OVERSEE (404 when not visible, 403 when seen
    only through a share). Not logged here: the outbox logs the family with its messages."""
    return access.get_family_for_user(request, pk, need=access.OVERSEE, log=False)


def _back(request, family_id: int):
    if request.POST.get("next") == "failed":
        return redirect("agenda:sms_failed")
    return redirect("agenda:sms_outbox", pk=family_id)


# --- The family's outbox --------------------------------------------------------------------------


@require_GET
@access.require_roles(*access.CASE_ROLES)
def family_outbox(request, pk):
    family = _overseen_family(request, pk)
    data = selectors.family_outbox(request.user, family)
    # The family and each message shown: one row each, one INSERT.
    log_list(user=request.user, objects=[family, *data["reminders"]], request=request)
    return render(
        request,
        "agenda/outbox.html",
        {
            "family": family,
            "can": family.can,
            "statuses": cm.SmsReminder.Status,
            **data,
        },
    )


def _reminder_for(request, pk) -> cm.SmsReminder:
    row = selectors.visible_reminders(request.user).select_related("family").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


@require_POST
@access.require_roles(*STAFF)
@idempotent_post
def reminder_retry(request, pk):
    row = _reminder_for(request, pk)
    try:
        tasks.reminder_retry(reminder=row, by=request.user)
    except reminders.ReminderError as exc:
        messages.error(request, str(exc))
    else:
        _log_change(request, row)
        messages.success(request, _("The message will be tried again in a moment."))
    return _back(request, row.family_id)


@require_POST
@access.require_roles(*STAFF)
@idempotent_post
def reminder_cancel(request, pk):
    row = _reminder_for(request, pk)
    # The case team decides on messages (DOCUMENT); 403 for the team lead.
    access.get_family_for_team(request, row.family_id)
    try:
        reminders.reminder_cancel(reminder=row, by=request.user)
    except reminders.ReminderError as exc:
        messages.error(request, str(exc))
    else:
        _log_change(request, row)
        messages.success(request, _("The message was cancelled."))
    return _back(request, row.family_id)


def _log_change(request, row: cm.SmsReminder) -> None:
    """A change to a message, with the basis the policy annotated on it."""
    log_access(
        user=request.user,
        action=Action.CHANGE,
        obj=row,
        basis=row.access_basis,
        consent_id=row.access_consent_id,
        request=request,
    )


# --- Booking and cancelling a visit ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*access.CASE_ROLES)
@idempotent_post
def visit_book(request, pk):
    """Book a visit; after signing an entry (`?efter=<entry>`) the form starts filled in from
    it, and the confirmation says in one sentence when the visit is and when the SMS go."""
    family = access.get_family_for_user(request, pk, need=access.OVERSEE)
    after = request.GET.get("efter")
    form = forms.VisitForm(
        request.POST or None,
        members=cases_selectors.member_choices(request.user, family),
        initial=selectors.booking_initial(request.user, family, after),
    )
    done = submit(
        request, form, lambda data: tasks.visit_book(family=family, by=request.user, **data)
    )
    if done.saved:
        visit = done.result
        log_created(request, visit, family)
        messages.success(request, _booked_sentence(visit))
        return redirect("cases:family_detail", pk=family.pk)
    return render(
        request,
        "agenda/visit_form.html",
        {
            "form": form,
            "family": family,
            "title": _("Book the next visit"),
            "can": family.can,
            # After signing: the signed entry's device copy (if any) is dropped on this page.
            "signed_entry": (
                access.visible_journal_entries(request.user)
                .filter(pk=int(after), family=family, signed_at__isnull=False)
                .values("pk", "draft_key")
                .first()
                if after and after.isdigit()
                else None
            ),
        },
    )


def _moment(at) -> str:
    return _("%(day)s at %(time)s") % {
        "day": formats.date_format(at, "l j F"),
        "time": formats.time_format(at, "H:i"),
    }


def _booked_sentence(visit: cm.Visit) -> str:
    when = _moment(timezone.localtime(visit.starts_at))
    sends = selectors.planned_reminder_times(visit)
    if not sends:
        return _("The next visit is booked: %(when)s, %(place)s. No SMS reminder.") % {
            "when": when,
            "place": visit.place,
        }
    times = [_moment(t) for t in sends]
    return _("The next visit is booked: %(when)s, %(place)s. SMS reminder: %(times)s.") % {
        "when": when,
        "place": visit.place,
        "times": _(" and ").join(times),
    }


@require_POST
@access.require_roles(*access.CASE_ROLES)
def visit_cancel(request, pk):
    visit = cm.Visit.objects.filter(pk=pk).first()
    if visit is None:
        raise Http404
    family = access.get_family_for_user(request, visit.family_id, need=access.OVERSEE)
    services.visit_cancel(visit=visit)
    messages.success(request, _("The visit was cancelled."))
    return redirect("cases:family_detail", pk=family.pk)


# --- Moving a visit -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*STAFF)
@idempotent_post
def visit_reschedule(request, pk):
    visit = cm.Visit.objects.filter(pk=pk).first()
    if visit is None:
        raise Http404
    family = access.get_family_for_team(request, visit.family_id)
    if visit.cancelled_at is not None:
        raise Http404
    form = forms.VisitRescheduleForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(visit.starts_at).replace(tzinfo=None),
            "duration_minutes": visit.duration_minutes,
            "place": visit.place,
        },
    )
    if submit(
        request,
        form,
        lambda data: tasks.visit_reschedule(visit=visit, by=request.user, **data),
    ).saved:
        log_access(
            user=request.user,
            action=Action.CHANGE,
            obj=visit,
            basis=family.access_basis,
            consent_id=family.access_consent_id,
            request=request,
        )
        messages.success(request, _("The visit was moved; its SMS reminders follow."))
        return redirect("agenda:sms_outbox", pk=family.pk)
    return render(
        request,
        "agenda/visit_form.html",
        {"form": form, "family": family, "title": _("Move the visit")},
    )


# --- Failed background work (team lead) -----------------------------------------------------------


@require_GET
@access.require_roles(*access.LEAD_ROLES)
def failed_sends(request):
    rows = selectors.failed_sends(request.user)
    log_list(user=request.user, objects=rows, request=request)
    return render(
        request,
        "agenda/failed.html",
        {"reminders": rows, "digests": list(selectors.failed_digests(request.user)[:100])},
    )


@require_POST
@access.require_roles(*access.LEAD_ROLES)
@idempotent_post
def digest_retry(request, pk):
    delivery = selectors.failed_digests(request.user).filter(pk=pk).first()
    if delivery is None:
        raise Http404
    tasks.digest_retry(delivery=delivery, by=request.user)
    messages.success(request, _("The digest will be sent again in a moment."))
    return redirect("agenda:sms_failed")


# --- The daily digest -----------------------------------------------------------------------------


@require_GET
@access.require_roles(*STAFF)
def digest(request):
    result = digests.digest_for(request.user)
    log_list(user=request.user, objects=digests.digest_logged_objects(result), request=request)
    return render(
        request,
        "agenda/digest.html",
        {"digest": result, "shows_failed_sends": access.is_team_lead(request.user)},
    )


# --- The calendar feed ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access.require_roles(*access.CASE_ROLES)
def calendar_settings(request):
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "create":
            # The address is shown on this response only: just its hash is stored.
            new_url = calendar_feed.feed_url(calendar_feed.token_create(user=request.user))
            messages.success(
                request, _("Your new calendar address is below. Any earlier one no longer works.")
            )
        elif request.POST.get("action") == "revoke":
            calendar_feed.token_revoke(user=request.user)
            messages.success(request, _("The calendar address no longer works."))
            return redirect("agenda:calendar")
    return render(
        request,
        "agenda/calendar.html",
        {"token": calendar_feed.active_token(request.user), "new_url": new_url},
    )


@login_not_required
@require_GET
def calendar_feed_ics(request, token):
    """The feed itself: no session (calendar apps cannot log in); the token is the key."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404
    events = calendar_feed.feed_events(user)
    calendar_feed.log_feed(user, events, request=request)
    response = HttpResponse(
        calendar_feed.render_ical(events), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="familjelotsen.ics"'
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
