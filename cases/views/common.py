"""What every cases page shares: the role gates of home pages and small helpers (also used by
the pages of the apps above that add records to a family, e.g. booking a visit)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases import selectors
from familjelotsen import access, slots
from familjelotsen.audit import Action, log_access
from familjelotsen.forms import submit

CASE_ROLES = access.CASE_ROLES
# Role gates of home pages only (who registers requests, whose lists these are), named by the
# policy; what a user may do with a family is asked of the access policy.
REGISTERS_REQUESTS = access.REQUEST_ROLES
FAMILY_LIST_ROLES = access.FAMILY_LIST_ROLES
PUPIL_LIST_ROLES = access.PUPIL_LIST_ROLES


def need_for(request, read=access.SEE, write=access.CHANGE):
    """A page that shows a record on GET and changes it on POST."""
    return read if request.method in ("GET", "HEAD") else write


def log_created(request, obj, via) -> None:
    """A record made through `via` (the family, member or entry looked up with the policy):
    logged with the basis the policy found for `via`."""
    log_access(
        user=request.user,
        action=Action.CREATE,
        obj=obj,
        basis=via.can.basis,
        consent_id=via.can.consent_id,
        request=request,
    )


def share_options(user, obj) -> list[dict] | None:
    """The share buttons of a record (provided by the consent app), for the case team."""
    return slots.gather(slots.RECORD_SHARING, user, obj)[0].get("share_options")


def family_subform(request, pk, form_class, template, save, *, need, needs_members=False, title=""):
    """A form that adds a record to the family: GET shows it (and logs the read of the
    family, whose reference and members' names it shows), POST creates the record."""
    family = access.get_family_for_user(request, pk, need=need)
    kwargs = {"members": selectors.member_choices(request.user, family)} if needs_members else {}
    form = form_class(request.POST or None, **kwargs)
    done = submit(request, form, lambda data: save(family, data))
    if done.saved:
        log_created(request, done.result, family)
        messages.success(request, _("Saved."))
        return redirect("cases:family_detail", pk=family.pk)
    return render(
        request, template, {"form": form, "family": family, "title": title, "can": family.can}
    )
