"""Backup drill: `scripts/backup.sh` of the database, `scripts/restore.sh` into a fresh
database, and every table holds the same number of rows; the append-only triggers came along,
and so did the uploaded files (familjelotsen.storage keeps them in the database)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from familjelotsen.storage import DatabaseStorage
from tests.factories import FamilyFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]

# Committed rows are needed (pg_dump sees no open transaction): a transactional test. It
# re-creates the migration-made rows (content types, permissions) when it is done.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _url(dbname: str) -> str:
    cfg = connection.settings_dict
    host = quote(cfg.get("HOST") or "", safe="")
    user = quote(cfg.get("USER") or "", safe="")
    password = f":{quote(cfg['PASSWORD'], safe='')}" if cfg.get("PASSWORD") else ""
    port = f":{cfg['PORT']}" if cfg.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{dbname}"


def _row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "select tablename from pg_tables where schemaname = 'public' order by tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'select count(*) from "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def _triggers(url: str) -> set[tuple[str, str]]:
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "select tgrelid::regclass::text, tgname from pg_trigger where not tgisinternal"
        )
        return set(cursor.fetchall())


def _run(script: str, *args: str, url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "BACKUP_DIR": str(tmp_path)}
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_backup_restores_into_a_fresh_database_with_every_row(tmp_path, adm_rs):
    ombud = UserFactory(username="p_drill", administration=adm_rs)
    FamilyFactory.create_batch(3, responsible_ombud=ombud)
    scan = DatabaseStorage().save("consent-scans/drill", ContentFile(b"%PDF-1.4 signed scan"))
    source = _url(connection.settings_dict["NAME"])
    target_name = f"{connection.settings_dict['NAME']}_restore_drill"

    backup = _run("backup.sh", url=source, tmp_path=tmp_path)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path and dump.is_file()
    assert oct(dump.stat().st_mode & 0o777) == "0o600"  # personal data: owner only

    with connection.cursor() as cursor:
        cursor.execute(f'drop database if exists "{target_name}"')
        cursor.execute(f'create database "{target_name}"')
    try:
        target = _url(target_name)
        refused = _run("restore.sh", str(dump), url=target, tmp_path=tmp_path)
        assert refused.returncode != 0, "a restore without confirmation must not run"

        restore = _run("restore.sh", "--yes", str(dump), url=target, tmp_path=tmp_path)
        assert restore.returncode == 0, restore.stderr

        before, after = _row_counts(source), _row_counts(target)
        assert before == after
        assert before["cases_family"] == 3
        assert before["familjelotsen_user"] >= 1
        assert _triggers(source) == _triggers(target)
        with psycopg.connect(target) as conn, conn.cursor() as cursor:
            cursor.execute("select content from familjelotsen_storedfile where name = %s", [scan])
            assert bytes(cursor.fetchone()[0]) == b"%PDF-1.4 signed scan"
    finally:
        # Without FORCE: the drill's own sessions are closed, and a plain DROP DATABASE stops
        # an autovacuum worker busy with the freshly restored rows itself, whereas PostgreSQL
        # 15 refuses to FORCE-terminate one for a role without pg_signal_backend.
        with connection.cursor() as cursor:
            cursor.execute(f'drop database if exists "{target_name}"')
