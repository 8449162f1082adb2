"""Reads shared by the panels of one page, made once.

The family page gathers panels from several apps (`familjelotsen.slots`); some of them need the
same read (the family's members as the user may name them). Inside `scope()` a read made
through `once()` is kept for the rest of the scope; outside a scope `once()` just reads. The
scope is one page's gathering, so nothing outlives the request and no write can be missed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("familjelotsen_memo", default=None)


@contextmanager
def scope() -> Iterator[None]:
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
