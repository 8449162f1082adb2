"""A private PostgreSQL primary and its streaming replica, started once for these tests by the
project's own scripts (`PG_BASE=… scripts/pg.sh start`, `scripts/pg-replica.sh start`), and
stopped and deleted afterwards.

The tests here do not use pytest-django's test database: the replica must see committed rows,
which a test wrapped in a transaction never commits. While a test asks for `pair`, Django's
"default" alias is the private primary and "replica" its replica (exactly what
DATABASE_REPLICA_URL configures); afterwards the connections are as they were. Every test
makes its own rows (unique names), so tests need not clean up after each other.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import environ
import psycopg
import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]


def _pg_binaries_missing() -> bool:
    def found(name: str) -> bool:
        return bool(glob.glob(f"/usr/lib/postgresql/*/bin/{name}") or shutil.which(name))

    return not (found("initdb") and found("pg_basebackup") and found("pg_ctl"))


@dataclass
class Pair:
    primary_url: str
    replica_url: str

    def replica_superuser(self) -> psycopg.Connection:
        cfg = _settings(self.replica_url)
        return psycopg.connect(
            host=cfg["HOST"], port=cfg["PORT"], user="postgres", dbname="postgres", autocommit=True
        )

    def wait_for_replay(self, timeout: float = 20) -> None:
        """Until the replica has replayed everything the primary has written so far. The
        insert position, not the write position: with synchronous_commit off (scripts/pg.sh)
        the last commit may still sit in the WAL buffers, short of pg_current_wal_lsn(), and
        a replica that reached that would not yet show it."""
        with connections["default"].cursor() as cursor:
            cursor.execute("select pg_current_wal_insert_lsn()")
            lsn = cursor.fetchone()[0]
        deadline = time.monotonic() + timeout
        with self.replica_superuser() as conn:
            while time.monotonic() < deadline:
                row = conn.execute("select pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                if row.fetchone()[0]:
                    return
                time.sleep(0.05)
        raise AssertionError("the replica did not catch up")

    def pause_replay(self):
        """A context in which the replica replays nothing: what the primary writes meanwhile
        is on the primary only, so a read shows which of the two answered it."""
        pair = self

        class _Paused:
            def __enter__(self):
                pair.wait_for_replay()
                with pair.replica_superuser() as conn:
                    conn.execute("select pg_wal_replay_pause()")
                    for _ in range(200):
                        state = conn.execute("select pg_get_wal_replay_pause_state()").fetchone()
                        if state[0] == "paused":
                            return self
                        time.sleep(0.05)
                raise AssertionError("the replica did not pause")

            def __exit__(self, *exc):
                with pair.replica_superuser() as conn:
                    conn.execute("select pg_wal_replay_resume()")
                return False

        return _Paused()


def _settings(url: str) -> dict:
    cfg = environ.Env.db_url_config(url)
    cfg["HOST"] = unquote(cfg.get("HOST") or "")
    cfg["OPTIONS"] = {"options": "-c jit=off", "connect_timeout": 5}
    return cfg


def _script(*args: str, env: dict) -> str:
    done = subprocess.run(
        [str(ROOT / "scripts" / args[0]), *args[1:]],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


class _Swap:
    """Point Django's "default" and "replica" aliases elsewhere, and back."""

    def __init__(self, databases: dict[str, dict]):
        self.databases = databases

    def _reset(self, databases) -> None:
        connections.close_all()
        for alias in list(connections.settings):
            with contextlib.suppress(AttributeError):
                del connections[alias]
        connections.settings = databases

    def __enter__(self):
        self.saved = connections.settings
        self._reset(connections.configure_settings(dict(self.databases)))
        return self

    def __exit__(self, *exc):
        self._reset(self.saved)
        return False


def _pg_tool(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else (shutil.which(name) or name)


def _url_of(cfg: dict) -> str:
    host = quote(cfg.get("HOST") or "", safe="")
    user = quote(cfg.get("USER") or "", safe="")
    password = f":{quote(cfg['PASSWORD'], safe='')}" if cfg.get("PASSWORD") else ""
    port = f":{cfg['PORT']}" if cfg.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{cfg['NAME']}"


def _copy_test_database(primary_url: str) -> None:
    """The schema and the migration-made rows of the migrated template `make test` copies
    the test databases from (manage.py test_template), else of pytest-django's test
    database, copied into the private primary: a copy takes seconds, migrating again
    minutes. The template, when there is one, because the test database may just have been
    flushed by a transactional test (pytest-django runs the tests without a database after
    those), which leaves the migrations' rows out."""
    settings_dict = dict(connections["default"].settings_dict)
    template = settings_dict.get("TEST", {}).get("TEMPLATE")
    if template:
        settings_dict["NAME"] = template
    source = _url_of(settings_dict)
    dump = subprocess.run(
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", source],
        capture_output=True,
        timeout=300,
    )
    if dump.returncode != 0:
        raise RuntimeError(f"pg_dump of the test database failed: {dump.stderr.decode()}")
    restore = subprocess.run(
        [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "-d"]
        + [primary_url],
        input=dump.stdout,
        capture_output=True,
        timeout=300,
    )
    if restore.returncode != 0:
        raise RuntimeError(f"pg_restore into the private primary failed: {restore.stderr.decode()}")


@pytest.fixture(scope="session")
def _test_database(request, django_db_setup, django_db_blocker):
    """pytest-django's test database: it sets it up only for tests that use `db`; run alone,
    these tests set it up themselves (kept with --reuse-db, as pytest-django would)."""
    from django.test.utils import setup_databases, teardown_databases

    creation = connections["default"].creation
    if connections["default"].settings_dict["NAME"] == creation._get_test_db_name():
        yield
        return
    keep = bool(request.config.getoption("reuse_db")) and not request.config.getoption("create_db")
    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, keepdb=keep, aliases={"default"})
    yield
    if not keep:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def _pair_servers(_test_database, django_db_blocker):
    if _pg_binaries_missing():
        pytest.skip("PostgreSQL server binaries (initdb, pg_basebackup) are not installed")
    # /tmp, not pytest's tmp_path: as root the servers run as `postgres`, who cannot enter
    # pytest's root-only directory.
    base = tempfile.mkdtemp(prefix="fl-replica-test-", dir="/tmp")
    os.chmod(base, 0o755)
    env = {**os.environ, "PG_BASE": base}
    try:
        primary = _script("pg.sh", "start", env=env)
        replica = _script("pg-replica.sh", "start", env=env)
        with django_db_blocker.unblock():
            _copy_test_database(primary)
        yield Pair(primary, replica)
    finally:
        for command in (("pg-replica.sh", "stop"), ("pg.sh", "stop")):
            # Stop what runs; the directory goes in any case.
            with contextlib.suppress(Exception):
                _script(*command, env=env)
        subprocess.run(["rm", "-rf", base], check=False)


@pytest.fixture
def pair(_pair_servers, django_db_blocker):
    """The private primary as "default" and its replica as "replica", for one test."""
    replica = _settings(_pair_servers.replica_url)
    replica["TEST"] = {"MIRROR": "default"}
    databases = {"default": _settings(_pair_servers.primary_url), "replica": replica}
    with django_db_blocker.unblock(), _Swap(databases):
        yield _pair_servers
