"""Portfolio: notebook upload checks and rendering near the size limit, and the review queue.

    .venv/bin/python bench/portfolio_notebook.py [--cells 400] [--runs 20] [--queue 2000]

A hand-built nbformat 4 notebook of about 1.9 MB (``--cells`` code cells with source and a
text output, every tenth with a 20 KB PNG, markdown between) is validated (JSON + nbformat
schema + output sizes), rendered to inert HTML and checked for hints. Then ``--queue`` open
community requests sit in a SQLite database and one opted-in reviewer's queue is built
(``feedback.queue_for``, visibility and skill matching included). Median and 95th percentile.
``prepare`` is the whole accepted upload (validate, render, hints in one work budget) with the
default caps, for that notebook and for an adversarial one at the 2 MiB limit whose code and
markdown cells are full of ``a-`` (the pattern that was quadratic); its work steps are printed too.
"""
from __future__ import annotations

import argparse
import base64
import zlib

from _common import bench_app, temp_sqlite, timed


def png(width: int, height: int, seed: int) -> str:
    import struct

    raw = b"".join(b"\x00" + bytes((x * seed + y) % 256 for x in range(width * 3)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    body = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))
    return base64.b64encode(body).decode()


def big_notebook(cells: int) -> bytes:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook()
    image = png(80, 80, 7)
    for i in range(cells):
        if i % 5 == 0:
            nb.cells.append(new_markdown_cell(f"## Step {i}\nWe look at *feature* `{i}` and <b>why</b> it matters."))
        code = "\n".join(f"df['f{i}_{k}'] = df['x'].rolling({k + 2}).mean()  # feature {k}" for k in range(12))
        cell = new_code_cell(code + "\nmodel.fit(X_train, y_train)" * (i == cells - 1), execution_count=i + 1)
        cell.outputs = [new_output("stream", name="stdout", text="\n".join(f"{k}: {k * 0.137:.4f}" for k in range(40)))]
        if i % 10 == 0:
            cell.outputs.append(new_output("display_data", data={"image/png": image, "text/plain": "<Figure>"}))
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def dashes_notebook(limits) -> bytes:
    """Code and markdown cells full to their caps with "a-", padded with outputs to the size limit."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    nb = new_notebook()
    nb.cells = [new_code_cell("a-" * (limits.cell_source // 2)) for _ in range(limits.source // limits.cell_source)]
    nb.cells += [new_markdown_cell("a-" * (limits.cell_markdown // 2))
                 for _ in range(limits.markdown // limits.cell_markdown)]
    while len(nbformat.writes(nb).encode()) < limits.max_bytes - limits.max_output_bytes:
        nb.cells[0].outputs.append(new_output("stream", name="stdout", text="a-" * (limits.max_output_bytes // 2 - 100)))
    return nbformat.writes(nb).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=400)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--queue", type=int, default=2000)
    args = parser.parse_args()

    from mentorhub.portfolio.notebook import notebook_hints, render_notebook, validate_notebook

    raw = big_notebook(args.cells)
    text = raw.decode()
    limits = {"max_bytes": 4 * 1024 * 1024, "max_output_bytes": 512 * 1024, "max_cells": 1000}
    rows = [
        ("validate", timed(lambda: validate_notebook(raw, **limits), args.runs)),
        ("render", timed(lambda: render_notebook(text), args.runs)),
        ("hints", timed(lambda: notebook_hints(text), args.runs)),
    ]

    from mentorhub.config import Config
    from mentorhub.portfolio.notebook import Limits, prepare_notebook

    caps = Limits(max_bytes=Config.PORTFOLIO_NOTEBOOK_MAX_BYTES, max_output_bytes=Config.PORTFOLIO_NOTEBOOK_MAX_OUTPUT_BYTES,
                  max_cells=Config.PORTFOLIO_NOTEBOOK_MAX_CELLS, cell_source=Config.PORTFOLIO_NOTEBOOK_CELL_SOURCE_MAX,
                  source=Config.PORTFOLIO_NOTEBOOK_SOURCE_MAX, cell_markdown=Config.PORTFOLIO_NOTEBOOK_CELL_MARKDOWN_MAX,
                  markdown=Config.PORTFOLIO_NOTEBOOK_MARKDOWN_MAX, work_steps=Config.PORTFOLIO_NOTEBOOK_WORK_STEPS,
                  work_seconds=Config.PORTFOLIO_NOTEBOOK_WORK_SECONDS)
    dashes = dashes_notebook(caps)
    for name, upload in (("prepare", raw), ("prepare a- (limit)", dashes)):
        rows.append((name, timed(lambda upload=upload: prepare_notebook(upload, caps), max(3, args.runs // 4))))
        print(f"{name}: {len(upload) / 1e6:.2f} MB, {prepare_notebook(upload, caps).steps:,} work steps")

    from mentorhub.accounts.models import User
    from mentorhub.db import db, utcnow
    from mentorhub.portfolio import feedback
    from mentorhub.portfolio.models import FeedbackRequest, PortfolioItem

    with temp_sqlite() as url:
        app = bench_app(url)
        with app.app_context():
            authors = [User(email=f"a{i}@example.com", display_name=f"A{i}") for i in range(50)]
            reviewer = User(email="r@example.com", display_name="Reviewer")
            db.session.add_all(authors + [reviewer])
            db.session.flush()
            now = utcnow()
            for i in range(args.queue):
                item = PortfolioItem(owner_id=authors[i % 50].id, title=f"Work {i}", visibility="members",
                                     status="seeking", created_at=now, updated_at=now)
                db.session.add(item)
                db.session.flush()
                db.session.add(FeedbackRequest(item_id=item.id, active_item_id=item.id, requester_id=item.owner_id,
                                               mode="community", status="open", created_at=now))
            db.session.commit()
            feedback.set_reviewer_setting(reviewer, True, [])
            rows.append((f"queue_for ({args.queue} open)", timed(lambda: feedback.queue_for(reviewer), 5)))
        app.extensions["db_engine"].dispose()

    print(f"notebook: {len(raw) / 1e6:.2f} MB, {args.cells} code cells")
    print(f"{'step':<26}{'median ms':>12}{'p95 ms':>10}")
    for name, (median, p95) in rows:
        print(f"{name:<26}{median:>12.1f}{p95:>10.1f}")


if __name__ == "__main__":
    main()
