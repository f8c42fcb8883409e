"""``flask restore PATH``: put a backup (operations/backup.py) back, and prove it arrived whole.

Order of work: read and check the manifest (format, database kind, the dump's SHA-256, a schema
revision this code knows), refuse a target database that holds rows unless ``force``, load
the dump, compare every table's row count and checksum with the manifest, then run the
migrations forward when the backup is older than this code. Stop the web workers and the
scheduler first: a restore replaces the whole database.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

from ..config import INSTANCE
from ..lazyimport import lazy_module
from .backup import (
    FORMAT,
    MANIFEST,
    PARTIAL,
    REBUILD_NOTE,
    SECRET_FILE,
    BackupError,
    backend,
    libpq,
    pg_tables,
    pg_tool,
    quote,
    sha256_file,
    sqlite_path,
    sqlite_tables,
)

psycopg = lazy_module("psycopg")  # PostgreSQL restores only

IGNORED_FOR_EMPTINESS = frozenset({"alembic_version"})


def read_manifest(folder: Path) -> dict:
    folder = Path(folder)
    if folder.name.endswith(PARTIAL):
        raise BackupError(f"{folder} is an unfinished backup (the process taking it stopped): use a complete one")
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a mentorhub backup, or an unfinished one") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder / MANIFEST} cannot be read: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not one this version reads ({FORMAT})")
    for key in ("database", "file", "sha256", "tables"):
        if key not in manifest:
            raise BackupError(f"{MANIFEST} lacks {key!r}")
    return manifest


def check_file(folder: Path, manifest: dict) -> Path:
    dump = Path(folder) / Path(manifest["file"]).name
    if not dump.exists():
        raise BackupError(f"{dump} is missing")
    if sha256_file(dump) != manifest["sha256"]:
        raise BackupError(f"{dump} does not match the checksum in the manifest: the copy is damaged")
    return dump


def check_revision(manifest: dict, head: str, known: set[str]) -> str | None:
    """The revision to migrate to (head), None when nothing is to run; raises for an unknown one."""
    revision = manifest.get("schema_revision")
    if revision is None or revision == head:
        return None
    if revision not in known:
        raise BackupError(f"the backup's schema revision {revision!r} is unknown to this code (a newer "
                          "mentorhub made it?): restore it with that version")
    return head


def _counts(tables: dict[str, dict]) -> dict[str, int]:
    return {name: t["rows"] for name, t in tables.items() if name not in IGNORED_FOR_EMPTINESS and t["rows"]}


def _pg_counts(conninfo: str, password: str | None) -> dict[str, int]:
    with psycopg.connect(conninfo, password=password) as conn:
        names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {n: conn.execute(f"SELECT count(*) FROM public.{quote(n)}").fetchone()[0] for n in names
                if n not in IGNORED_FOR_EMPTINESS}


def _sqlite_counts(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    conn = sqlite3.connect(path, timeout=30)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                            "AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f"SELECT count(*) FROM {quote(n)}").fetchone()[0] for n in names
                if n not in IGNORED_FOR_EMPTINESS}
    finally:
        conn.close()


def target_rows(url: str) -> dict[str, int]:
    """Tables of the target database that hold rows (alembic_version aside)."""
    if backend(url) == "sqlite":
        return {n: c for n, c in _sqlite_counts(sqlite_path(url)).items() if c}
    conninfo, env = libpq(url)
    return {n: c for n, c in _pg_counts(conninfo, env.get("PGPASSWORD")).items() if c}


def _load_sqlite(dump: Path, path: Path) -> dict[str, dict]:
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(path, timeout=30)
    try:
        source.backup(target)  # replaces the whole file's content under SQLite's locks
        target.execute("PRAGMA journal_mode=WAL")
        return sqlite_tables(target)
    finally:
        target.close()
        source.close()


def _load_pg(dump: Path, url: str, bin_dir: str | None) -> dict[str, dict]:
    conninfo, env = libpq(url)
    password = env.get("PGPASSWORD")
    with psycopg.connect(conninfo, password=password, autocommit=True) as conn:
        with conn.transaction():  # the target's own tables go first (they may be of another revision)
            for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall():
                conn.execute(f"DROP TABLE IF EXISTS public.{quote(name)} CASCADE")
            for (name,) in conn.execute("SELECT sequence_name FROM information_schema.sequences "
                                        "WHERE sequence_schema = 'public'").fetchall():
                conn.execute(f"DROP SEQUENCE IF EXISTS public.{quote(name)} CASCADE")
    done = subprocess.run([pg_tool("pg_restore", bin_dir), "--no-owner", "--no-privileges", "--single-transaction",
                           "--exit-on-error", "--dbname", conninfo, str(dump)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (the database is left empty): {done.stderr.strip()[-500:]}")
    with psycopg.connect(conninfo, password=password) as conn:
        conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        return pg_tables(conn)


def verify(expected: dict[str, dict], found: dict[str, dict]) -> None:
    """Every table of the backup is there with the same row count and checksum."""
    wrong = []
    for name in sorted(set(expected) | set(found)):
        want, got = expected.get(name), found.get(name)
        if want is None or got is None:
            wrong.append(f"{name}: {'not in the backup' if want is None else 'missing after the restore'}")
        elif want["rows"] != got["rows"]:
            wrong.append(f"{name}: {got['rows']} rows restored, the backup has {want['rows']}")
        elif want["checksum"] != got["checksum"]:
            wrong.append(f"{name}: the rows differ from the backup's (checksum)")
    if wrong:
        raise BackupError("the restored database does not match the backup: " + "; ".join(wrong[:10]))


def _restore_secret(folder: Path) -> list[str]:
    saved = folder / "instance" / SECRET_FILE
    if not saved.exists():
        return []
    current = INSTANCE / SECRET_FILE
    if not current.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        shutil.copy2(saved, current)
        current.chmod(0o600)
        return [f"restored the secret key to {current}"]
    if current.read_bytes().strip() != saved.read_bytes().strip():
        return [f"kept the current {current}; copy {saved} over it to keep old sessions and emailed links working"]
    return []


def restore(cfg, folder: Path, force: bool = False, dispose=None) -> dict:
    """Restore the backup in ``folder`` into the database of ``cfg``. ``dispose`` closes the
    app's pooled connections before the database is replaced. Returns a report."""
    # Imported here: Alembic (with the migration scripts) is only needed by restore and
    # `flask migrate`; importing it with the app would cost every worker its start-up time.
    from ..schema_migrations import revisions, upgrade

    folder = Path(folder)
    manifest = read_manifest(folder)
    url = cfg["DATABASE_URL"]
    kind = backend(url)
    if manifest["database"] != kind:
        raise BackupError(f"this is a {manifest['database']} backup and DATABASE_URL is {kind}: restore it into "
                          f"a {manifest['database']} database")
    if kind == "sqlite" and sqlite_path(url) is None:
        raise BackupError("cannot restore into an in-memory SQLite database")
    dump = check_file(folder, manifest)
    head, known = revisions()
    migrate_to = check_revision(manifest, head, known)
    occupied = target_rows(url)
    if occupied and not force:
        listed = ", ".join(f"{n} ({c})" for n, c in sorted(occupied.items())[:5])
        raise BackupError(f"the database is not empty ({sum(occupied.values())} rows: {listed}…); "
                          "pass --force to replace everything in it")
    if dispose is not None:
        dispose()
    if kind == "sqlite":
        found = _load_sqlite(dump, sqlite_path(url))
    else:
        found = _load_pg(dump, url, cfg.get("PG_BIN_DIR"))
    verify(manifest["tables"], found)
    if migrate_to:
        upgrade(url, migrate_to)
    notes = _restore_secret(folder) + [REBUILD_NOTE]
    if manifest.get("schema_revision") is None:
        notes.append("the backup records no schema revision (a database made without `flask migrate`)")
    return {"tables": len(found), "rows": sum(t["rows"] for t in found.values()),
            "revision": manifest.get("schema_revision"), "migrated_to": migrate_to, "replaced": occupied,
            "notes": notes}
