"""Benchmark of the public 办事指南 on the sample catalogue (39 items, 8 bundles): the searchable list,
an item's and a bundle's guide as a page and as JSON, and the A4 PDF of each (rendered in process, as
the documents worker does).

Run: .venv/bin/python bench/bench_guide.py [--runs N]   (BENCH_DATABASE_URL to use PostgreSQL;
its tables are dropped and created again)
Prints median and p99 in ms, and each PDF's pages and size.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from sample_app import sample_app  # noqa: E402
from timing import timed  # noqa: E402

from bundler.documents.pdf import render_pdf  # noqa: E402
from bundler.extensions import db  # noqa: E402
from bundler.models import Document  # noqa: E402
from bundler.services.document_kinds import context_for  # noqa: E402

PAGES = {
    "GET /guide/ (list)": "/guide/",
    "GET /guide/?q=出生 (search)": "/guide/?q=出生",
    "GET /guide/items/SCJG-001": "/guide/items/SCJG-001",
    "GET /guide/bundles/XSECS": "/guide/bundles/XSECS",
    "GET /api/v1/guide/items/SCJG-001": "/api/v1/guide/items/SCJG-001",
    "GET /api/v1/guide/bundles/XSECS": "/api/v1/guide/bundles/XSECS",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    config: dict[str, Any] = {}
    if os.environ.get("BENCH_DATABASE_URL"):
        config["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    app = sample_app("bench-guide-", config)
    client = app.test_client()
    engine = "PostgreSQL" if config.get("DATABASE_URL") else "SQLite"
    print(f"办事指南 on {engine}, sample catalogue, {args.runs} runs")
    for name, url in PAGES.items():
        assert client.get(url).status_code == 200, url
        median, p99 = timed(lambda url=url: client.get(url), args.runs, warmup=3)
        size = len(client.get(url).data)
        print(f"  {name:36} median {median:6.1f} ms   p99 {p99:6.1f} ms   {size / 1024:6.1f} KB")
    with app.app_context():
        for of, code in (("item", "SCJG-001"), ("bundle", "XSECS")):
            document = Document(kind="guide", cache_key=f"bench-{of}", params={"of": of, "code": code})
            runs = max(3, args.runs // 20)
            median, p99 = timed(lambda d=document: render_pdf("guide", context_for(db.session, d)), runs, 1)
            pdf = render_pdf("guide", context_for(db.session, document))
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"  {'PDF ' + of + ' ' + code:36} median {median:6.1f} ms   p99 {p99:6.1f} ms   "
                f"{pages} pages, {len(pdf) / 1024:.0f} KB"
            )


if __name__ == "__main__":
    main()
