"""Reads shared by the panels of one page, made once.

The family page gathers panels from several apps (`familjelotsen.slots`); some of them need the
same read (the family's members as the user may name them). Inside `scope()` a read made
through `once()` is kept for the rest of the scope; outside a scope `once()` just reads. The
scope is one page's gathering, so nothing outlives the request and no write can be missed.
A scope opened inside another joins it: the page's own reads and its panels' share one memo.

A panel that has read the family's records of a kind `remember()`s them under
`family_records_key`, so a later panel that names those records (the consent panel's "which
administration sees what") finds them with `recall()` instead of reading them again. Only
reads through the access module's visibility filter are remembered there, so what is found
is what the user may see; a caller that needs a record not found reads it as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("familjelotsen_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
    if _memo.get() is not None:  # joins the page's scope
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once(key: Hashable, read: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def remember(key: Hashable, value: Any) -> None:
    """Keep `value` for the rest of the scope (nothing outside a scope)."""
    memo = _memo.get()
    if memo is not None:
        memo[key] = value


def recall(key: Hashable, default: Any = None) -> Any:
    memo = _memo.get()
    if memo is None:
        return default
    return memo.get(key, default)


def family_records_key(user, label: str, family_id: int) -> tuple:
    """The key of the family's records of one model (`app_label.model`), as `user` sees them."""
    return ("family_records", user.pk, label, family_id)
