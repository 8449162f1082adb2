"""What every cases page shares: the role gates of home pages and small helpers."""

from __future__ import annotations

from familjelotsen import access, slots
from familjelotsen.audit import Action, log_access

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
