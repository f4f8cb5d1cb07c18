"""The reform report of a published bundle and of the district: the design figures (减环节、减材料、
减时限、减跑动 as planned) and the same goals measured from the applications, printable and as xlsx."""

from __future__ import annotations

import datetime as dt
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


def _day(name: str) -> tuple[dt.date | None, str | None]:
    typed = (request.args.get(name) or "").strip()
    if not typed:
        return None, None
    try:
        return dt.date.fromisoformat(typed), None
    except ValueError:
        return None, f"“{typed}”不是有效日期，请按 年-月-日 填写（如 2026-11-01）"


def _measured(bundle: Bundle | None) -> dict[str, Any]:
    """The measured figures for the period asked (``from``, ``to``), what was typed and any problem."""
    (first, first_problem), (last, last_problem) = _day("from"), _day("to")
    problems = [p for p in (first_problem, last_problem) if p]
    if not problems:
        try:
            period = outcomes.period(first, last)
        except outcomes.PeriodError as exc:
            problems.append(str(exc))
    if problems:  # the page shows the default period, what was typed stays in the form
        period = outcomes.period(None, None)
    figures = outcomes.report(db.session, bundle=bundle, first=period[0], last=period[1])
    return {
        "measured": figures,
        "typed": {"from": request.args.get("from", ""), "to": request.args.get("to", "")},
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
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.get("/bundles/<code>/report.xlsx")
def report_sheet(code: str) -> Response:
    bundle = _published(code)
    name = latest_bundle_versions(db.session)[code].name
    return _sheet(bundle, f"“{name}”一件事改革成效（由实际申请统计）")


@bp.get("/report.xlsx")
def district_sheet() -> Response:
    return _sheet(None, "全区一件事改革成效（由实际申请统计）")
