"""Downloading documents: served from the cache when rendered, otherwise a page that waits for them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from graphs import AnswerError, parse_answers

from ..catalogue.queries import NotFound, bundle_definition
from ..extensions import db
from ..models import Document
from ..permissions import Permission, can
from ..services.document_kinds import DOCUMENT_KINDS
from ..services.documents import application_document, documents_for, notice_document, start_rendering
from ..states import DocumentState
from .apply import own_application
from .auth import permission_required
from .files import stored_file
from .unified_form import raw_answers

bp = Blueprint("documents", __name__)


def pdf_response(content: bytes, filename: str) -> Response:
    return stored_file(content, "application/pdf", filename, inline=True)


def serve(document: Document, filename: str) -> Any:
    """Commit what the request found or created, start its rendering if due, and answer with the PDF
    or with a page that waits for it."""
    db.session.commit()
    start_rendering([document])
    if document.status == DocumentState.READY and document.content:
        return pdf_response(document.content, filename)
    status = 500 if document.status == DocumentState.FAILED else 202
    return render_template(
        "documents/pending.html", document=document, title=DOCUMENT_KINDS.title(document.kind)
    ), status


@bp.get("/applications/<id:application_id>/documents/<kind>")
@permission_required(Permission.DOWNLOAD_DOCUMENTS)
def application_pdf(application_id: int, kind: str) -> Any:
    application = own_application(application_id)
    if kind not in documents_for(application):
        abort(404)
    audience = DOCUMENT_KINDS[kind].audience
    if audience is not None and not can(current_user, audience):
        abort(403)
    document = application_document(db.session, application, kind)
    name = f"{DOCUMENT_KINDS.title(kind)}-{application.tracking_no or application.id}.pdf"
    return serve(document, name)


@bp.get("/bundles/<code>/notice")
def bundle_notice(code: str) -> Any:
    """The one-time notice of a bundle, blank or for the answers in the query string (q_<id>=...)."""
    try:
        definition = bundle_definition(db.session, code)
        raw = raw_answers(definition.bundle["questions"], request.args)
        answers = parse_answers(definition.bundle["questions"], raw)
    except NotFound:
        abort(404)
    except AnswerError:
        abort(400)
    document = notice_document(db.session, definition.version.id, answers)
    return serve(document, f"一次告知单-{definition.bundle['name']}.pdf")
