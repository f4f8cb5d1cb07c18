"""Serving a step's result documents (结果文书), for every page and API route that hands one out."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response
from sqlalchemy import select

from ..extensions import db
from ..models import ResultDocument


def result_response(document: ResultDocument) -> Response:
    """The decrypted document; a PDF is shown in the browser, an OFD is saved."""
    content = db.session.scalar(select(ResultDocument.content).where(ResultDocument.id == document.id))
    response = Response(content or b"", mimetype=document.content_type)
    disposition = "inline" if document.content_type == "application/pdf" else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(document.filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["ETag"] = f'"{document.sha256}"'
    return response
