"""Staff accounts: list, create, edit, deactivate, reset of the second factor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familjelotsen import access, services
from familjelotsen.audit import Action, log_access, log_list
from familjelotsen.forms import submit
from familjelotsen.models import User
from familjelotsen.paging import page_of
from sysadmin import forms, selectors


def _staff_member(pk) -> User:
    try:
        return selectors.staff_member(pk)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def _log(request, user: User, action: str = Action.VIEW) -> None:
    log_access(
        user=request.user,
        action=action,
        obj=user,
        basis=access.administration_log_basis(),
        request=request,
    )


@require_GET
@access.require_administrator
def user_list(request):
    form = forms.StaffSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    users = page_of(selectors.staff_list(q=q), request.GET)
    log_list(
        user=request.user, objects=users, request=request, basis=access.administration_log_basis()
    )
    return render(request, "sysadmin/users.html", {"users": users, "form": form, "q": q})


@require_http_methods(["GET", "POST"])
@access.require_administrator
def user_create(request):
    form = forms.UserCreateForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.user_create(
            username=data["username"],
            password=data["password1"],
            role=data["role"],
            administration=data["administration"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            title=data["title"],
            email=data["email"],
            organisations=data["organisations"],
        ),
    )
    if done.saved:
        _log(request, done.result, Action.CREATE)
        messages.success(request, _("The user was created."))
        return redirect("sysadmin:user_edit", pk=done.result.pk)
    return render(request, "sysadmin/user_create.html", {"form": form})


@require_http_methods(["GET", "POST"])
@access.require_administrator
def user_edit(request, pk):
    user = _staff_member(pk)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "title": user.title,
        "email": user.email,
        "role": user.role,
        "administration": user.administration,
        "organisations": list(user.organisations.all()),
    }
    form = forms.UserEditForm(request.POST or None, initial=initial)
    done = submit(
        request,
        form,
        lambda data: services.user_update(actor=request.user, user=user, **data),
    )
    if done.saved:
        _log(request, user, Action.CHANGE)
        messages.success(request, _("The user was saved."))
        return redirect("sysadmin:user_edit", pk=user.pk)
    if request.method == "GET":
        _log(request, user)
    return render(
        request,
        "sysadmin/user_edit.html",
        {
            "staff": user,
            "form": form,
            "is_self": user.pk == request.user.pk,
            "held": selectors.held_count(user),
            "refusal": access.deactivation_refusal(request.user, user) if user.is_active else None,
            "resets": selectors.second_factor_resets(user),
        },
    )


@require_POST
@access.require_administrator
def user_deactivate(request, pk):
    user = _staff_member(pk)
    try:
        services.user_deactivate(actor=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _log(request, user, Action.CHANGE)
        messages.success(request, _("The account was deactivated: it can no longer sign in."))
    return redirect("sysadmin:user_edit", pk=user.pk)


@require_POST
@access.require_administrator
def user_reactivate(request, pk):
    user = _staff_member(pk)
    try:
        services.user_reactivate(actor=request.user, user=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("sysadmin:user_edit", pk=user.pk)
    _log(request, user, Action.CHANGE)
    messages.success(request, _("The account was activated again."))
    return redirect("sysadmin:user_edit", pk=user.pk)


@require_http_methods(["GET", "POST"])
@access.require_administrator
def second_factor_reset(request, pk):
    user = _staff_member(pk)
    form = forms.SecondFactorResetForm(request.POST or None)
    done = submit(
        request,
        form,
        lambda data: services.user_reset_second_factor(
            actor=request.user, user=user, reason=data["reason"]
        ),
    )
    if done.saved:
        _log(request, user, Action.CHANGE)
        messages.success(
            request,
            _("The second factor was reset: %(name)s sets up a new one at the next login.")
            % {"name": user.get_full_name() or user.username},
        )
        return redirect("sysadmin:user_edit", pk=user.pk)
    return render(request, "sysadmin/second_factor_reset.html", {"staff": user, "form": form})
