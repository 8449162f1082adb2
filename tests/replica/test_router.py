"""The replica router (familjelotsen.db) against a real PostgreSQL primary and its streaming
replica (conftest.py): report figures, the report dashboard and the CSV export read on the
replica; every write, every access decision and every other read on the primary.

To tell the two apart, replay on the replica is paused while the primary changes: a read that
sees the change came from the primary, one that does not came from the replica."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import models as cm
from familjelotsen import db
from familjelotsen.models import AccessLogEntry, User
from reporting import selectors
from reporting.figures import Period
from reporting.models import ReportKind
from tests.factories import AdministrationFactory, FamilyFactory, ReportFactory, UserFactory

TODAY = timezone.localdate()
PERIOD = Period(TODAY - dt.timedelta(days=200), TODAY)


def _unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _administration_with_families(n: int):
    administration = AdministrationFactory(name=_unique("Förvaltning"))
    ombud = UserFactory(username=_unique("ombud"), administration=administration)
    FamilyFactory.create_batch(n, responsible_ombud=ombud)
    return administration


def _requested(tables, administration) -> int | None:
    """The raw number of families requested from `administration` in the period."""
    for row in tables["flow"].rows:
        if row.key == str(administration.pk):
            return row.cells["requested"].value
    return None


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _raw_flow(period: Period):
    from reporting import figures

    return figures.compute(period).tables


# --- The figures --------------------------------------------------------------------------


def test_report_figures_are_read_on_the_replica_and_nothing_on_the_primary(pair):
    _administration_with_families(2)
    pair.wait_for_replay()

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        selectors.period_tables(PERIOD)

    assert len(replica.captured_queries) >= 10  # every figure group
    # The primary only keeps the computed figures in the shared cache (its table).
    others = [
        q["sql"]
        for q in primary.captured_queries
        if not (
            '"familjelotsen_cache"' in q["sql"]
            or q["sql"] in ("BEGIN", "COMMIT")
            or "SAVEPOINT" in q["sql"]
        )
    ]
    assert not others, others
    assert not any("cases_" in q["sql"] for q in primary.captured_queries)


def test_figures_do_not_see_what_the_replica_has_not_replayed(pair):
    administration = _administration_with_families(2)
    pair.wait_for_replay()

    with pair.pause_replay():
        FamilyFactory.create_batch(
            3, responsible_ombud=User.objects.filter(administration=administration).get()
        )
        with db.on_replica():
            on_replica = _raw_flow(PERIOD)
        on_primary = _raw_flow(PERIOD)

    assert _requested(on_replica, administration) == 2
    assert _requested(on_primary, administration) == 5


def test_without_the_context_every_read_goes_to_the_primary(pair):
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert db.read_alias() == "default"
        list(cm.Family.objects.all()[:5])
        _raw_flow(PERIOD)
    assert replica.captured_queries == []


def test_writes_inside_the_context_go_to_the_primary(pair):
    administration = AdministrationFactory(name=_unique("Förvaltning"))
    with (
        db.on_replica(),
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        ombud = UserFactory(username=_unique("ombud"), administration=administration)
        family = FamilyFactory(responsible_ombud=ombud)
        family.save(update_fields=["updated_at"])
        cm.Family.objects.filter(pk=family.pk).update(updated_at=timezone.now())
    writes = [
        q["sql"]
        for q in replica.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert any(q["sql"].startswith("INSERT") for q in primary.captured_queries)


def test_inside_a_transaction_the_context_reads_the_primary(pair):
    with transaction.atomic(), db.on_replica():
        assert db.read_alias() == "default"
    with db.on_replica():
        assert db.read_alias() == "replica"
        with db.on_primary():
            assert db.read_alias() == "default"


def test_the_router_migrates_only_the_primary():
    router = db.PrimaryReplicaRouter()
    assert router.allow_migrate("default", "cases")
    assert not router.allow_migrate("replica", "cases")
    with db.on_replica():
        assert router.db_for_write(cm.Family) == "default"


def test_without_a_replica_the_context_reads_the_primary(monkeypatch):
    monkeypatch.setattr(connections, "settings", {"default": connections.settings["default"]})
    with db.on_replica():
        assert db.read_alias() == "default"


# --- The pages ----------------------------------------------------------------------------


@pytest.fixture
def leader(pair):
    administration = _administration_with_families(2)
    return UserFactory(
        username=_unique("leader"), role=User.Role.PROJECT_LEADER, administration=administration
    )


def test_the_dashboard_reads_its_figures_on_the_replica_and_the_rest_on_the_primary(pair, leader):
    # The session (written at login) and the user exist on the primary only while replay is
    # paused: the page works only if login, session and access were read on the primary.
    with pair.pause_replay():
        client = _client(leader)
        report = ReportFactory(created_by=leader)
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            response = client.get(reverse("reporting:dashboard"))

    assert response.status_code == 200
    # The archive list (filtered by who may see it) is the primary's: the new report is there.
    assert reverse("reporting:report", args=[report.pk]) in response.content.decode()
    replica_sql = " ".join(q["sql"] for q in replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in primary.captured_queries)
    assert "cases_family" in replica_sql
    assert "django_session" in primary_sql and "django_session" not in replica_sql
    assert "familjelotsen_user" in primary_sql and "familjelotsen_user" not in replica_sql
    assert "reporting_report" in primary_sql and "reporting_report" not in replica_sql
    assert "cases_family" not in primary_sql


def test_the_csv_export_reads_figures_on_the_replica_and_logs_on_the_primary(pair, leader):
    with pair.pause_replay():
        # Made while the replica replays nothing: found only if the lookup asks the primary.
        report = ReportFactory(created_by=leader, period_start=PERIOD.start, period_end=PERIOD.end)
        client = _client(leader)
        with CaptureQueriesContext(connections["replica"]) as replica:
            response = client.get(reverse("reporting:report_csv", args=[report.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert any("cases_family" in q["sql"] for q in replica.captured_queries)
    assert not any("reporting_report" in q["sql"] for q in replica.captured_queries)
    # The access-log row of the export is on the primary (and, replayed, on the replica).
    assert AccessLogEntry.objects.filter(
        user=leader, action=AccessLogEntry.Action.EXPORT, object_id=report.pk
    ).exists()


def test_a_committee_report_on_the_replica_shows_its_administration_only(pair):
    mine = _administration_with_families(3)
    other = _administration_with_families(4)
    lead = UserFactory(username=_unique("lead"), role=User.Role.TEAM_LEAD, administration=mine)
    report = ReportFactory(
        created_by=lead,
        kind=ReportKind.COMMITTEE,
        administration=mine,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
    )
    pair.wait_for_replay()
    # A draft's figures may come from the figure cache, up to a minute old: this module's
    # earlier tests computed this period's before the administration existed.
    cache.clear()

    with CaptureQueriesContext(connections["replica"]) as replica:
        response = _client(lead).get(reverse("reporting:report_csv", args=[report.pk]))

    assert response.status_code == 200
    assert replica.captured_queries, "the figures were not read on the replica"
    text = response.content.decode("utf-8-sig")
    assert mine.name in text
    assert other.name not in text


def test_a_team_lead_gets_no_figures_of_a_report_of_another_administration(pair):
    mine = _administration_with_families(2)
    theirs = _administration_with_families(2)
    lead = UserFactory(username=_unique("lead"), role=User.Role.TEAM_LEAD, administration=mine)
    their_lead = UserFactory(
        username=_unique("lead"), role=User.Role.TEAM_LEAD, administration=theirs
    )
    report = ReportFactory(created_by=their_lead)
    pair.wait_for_replay()

    with CaptureQueriesContext(connections["replica"]) as replica:
        response = _client(lead).get(reverse("reporting:report_csv", args=[report.pk]))

    assert response.status_code == 404
    assert replica.captured_queries == []  # refused before any figure was computed


def test_a_role_withdrawn_a_moment_ago_is_honoured_though_the_replica_lags(pair, leader):
    client = _client(leader)
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    pair.wait_for_replay()

    with pair.pause_replay():
        User.objects.filter(pk=leader.pk).update(role=User.Role.FAMILY_OMBUD)
        with CaptureQueriesContext(connections["replica"]) as replica:
            response = client.get(reverse("reporting:dashboard"))

    assert response.status_code == 403
    assert replica.captured_queries == []


def test_a_replica_that_is_away_sends_the_reads_to_the_primary_after_one_try(
    django_db_blocker, caplog
):
    from tests.replica.conftest import _Swap

    away = {**connections.settings["default"], "HOST": "/nonexistent-socket-dir", "PORT": "1"}
    databases = {"default": dict(connections.settings["default"]), "replica": away}
    with django_db_blocker.unblock(), _Swap(databases), db.on_replica():
        assert db.read_alias() == "default"
        assert db.read_alias() == "default"
    tries = [r for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert len(tries) == 1
