"""Fixtures of the printable-document tests: the sample catalogue and a PDF inspector."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from testapp import SAMPLE

A4 = (595.28, 841.89)


@pytest.fixture
def sample(app):
    result = SAMPLE.load()
    assert result.ok, "\n".join(map(str, result.problems))
    return result


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class InspectedPdf:
    """What a test needs to know of a PDF: per-page text, fonts and page sizes."""

    pages: list[str]
    fonts: set[str]
    sizes: list[tuple[float, float]]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def has(self, needle: str) -> bool:
        """Whether the text contains ``needle``, ignoring whitespace (lines wrap anywhere in CJK)."""
        return _squash(needle) in _squash(self.text)

    def missing(self, *needles: str) -> list[str]:
        return [n for n in needles if not self.has(n)]

    def assert_well_formed(self) -> None:
        """A4 pages, Noto CJK fonts embedded, no missing glyph, page numbers in the footer."""
        for width, height in self.sizes:
            assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1, (width, height)
        assert any("Noto" in f and "CJK" in f for f in self.fonts), self.fonts
        assert all("Noto" in f for f in self.fonts), self.fonts  # no fallback font was needed
        assert "\ufffd" not in self.text
        assert ".notdef" not in self.text
        total = len(self.pages)
        for number, page in enumerate(self.pages, 1):
            assert _squash(f"第 {number} 页 / 共 {total} 页") in _squash(page), (number, page[-200:])


def _fonts_of(reader: PdfReader) -> set[str]:
    names: set[str] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        for ref in (fonts.get_object() if fonts is not None else {}).values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
            for descendant in font.get("/DescendantFonts") or []:
                d = descendant.get_object()
                names.add(str(d.get("/BaseFont")))
                descriptor = d.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), d
    return names


def inspect_pdf(data: bytes) -> InspectedPdf:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return InspectedPdf(
        pages=[p.extract_text() or "" for p in reader.pages],
        fonts=_fonts_of(reader),
        sizes=[(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages],
    )


@pytest.fixture
def inspect():
    return inspect_pdf
