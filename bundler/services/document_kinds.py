"""What a kind of document is: its title, its template, what it is built from, who may see it and when
it is offered. One class per kind, registered in :data:`DOCUMENT_KINDS`.

A kind is made from an application (receipts, notices given at the counter), from one department's
task (its own form) or from a bundle version (the one-time notice before applying). Contexts are built
from the versions the application is pinned to (``bundler/documents/contexts.py`` lists each built-in
kind's keys); the template is ``templates/pdf/<name>.html`` unless the kind names another.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, Literal

from sqlalchemy.orm import Session, object_session

from ..catalogue.elements import ELEMENT_LABELS
from ..documents.notice import notice_context
from ..models import Application, BundleVersion, Document, Task
from ..permissions import Permission
from ..states import ApplicationState, MaterialState
from . import document_contexts as contexts
from . import guides
from .supplements import open_supplements

Subject = Literal["application", "task", "bundle", "guide"]


class DocumentKind:
    """Base class of the document kinds; subclasses set ``name`` and ``title`` and build the context."""

    name: ClassVar[str]
    title: ClassVar[str]
    subject: ClassVar[Subject] = "application"
    order: ClassVar[int] = 100  # place among an application's documents (smaller first)
    audience: ClassVar[Permission | None] = Permission.DOWNLOAD_DOCUMENTS  # None: anyone, signed in or not

    @classmethod
    def template(cls) -> str:
        return f"pdf/{cls.name}.html"

    def offered(self, application: Application) -> bool:
        """Whether an application has this document now (application kinds only)."""
        return False

    def cache_parts(self, application: Application) -> list[Any]:
        """What the document shows beyond the application's own row and materials (it is part of the
        cache key: when it changes, a new document is made)."""
        return []

    def context(self, session: Session, document: Document) -> dict[str, Any]:
        raise NotImplementedError


class ApplicationKind(DocumentKind):
    """A document made from an application alone, by ``builder(session, application)``."""

    builder: ClassVar[staticmethod[[Session, Application], dict[str, Any]]]

    def context(self, session: Session, document: Document) -> dict[str, Any]:
        application = session.get(Application, document.application_id)
        if application is None:
            raise LookupError(f"document {document.id} has no application")
        return type(self).builder(session, application)


class DocumentKinds(Mapping[str, DocumentKind]):
    """The registered kinds by name (a read-only mapping), in registration order."""

    def __init__(self) -> None:
        self._kinds: dict[str, DocumentKind] = {}

    def register(self, kind: type[DocumentKind]) -> type[DocumentKind]:
        """Add a kind (usable as a class decorator)."""
        if kind.name in self._kinds:
            raise ValueError(f"document kind {kind.name!r} is already registered")
        self._kinds[kind.name] = kind()
        return kind

    def unregister(self, name: str) -> None:
        self._kinds.pop(name, None)

    @contextmanager
    def registered(self, kind: type[DocumentKind]) -> Iterator[type[DocumentKind]]:
        """A kind registered for the duration of a block (tests)."""
        self.register(kind)
        try:
            yield kind
        finally:
            self.unregister(kind.name)

    def __getitem__(self, name: str) -> DocumentKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def for_application(self, application: Application) -> list[DocumentKind]:
        """The documents an application has now, in the order a person needs them."""
        offered = [k for k in self._kinds.values() if k.subject == "application" and k.offered(application)]
        return sorted(offered, key=lambda kind: kind.order)

    def names_for(self, subject: Subject) -> list[str]:
        """The kinds made from one kind of subject (the API lists the application ones)."""
        return [name for name, kind in self._kinds.items() if kind.subject == subject]

    def title(self, name: str) -> str:
        kind = self._kinds.get(name)
        return kind.title if kind is not None else name

    @property
    def titles(self) -> Mapping[str, str]:
        """name → title of every kind registered now (templates: ``document_titles[kind]``)."""
        return _Titles(self)


class _Titles(Mapping[str, str]):
    def __init__(self, kinds: DocumentKinds) -> None:
        self._kinds = kinds

    def __getitem__(self, name: str) -> str:
        return self._kinds[name].title

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)


DOCUMENT_KINDS = DocumentKinds()


@DOCUMENT_KINDS.register
class BundleNotice(DocumentKind):
    """一次告知单: what a bundle asks for, before anyone applies (public)."""

    name = "notice"
    title = "一次告知单"
    subject = "bundle"
    audience = None

    def context(self, session: Session, document: Document) -> dict[str, Any]:
        version = session.get(BundleVersion, document.params["bundle_version_id"])
        if version is None:
            raise LookupError(f"document {document.id}: bundle version not found")
        return notice_context(session, version.bundle.code, document.params.get("answers") or {})


@DOCUMENT_KINDS.register
class MissingNotice(ApplicationKind):
    """一次性告知书: everything missing, told once, when the counter does not accept."""

    name = "missing_notice"
    title = "一次性告知书"
    order = 10
    builder = staticmethod(contexts.missing_notice)

    def offered(self, application: Application) -> bool:
        return application.status == ApplicationState.REFUSED


@DOCUMENT_KINDS.register
class SupplementNotice(ApplicationKind):
    """补正告知书: what departments asked to supply again or correct after acceptance, told once."""

    name = "supplement_notice"
    title = "补正告知书"
    order = 15
    builder = staticmethod(contexts.supplement_notice)

    def offered(self, application: Application) -> bool:
        return bool(self.cache_parts(application))

    def cache_parts(self, application: Application) -> list[Any]:
        session = object_session(application)
        if session is None or application.accepted_at is None:
            return []
        return [pause.id for pause in open_supplements(session, application)]


@DOCUMENT_KINDS.register
class Receipt(ApplicationKind):
    """受理回执."""

    name = "receipt"
    title = "受理回执"
    order = 20
    builder = staticmethod(contexts.receipt)

    def offered(self, application: Application) -> bool:
        return application.status != ApplicationState.REFUSED and application.accepted_at is not None


@DOCUMENT_KINDS.register
class Commitment(ApplicationKind):
    """容缺受理承诺书: what the applicant owes, and by when."""

    name = "commitment"
    title = "容缺受理承诺书"
    order = 30
    builder = staticmethod(contexts.commitment)

    def offered(self, application: Application) -> bool:
        return application.accepted_at is not None and (
            application.status == ApplicationState.ACCEPTED_PENDING or application.commitment_date is not None
        )


@DOCUMENT_KINDS.register
class Pledge(ApplicationKind):
    """告知承诺书: the signed commitment that replaced materials (证明事项告知承诺制)."""

    name = "pledge"
    title = "告知承诺书"
    order = 35
    builder = staticmethod(contexts.pledge)

    def offered(self, application: Application) -> bool:
        return application.accepted_at is not None and any(
            m.status == MaterialState.COMMITTED for m in application.materials
        )


@DOCUMENT_KINDS.register
class ApplicationForm(ApplicationKind):
    """申请表: the merged form, which the applicant signs (offered at every stage)."""

    name = "application_form"
    title = "申请表"
    order = 40
    builder = staticmethod(contexts.application_form)

    def offered(self, application: Application) -> bool:
        return True


@DOCUMENT_KINDS.register
class ItemForm(DocumentKind):
    """部门申请表: one department's own form, for its officer."""

    name = "item_form"
    title = "部门申请表"
    subject = "task"
    audience = Permission.WORK_TASKS

    def context(self, session: Session, document: Document) -> dict[str, Any]:
        task = session.get(Task, document.params["task_id"])
        if task is None:
            raise LookupError(f"document {document.id}: task not found")
        return contexts.item_form(session, task)


@DOCUMENT_KINDS.register
class Guide(DocumentKind):
    """办事指南: an item's or a bundle's published guide, as the public page shows it (public)."""

    name = "guide"
    title = "办事指南"
    subject = "guide"
    audience = None

    def context(self, session: Session, document: Document) -> dict[str, Any]:
        of = document.params["of"]
        return {
            "of": of,
            "guide": guides.guide_of(session, of, document.params["code"], contexts.centre()),
            "labels": ELEMENT_LABELS,
            "sections": guides.SECTIONS,
        }


def context_for(session: Session, document: Document) -> dict[str, Any]:
    """The context a document is rendered from, with the centre's contacts and the time of rendering."""
    context = DOCUMENT_KINDS[document.kind].context(session, document)
    return contexts.with_footer(context)
