"""The renderer itself: escaping, no network, kinds, and what a page looks like as an image."""

from __future__ import annotations

import re
import subprocess

import pytest
from PIL import Image

from bundler.documents import UnknownKind, cn_date, render_html, render_pdf
from bundler.documents.examples import example_contexts
from bundler.extensions import db

HOSTILE = '<img src="http://example.com/x.png"><script>alert(1)</script>&'


def _commitment(name: str) -> dict:
    return {
        "tracking_number": "HT1",
        "bundle": {"code": "KFD", "name": name},
        "applicant": {"name_masked": "王**", "id_number_masked": "610702**********1234"},
        "due_date": "2026-11-30",
        "materials": [{"name": name, "items": [name]}],
        "clerk": {"window": name, "name": name},
        "date": "2026-11-23",
        "centre": {"name": name, "phone": name},
    }


def test_everything_is_escaped(app, inspect):
    html = render_html("commitment", _commitment(HOSTILE))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    pdf = inspect(render_pdf("commitment", _commitment(HOSTILE)))
    assert pdf.has("<script>alert(1)</script>")


def test_documents_reference_no_external_resource(sample):
    for kind, ctx in example_contexts(db.session, "KFD").items():
        html = render_html(kind, ctx)
        assert not re.search(r"""(src|href)\s*=|url\(|@import|<link""", html), kind


def test_unknown_kind_is_refused(app):
    with pytest.raises(UnknownKind, match="未知的文书类型"):
        render_pdf("../base", {})


def test_dates_are_printed_the_chinese_way():
    assert cn_date("2026-11-03") == "2026年11月3日"
    assert cn_date("2026-11-23 09:05") == "2026年11月23日 09:05"
    assert cn_date("2026-11-23T09:05:00") == "2026年11月23日 09:05"
    assert cn_date("") == "" and cn_date(None) == "" and cn_date("待定") == "待定"


def test_a_page_rasterises_with_ink(sample, tmp_path):
    pdf_path = tmp_path / "receipt.pdf"
    pdf_path.write_bytes(render_pdf("receipt", example_contexts(db.session, "KFD")["receipt"]))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(tmp_path / "receipt"),
        ],
        check=True,
        timeout=60,
    )
    image = Image.open(tmp_path / "receipt.png").convert("L")
    assert abs(image.width / image.height - 595.28 / 841.89) < 0.01  # A4 portrait
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    assert 0.005 < dark < 0.5, dark  # text and rules, not a blank or a black page


def test_warm_up_renders_in_an_app_context(app):
    from bundler.documents import font_configuration, warm_up

    warm_up()
    assert font_configuration() is font_configuration()  # one per thread, reused


def test_receipt_and_commitment_without_dates_yet(sample, inspect):
    contexts = example_contexts(db.session, "KFD")
    receipt = {**contexts["receipt"], "promised": {"date": "", "working_days": 7, "calendar_version": ""}}
    receipt["steps"] = [{**s, "due_date": "前序事项办结后起算"} for s in receipt["steps"]]
    pdf = inspect(render_pdf("receipt", receipt))
    assert pdf.has("7 个工作日内") and pdf.has("前序事项办结后起算") and not pdf.has("工作日历版本")
    commitment = inspect(render_pdf("commitment", {**contexts["commitment"], "due_date": ""}))
    assert commitment.has("在约定期限内补齐") and not commitment.has("承诺补齐期限")
