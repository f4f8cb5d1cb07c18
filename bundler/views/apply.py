"""The applicant's front door (一网办理): bundle guide, scenario, merged form, materials, review, status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import graphs
from graphs import AnswerError

from ..catalogue import definitions
from ..catalogue.queries import NotFound, bundle_definition
from ..extensions import db
from ..models import Application, ApplicationMaterial
from ..permissions import Permission, can
from ..privacy import lookup_hashes, mask_id_number
from ..services import acceptance, commitments, confirmations
from ..services import applications as service
from ..services import results as results_service
from ..services import supplements as supplements_service
from ..services.deadlines import due_dates
from ..services.documents import documents_for
from ..services.elicences import (
    ELicenceUnavailable,
    licence_provider,
    material_kind,
    usable_licences,
    use_e_licence,
)
from ..services.guidance import answer_labels, guide
from ..services.notifications import notices_of
from ..services.outbox import dispatch_application
from ..services.ownership import OwnershipError, set_id_number, staff_may_open
from ..services.ratings import RatingError, occasion_now, rated_already
from ..services.ratings import rate as rate_service
from ..services.uploads import (
    UploadError,
    add_file,
    check_upload,
    delete_upload,
    replace_upload,
    store_upload,
    upload_for_applicant,
)
from ..states import ApplicationState, Channel, HandoverMethod, RatingChannel, TaskState, labels
from . import rating_forms
from .auth import permission_required
from .files import file_response
from .results import result_response
from .unified_form import (
    bind_unified_form,
    handle_unified_form,
    raw_answers,
    required_question_ids,
    settle,
)

bp = Blueprint("apply", __name__)

DELIVERY_METHODS = (
    "窗口领取",
    "邮寄送达",
    "电子证照（网上下载）",
)  # 一端出件: how the results reach the applicant
MAILED = DELIVERY_METHODS[1]  # 邮寄送达 needs an address


def _definition_or_404(code: str) -> Any:
    try:
        return bundle_definition(db.session, code)
    except NotFound:
        abort(404)


@bp.get("/bundles/<code>")
def bundle_page(code: str, chosen: Mapping[str, Any] | None = None) -> str:
    """The bundle's guide and its questions, with the answers ``chosen`` (those posted, shown again)
    and each other question's default selected."""
    definition = _definition_or_404(code)
    planned = graphs.plan(
        {**definition.bundle, "steps": [{**s, "when": {}} for s in definition.bundle["steps"]]},
        definition.items,
        version=definition.version.version,
    )
    questions = definition.bundle["questions"]
    return render_template(
        "apply/bundle.html",
        definition=definition,
        guides=guide(definition),
        plan=planned,
        chosen=graphs.scenarios.with_defaults(questions, chosen or {}),
        required=required_question_ids(definition.bundle),
        csrf_form=FlaskForm(),
    )


@bp.post("/bundles/<code>/apply")
@permission_required(Permission.APPLY)
def start(code: str) -> Any:
    definition = _definition_or_404(code)
    FlaskForm().validate_on_submit()
    answers = raw_answers(definition.bundle["questions"], request.form)
    try:
        application = service.start_application(
            db.session, code, answers=answers, channel=Channel.ONLINE, applicant=current_user
        )
    except AnswerError as exc:
        flash(str(exc), "error")
        return redirect(url_for("apply.bundle_page", code=code))
    if unanswered := service.unanswered_questions(db.session, application):
        db.session.rollback()
        flash("请先回答情形问题：" + "；".join(unanswered), "error")
        return bundle_page(code, chosen=answers), 422
    db.session.commit()
    return redirect(url_for("apply.form", application_id=application.id))


def own_application(application_id: int) -> Application:
    """The applicant's own application, or one counter staff may act on (``staff_may_open``)."""
    application = db.session.get(Application, application_id)
    if application is None:
        abort(404)
    if application.applicant_user_id == current_user.id:
        return application
    if not (can(current_user, Permission.ACCEPT_AT_COUNTER) and staff_may_open(current_user, application)):
        abort(404)  # not 403: do not confirm that someone else's application exists
    return application


def _editable(application: Application) -> bool:
    return application.status in (ApplicationState.DRAFT, ApplicationState.REFUSED)


