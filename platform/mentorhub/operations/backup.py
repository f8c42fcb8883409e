"""Online backups (``flask backup``, the nightly job): a consistent copy taken while the app and
the scheduler keep running.

A backup is a folder::

    manifest.json        time, database kind, schema revision, rows and a checksum per table,
                         the dump file's size and SHA-256, what was copied from instance/
    database.sqlite3     SQLite: a single file made with SQLite's online backup API
    database.pgdump      PostgreSQL: ``pg_dump --format=custom``
    instance/secret_key  the development secret key, when the app uses one (not SECRET_KEY)

SQLite: the backup API copies every page in one step inside one read transaction (WAL lets
writers go on meanwhile), so the copy is one committed state. PostgreSQL: a REPEATABLE READ
transaction exports its snapshot, ``pg_dump --snapshot`` dumps exactly that snapshot, and the
row counts and checksums are read in the same transaction, so the manifest describes the dump.

The folder is written as ``<name>.partial`` and renamed only once the manifest is on disk: a
backup killed halfway leaves no folder that looks complete (restore refuses one without a
manifest; the nightly job deletes stale partial folders).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from ..config import INSTANCE
from ..db import utcnow
from ..lazyimport import lazy_module

psycopg = lazy_module("psycopg")  # PostgreSQL backups only

FORMAT = 1
MANIFEST = "manifest.json"
PARTIAL = ".partial"
PREFIX = "mentorhub-"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
SECRET_FILE = "secret_key"
REBUILD_NOTE = ("The match index is not copied: it is rebuilt from the database. After a restore run "
                "`flask --app wsgi match-index build` (the scheduler also builds one when none is published).")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# ---- where the database is --------------------------------------------------------------------


def backend(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def sqlite_path(url: str) -> Path | None:
    """The SQLite file of ``url``; None for an in-memory database."""
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def libpq(url: str) -> tuple[str, dict]:
    """A libpq connection string without the password, and the environment that carries it."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str, bin_dir: str | None) -> str:
    """pg_dump / pg_restore: from PG_BIN_DIR, else PATH, else the newest /usr/lib/postgresql."""
    if bin_dir:
        return str(Path(bin_dir) / name)
    found = shutil.which(name)
    if found:
        return found
    for base in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True):
        if (base / name).exists():
            return str(base / name)
    raise BackupError(f"{name} not found: install the PostgreSQL client tools or set PG_BIN_DIR")


# ---- what the database holds --------------------------------------------------------------------


def quote(name: str) -> str:
    """An SQL identifier, quoted (table and column names come from the database's catalogue)."""
    return '"' + name.replace('"', '""') + '"'


