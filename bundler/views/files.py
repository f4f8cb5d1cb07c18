"""Serving material files: one answer for every page and API route that hands one out, and the signed
links a department system downloads them with, without a token, until they expire."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort

from ..extensions import db
from ..models import Upload
from ..services import uploads

bp = Blueprint("files", __name__)


def file_response(upload: Upload) -> Response:
    """The file's decrypted content, shown in the browser when it can (PDF and images), else saved."""
    response = Response(uploads.file_content(db.session, upload.id), mimetype=upload.content_type)
    disposition = "inline" if upload.content_type in uploads.INLINE_TYPES else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(upload.filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = f'"{upload.sha256}"'
    return response


@bp.get("/files/<token>")
def signed(token: str) -> Response:
    """A file named by a signed link of a task's payload (webhook deliveries)."""
    try:
        upload = uploads.open_signed(db.session, token)
    except uploads.LinkRefused as exc:
        abort(exc.status, str(exc))
    return file_response(upload)
