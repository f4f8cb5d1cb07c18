"""办事指南 for everyone, signed in or not: the searchable list, an item's and a bundle's guide, and
their A4 PDFs. The JSON for the province's platform is in the API (``/api/v1/guide/...``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from ..catalogue.elements import ELEMENT_LABELS
from ..catalogue.queries import NotFound, departments_by_code
from ..extensions import db
from ..services import guides
from ..services.document_contexts import centre
from ..services.documents import guide_document
from .documents import serve

bp = Blueprint("guide", __name__, url_prefix="/guide")


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "")[:100].strip()
    department = request.args.get("department", "")[:64] or None
    listing = guides.search(db.session, query, department, request.args.get("page", 1, type=int))
    return render_template(
        "guide/index.html",
        listing=listing,
        query=query,
        department=department,
        departments=list(departments_by_code(db.session).values()),
    )


def _found(of: str, code: str) -> dict[str, Any]:
    try:
        return guides.guide_of(db.session, of, code, centre())
    except NotFound:
        abort(404)


@bp.get("/items/<code>")
def item(code: str) -> str:
    return render_template(
        "guide/item.html", g=_found("item", code), labels=ELEMENT_LABELS, sections=guides.SECTIONS
    )


@bp.get("/bundles/<code>")
def bundle(code: str) -> str:
    return render_template(
        "guide/bundle.html", g=_found("bundle", code), labels=ELEMENT_LABELS, sections=guides.SECTIONS
    )


@bp.get("/<any(items, bundles):of>/<code>/pdf")
def pdf(of: str, code: str) -> Any:
    kind = of.removesuffix("s")
    content = _found(kind, code)
    document = guide_document(db.session, kind, code, content)
    return serve(document, f"办事指南-{content['name']}.pdf")
