"""The working-day calendar page (工作日历): administrators enter or import a year's holidays and 调休
days from the State Council's notice; publishing recomputes the open due dates that reach into it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField

from ..extensions import db
from ..permissions import Permission
from ..services import work_calendar
from ..services.outbox import hand_out
from .auth import permission_required

bp = Blueprint("calendar", __name__, url_prefix="/admin/calendar")

MAX_FILE_BYTES = 64 * 1024


class YearForm(FlaskForm):
    holidays = TextAreaField("法定节假日（放假日期，每行一个，如 2027-01-01）")
    workdays = TextAreaField("调休上班日（周末上班的日期，每行一个）")
    source = StringField("依据（通知文号或名称）", default="国务院办公厅关于节假日安排的通知")


class ImportForm(FlaskForm):
    file = FileField("YAML 文件（year、holidays、workdays）")


def _actor() -> str:
    return f"管理员 {current_user.id}（{current_user.name or current_user.role_label}）"


@bp.get("/")
@permission_required(Permission.MANAGE_CALENDAR)
def index() -> str:
    return render_template(
        "admin/calendar.html", years=work_calendar.years(db.session), import_form=ImportForm()
    )


def _year_page(year: int, form: YearForm, problem: str | None = None, status: int = 200) -> Any:
    view = work_calendar.year_view(db.session, year)
    return (
        render_template("admin/calendar_year.html", view=view, form=form, problem=problem),
        status,
    )


@bp.get("/<int:year>")
@permission_required(Permission.MANAGE_CALENDAR)
def year_page(year: int) -> Any:
    try:
        view = work_calendar.year_view(db.session, year)
    except work_calendar.CalendarProblem:
        abort(404)
    form = YearForm(
        formdata=None, data={"holidays": "\n".join(view.holidays), "workdays": "\n".join(view.workdays)}
    )
    return _year_page(year, form)


@bp.post("/<int:year>")
@permission_required(Permission.MANAGE_CALENDAR)
def publish(year: int) -> Any:
    form = YearForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        entry = work_calendar.year_entry(
            year,
            work_calendar.lines_of(form.holidays.data or ""),
            work_calendar.lines_of(form.workdays.data or ""),
        )
        result = work_calendar.publish_year(db.session, entry, source=form.source.data or "", actor=_actor())
    except work_calendar.CalendarProblem as exc:
        db.session.rollback()
        return _year_page(year, form, str(exc), 422)
    db.session.commit()
    _tell(result)
    flash(result.message, "success")
    return redirect(url_for("calendar.index"))


@bp.post("/import")
@permission_required(Permission.MANAGE_CALENDAR)
def import_file() -> Any:
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    raw = upload.read(MAX_FILE_BYTES + 1) if upload else b""
    problem = None
    if not raw:
        problem = "请选择要导入的 YAML 文件"
    elif len(raw) > MAX_FILE_BYTES:
        problem = "文件过大：一年的节假日安排不超过 64 KB"
    if problem is None:
        try:
            entry = work_calendar.parse_year_file(raw.decode("utf-8"))
            result = work_calendar.publish_year(
                db.session, entry, source=f"导入文件 {upload.filename}", actor=_actor()
            )
        except UnicodeDecodeError:
            problem = "文件须为 UTF-8 编码的 YAML"
        except work_calendar.CalendarProblem as exc:
            problem = str(exc)
    if problem is not None:
        db.session.rollback()
        flash(problem, "error")
        return (
            render_template("admin/calendar.html", years=work_calendar.years(db.session), import_form=form),
            422,
        )
    db.session.commit()
    _tell(result)
    flash(result.message, "success")
    return redirect(url_for("calendar.index"))


def _tell(result: work_calendar.Republished) -> None:
    """After the commit: send the notices of the applicants whose promised date moved."""
    for application_id, _old, _new in result.applications_moved:
        hand_out(application_id=application_id, deliveries=False)
