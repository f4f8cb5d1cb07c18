"""Benchmark of the printable documents: HTML → PDF render time per document kind.

Realistic contexts of the largest sample bundle (开饭店, KFD; every conditional step applies) from
``bundler.documents.examples``, rendered in one process the way an rq worker renders them. Prints the
first (cold) render, then median and p95 (ms) over ``--runs`` renders, page count and size.
Target: every median under 1 s.

    cd /work/main && .venv/bin/python bench/bench_pdf.py [--runs 20] [--rows 3] [--freeze]

Most of the time is WeasyPrint's layout (pure Python, proportional to the document) and, per embedded
font face, HarfBuzz subsetting of the large CJK CFF fonts (~50 ms and ~120 KiB a face): the templates
use two faces only, and fixed table layout (no min/max-content measuring of CJK text per cell).
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import logging  # noqa: E402

from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from timing import percentile  # noqa: E402

from bundler import create_app  # noqa: E402
from bundler.documents import KINDS, render_html, render_pdf  # noqa: E402
from bundler.documents.examples import example_contexts  # noqa: E402
from bundler.extensions import db  # noqa: E402
from bundler.services.sample import import_sample  # noqa: E402

DB_PATH = Path("/tmp/bench_pdf.db")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=3, help="entries per repeating group")
    parser.add_argument("--bundle", default="KFD")
    parser.add_argument(
        "--freeze",
        action="store_true",
        help="gc.freeze() after start-up, as a worker can do once the app is loaded",
    )
    args = parser.parse_args()

    logging.getLogger("alembic").setLevel(logging.WARNING)
    DB_PATH.unlink(missing_ok=True)
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{DB_PATH}",
            "SAMPLE_CATALOGUE": False,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": "/tmp/bench_pdf_instance",
        }
    )
    with app.app_context():
        upgrade()
        result = import_sample(db.session)
        db.session.commit()
        assert result.ok, result.problems
        contexts = example_contexts(db.session, args.bundle, rows=args.rows)
        if args.freeze:
            gc.freeze()
        print(
            f"bundle {args.bundle}, {args.rows} rows per repeating group, {args.runs} runs per kind"
            f"{', after gc.freeze()' if args.freeze else ''}; times in ms"
        )
        print(f"{'kind':<18}{'first':>9}{'median':>9}{'p95':>9}{'html':>8}{'pages':>7}{'KiB':>7}")
        worst = 0.0
        for kind in KINDS:
            ctx = contexts[kind]
            t0 = time.perf_counter()
            pdf = render_pdf(kind, ctx)
            first = (time.perf_counter() - t0) * 1000
            samples, html_samples = [], []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                render_html(kind, ctx)
                html_samples.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                pdf = render_pdf(kind, ctx)
                samples.append((time.perf_counter() - t0) * 1000)
            median = statistics.median(samples)
            worst = max(worst, median)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"{kind:<18}{first:>8.0f} {median:>8.0f} {percentile(samples, 0.95):>8.0f} "
                f"{statistics.median(html_samples):>7.1f} {pages:>6} {len(pdf) / 1024:>6.0f}"
            )
        print(f"slowest median {worst:.0f} ms (target < 1000 ms): {'OK' if worst < 1000 else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
