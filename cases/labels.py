"""How the family's members are named to a user: through the access policy, with protected
identity masked (SPEC §3.7). Shared by the apps that name members on their pages (SIP,
network work); the form field that offers members this way is `cases.forms.LabelledMemberChoice`.
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from cases import models as cm
from familjelotsen import access, memo


def masked_label() -> str:
    return _("Protected identity")


def family_members(user, family) -> list:
    """The family's members (`family`: as the policy looked it up, or its id) the user may
    see, with the policy's `identity_visible` and access basis (for the log of a page that
    names them), and `custodian_ids` (their custodians, in the members' order; the family
    page shows those the user may see). Made once per page: the family page's member panel
    and its apps' panels share the read."""

    def read() -> list:
        custodian_ids = member_ids(
            cm.CustodyLink.objects.filter(child_id=OuterRef("pk")), "custodian"
        )
        rows = access.family_records(user, cm.Member, family)
        return list(rows.annotate(custodian_ids=custodian_ids).order_by("kind", "birth_date", "id"))

    family_id = family if isinstance(family, int) else family.pk
    return memo.once(("family_members", user.pk, family_id), read)


def member_ids(links: QuerySet, field: str) -> JSONObject:
    """The ids of the members `links` (rows of a link table, filtered by the outer row) point
    to through `field`, as {"family": [...], "other": [...]}: those of the outer row's family
    and those of another, each in the members' order. The caller names the family's from the
    members the user may see, read once for the page."""
    ordered = links.order_by(f"{field}__kind", f"{field}__birth_date", f"{field}_id")
    same = Q(**{f"{field}__family_id": OuterRef("family_id")})
    return JSONObject(
        family=ArraySubquery(ordered.filter(same).values(f"{field}_id")),
        other=ArraySubquery(ordered.exclude(same).values(f"{field}_id")),
    )


def labels_of(members, *, for_export: bool = False) -> dict[int, str]:
    """Names of members as the policy lets the user see them: protected identity masked for
    all but the case team, and in exports for everyone (SPEC §3.7: the SIP is handed to the
    family and copied to every participating organisation)."""
    labels = {}
    for m in members:
        shown = m.identity_visible and not (for_export and m.protected_identity)
        labels[m.pk] = f"{m.first_name} {m.last_name}" if shown else masked_label()
    return labels


def member_labels(user, family_id: int, *, for_export: bool = False) -> dict[int, str]:
    """Names of the family's members the user may see (see `labels_of`)."""
    return labels_of(family_members(user, family_id), for_export=for_export)


def label_for(labels: dict[int, str], member_id: int | None) -> str:
    if member_id is None:
        return ""
    # A member the user cannot see (not shared with their administration) is not named.
    return labels.get(member_id, _("(not shown)"))