@bp.route("/applications/<id:application_id>/scenario", methods=["GET", "POST"])
@permission_required(Permission.APPLY)
def scenario(application_id: int) -> Any:
    """The applicant changes the answers to the questions (情形); the form and materials follow."""
    application = own_application(application_id)
    if not _editable(application):
        return redirect(url_for("apply.status", application_id=application.id))
    bundle = definitions.pinned(db.session, application).bundle
    answers: Mapping[str, Any] = application.answers
    if request.method == "POST" and FlaskForm().validate_on_submit():
        answers = raw_answers(bundle["questions"], request.form)
        try:
            service.change_answers(db.session, application, answers)
        except AnswerError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            if not (unanswered := service.unanswered_questions(db.session, application)):
                return redirect(url_for("apply.form", application_id=application.id))
            flash("请先回答情形问题：" + "；".join(unanswered), "error")
            answers = application.answers
    return render_template(
        "apply/scenario.html",
        application=application,
        questions=bundle["questions"],
        answers=answers,
        required=required_question_ids(bundle),
        csrf_form=FlaskForm(),
    )


@bp.route("/applications/<id:application_id>/form", methods=["GET", "POST"])
@permission_required(Permission.APPLY)
def form(application_id: int) -> Any:
    application = own_application(application_id)
    if not _editable(application):
        return redirect(url_for("apply.status", application_id=application.id))
    outcome = handle_unified_form(application)
    if outcome.done:
        return redirect(url_for("apply.materials", application_id=application.id))
    return render_template("apply/form.html", application=application, form=outcome.form, step="form")


@bp.route("/applications/<id:application_id>/materials", methods=["GET", "POST"])
@permission_required(Permission.APPLY)
def materials(application_id: int) -> Any:
    application = own_application(application_id)
    if not _editable(application):
        return redirect(url_for("apply.status", application_id=application.id))
    schema = definitions.schema_for(db.session, application)
    number, _name = service.subject_of(schema, application.data)
    provider = licence_provider(db.session)
    try:
        licences = usable_licences(
            provider, schema, application.data, application.materials, own_number=number
        )
    except ELicenceUnavailable as exc:
        flash(str(exc), "error")
        licences = {}
    if request.method == "POST" and FlaskForm().validate_on_submit():
        material = _material(application, request.form.get("material", type=int))
        action = request.form.get("action")
        if action in ("commit", "withdraw_commitment"):
            try:
                if action == "commit":
                    commitments.choose(material, agreed=bool(request.form.get("pledge")))
                    flash(f"已选择以告知承诺代替：{material.name}。受理后可下载《告知承诺书》。", "success")
                else:
                    commitments.withdraw(material)
                    flash(f"已撤回承诺，请提交：{material.name}", "success")
            except commitments.CommitmentError as exc:
                flash(str(exc), "error")
        elif action == "e_licence":
            used = licences.get(material.id)
            if used is not None and use_e_licence(
                provider, schema, application.data, material, own_number=number
            ):
                flash(f"已使用电子证照：{used.title}", "success")
            else:
                flash(f"没有找到可用于“{material.name}”的本人电子证照，请上传文件", "error")
        else:
            _upload_action(application, material)
        db.session.commit()
        return redirect(url_for("apply.materials", application_id=application.id))
    return render_template(
        "apply/materials.html",
        application=application,
        licences=licences,
        kind_of=material_kind,
        pledge_text=commitments.pledge_text,
        csrf_form=FlaskForm(),
        step="materials",
    )


def _material(application: Application, material_id: int | None) -> ApplicationMaterial:
    for material in application.materials:
        if material.id == material_id:
            return material
    abort(404)


def _upload_action(application: Application, material: ApplicationMaterial) -> None:
    """Add files to a material, or replace or delete one of its files; what went wrong is told on
    the same page, and nothing already given is lost."""
    action = request.form.get("action")
    try:
        if action in ("replace", "delete"):
            upload = next((u for u in material.uploads if u.id == request.form.get("upload", type=int)), None)
            if upload is None:
                abort(404)
            if action == "delete":
                delete_upload(db.session, upload)
                flash(f"已删除：{upload.filename}", "success")
                return
            content, name = _chosen_files()[0]
            replace_upload(db.session, upload, content, name)
            flash(f"已替换：{upload.filename}", "success")
            return
        chosen = _chosen_files()
        for content, name in chosen:  # all the files chosen together, or none
            check_upload(content, name)
        for content, name in chosen:
            store_upload(db.session, material, content, name)
        flash(f"已上传：{material.name}", "success")
    except UploadError as exc:
        flash(str(exc), "error")


