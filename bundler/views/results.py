"""Serving a step's result documents (结果文书), for every page and API route that hands one out."""

from __future__ import annotations

from flask import Response
from sqlalchemy import select

from ..extensions import db
from ..models import ResultDocument
from .files import stored_file


def result_response(document: ResultDocument) -> Response:
    """The decrypted document; a PDF is shown in the browser, an OFD is saved."""
    content = db.session.scalar(select(ResultDocument.content).where(ResultDocument.id == document.id))
    return stored_file(
        content or b"",
        document.content_type,
        document.filename,
        inline=document.content_type == "application/pdf",
        etag=document.sha256,
    )
