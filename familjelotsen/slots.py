"""Slots: how an app higher in the house adds its part to a page of an app lower down.

The apps stand in an order, imports only going down (docs/architecture.md): `familjelotsen`
→ `cases` → `consent` → `sip` → `network` → … A page of `cases` (the family page, the lists
of a case worker) shows panels of consent, SIP and network work, but `cases` must not import
them. Instead each app registers what it contributes in its `AppConfig.ready()`:

    slots.provide(slots.FAMILY_PAGE, "sip_summary", selectors.family_summary, shows=plans_of)

and the page gathers the slot:

    panels, shown = slots.gather(slots.FAMILY_PAGE, request.user, family)

`shows` names the records a contribution puts on the page, so the page writes one
access-log row for each (the panel's selector has already asked the access policy which
records the user sees). A slot nobody provides gathers to nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from familjelotsen import memo

# The family page of cases: provide(user, family) -> the panel's context.
FAMILY_PAGE = "family_page"
# The case worker's family list: provide(user) -> e.g. consents about to expire.
FAMILY_LIST = "family_list"
# The team lead's waiting list: provide(user) -> e.g. requests from outside to decide.
WAITING_LIST = "waiting_list"
# The lists of work shared with a case worker's administration: provide(user).
WORK_LISTS = "work_lists"
# The page of one pupil: provide(user, member_id).
PUPIL_PAGE = "pupil_page"
# The share buttons of one record: provide(user, obj) -> options, for the case team.
RECORD_SHARING = "record_sharing"
# A family's case ended (closed, declined, withdrawn), inside the status change's transaction:
# provide(family=, by=, reason=, on=) ends what the app keeps running for the family.
FAMILY_ENDED = "family_ended"
# The demo municipality (seed_demo): provide(made) -> what it made, in `order`; each app's
# demo builds on what the ones before it made.
DEMO = "demo"


@dataclass(frozen=True)
class Contribution:
    key: str
    provide: Callable[..., Any]
    shows: Callable[[Any], Iterable] | None = None
    order: int = 100


_SLOTS: dict[str, dict[str, Contribution]] = {}


def provide(
    slot: str,
    key: str,
    func: Callable[..., Any],
    *,
    shows: Callable[[Any], Iterable] | None = None,
    order: int = 100,
) -> None:
    """Register `func` as the `key` part of `slot` (from an AppConfig.ready())."""
    _SLOTS.setdefault(slot, {})[key] = Contribution(key, func, shows, order)


def contributions(slot: str) -> list[Contribution]:
    """The contributions to `slot`, in their order (then in the order they were made)."""
    return sorted(_SLOTS.get(slot, {}).values(), key=lambda c: c.order)


def gather(slot: str, *args, **kwargs) -> tuple[dict[str, Any], list]:
    """Every contribution to `slot`: ({key: value}, the records they show)."""
    context: dict[str, Any] = {}
    shown: list = []
    with memo.scope():  # reads the panels share are made once (familjelotsen.memo)
        for contribution in contributions(slot):
            value = contribution.provide(*args, **kwargs)
            context[contribution.key] = value
            if contribution.shows is not None and value:
                shown.extend(contribution.shows(value))
    return context, shown


def provided(slot: str) -> list[str]:
    """The keys registered for a slot, in order (for tests and the architecture notes)."""
    return [c.key for c in contributions(slot)]