def _chosen_files(field: str = "file") -> list[tuple[bytes, str]]:
    """The files a form sent under ``field`` as (content, name); one empty file when none was chosen."""
    chosen = [(f.read(), f.filename or "") for f in request.files.getlist(field) if f.filename]
    return chosen or [(b"", "")]


@bp.post("/applications/<id:application_id>/materials/<id:material_id>/files")
@permission_required(Permission.APPLY)
def supply_file(application_id: int, material_id: int) -> Any:
    """A file for a material still owed after acceptance (容缺后补), from the status page."""
    application = own_application(application_id)
    if _editable(application):
        return redirect(url_for("apply.materials", application_id=application.id))
    material = _material(application, material_id)
    if FlaskForm().validate_on_submit():
        try:
            actor = f"申请人 {current_user.actor_label}"
            for content, name in _chosen_files():
                add_file(db.session, material, content, name, actor=actor)
        except UploadError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            dispatch_application(application.id)
            flash(f"已补交：{material.name}", "success")
    return redirect(url_for("apply.status", application_id=application.id))


@bp.post("/applications/<id:application_id>/supplements/<id:pause_id>")
@permission_required(Permission.TRACK_APPLICATION)
def answer_supplement(application_id: int, pause_id: int) -> Any:
    """补正 answered online by the applicant, or at the counter by a clerk: the corrected fields and the
    files asked for; on a problem the page comes back with what was typed and the problems by field."""
    application = own_application(application_id)
    pause = next(
        (p for p in supplements_service.open_supplements(db.session, application) if p.id == pause_id), None
    )
    if pause is None:
        flash("该补正已提交或已结束", "error")
        return redirect(url_for("apply.status", application_id=application.id))
    if not FlaskForm().validate_on_submit():
        abort(400)
    typed = {key[2:]: value for key, value in request.form.items() if key.startswith("f:")}
    files = {
        key[3:]: [(f.read(), f.filename or "") for f in request.files.getlist(key) if f.filename]
        for key in request.files
        if key.startswith("sf:")
    }
    who = "综合窗口" if can(current_user, Permission.ACCEPT_AT_COUNTER) else "申请人"
    actor = f"{who} {current_user.actor_label}"
    try:
        supplements_service.answer(
            db.session,
            pause,
            fields=typed,
            files=files,
            note=request.form.get("answer_note", ""),
            actor=actor,
            at_counter=who == "综合窗口",
        )
    except supplements_service.PauseError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        application = own_application(application_id)
        context = status_context(application)
        context.update(answer_typed={pause_id: typed}, answer_errors={pause_id: exc.errors})
        return render_template("apply/status.html", application=application, **context), 422
    db.session.commit()
    dispatch_application(application.id)
    flash("补正内容已提交，办理部门核对后恢复办理", "success")
    return redirect(url_for("apply.status", application_id=application.id))


@bp.get("/applications/<id:application_id>/files/<id:upload_id>")
@permission_required(Permission.TRACK_APPLICATION)
def material_file(application_id: int, upload_id: int) -> Any:
    """One of the application's material files, for its applicant and the window (shown inline)."""
    upload = upload_for_applicant(db.session, own_application(application_id), upload_id)
    if upload is None:
        abort(404)
    return file_response(upload)


