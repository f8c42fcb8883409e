"""Every row of every table, read independently of the code under test (for restore checks)."""
from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import MetaData, create_engine, select, text


def row_checksums(url: str) -> dict[str, list[str]]:
    """{table: [md5 of each row, in primary-key order]} through SQLAlchemy reflection."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        out = {}
        with engine.connect() as conn:
            for name, table in sorted(meta.tables.items()):
                order = list(table.primary_key.columns) or list(table.columns)
                out[name] = [hashlib.md5(repr(tuple(row)).encode()).hexdigest()
                             for row in conn.execute(select(table).order_by(*order))]
        return out
    finally:
        engine.dispose()


def revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def pg_database(pg_server: str, template: str | None = None) -> str:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return name
