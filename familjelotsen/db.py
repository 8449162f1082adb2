"""Which database a query goes to: the primary, or a streaming replica for report figures.

Every write and almost every read goes to the primary (the "default" alias). A few reads are
heavy aggregates that may be a moment stale and never decide who sees what: the report
figures (`reporting.figures`, through `reporting.selectors` and the PDF render), the report
dashboard's figures and the report CSV export. They run inside `on_replica()`, and there, and
only there, the router below sends reads to the "replica" alias when `DATABASE_REPLICA_URL`
configures one (`familjelotsen.settings`). Outside the context, and for every write inside it,
the primary answers. So:

- access decisions are taken before entering the context, on the primary: a role or consent
  withdrawn a moment ago is never honoured by a replica that has not replayed it yet;
- the access-log rows that go with a report read are writes: they go to the primary;
- inside a transaction on the primary the context reads from the primary too (a read must see
  the transaction's own writes; this also makes the context transparent in tests that wrap
  each test in a transaction);
- a replica that cannot be reached is not an outage: the reads fall back to the primary;
- without `DATABASE_REPLICA_URL` there is no "replica" alias and the context changes nothing.

The replica is read-only (PostgreSQL refuses writes on a standby) and the router never sends a
write or a migration there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"

# A context variable, not a thread-local: right for threads and for async code alike. Inside
# `on_replica()` it holds that context's verdict on the replica (None: not asked yet), so a
# replica that is away costs one connection attempt per context, not one per query.
_on_replica: ContextVar[dict | None] = ContextVar("familjelotsen_on_replica", default=None)


def replica_configured() -> bool:
    # The connection handler's view of settings.DATABASES (the tests point it elsewhere).
    return REPLICA in connections.settings


@contextmanager
def on_replica() -> Iterator[None]:
    """Reads inside go to the replica (when there is one); usable as a decorator."""
    token = _on_replica.set({"reachable": None})
    try:
        yield
    finally:
        _on_replica.reset(token)


@contextmanager
def on_primary() -> Iterator[None]:
    """Reads inside go to the primary even within `on_replica()`."""
    token = _on_replica.set(None)
    try:
        yield
    finally:
        _on_replica.reset(token)


def read_alias() -> str:
    """The alias a read issued now goes to; raw SQL uses `connections[read_alias()]`."""
    state = _on_replica.get()
    if state is None or not replica_configured():
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if state["reachable"] is None:
        try:
            connections[REPLICA].ensure_connection()
        except OperationalError:
            logger.warning("The read replica cannot be reached; reading from the primary")
            state["reachable"] = False
        else:
            state["reachable"] = True
    return REPLICA if state["reachable"] else PRIMARY


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS: the replica for reads inside `on_replica()`, the primary for the rest."""

    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data: a row read from the replica may point at one read
        # from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == PRIMARY
