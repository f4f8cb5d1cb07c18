"""Printable documents: ``templates/pdf/<kind>.html`` rendered with Jinja2, then to PDF by WeasyPrint.

Both functions run inside a Flask app context (a request, or an rq worker's app context)::

    pdf_bytes = render_pdf("receipt", context)
    html = render_html("receipt", context)      # the same document as HTML, for a preview

The kinds and their context keys are documented in :mod:`bundler.documents.contexts`; contexts are
plain JSON-serialisable dicts, so a job can carry them (or the ids to build them from).

No network: the documents reference no external resource and the URL fetcher only allows ``data:``
URLs. Fonts are the system's Noto CJK fonts (``fonts-noto-cjk``), found through Fontconfig.

Speed (``bench/bench_pdf.py``; KFD, the largest sample bundle): most of a render is WeasyPrint's
layout, in Python and proportional to the document, plus, for every embedded font face, HarfBuzz
subsetting of the large CJK CFF fonts (about 50 ms and 120 KiB per face). Hence the templates use two
faces only (Noto Serif CJK SC Bold for headings and table headers, Noto Sans CJK SC Regular for the
rest) and ``table-layout: fixed`` (auto layout measures the min/max-content width of every cell, which
for CJK text means line-breaking it at every character). Measured on the 7-page notice: 1.11 s →
0.78 s median, 663 → 425 KiB. A :class:`~weasyprint.text.fonts.FontConfiguration` is kept per thread
and reused (it made no measurable difference per render; Fontconfig caches on disk). ``@font-face``
with ``local()`` does not help: WeasyPrint then reads the whole 20–26 MB font collection and writes it
to a temporary folder on every render, and the no-network fetcher refuses ``file:`` URLs anyway.
A worker calls :func:`warm_up` once when it starts.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Mapping
from typing import Any

from flask import current_app, render_template
from jinja2 import TemplateNotFound
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .. import clock
from .builders import display
from .contexts import KINDS

_local = threading.local()
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?")


class UnknownKind(ValueError):
    """A document kind with no template; the message is Chinese."""


def font_configuration() -> FontConfiguration:
    """This thread's font configuration, created on first use and reused by every render."""
    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


_WARM_UP_CONTEXT: dict[str, Any] = {
    "tracking_number": "HT2026010100001",
    "bundle": {"code": "KFD", "name": "开饭店（餐饮店开办）"},
    "applicant": {"name_masked": "王**", "id_number_masked": "610702********1234"},
    "due_date": "2026-01-09",
    "materials": [{"name": "从业人员健康证明", "items": ["食品经营许可（新办）"], "note": "容缺后补"}],
    "clerk": {"window": "综合受理窗口", "name": "李晓燕"},
    "date": "2026-01-05",
    "centre": {"name": "政务服务中心", "address": "天汉大道", "phone": "0916-2212345", "hours": "工作日"},
}


def warm_up() -> None:
    """Load the fonts and WeasyPrint's lazily built state (font maps, shaping caches) in this process.

    Call it once, inside an app context, when a worker starts, so that its first document is as
    fast as the rest (measured: 0.27 s → 0.20 s for a one-page 承诺书).
    """
    render_pdf("commitment", _WARM_UP_CONTEXT)


def cn_date(value: Any) -> str:
    """``2026-11-23`` → ``2026年11月23日``; with a time → ``2026年11月23日 10:30``; else as given."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value)
    m = _ISO.match(text)
    if not m:
        return text
    out = f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    return f"{out} {m[4]}:{m[5]}" if m[4] else out


def render_html(kind: str, context: Mapping[str, Any], *, template: str | None = None) -> str:
    """The document as an HTML page (what :func:`render_pdf` prints); ``templates/pdf/<kind>.html``
    unless the kind names another template."""
    template = template or f"pdf/{kind}.html"
    try:
        current_app.jinja_env.get_template(template)
    except TemplateNotFound:
        raise UnknownKind(f"未知的文书类型：{kind}（可选：{'、'.join(KINDS)}）") from None
    doc = dict(context)
    generated_at = doc.get("generated_at") or clock.now().strftime("%Y-%m-%d %H:%M")
    return render_template(
        template, doc=doc, kind=kind, generated_at=generated_at, show=display, cn_date=cn_date
    )


def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols=("data",))


def render_pdf(kind: str, context: Mapping[str, Any], *, template: str | None = None) -> bytes:
    """The document as PDF bytes (A4)."""
    html = render_html(kind, context, template=template)
    document = HTML(string=html, url_fetcher=_fetcher(), media_type="print")
    return document.write_pdf(font_config=font_configuration())
