"""Uploaded files in PostgreSQL: the default storage (settings.STORAGES).

The only uploads are signed consent scans (a few MB at most). Kept in a table
(`familjelotsen.models.StoredFile`) they need no shared disk between web workers, so any number
of workers can run behind a load balancer, and `scripts/backup.sh` (pg_dump) holds them with
the records that name them. A file has no URL: `url()` refuses, and the permission-checked,
access-logged views (`consent.views.download_scan`) stream it through `open()`.

`move_from_filesystem` moves the files of the former FileSystemStorage (PRIVATE_MEDIA_ROOT)
into the table, for `manage.py move_files_to_database`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils.deconstruct import deconstructible

from familjelotsen.models import StoredFile


@deconstructible(path="familjelotsen.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """A Django storage whose files are rows of `StoredFile` (bytea)."""

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("DatabaseStorage opens files for reading only; save() writes.")
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content: File) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        data = b"".join(content.chunks()) if hasattr(content, "chunks") else content.read()
        while True:
            try:
                # A savepoint: a name taken meanwhile (unique) must not break the caller's
                # transaction.
                with transaction.atomic():
                    StoredFile.objects.create(name=name, content=data, size=len(data))
            except IntegrityError:
                if not self.exists(name):
                    raise
                name = self.get_available_name(name)
            else:
                return name

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name: str) -> None:
        if not name:
            raise ValueError("The name must be given to delete().")
        StoredFile.objects.filter(name=name).delete()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        directories, files = set(), []
        for name in names:
            rest = name[len(prefix) :]
            if "/" in rest:
                directories.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(directories), sorted(files)

    def get_created_time(self, name: str):
        created = StoredFile.objects.filter(name=name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(name)
        return created

    get_modified_time = get_created_time  # files are never changed in place

    def url(self, name: str | None) -> str:
        raise NotImplementedError(
            "Stored files are never served by URL: a permission-checked view streams them."
        )


# --- Moving the files of the former FileSystemStorage ---------------------------------------


@dataclass
class MoveResult:
    moved: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # in the database with the same bytes
    conflicts: list[str] = field(default_factory=list)  # in the database with other bytes


def move_from_filesystem(location: Path, *, dry_run: bool = False) -> MoveResult:
    """Move every file under `location` into the database under the same name (the name its
    record holds), then delete it from disk. Idempotent: a file already in the database with
    the same bytes is only deleted from disk; one whose name holds other bytes there is left
    where it is and reported."""
    result = MoveResult()
    if not location.is_dir():
        return result
    for path in sorted(p for p in location.rglob("*") if p.is_file()):
        name = path.relative_to(location).as_posix()
        data = path.read_bytes()
        stored = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if stored is not None:
            if hashlib.sha256(bytes(stored)).digest() != hashlib.sha256(data).digest():
                result.conflicts.append(name)
                continue
            result.already.append(name)
        else:
            result.moved.append(name)
            if not dry_run:
                StoredFile.objects.create(name=name, content=data, size=len(data))
        if not dry_run:
            # Only once the row is committed (autocommit here) does the file leave the disk.
            path.unlink()
    if not dry_run:
        _remove_empty_directories(location)
    return result


def _remove_empty_directories(location: Path) -> None:
    for directory in sorted((p for p in location.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
