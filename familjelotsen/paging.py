"""Pages of a long list without counting it.

A list page shows `per_page` rows and fetches one more to know whether there is a next page:
no COUNT(*) over a visibility filter that may cover thousands of records, and the access log
gets one row per record shown, written in one statement (`audit.log_list`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

PAGE_PARAM = "sida"
PER_PAGE = 50


@dataclass
class Page:
    items: list[Any]
    number: int
    has_next: bool
    params: QueryDict = field(repr=False)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def start_index(self) -> int:
        return (self.number - 1) * len(self.items) + 1 if self.items else 0

    def _query(self, number: int) -> str:
        params = self.params.copy()
        params.pop(PAGE_PARAM, None)
        if number > 1:
            params[PAGE_PARAM] = str(number)
        encoded = params.urlencode()
        return f"?{encoded}" if encoded else "?"

    @property
    def next_query(self) -> str:
        return self._query(self.number + 1)

    @property
    def previous_query(self) -> str:
        return self._query(self.number - 1)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def page_number(value: str | None) -> int:
    """The page asked for; anything that is not a positive number is the first page."""
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 10_000)


def page_of(qs: QuerySet, params: QueryDict, *, per_page: int = PER_PAGE) -> Page:
    """One page of an ordered queryset: one query, `per_page + 1` rows at most."""
    number = page_number(params.get(PAGE_PARAM))
    start = (number - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    return Page(items=rows[:per_page], number=number, has_next=len(rows) > per_page, params=params)
