"""Opening an uploaded file with a real parser before it is kept: the bytes must be what their type
says all the way through, not just in their first bytes (a PDF that is also an HTML page, a PNG that
declares more pixels than any scan has, a ZIP that inflates to gigabytes)."""

from __future__ import annotations

import io
import re
import warnings
import zipfile

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_PIXELS = 60_000_000  # a 600 dpi A3 scan is about 70 MB of RGB; 60 megapixels is far above any ID card
MAX_PAGES = 500
MAX_OFD_BYTES = 200 * 1024 * 1024  # what an OFD container may inflate to
MAX_OFD_ENTRIES = 10_000
# What a browser would take for a web page when it sniffs the start of a response.
_MARKUP = re.compile(rb"<\s*(?:html|head|body|script|iframe|svg|object|embed|meta)\b", re.IGNORECASE)
_SNIFFED_BYTES = 1024


def problem_with(content: bytes, content_type: str, name: str) -> str | None:
    """A Chinese sentence saying why the file cannot be accepted, or None when it opens cleanly."""
    label = f"文件“{name}”" if name else "该文件"
    if _MARKUP.search(content[:_SNIFFED_BYTES]):
        return f"{label}含有网页代码，不是单纯的扫描件或文档，请重新导出后上传"
    if content_type in ("image/jpeg", "image/png"):
        return _image_problem(content, label)
    if content_type == "application/pdf":
        return _pdf_problem(content, label)
    if content_type == "application/ofd":
        return _ofd_problem(content, label)
    return None


def _image_problem(content: bytes, label: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return f"{label}的尺寸为 {width}×{height} 像素，超过上限，请缩小后上传"
                image.verify()  # reads the whole file: truncated or corrupt data fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"{label}的像素数过大，请缩小后上传"
    except (OSError, SyntaxError, ValueError):
        return f"{label}已损坏或不完整，无法打开"
    return None


def _pdf_problem(content: bytes, label: str) -> str | None:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        pages = len(reader.pages)
        if pages:
            reader.pages[0].mediabox  # noqa: B018 — the first page must really be there
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, RecursionError):
        return f"{label}不是完整的 PDF 文件，无法打开"
    if pages == 0:
        return f"{label}没有任何页面"
    if pages > MAX_PAGES:
        return f"{label}有 {pages} 页，超过 {MAX_PAGES} 页的上限，请分成几个文件上传"
    return None


def _ofd_problem(content: bytes, label: str) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as container:
            entries = container.infolist()
            if len(entries) > MAX_OFD_ENTRIES or sum(e.file_size for e in entries) > MAX_OFD_BYTES:
                return f"{label}解压后过大，请分成几个文件上传"
            if container.testzip() is not None:
                return f"{label}已损坏或不完整，无法打开"
    except (zipfile.BadZipFile, OSError, ValueError):
        return f"{label}已损坏或不完整，无法打开"
    return None
