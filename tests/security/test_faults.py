"""Faults survived, measured against the development server (`manage.py runserver`, as
`make run` serves) on a throw-away PostgreSQL of this test's own (never the shared cluster):
50 requests at once stay within the connection budget without a server error; PostgreSQL
stopped and started while requests come in gives 503 "try again shortly" pages (Swedish, no
traceback, DEBUG on) and then normal pages, without restarting the app."""

from __future__ import annotations

import concurrent.futures
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SLOTS = 4  # FL_DB_CONNECTIONS_PER_PROCESS for the server under test (unbounded: ~11 here)
MAX_CONNECTIONS = 20  # the throw-away server's limit: far below 50 requests at once


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowAwayPostgres:
    """initdb into a temporary directory, own socket and port; as root it runs as `postgres`."""

    def __init__(self):
        self.bin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
        self.base = Path(tempfile.mkdtemp(prefix="fl-pg-"))
        self.data, self.sock, self.port = self.base / "data", self.base / "run", _free_port()
        self.root = os.geteuid() == 0
        if self.root:
            shutil.chown(self.base, "postgres")
        self._run("mkdir", "-p", str(self.sock))
        self._run(f"{self.bin}/initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust")

    def _run(self, *cmd):
        if self.root:
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self):
        opts = (
            f"-c listen_addresses='' -k {self.sock} -p {self.port} -c fsync=off "
            f"-c max_connections={MAX_CONNECTIONS} -c superuser_reserved_connections=2"
        )
        log = str(self.base / "server.log")
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", opts, "start")

    def stop(self):
        self._run(f"{self.bin}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, db="familjelotsen"):
        return f"postgres://postgres@{urllib.parse.quote(str(self.sock), safe='')}:{self.port}/{db}"

    def connect(self, db="familjelotsen"):
        return psycopg.connect(host=str(self.sock), port=self.port, user="postgres", dbname=db)

    def remove(self):
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres(django_db_setup, django_db_blocker):
    """The throw-away server holding a copy of the migrated test database."""
    from django.db import connection

    db = connection.settings_dict
    name = db.get("TEST", {}).get("NAME") or (
        db["NAME"] if db["NAME"].startswith("test_") else f"test_{db['NAME']}"
    )
    db = {**db, "NAME": name}  # the test database
    pg = ThrowAwayPostgres()
    try:
        pg.start()
        with pg.connect("postgres") as conn:
            conn.autocommit = True
            conn.execute("CREATE DATABASE familjelotsen")
        dump = subprocess.run(
            [f"{pg.bin}/pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--host={db['HOST']}", f"--port={db['PORT']}", f"--username={db['USER']}",
             db["NAME"]],
            check=True, capture_output=True, timeout=120,
        ).stdout  # fmt: skip
        subprocess.run(
            [f"{pg.bin}/pg_restore", "--no-owner", "--no-privileges", f"--host={pg.sock}",
             f"--port={pg.port}", "--username=postgres", "--dbname=familjelotsen"],
            input=dump, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        yield pg
    finally:
        pg.remove()


@pytest.fixture(scope="module")
def server(postgres):
    """`manage.py runserver` as `make run` starts it, with DEBUG on, on the throw-away server."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": postgres.url(),
        "DJANGO_DEBUG": "true",
        "FL_DB_CONNECTIONS_PER_PROCESS": str(SLOTS),
        "DJANGO_TEST_DB_NAME": "",
    }
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],  # noqa: E501
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/robots.txt", timeout=2)
                break
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def get(url: str) -> tuple[int, str]:
    """GET as a returning visitor: the session cookie makes every page read the database."""
    request = urllib.request.Request(url, headers={"Cookie": "sessionid=0123456789abcdefghij"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_fifty_requests_at_once_stay_within_the_connection_budget_without_a_server_error(
    server, postgres
):
    peak, done = 0, threading.Event()

    def watch():
        nonlocal peak
        with postgres.connect() as conn:
            conn.autocommit = True  # pg_stat_activity is a snapshot per transaction
            while not done.is_set():
                (n,) = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'familjelotsen' "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                ).fetchone()
                peak = max(peak, n)
                time.sleep(0.005)

    watcher = threading.Thread(target=watch)
    watcher.start()
    barrier = threading.Barrier(50)

    def one(_):
        barrier.wait()
        return get(server + "/konto/login/")[0]

    try:
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            statuses = list(pool.map(one, range(50)))
    finally:
        done.set()
        watcher.join()
    assert statuses == [200] * 50
    assert 0 < peak <= SLOTS + 1  # + the connection runserver's start-up kept


@pytest.mark.swedish
def test_postgresql_restarted_while_users_work_gives_try_again_pages_then_recovers(
    server, postgres
):
    seen: list[tuple[float, int, str]] = []
    stop = threading.Event()

    def user():
        while not stop.is_set():
            status, body = get(server + "/konto/login/")
            seen.append((time.monotonic(), status, body))
            time.sleep(0.05)

    thread = threading.Thread(target=user)
    thread.start()
    try:
        time.sleep(0.5)
        postgres.stop()
        stopped = time.monotonic()
        time.sleep(1.5)
        down_status, down_page = get(server + "/konto/login/")
        health_status = get(server + "/health/")[0]
        postgres.start()
        started = time.monotonic()
        time.sleep(1.5)
    finally:
        stop.set()
        thread.join(30)

    assert down_status == 503 and health_status == 503
    assert '<html lang="sv">' in down_page
    assert "Försök igen om en stund" in down_page
    assert {status for _, status, _ in seen} <= {200, 503}
    assert not any("Traceback" in body or "OperationalError" in body for *_, body in seen)
    assert any(status == 503 for at, status, _ in seen if stopped < at < started)
    # Back without restarting the app: the last requests are served as usual.
    assert [status for at, status, _ in seen if at > started + 0.5][-3:] == [200, 200, 200]
