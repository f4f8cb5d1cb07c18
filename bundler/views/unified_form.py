"""The merged application form (一表申请) on a page: bind, add rows, save a draft, validate.

Applicants and window clerks use the same handling; what is entered is kept even when it does not
validate, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

import forms
import graphs

from ..catalogue import definitions
from ..extensions import db
from ..models import Application
from ..services import applications as service
from ..services.acceptance import Settlement


def raw_answers(questions: list[dict[str, Any]], values: Mapping[str, str]) -> dict[str, str]:
    """The scenario answers a page posted (or put in its query string) as ``q_<question id>``."""
    return {q["id"]: values[f"q_{q['id']}"] for q in questions if values.get(f"q_{q['id']}")}


def required_question_ids(bundle: Mapping[str, Any]) -> set[str]:
    """The questions a page marks as to be answered: they decide a step and have no default."""
    return {q["id"] for q in graphs.scenarios.required_questions(bundle)}


@dataclass
class FormOutcome:
    form: Any
    done: bool = False  # validated and saved: go on to the next step


def bind_unified_form(application: Application, formdata: Any = "request") -> Any:
    """A fresh form class for this application's schema, bound to the request or to the saved data."""
    schema = definitions.schema_for(db.session, application)
    try:
        form_class = forms.build_form(schema, base=FlaskForm)
    except forms.UnresolvedConflicts:
        abort(409)
    if formdata == "request":
        return form_class()
    return form_class(formdata=None, data=forms.prefill_data(schema, application.data))


def handle_unified_form(application: Application) -> FormOutcome:
    if request.method != "POST":
        return FormOutcome(bind_unified_form(application, formdata=None))
    form = bind_unified_form(application)
    add_row = request.form.get("add_row")
    if add_row:
        if add_row in form.field_keys and hasattr(form[add_row], "append_entry"):
            form[add_row].append_entry()
        return FormOutcome(form)
    remove_row = request.form.get("remove_row")  # ``NAME:INDEX``: a person (or row) added by mistake
    if remove_row:
        name, _, index = remove_row.rpartition(":")
        rows = form[name].entries if name in form.field_keys and hasattr(form[name], "entries") else []
        if index.isdigit() and int(index) < len(rows) and len(rows) > 1:
            rows.pop(int(index))
        return FormOutcome(form)
    valid = form.validate()
    kept = service.save_data(db.session, application, form.to_unified(jsonable=True))
    db.session.commit()
    if kept:
        _show_kept(form, application, kept)
    if request.form.get("action") == "save":
        flash("草稿已保存，可以随时回来继续填写。", "success")
        return FormOutcome(form)
    if not valid:
        flash(f"有 {len(form.errors)} 处需要修改，已填写的内容已保存。", "error")
        return FormOutcome(form)
    return FormOutcome(form, done=True)


def _show_kept(form: Any, application: Application, kept: list[str]) -> None:
    """The locked values the post tried to change are shown as kept, each saying why."""
    labels = []
    stored = forms.prefill_data(form.schema, application.data)
    for key in kept:
        field = form[form.key_names[key]] if key in form.key_names else None
        if field is None:
            continue
        field.raw_data = []
        field.data = stored.get(field.name)
        field.errors = [
            f"{field.label.text}：来自{application.locked[key]}，不能修改；如需更正，请窗口工作人员核实后解锁"
        ]
        labels.append(field.label.text)
    flash(f"来自电子证照的内容未修改：{'、'.join(labels)}。", "error")


def settle(
    application: Application, action: Callable[[], Settlement], *, form_endpoint: str, done_endpoint: str
) -> Response | None:
    """Carry out an acceptance or a refusal (``services/acceptance.py``), commit it and hand it off, then
    go on to ``done_endpoint``; or explain what stops it (back to the form for invalid data, else None
    to show the same page again)."""
    try:
        settlement = action()
    except service.InvalidData:
        db.session.rollback()
        flash("申请表还有需要修改的内容，请按提示修改。", "error")
        return redirect(url_for(form_endpoint, application_id=application.id))
    except service.ApplicationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return None
    db.session.commit()
    settlement.hand_off()
    flash(settlement.message, "success")
    return redirect(url_for(done_endpoint, application_id=application.id))
