"""Pages of the parenting-support courses: the team creates and runs them
(`access.require_outreach`). A course page names the participants the user may see by name and
logs each of them; the others are numbered. Thin: ask the access policy, call a selector or a
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses import forms, selectors, services
from familjelotsen import access
from familjelotsen.audit import log_list
from familjelotsen.forms import submit
from familjelotsen.idempotency import idempotent_post

GET_POST = require_http_methods(["GET", "POST"])


def _course(request, pk):
    access.require_outreach(request)
    return access.get_course_for_user(request, pk)


@require_GET
def course_list(request):
    access.require_outreach(request)
    courses = list(selectors.course_list(request.user))
    return render(request, "courses/list.html", {"courses": courses})


def _course_form(request, initial=None):
    return forms.CourseForm(
        request.POST or None, initial=initial, leaders=access.course_leader_candidates()
    )


@GET_POST
@idempotent_post
def course_new(request):
    access.require_outreach(request)
    form = _course_form(request, {"start_date": timezone.localdate(), "leaders": [request.user.pk]})
    done = submit(request, form, lambda data: services.course_create(by=request.user, **data))
    if done.saved:
        messages.success(request, _("The course was created. Add its sessions and participants."))
        return redirect("courses:detail", done.result.pk)
    return render(request, "courses/form.html", {"form": form, "course": None})


@GET_POST
def course_edit(request, pk):
    course = _course(request, pk)
    initial = {
        "kind": course.kind,
        "name": course.name,
        "administration": course.administration_id,
        "leaders": list(course.leaders.values_list("pk", flat=True)),
        "start_date": course.start_date,
        "place": course.place,
        "sessions_to_complete": course.sessions_to_complete,
        "anonymous_participants": course.anonymous_participants,
        "anonymous_completed": course.anonymous_completed,
    }
    form = _course_form(request, initial)
    done = submit(
        request,
        form,
        lambda data: services.course_update(course=course, by=request.user, **data),
    )
    if done.saved:
        messages.success(request, _("The course was saved."))
        return redirect("courses:detail", course.pk)
    return render(request, "courses/form.html", {"form": form, "course": course})


def _detail(request, course, *, session_form=None, status=200):
    page = selectors.course_page(request.user, course)
    # The members named on the page: one access-log row each, with the policy's basis.
    log_list(user=request.user, objects=page["shown"], request=request)
    return render(
        request,
        "courses/detail.html",
        {
            "course": selectors.course_overview(request.user, course.pk),
            "page": page,
            "session_form": session_form or forms.SessionForm(),
        },
        status=status,
    )


@require_GET
def course_detail(request, pk):
    return _detail(request, _course(request, pk))


@require_POST
@idempotent_post
def session_add(request, pk):
    course = _course(request, pk)
    form = forms.SessionForm(request.POST)
    done = submit(
        request, form, lambda data: services.session_add(course=course, by=request.user, **data)
    )
    if done.saved:
        messages.success(request, _("The session was added."))
        return redirect("courses:detail", course.pk)
    return _detail(request, course, session_form=form)


@GET_POST
@idempotent_post
def participant_add(request, pk):
    """Add a parent: the adults the user may name, not yet on the course. The list names
    them, so the page logs each one it shows."""
    course = _course(request, pk)
    candidates = access.course_candidates(request.user).exclude(
        pk__in=course.participants.values("member_id")
    )
    form = forms.ParticipantForm(request.POST or None, candidates=candidates)
    done = submit(
        request,
        form,
        lambda data: services.participant_add(course=course, by=request.user, **data),
    )
    if done.saved:
        messages.success(request, _("The participant was added."))
        return redirect("courses:detail", course.pk)
    log_list(user=request.user, objects=form.fields["member"].queryset, request=request)
    return render(request, "courses/participant_form.html", {"course": course, "form": form})


@GET_POST
def attendance(request, pk, session_id):
    course = _course(request, pk)
    session = course.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    page = selectors.course_page(request.user, course)
    index = [s.pk for s in page["sessions"]].index(session.pk)
    initial = {
        "present": [line.participant.pk for line in page["lines"] if line.attended[index]],
        "anonymous_present": session.anonymous_present,
    }
    form = forms.AttendanceForm(
        request.POST or None, initial=initial, course=course, lines=page["lines"]
    )
    done = submit(
        request,
        form,
        lambda data: services.attendance_record(session=session, by=request.user, **data),
    )
    if done.saved:
        messages.success(request, _("The attendance was saved."))
        return redirect("courses:detail", course.pk)
    log_list(user=request.user, objects=page["shown"], request=request)
    return render(
        request,
        "courses/attendance.html",
        {"course": course, "session": session, "form": form},
    )
