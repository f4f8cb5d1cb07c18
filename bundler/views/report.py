"""The reform report of a published bundle (减环节、减材料、减时限、减跑动), public and printable."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

import graphs

from ..catalogue.queries import NotFound, bundle_definition
from ..extensions import db
from ..services.studio import reform_report

bp = Blueprint("report", __name__)


@bp.get("/bundles/<code>/report")
def report(code: str) -> Any:
    """减环节、减材料、减时限、减跑动 of a published bundle, every step included; printable."""
    try:
        definition = bundle_definition(db.session, code)
    except NotFound:
        abort(404)
    figures = reform_report(definition.bundle, definition.items)
    return render_template(
        "studio/report.html",
        definition=definition,
        report=figures,
        half_rule=graphs.half_rule(definition.items),
    )
