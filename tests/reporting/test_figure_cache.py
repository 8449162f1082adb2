"""Report figures are computed once per period and data version (issue 16): a write to any
table the figures read makes them stale, the dashboard is at most a minute behind and says
when its figures were computed, a report's figures include every committed write."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from reporting import figure_cache, suppression
from reporting import figures as fig
from reporting.models import FiguresVersion
from tests.factories import JournalEntryFactory
from tests.reporting.conftest import START, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


# No meetings in the world: meetings with its families change the row from "0" (shown, as
# zero), whatever suppression then shows.
MEETINGS = cm.JournalEntry.Kind.MEETING


def _contacts(snapshot) -> str:
    return snapshot.tables["contacts"].cell(MEETINGS, "contacts").display


def _truth(period) -> str:
    """The contacts as computed now, without the cache."""
    return suppression.suppress(fig.compute(period))["contacts"].cell(MEETINGS, "contacts").display


def _meetings(world, ombud) -> None:
    for day, family in enumerate(world.families):
        JournalEntryFactory(
            family=family,
            author=ombud,
            kind=MEETINGS,
            event_at=at(START + dt.timedelta(days=day + 3), 10),
        )


def _figure_queries(queries) -> int:
    return sum("cases_journalentry" in q["sql"] for q in queries)


def test_every_table_the_figures_read_counts_its_writes(world, period, ombud):
    with CaptureQueriesContext(connection) as ctx:
        fig.compute(period)
    named = set()
    for q in ctx.captured_queries:
        named |= set(re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', q["sql"]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = {row[0] for row in cursor.fetchall()} & named
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = 'reporting_figures_changed'"
        )
        watched = {row[0] for row in cursor.fetchall()}
    assert "cases_journalentry" in tables and "cases_family" in tables
    assert tables - watched == set(), "a table the figures read has no trigger"


def test_figures_are_computed_once_until_the_data_changes(world, period, ombud):
    first = figure_cache.exact(period)
    with CaptureQueriesContext(connection) as again:
        second = figure_cache.exact(period)
    assert _figure_queries(again.captured_queries) == 0  # from the cache
    assert second.computed_at == first.computed_at and second.current
    assert _contacts(second) == _contacts(first)

    _meetings(world, ombud)
    after = figure_cache.exact(period)
    assert _contacts(after) == _truth(period) != _contacts(first)  # counted at once
    assert after.computed_at > first.computed_at


def test_the_dashboard_is_at_most_a_minute_behind_and_says_so(world, period, ombud):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = figure_cache.recent(period)
    _meetings(world, ombud)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        within = figure_cache.recent(period)
    assert within.computed_at == first.computed_at
    assert not within.current and _contacts(within) == _contacts(first)
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        later = figure_cache.recent(period)
    assert later.current and _contacts(later) == _truth(period) != _contacts(first)


def test_an_emptied_version_row_never_serves_old_figures(world, period, ombud):
    first = figure_cache.exact(period)
    FiguresVersion.objects.all().delete()  # as the test suite's flush empties tables
    _meetings(world, ombud)
    again = figure_cache.exact(period)
    assert _contacts(again) == _truth(period) != _contacts(first)


def test_the_dashboard_tells_when_its_figures_were_computed(client, project_leader):
    client.force_login(project_leader)
    body = client.get(reverse("reporting:dashboard")).content.decode()
    assert 'id="figures-computed"' in body
    assert "Figures computed" in body  # the test client asks in English