@bp.route("/applications/<id:application_id>/review", methods=["GET", "POST"])
@permission_required(Permission.APPLY)
def review(application_id: int) -> Any:
    application = own_application(application_id)
    if not _editable(application):
        return redirect(url_for("apply.status", application_id=application.id))
    schema = definitions.schema_for(db.session, application)
    missing = service.missing_items(db.session, application)
    chosen = request.form.get("delivery_method", "")
    chosen = chosen if chosen in DELIVERY_METHODS else DELIVERY_METHODS[0]
    address = request.form.get("delivery_address", "").strip()
    if request.method == "POST" and FlaskForm().validate_on_submit():
        if chosen == MAILED and not address:
            flash("选择邮寄送达时请填写收件地址（含收件人和联系电话）", "error")
        else:
            application.delivery_method = chosen
            application.delivery_address = address[:300] if chosen == MAILED else None
            waiting = (
                []
                if any(missing.values())
                else confirmations.request_submission(db.session, application, current_user)
            )
            if waiting:
                db.session.commit()
                flash(confirmations.required_message(waiting) + "。各方确认后将自动提交受理。", "info")
                return redirect(url_for("apply.review", application_id=application.id))

            def submit() -> acceptance.Settlement:
                settlement = acceptance.accept(db.session, application)
                settlement.message = f"申请已受理，受理编号 {application.tracking_no}"
                return settlement

            settled = settle(application, submit, form_endpoint="apply.form", done_endpoint="apply.status")
            if settled is not None:
                return settled
    form = bind_unified_form(application, formdata=None)
    parties = confirmations.sync(db.session, application)
    db.session.commit()
    return render_template(
        "apply/review.html",
        application=application,
        parties=parties,
        form=form,
        schema=schema,
        missing=missing,
        answers=answer_labels(definitions.pinned(db.session, application).bundle, application.answers),
        csrf_form=FlaskForm(),
        delivery_methods=DELIVERY_METHODS,
        chosen_method=chosen,
        delivery_address=address,
        mailed=MAILED,
        step="review",
    )


@bp.route("/applications/<id:application_id>/confirm", methods=["GET", "POST"])
@permission_required(Permission.TRACK_APPLICATION)
def confirm(application_id: int) -> Any:
    """各方确认 by a party who is not the applicant: signed in with their own account, they read the
    application and confirm it; the last confirmation submits it when the applicant already has."""
    application = db.session.get(Application, application_id)
    parties = confirmations.sync(db.session, application) if application is not None else []
    mine = set(lookup_hashes("subject", current_user.id_number)) if current_user.id_number else set()
    if application is None or not any(c.id_number_hash in mine for c in parties):
        abort(404)  # not a party: do not confirm that the application exists
    if application.status != ApplicationState.DRAFT:
        return redirect(url_for("apply.my_applications"))
    if request.method == "POST" and FlaskForm().validate_on_submit():
        waiting = confirmations.confirm_online(db.session, application, current_user)
        if waiting or application.submit_requested_at is None:
            db.session.commit()
            flash(
                "已确认申请内容。"
                + (confirmations.required_message(waiting) if waiting else "等待申请人提交。"),
                "success",
            )
            return redirect(url_for("apply.my_applications"))

        def submit() -> acceptance.Settlement:
            settlement = acceptance.accept(db.session, application)
            settlement.message = f"各方均已确认，申请已提交受理，受理编号 {application.tracking_no}"
            return settlement

        settled = settle(
            application, submit, form_endpoint="apply.my_applications", done_endpoint="apply.my_applications"
        )
        if settled is not None:
            return settled
        return redirect(url_for("apply.my_applications"))
    db.session.commit()
    return render_template(
        "apply/confirm.html",
        application=application,
        parties=parties,
        mine=[c for c in parties if c.id_number_hash in mine],
        form=bind_unified_form(application, formdata=None),
        csrf_form=FlaskForm(),
    )


@bp.get("/applications/<id:application_id>")
@permission_required(Permission.TRACK_APPLICATION)
def status(application_id: int) -> str:
    application = own_application(application_id)
    return render_template("apply/status.html", application=application, **status_context(application))


