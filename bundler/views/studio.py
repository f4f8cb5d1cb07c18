"""Drafting catalogue changes: the bundle studio (lead departments) and the item editor (departments),
starting a change, a cancellation or the restoring of an earlier version. Review and publication are
in ``review.py``."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

import forms

from ..catalogue.definitions import catalogue_items
from ..catalogue.queries import items_changed_since_bundles, latest_bundle_versions, latest_item_versions
from ..extensions import db
from ..models import CatalogueChange
from ..models.changes import ACTION_CANCEL, ACTION_CHANGE, ACTION_CREATE, KIND_BUNDLE, KIND_ITEM, KIND_LABELS
from ..permissions import Permission, can
from ..services import changes as service
from ..services import guide_checks, studio
from ..states import OPEN_CHANGE_STATES, ChangeState
from .auth import permission_required
from .item_editor import content_from, item_form, split_options

bp = Blueprint("studio", __name__)

SECTION_ID = re.compile(r"[a-z][a-z-]{0,30}")


def change_or_404(change_id: int, kind: str | None = None) -> CatalogueChange:
    """The change (of ``kind``, when given) if this user may see it."""
    change = db.session.get(CatalogueChange, change_id)
    if change is None or (kind is not None and change.kind != kind):
        abort(404)
    if not (
        service.may_draft(current_user, change.kind, change.department_id) or service.may_review(current_user)
    ):
        abort(404)  # another department's drafts are not even listed
    return change


def kind_or_404(kind: str) -> str:
    if kind not in KIND_LABELS:
        abort(404)
    return kind


@bp.get("/studio")
@permission_required(Permission.USE_STUDIO)
def index() -> Any:
    mine = current_user.department_id
    everything = can(current_user, Permission.SEE_ALL_CATALOGUE)
    bundles = [
        v for v in latest_bundle_versions(db.session).values() if everything or v.lead_department_id == mine
    ]
    items = [
        v for v in latest_item_versions(db.session).values() if everything or v.item.department_id == mine
    ]
    query = select(CatalogueChange).where(CatalogueChange.status.in_(OPEN_CHANGE_STATES))
    if not everything:
        query = query.where(CatalogueChange.department_id == mine)
    open_changes = db.session.scalars(query.order_by(CatalogueChange.updated_at.desc())).all()
    return render_template(
        "studio/index.html",
        bundles=bundles,
        items=items,
        open_changes=open_changes,
        flagged=items_changed_since_bundles(db.session),
        may_create_bundle=can(current_user, Permission.DRAFT_BUNDLE_CHANGES),
        guides_to_correct=guide_checks.owed_count(db.session, mine) if mine else 0,
    )


def _start(kind: str, code: str, action: str, **kwargs: Any) -> Any:
    try:
        change = service.start_change(db.session, current_user, kind, code, action, **kwargs)
    except service.ChangeError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("studio.index"))
    db.session.commit()
    return redirect(url_for("studio.change", change_id=change.id))


@bp.post("/studio/bundles/new")
@permission_required(Permission.DRAFT_BUNDLE_CHANGES)
def new_bundle() -> Any:
    code = request.form.get("code", "").strip().upper()
    name = request.form.get("name", "").strip()
    lead = (
        current_user.department.code if current_user.department else request.form.get("lead_department", "")
    )
    if not name:
        flash("请填写一件事的名称", "error")
        return redirect(url_for("studio.index"))
    return _start(KIND_BUNDLE, code, ACTION_CREATE, content=studio.blank_bundle(code, name, lead))


@bp.post("/studio/items/new")
@permission_required(Permission.DRAFT_ITEM_CHANGES)
def new_item() -> Any:
    code = request.form.get("code", "").strip().upper()
    name = request.form.get("name", "").strip()
    if not name or current_user.department is None:
        flash("请填写事项名称", "error")
        return redirect(url_for("studio.index"))
    content = {
        "name": name,
        "department": current_user.department.code,
        "type": "行政许可",
        "fields": [],
        "materials": [],
    }
    return _start(KIND_ITEM, code, ACTION_CREATE, content=content)


@bp.post("/studio/<kind>/<code>/change")
@permission_required(Permission.USE_STUDIO)
def start_change(kind: str, code: str) -> Any:
    return _start(kind_or_404(kind), code, ACTION_CHANGE)


@bp.post("/studio/<kind>/<code>/cancel")
@permission_required(Permission.USE_STUDIO)
def start_cancel(kind: str, code: str) -> Any:
    return _start(kind_or_404(kind), code, ACTION_CANCEL)


@bp.post("/studio/<kind>/<code>/restore/<int:version>")
@permission_required(Permission.USE_STUDIO)
def restore(kind: str, code: str, version: int) -> Any:
    return _start(kind_or_404(kind), code, ACTION_CHANGE, from_version=version)


def change_context(change: CatalogueChange) -> dict[str, Any]:
    now = service.current(db.session, change.kind, change.code)
    before = now[1] if now else None
    after = None if change.action == ACTION_CANCEL else change.content
    return {
        "change": change,
        "can_edit": change.editable and service.may_draft(current_user, change.kind, change.department_id),
        "can_review": change.status == ChangeState.SUBMITTED and service.may_review(current_user),
        "problems": service.contract_problems(db.session, change),  # the studio shows its own checker
        "impact": service.impact(db.session, change.kind, change.code),
        "diff": service.diff(before, after, labels=(f"现行第 {now[0]} 版" if now else "（无）", "本次变更")),
        "current_version": now[0] if now else None,
        "item_warnings": studio.item_warnings(after) if change.kind == KIND_ITEM and after else [],
    }


@bp.get("/studio/changes/<id:change_id>")
@permission_required(Permission.USE_STUDIO)
def change(change_id: int) -> Any:
    change = change_or_404(change_id)
    context = change_context(change)
    if change.kind == KIND_BUNDLE and change.action != ACTION_CANCEL:
        answers = {k[2:]: v for k, v in request.args.items() if k.startswith("q_") and v}
        review = context["review"] = studio.review(db.session, change.content, answers)
        return render_template("studio/bundle.html", preview_form=_preview_form(review), **context)
    form = item_form(change.content) if change.kind == KIND_ITEM else None
    return render_template("studio/item.html", form=form, **context)


def _preview_form(review: studio.StudioReview) -> Any:
    """The merged form of the previewed scenario, built as applicants get it (None while conflicts
    remain: the applicants' form cannot be built either)."""
    if review.scenario_schema is None:
        return None
    try:
        form_class = forms.build_form(review.scenario_schema, base=FlaskForm)
    except forms.UnresolvedConflicts:
        return None
    return form_class(formdata=None, meta={"csrf": False})


@bp.post("/studio/changes/<id:change_id>/item")
@permission_required(Permission.USE_STUDIO)
def edit_item(change_id: int) -> Any:
    """Save the item editor; on a mistake the same page again, with what was typed and the messages."""
    change = change_or_404(change_id, KIND_ITEM)
    form = item_form()
    if form.validate():
        try:
            service.save_content(db.session, change, current_user, content_from(form, change.content))
            db.session.commit()
            flash("已保存。", "success")
            return redirect(url_for("studio.change", change_id=change_id))
        except service.ChangeError as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return render_template("studio/item.html", form=form, **change_context(change)), 422


# --- edits -------------------------------------------------------------------------------------------------


def _list(name: str) -> list[str]:
    return [v.strip() for v in request.form.getlist(name) if v.strip()]


def _dependencies_from_form(content: dict[str, Any]) -> dict[str, Any]:
    """The content with every step's prerequisites as ticked (``deps_<step>`` checkboxes)."""
    codes = [step["item"] for step in content.get("steps", [])]
    return studio.set_dependencies(content, {code: _list(f"deps_{code}") for code in codes})


def _edit_bundle(content: dict[str, Any], op: str) -> dict[str, Any]:
    form = request.form
    if op == "info":
        return studio.set_info(content, name=form.get("name", ""), description=form.get("description", ""))
    if op == "add_step":
        return studio.add_step(content, form.get("item", "").strip(), catalogue_items(db.session))
    if op == "remove_step":
        return studio.remove_step(content, form.get("item", ""))
    if op == "dependencies":
        return _dependencies_from_form(content)
    if op == "condition":
        return studio.set_condition(content, form.get("item", ""), form.get("question", ""), _list("values"))
    if op == "add_question":
        return studio.add_question(
            content,
            qid=form.get("qid", ""),
            text=form.get("text", ""),
            qtype=form.get("qtype", "boolean"),
            options=split_options(form.get("options")),
        )
    if op == "remove_question":
        return studio.remove_question(content, form.get("qid", ""))
    if op == "resolve":
        return studio.set_resolution(
            content,
            form.get("key", ""),
            options=split_options(form.get("options")),
            value_map=studio.parse_value_map(form.get("map", ""), _list("items")),
            ftype=form.get("type") or None,
            produced_by=form.get("produced_by") or None,
            note=form.get("note", ""),
        )
    if op == "unresolve":
        return studio.clear_resolution(content, form.get("key", ""))
    raise studio.StudioError("未知的操作")


@bp.post("/studio/changes/<id:change_id>/edit")
@permission_required(Permission.USE_STUDIO)
def edit(change_id: int) -> Any:
    change = change_or_404(change_id, KIND_BUNDLE)
    op = request.form.get("op", "")
    anchor = request.form.get("anchor", "")
    anchor = anchor if SECTION_ID.fullmatch(anchor) else ""  # only the page's own sections
    try:
        content = _edit_bundle(change.content, op)
        service.save_content(db.session, change, current_user, content)
        db.session.commit()
        flash("已保存。", "success")
    except (studio.StudioError, service.ChangeError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    except ValueError as exc:  # an answer value the question does not allow
        db.session.rollback()
        flash(f"无效的取值：{exc}", "error")
    return redirect(url_for("studio.change", change_id=change_id) + (f"#{anchor}" if anchor else ""))


@bp.post("/studio/changes/<id:change_id>/confirm")
@permission_required(Permission.USE_STUDIO)
def confirm(change_id: int) -> Any:
    """Accept a suggested role/element for a label-only field: drafted into a change of its item."""
    change_or_404(change_id)
    form = request.form
    try:
        item_change = service.confirm_element(
            db.session,
            current_user,
            form.get("item", ""),
            form.get("field", ""),
            form.get("role", ""),
            form.get("element", ""),
        )
        db.session.commit()
        flash(
            f"已写入事项 {item_change.code} 的变更 #{item_change.id}，提交审核并发布后即参与合并。", "success"
        )
    except service.ChangeError as exc:
        db.session.rollback()
        flash(f"{exc}（事项属于其他部门时，请联系该实施部门确认）", "error")
    return redirect(url_for("studio.change", change_id=change_id) + "#merge")


@bp.post("/studio/changes/<id:change_id>/preview")
@permission_required(Permission.USE_STUDIO)
def preview(change_id: int) -> Any:
    """The picture and the totals for dependencies being edited, before they are saved."""
    change = change_or_404(change_id, KIND_BUNDLE)
    try:
        content = _dependencies_from_form(change.content)
    except studio.StudioError as exc:
        return jsonify({"svg": "", "findings": [str(exc)]})
    result = studio.review(db.session, content)
    return jsonify(
        {
            "svg": result.svg,
            "promised_days": result.plan.promised_days if result.plan else None,
            "statutory_days": result.plan.statutory_days if result.plan else None,
            "findings": [f.message for f in result.findings if f.is_error],
        }
    )
