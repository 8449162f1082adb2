"""Change history: context for background work and append-only tables.

Change history for background work (tasks, management commands)::

    from familjelotsen.history import history_context

    @task()
    @history_context("send_consent_reminders")
    def send_consent_reminders(): ...

    with history_context("import_legal_references"):
        ...

Every history event written inside carries ``{"task": "<label>"}`` in its pghistory context,
as request events carry ``{"user": <id>, "url": <path>}`` (pghistory's middleware).

Append-only history tables: with ``PGHISTORY_APPEND_ONLY = True`` (settings) every
``@pghistory.track()`` event model gets pgtrigger "append_only" triggers that refuse UPDATE
and DELETE. For a history-like table that is not a pghistory event model, add to a migration::

    from familjelotsen.history import protect_history_sql

    forward, reverse = protect_history_sql("myapp_mytable")
    operations = [migrations.RunSQL(forward, reverse)]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import pghistory

F_ = TypeVar("F_", bound=Callable[..., Any])


class history_context:  # noqa: N801 - used like pghistory.context, as a decorator or `with`
    """Label history events written by background work with ``{"task": label}``.

    A fresh pghistory context is entered on each use, so one decorated function may run in
    several threads (task workers) at once.
    """

    def __init__(self, label: str, **metadata: Any) -> None:
        self.label = label
        self.metadata = metadata
        self._stack: list[pghistory.context] = []

    def __enter__(self):
        ctx = pghistory.context(task=self.label, **self.metadata)
        self._stack.append(ctx)
        return ctx.__enter__()

    def __exit__(self, *exc_info):
        return self._stack.pop().__exit__(*exc_info)

    def __call__(self, func: F_) -> F_:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with pghistory.context(task=self.label, **self.metadata):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


_TABLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def protect_history_sql(table: str) -> tuple[str, str]:
    """Forward and reverse SQL for a migration: the table refuses UPDATE and DELETE.

    pghistory event models need none of this (PGHISTORY_APPEND_ONLY installs pgtrigger's
    equivalent); use it for other append-only tables.
    """
    if not _TABLE.match(table):
        raise ValueError("table must be a plain lower-case PostgreSQL identifier")
    function = f"{table}_append_only_guard"
    forward = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'history is append-only: % refused on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER {table}_append_only
  BEFORE UPDATE OR DELETE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    reverse = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {function}();
"""
    return forward, reverse
