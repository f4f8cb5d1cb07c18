"""The reform report of a published bundle and of the district: the design figures (减环节、减材料、
减时限、减跑动 as planned) and the same goals measured from the applications, printable and as xlsx."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request

import graphs

from ..catalogue.queries import NotFound, bundle_definition, latest_bundle_versions
from ..extensions import db
from ..models import Bundle
from ..services import outcomes
from ..services.outcome_workbook import workbook
from ..services.studio import reform_report

bp = Blueprint("report", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _measured(bundle: Bundle | None) -> dict[str, Any]:
    """The measured figures for the period asked (``from``, ``to``), what was typed and any problem."""
    typed = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    problems = []
    try:
        first, last = outcomes.period_of(typed["from"], typed["to"])
    except outcomes.PeriodError as exc:  # the default period is shown, what was typed stays in the form
        problems.append(str(exc))
        first, last = outcomes.period(None, None)
    return {
        "measured": outcomes.report(db.session, bundle=bundle, first=first, last=last),
        "typed": typed,
        "period_problems": problems,
        "figures": outcomes.FIGURES,
        "material_figures": outcomes.MATERIAL_FIGURES,
    }


def _published(code: str) -> Bundle:
    bundle = outcomes.published_bundle(db.session, code)
    if bundle is None:
        abort(404)
    return bundle


@bp.get("/bundles/<code>/report")
def report(code: str) -> Any:
    """减环节、减材料、减时限、减跑动 of a published bundle, planned and measured; printable."""
    try:
        definition = bundle_definition(db.session, code)
    except NotFound:
        abort(404)
    context = _measured(_published(code))
    return render_template(
        "studio/report.html",
        definition=definition,
        report=reform_report(definition.bundle, definition.items),
        half_rule=graphs.half_rule(definition.items),
        **context,
    ), 422 if context["period_problems"] else 200


@bp.get("/report")
def district() -> Any:
    """The district's figures measured over every bundle, with a link to each bundle's report."""
    context = _measured(None)
    bundles = sorted(latest_bundle_versions(db.session).items())
    return render_template("report/district.html", bundles=bundles, **context), (
        422 if context["period_problems"] else 200
    )


def _sheet(bundle: Bundle | None, title: str) -> Response:
    context = _measured(bundle)
    figures = context["measured"]
    name = f"{bundle.code if bundle else 'district'}-report-{figures['from']}-{figures['to']}.xlsx"
    return Response(
        workbook(figures, title),
        mimetype=XLSX,
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.get("/bundles/<code>/report.xlsx")
def report_sheet(code: str) -> Response:
    bundle = _published(code)
    name = latest_bundle_versions(db.session, [code])[code].name
    return _sheet(bundle, f"“{name}”一件事改革成效（由实际申请统计）")


@bp.get("/report.xlsx")
def district_sheet() -> Response:
    return _sheet(None, "全区一件事改革成效（由实际申请统计）")
