"""Backup and restore of the database and the stored files together, and their check.

A backup is one .tar.gz archive:

- database.json: every table but those Django rebuilds itself (content types,
  permissions, sessions, login attempts), read in one transaction that sees a
  single snapshot (REPEATABLE READ on PostgreSQL), with natural keys so that it
  loads into a freshly migrated database;
- media/<name>: every stored file (documents, signed copies, scans, minutes,
  logos, imported sources), read through the storage, whatever it is;
- manifest.json: the archive's format, when it was made, and the SHA-256 of
  database.json and of every file, checked before anything is restored.

Restoring refuses a database that holds data unless told to replace it, checks
the archive, then loads the data and writes the files in one go. check_files()
verifies every stored file against the SHA-256 the database recorded for it
(documents, signed copies, imported sources) and that every other referenced
file exists.
"""

import hashlib
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from conventions import freshness

FORMAT = 1
# Rebuilt by migrate, or not worth restoring (sessions, login attempts).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]
# Files whose content the database records, and where.
HASHED_FILES = [
    ("conventions.Document", "file", "file_hash"),
    ("conventions.SignedCopy", "file", "file_hash"),
    ("conventions.ConventionImport", "file", "file_sha256"),
]


class BackupError(Exception):
    """A backup that cannot be made or restored; the message is French."""


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _stored_names(storage, folder=""):
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # no file stored yet: the media folder does not exist
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from _stored_names(storage, f"{folder}/{directory}" if folder else directory)


def _dump_database():
    stream = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            stdout=stream,
        )
    return stream.getvalue().encode()


def _add(archive, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(path, storage=default_storage):
    """Write the archive to path; returns its manifest."""
    database = _dump_database()
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": _sha256(database),
        "files": {},
    }
    with tarfile.open(path, "w:gz") as archive:
        _add(archive, "database.json", database)
        for name in _stored_names(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            manifest["files"][name] = _sha256(data)
            _add(archive, f"media/{name}", data)
        _add(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
    return manifest


def _read_archive(path):
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            if "manifest.json" not in members or "database.json" not in members:
                raise BackupError("Archive incomplète : manifest.json ou database.json manque.")
            manifest = json.loads(archive.extractfile(members["manifest.json"]).read())
            database = archive.extractfile(members["database.json"]).read()
            files = {}
            for name in manifest.get("files", {}):
                member = members.get(f"media/{name}")
                if member is None:
                    raise BackupError(f"Archive incomplète : le fichier « {name} » manque.")
                files[name] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError) as error:
        raise BackupError(f"Archive illisible : {error}.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Format d'archive inconnu : {manifest.get('format')!r}.")
    if _sha256(database) != manifest["database"]:
        raise BackupError("Archive altérée : la base de données ne correspond pas au manifeste.")
    for name, data in files.items():
        if _sha256(data) != manifest["files"][name]:
            raise BackupError(f"Archive altérée : le fichier « {name} » a changé.")
    return manifest, database, files


def database_has_data():
    return any(
        model._default_manager.exists()
        for app_label in ("partners", "conventions", "actionplan")
        for model in apps.get_app_config(app_label).get_models()
    )


def restore(path, *, replace=False, storage=default_storage):
    """Load an archive made by backup(): the database, then the files. Returns the
    manifest. A database holding data is refused unless replace is true."""
    manifest, database, files = _read_archive(path)
    if database_has_data() and not replace:
        raise BackupError(
            "La base contient déjà des données : la restauration les remplacerait. "
            "Relancez avec --remplacer si c'est voulu."
        )
    with transaction.atomic():
        if replace:
            call_command("flush", interactive=False, verbosity=0)
        _load(database)
        # loaddata's saves are raw: no plan page knows them.
        freshness.all_plans_changed()
    for name, data in files.items():
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, ContentFile(data))
        if stored != name:
            raise BackupError(f"Le fichier « {name} » a été enregistré sous « {stored} ».")
    return manifest


def _load(database):
    # loaddata reads fixtures from files, and knows their format by their extension.
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "database.json"
        fixture.write_bytes(database)
        call_command("loaddata", str(fixture), verbosity=0)


@dataclass
class FileCheck:
    checked: int = 0
    problems: list = field(default_factory=list)


def check_files(storage=default_storage):
    """Every referenced file exists, and those whose SHA-256 the database recorded
    have exactly those bytes."""
    result = FileCheck()
    hashed = set()
    for label, file_field, hash_field in HASHED_FILES:
        model = apps.get_model(label)
        hashed.add((label, file_field))
        rows = model._default_manager.exclude(**{file_field: ""}).values_list(
            "pk", file_field, hash_field
        )
        for pk, name, recorded in rows.iterator():
            result.checked += 1
            _check_one(result, storage, f"{model._meta.verbose_name} n° {pk}", name, recorded)
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if not hasattr(model_field, "upload_to"):
                continue
            if (model._meta.label, model_field.name) in hashed:
                continue
            if model.__name__.startswith("Historical"):
                continue
            names = (
                model._default_manager.exclude(**{model_field.name: ""})
                .values_list("pk", model_field.name)
                .iterator()
            )
            for pk, name in names:
                result.checked += 1
                _check_one(result, storage, f"{model._meta.verbose_name} n° {pk}", name, None)
    return result


def _check_one(result, storage, what, name, recorded):
    if not storage.exists(name):
        result.problems.append(f"{what} : fichier « {name} » introuvable.")
        return
    if recorded:
        with storage.open(name, "rb") as handle:
            actual = _sha256(handle.read())
        if actual != recorded:
            result.problems.append(
                f"{what} : le fichier « {name} » ne correspond pas à son empreinte enregistrée."
            )


def default_archive_name(now=None):
    now = now or timezone.localtime()
    return f"ctg-sauvegarde-{now:%Y-%m-%d-%H%M%S}.tar.gz"