def _digest_rows(rows) -> tuple[int, str]:
    digest, count = hashlib.sha256(), 0
    for row in rows:
        digest.update(repr(tuple(row)).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


def sqlite_tables(conn: sqlite3.Connection) -> dict[str, dict]:
    """Rows and a checksum (SHA-256 over every row in primary-key order) per table."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    tables = {}
    for name in names:
        info = conn.execute(f"PRAGMA table_info({quote(name)})").fetchall()
        keys = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] or [r[1] for r in info]
        order = ", ".join(quote(k) for k in keys)
        rows, checksum = _digest_rows(conn.execute(f"SELECT * FROM {quote(name)} ORDER BY {order}"))
        tables[name] = {"rows": rows, "checksum": checksum}
    return tables


def pg_tables(conn: psycopg.Connection) -> dict[str, dict]:
    """As sqlite_tables, for the public schema of a PostgreSQL database (in the caller's transaction)."""
    names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    tables = {}
    for name in names:
        keys = [r[0] for r in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)", (f"public.{quote(name)}",))]
        if not keys:
            keys = [r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = %s ORDER BY ordinal_position", (name,))]
        order = ", ".join(quote(k) for k in keys)
        with conn.cursor(name=f"rows_{len(tables)}") as cur:  # server-side: large tables stream
            cur.execute(f"SELECT * FROM public.{quote(name)} ORDER BY {order}")
            rows, checksum = _digest_rows(cur)
        tables[name] = {"rows": rows, "checksum": checksum}
    return tables


def revision_of(tables: dict[str, dict], read_revision) -> str | None:
    return read_revision() if "alembic_version" in tables and tables["alembic_version"]["rows"] else None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- taking a backup ------------------------------------------------------------------------------


def _sqlite_dump(url: str, out: Path) -> tuple[dict, str | None]:
    path = sqlite_path(url)
    if path is None or not path.exists():
        raise BackupError(f"there is no SQLite database at {path} to back up")
    source = sqlite3.connect(path, timeout=30)
    target = sqlite3.connect(out)
    try:
        source.backup(target)  # every page in one step: one consistent snapshot
        target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        tables = sqlite_tables(target)
        revision = revision_of(tables, lambda: target.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        target.close()
        source.close()
    return tables, revision


def _pg_dump(url: str, out: Path, bin_dir: str | None) -> tuple[dict, str | None]:
    conninfo, env = libpq(url)
    tool = pg_tool("pg_dump", bin_dir)
    with psycopg.connect(conninfo, password=env.get("PGPASSWORD")) as conn:
        conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        done = subprocess.run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                               "--file", str(out), "--dbname", conninfo], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-500:]}")
        tables = pg_tables(conn)
        revision = revision_of(tables, lambda: conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
        conn.rollback()
    return tables, revision


def _copy_instance(folder: Path, secret_from_env: bool) -> dict:
    copied, notes = [], [REBUILD_NOTE]
    secret = INSTANCE / SECRET_FILE
    if secret_from_env:
        notes.append("SECRET_KEY comes from the environment: it is not in the backup; keep it with your other secrets.")
    elif secret.exists():
        (folder / "instance").mkdir(mode=0o700)
        shutil.copy2(secret, folder / "instance" / SECRET_FILE)
        (folder / "instance" / SECRET_FILE).chmod(0o600)
        copied.append(SECRET_FILE)
    return {"copied": copied, "notes": notes}


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def default_target(root: Path, now: datetime) -> Path:
    return root / f"{PREFIX}{now:%Y%m%d-%H%M%S}"


def partial_name(target: Path) -> Path:
    return target.with_name(f"{target.name}.{socket.gethostname()}-{os.getpid()}{PARTIAL}")


def take_backup(cfg, target: Path | None = None, now: datetime | None = None) -> dict:
    """Back up the database of ``cfg`` into the folder ``target`` (default: a new dated folder in
    BACKUP_DIR, else instance/backups). Returns the manifest."""
    now = now or utcnow()
    url = cfg["DATABASE_URL"]
    kind = backend(url)
    if kind == "sqlite" and sqlite_path(url) is None:
        raise BackupError("an in-memory SQLite database cannot be backed up")
    target = Path(target) if target else default_target(Path(cfg.get("BACKUP_DIR") or INSTANCE / "backups"), now)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not an empty folder: choose another path")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_name(target)
    partial.mkdir(mode=0o700)
    try:
        dump = partial / (SQLITE_FILE if kind == "sqlite" else PG_FILE)
        if kind == "sqlite":
            tables, revision = _sqlite_dump(url, dump)
        else:
            tables, revision = _pg_dump(url, dump, cfg.get("PG_BIN_DIR"))
        manifest = {
            "format": FORMAT, "created_at": now.isoformat(), "database": kind, "schema_revision": revision,
            "file": dump.name, "size": dump.stat().st_size, "sha256": sha256_file(dump),
            "tables": tables, "total_rows": sum(t["rows"] for t in tables.values()),
            "instance": _copy_instance(partial, bool(cfg.get("SECRET_KEY_FROM_ENV"))),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        for path in (dump, partial / MANIFEST, partial):
            _fsync(path)
        if target.exists():
            target.rmdir()  # the empty folder named on the command line
        os.rename(partial, target)  # complete, with its manifest, or not there at all
        _fsync(target.parent)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


def complete_backups(root: Path) -> list[Path]:
    """The finished backups in ``root`` (folders with a manifest), oldest first."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(PREFIX)
                  and not p.name.endswith(PARTIAL) and (p / MANIFEST).exists())
