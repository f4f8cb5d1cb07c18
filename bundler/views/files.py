"""Serving material files: one answer for every page and API route that hands one out, and the signed
links a department system downloads them with, without a token, until they expire."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort

from ..extensions import db
from ..models import Upload
from ..services import uploads
from ..web_security import FILE_CONTENT_SECURITY_POLICY

bp = Blueprint("files", __name__)


def stored_file(
    content: bytes, content_type: str, filename: str, *, inline: bool, etag: str | None = None
) -> Response:
    """Every file the service hands out: shown by the browser in a sandbox when ``inline`` (a type it
    displays itself, checked by a real parser on the way in), else saved; never sniffed as another
    type, never kept by a shared cache."""
    response = Response(content, mimetype=content_type)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    if etag:
        response.headers["ETag"] = f'"{etag}"'
    return response


def file_response(upload: Upload) -> Response:
    """A material file's decrypted content, shown in the browser when it can (PDF and images)."""
    return stored_file(
        uploads.file_content(db.session, upload.id),
        upload.content_type,
        upload.filename,
        inline=upload.content_type in uploads.INLINE_TYPES,
        etag=upload.sha256,
    )


@bp.get("/files/<token>")
def signed(token: str) -> Response:
    """A file named by a signed link of a task's payload (webhook deliveries)."""
    try:
        upload = uploads.open_signed(db.session, token)
    except uploads.LinkRefused as exc:
        abort(exc.status, str(exc))
    return file_response(upload)