def status_context(application: Application) -> dict[str, Any]:
    """What the status page shows: the graph with each step's state, dates, what is still owed."""
    definition = definitions.pinned(db.session, application)
    planned = definitions.plan_for(db.session, application)
    states = graphs.step_states((t.item.code, t.status) for t in application.tasks) or None
    svg = graphs.render_svg(
        planned,
        definition.items,
        states=states,
        departments={code: d.name for code, d in _departments().items()},
        title=definition.bundle["name"],
    )
    owed = [m for m in application.materials if m.status == "deferred"]
    supplements = [
        (pause, supplements_service.askable(db.session, pause.task))
        for pause in supplements_service.open_supplements(db.session, application)
    ]
    results = [t for t in application.tasks if t.status in (TaskState.DONE, TaskState.REJECTED)]
    finished = results_service.step_results(db.session, application)
    return {
        "rated": rated_already(db.session, application, RatingChannel.ONLINE),
        "rating_occasion": occasion_now(application),
        **rating_forms.form_context(application),
        "supplements": supplements,
        "results": results,
        "definition": definition,
        "svg": svg,
        "owed": owed,
        "documents": documents_for(application),
        "answers": answer_labels(definition.bundle, application.answers),
        "notices": notices_of(db.session, application.id),
        "finished": finished,
        "handover": results_service.handover_of(db.session, application),
        "handover_methods": labels(HandoverMethod),
        "expected_handover": results_service.expected_handover(application),
        "due": due_dates(db.session),
    }


@bp.get("/applications/<id:application_id>/results/<id:document_id>")
@permission_required(Permission.TRACK_APPLICATION)
def result_document(application_id: int, document_id: int) -> Any:
    """A result document of a decided step (一端出件: shown as soon as the step is decided)."""
    application = own_application(application_id)
    document = results_service.result_document(db.session, application, document_id)
    if document is None:
        abort(404)
    return result_response(document)


@bp.post("/applications/<id:application_id>/handover")
@permission_required(Permission.ACCEPT_AT_COUNTER)
def handover(application_id: int) -> Any:
    """出件 at the window: collected (ID checked), mailed (address, tracking number) or downloaded."""
    application = own_application(application_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        results_service.record_handover(
            db.session,
            application,
            request.form.get("method", ""),
            actor=f"综合窗口 {current_user.actor_label}",
            clerk=current_user,
            id_checked=request.form.get("id_checked") == "y",
            collector=request.form.get("collector"),
            address=request.form.get("address"),
            carrier=request.form.get("carrier"),
            tracking_number=request.form.get("tracking_number"),
        )
        db.session.flush()
    except results_service.HandoverError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_template(
            "apply/status.html",
            application=application,
            typed=request.form,
            **status_context(application),
        ), 422
    except IntegrityError:
        db.session.rollback()
        flash("该申请已经出件，不能重复登记", "error")
        return redirect(url_for("apply.status", application_id=application.id))
    db.session.commit()
    dispatch_application(application.id)
    flash("已登记出件，并已通知申请人", "success")
    return redirect(url_for("apply.status", application_id=application.id))


def _departments() -> dict[str, Any]:
    from ..catalogue.queries import departments_by_code

    return departments_by_code(db.session)


@bp.get("/my/applications")
@permission_required(Permission.APPLY)
def my_applications() -> str:
    applications = db.session.scalars(
        select(Application)
        .where(Application.applicant_user_id == current_user.id)
        .order_by(Application.id.desc())
    ).all()
    return render_template(
        "apply/my.html",
        applications=applications,
        to_confirm=confirmations.awaiting(db.session, current_user),
        id_number=mask_id_number(current_user.id_number) if current_user.id_number else None,
        csrf_form=FlaskForm(),
    )


@bp.post("/my/id-number")
@permission_required(Permission.APPLY)
def set_my_id_number() -> Any:
    """The applicant records their ID number: counter applications taken for them join the account."""
    if FlaskForm().validate_on_submit():
        try:
            found = set_id_number(db.session, current_user, request.form.get("id_number", ""))
        except OwnershipError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"已记录身份证号码，找到窗口受理的申请 {found} 件。", "success")
    return redirect(url_for("apply.my_applications"))


@bp.post("/applications/<id:application_id>/rate")
@permission_required(Permission.APPLY)
def rate(application_id: int) -> Any:
    """好差评 of the whole service and of each department's step."""
    application = own_application(application_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        scores = rating_forms.scores_from(request.form)
        rate_service(db.session, application, scores, channel=RatingChannel.ONLINE)
    except RatingError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("感谢您的评价！", "success")
    return redirect(url_for("apply.status", application_id=application.id))
