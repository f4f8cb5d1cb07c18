"""Documents (PDF): asked for by a request, rendered by an rq job, cached in the database.

A request never waits for WeasyPrint: it creates (or finds) the ``Document`` row and enqueues its
rendering after the row is committed. If Redis is unavailable the row stays pending and the next
request for it enqueues it again, so nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clock import stored, utcnow
from ..extensions import db
from ..models import Application, Document
from ..queues import DOCUMENTS_QUEUE, Job, enqueue_all
from ..states import DocumentState
from .document_kinds import DOCUMENT_KINDS, context_for

RETRY_PENDING_AFTER = timedelta(seconds=20)


def _digest(*parts: Any) -> str:
    return hashlib.sha256(
        json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()


def application_cache_key(application: Application, kind: str) -> str:
    """Everything a document of the application shows depends on: a change makes a new document."""
    return _digest(
        kind,
        application.id,
        application.status,
        application.tracking_no,
        application.commitment_date,
        application.data,
        [(m.key, m.status, m.due_date) for m in application.materials],
        DOCUMENT_KINDS[kind].cache_parts(application) if kind in DOCUMENT_KINDS else [],
    )


def task_cache_key(task: Any) -> str:
    """A department's own form changes with the application and with the results of earlier steps."""
    from .payload import produced_values

    return _digest(
        "item_form", task.id, task.status, task.application.data, produced_values(task.application)
    )


def get_or_create(
    session: Session,
    kind: str,
    cache_key: str,
    *,
    application_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> Document:
    """The document of this kind made from exactly this content, added to the caller's transaction
    when there is none yet (a savepoint absorbs the race with another request creating it)."""
    found = session.scalar(select(Document).where(Document.kind == kind, Document.cache_key == cache_key))
    if found is not None:
        return found
    document = Document(kind=kind, cache_key=cache_key, application_id=application_id, params=params or {})
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:  # another request created it a moment ago
        found = session.scalar(select(Document).where(Document.kind == kind, Document.cache_key == cache_key))
        assert found is not None
        return found
    return document


def _needs_enqueue(document: Document) -> bool:
    if document.status != DocumentState.PENDING:
        return False
    enqueued = document.enqueued_at
    return enqueued is None or utcnow() - stored(enqueued) >= RETRY_PENDING_AFTER


def start_rendering(documents: list[Document]) -> None:
    """After the caller's commit: enqueue the documents that need it, in one round trip to Redis, and
    note when (in a session of its own, never the caller's transaction).

    Best effort: with Redis down they stay pending (committed) and the next request for one of
    them enqueues it again.
    """
    due = [d for d in documents if _needs_enqueue(d)]
    if not due:
        return
    stamp = int(utcnow().timestamp())
    try:
        enqueue_all(
            Job(DOCUMENTS_QUEUE, "bundler.jobs.render_document", d.id, f"document-{d.id}-{stamp}")
            for d in due
        )
    except (RedisError, OSError) as exc:
        current_app.logger.warning(
            "documents %s not enqueued (Redis unavailable): %s", [d.id for d in due], exc
        )
        return
    with Session(db.engine) as own:
        own.execute(update(Document).where(Document.id.in_([d.id for d in due])).values(enqueued_at=utcnow()))
        own.commit()


def application_document(session: Session, application: Application, kind: str) -> Document:
    """The document of the application as it stands now (the caller commits, then starts rendering)."""
    return get_or_create(
        session, kind, application_cache_key(application, kind), application_id=application.id
    )


def documents_for(application: Application) -> list[str]:
    """The document kinds an application has now, in the order a person needs them."""
    return [kind.name for kind in DOCUMENT_KINDS.for_application(application)]


def request_application_documents(session: Session, application: Application) -> list[Document]:
    """The documents the applicant takes home, added to the caller's transaction (so they are
    committed with the acceptance); the caller passes them to :func:`start_rendering` after the commit."""
    documents = [
        Document(kind=kind, cache_key=application_cache_key(application, kind), application=application)
        for kind in documents_for(application)
    ]
    session.add_all(documents)
    return documents


def notice_document(session: Session, bundle_version_id: int, answers: dict[str, Any]) -> Document:
    key = _digest("notice", bundle_version_id, answers)
    return get_or_create(
        session, "notice", key, params={"bundle_version_id": bundle_version_id, "answers": answers}
    )


def guide_document(session: Session, of: str, code: str, content: dict[str, Any]) -> Document:
    """The A4 PDF of an item's (``of="item"``) or a bundle's guide showing ``content`` (the guide as
    built now: a new publication, or new contacts of the centre, make a new document)."""
    key = _digest("guide", of, code, content)
    return get_or_create(session, "guide", key, params={"of": of, "code": code})


def render(document_id: int) -> None:
    """The job: build the context, render the PDF, store it. Runs in a worker's app context."""
    from ..documents.pdf import render_pdf

    document = db.session.get(Document, document_id)
    if document is None or document.status == DocumentState.READY:
        return
    try:
        kind = DOCUMENT_KINDS[document.kind]
        content = render_pdf(kind.name, context_for(db.session, document), template=kind.template())
    except Exception as exc:
        db.session.rollback()
        document = db.session.get(Document, document_id)
        assert document is not None  # it was there before the rollback
        document.status = DocumentState.FAILED
        document.error = f"{type(exc).__name__}: {exc}"[:2000]
        db.session.commit()
        raise
    document.content = content
    document.status = DocumentState.READY
    document.rendered_at = utcnow()
    db.session.commit()
