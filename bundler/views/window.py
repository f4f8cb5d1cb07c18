"""The integrated window (综合窗口): one combined application for a person at the counter."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from forms import check_id_number, check_uscc
from graphs import AnswerError

from .. import clock
from ..catalogue import definitions
from ..catalogue.queries import NotFound, latest_bundle_versions
from ..extensions import db
from ..models import Application
from ..permissions import Permission
from ..privacy import lookup_hashes
from ..services import acceptance, confirmations, deferrals, ratings, visits
from ..services import applications as service
from ..services import results as results_service
from ..services.deadlines import due_dates
from ..services.documents import documents_for
from ..services.elicences import ELicenceUnavailable, licence_provider
from ..services.outbox import dispatch_application
from ..services.ownership import staff_may_open
from ..services.prefill import prefill_for_person
from ..services.ratings import RatingError
from ..services.uploads import UploadError, check_upload, delete_upload, hand_again, store_upload
from ..states import ApplicationState, Channel, MaterialState, RatingChannel, VisitPurpose, labels
from . import rating_forms
from .auth import permission_required
from .unified_form import handle_unified_form, raw_answers, required_question_ids, settle

bp = Blueprint("window", __name__, url_prefix="/window")

# What the clerk may record for each material at the counter.
CHECKLIST_STATES = (
    MaterialState.COLLECTED,
    MaterialState.E_LICENCE,
    MaterialState.DEFERRED,
    MaterialState.COMMITTED,
    MaterialState.MISSING,
)


def _number_problem(number: str) -> str | None:
    """None for an empty, a valid ID number or a valid unified social credit code."""
    if not number or check_uscc(number) is None:
        return None
    return check_id_number(number, "证件号码")


@bp.route("/", methods=["GET", "POST"])
@permission_required(Permission.ACCEPT_AT_COUNTER)
def index() -> str:
    """The counter's desk. The ID number is looked up by POST, so that it never reaches an access log
    or a link."""
    number = (request.form.get("number") or "").strip().upper() if request.method == "POST" else ""
    return _desk(number)


def _desk(number: str) -> str:
    problem = _number_problem(number)
    earlier: list[Application] = []
    licences = []
    if number and not problem:
        earlier = list(
            db.session.scalars(
                select(Application)
                .where(Application.subject_hash.in_(lookup_hashes("subject", number)))
                .order_by(Application.id.desc())
                .limit(20)
            )
        )
        try:
            licences = licence_provider(db.session).licences_for(number)
        except ELicenceUnavailable as exc:
            flash(str(exc), "error")
    drafts = db.session.scalars(
        select(Application)
        .where(
            Application.created_by_id == current_user.id,
            Application.status.in_([ApplicationState.DRAFT, ApplicationState.REFUSED]),
        )
        .order_by(Application.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "window/index.html",
        awaiting=results_service.awaiting_handover(db.session),
        owing=deferrals.awaiting_materials(db.session),
        today=clock.today(),
        number=number,
        problem=problem,
        earlier=earlier,
        licences=licences,
        drafts=drafts,
        bundles=latest_bundle_versions(db.session).values(),
        csrf_form=FlaskForm(),
    )


@bp.post("/start")
@permission_required(Permission.ACCEPT_AT_COUNTER)
def start() -> Any:
    FlaskForm().validate_on_submit()
    code = request.form.get("bundle", "")
    number = (request.form.get("number") or "").strip().upper()
    try:
        application = service.start_application(db.session, code, channel=Channel.WINDOW, clerk=current_user)
    except (NotFound, AnswerError) as exc:
        flash(str(exc), "error")
        return _desk(number)
    if number and not _number_problem(number):
        prefill_for_person(db.session, application, number)
    db.session.commit()
    return redirect(url_for("window.scenario", application_id=application.id))


def _window_application(application_id: int) -> Application:
    """An application this clerk may act on (see ``ownership.staff_may_open``); others are not found."""
    application = db.session.get(Application, application_id)
    if application is None or not staff_may_open(current_user, application):
        abort(404)
    return application


@bp.route("/applications/<id:application_id>/scenario", methods=["GET", "POST"])
@permission_required(Permission.ACCEPT_AT_COUNTER)
def scenario(application_id: int) -> Any:
    application = _window_application(application_id)
    definition = definitions.pinned(db.session, application)
    answers: Mapping[str, Any] = application.answers
    if request.method == "POST" and FlaskForm().validate_on_submit():
        answers = raw_answers(definition.bundle["questions"], request.form)
        try:
            service.change_answers(db.session, application, answers)
        except (AnswerError, service.ApplicationError) as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()  # what was answered is kept, even while a question is still open
            if not (unanswered := service.unanswered_questions(db.session, application)):
                return redirect(url_for("window.form", application_id=application.id))
            flash("请先回答情形问题：" + "；".join(unanswered), "error")
            answers = application.answers
    return render_template(
        "window/scenario.html",
        application=application,
        definition=definition,
        answers=answers,
        required=required_question_ids(definition.bundle),
        csrf_form=FlaskForm(),
    )


@bp.route("/applications/<id:application_id>/form", methods=["GET", "POST"])
@permission_required(Permission.ACCEPT_AT_COUNTER)
def form(application_id: int) -> Any:
    application = _window_application(application_id)
    if application.status not in (ApplicationState.DRAFT, ApplicationState.REFUSED):
        return redirect(url_for("apply.status", application_id=application.id))
    outcome = handle_unified_form(application)
    if outcome.done:
        return redirect(url_for("window.checklist", application_id=application.id))
    return render_template(
        "window/form.html", application=application, form=outcome.form, csrf_form=FlaskForm()
    )


@bp.post("/applications/<id:application_id>/unlock")
@permission_required(Permission.ACCEPT_AT_COUNTER)
def unlock(application_id: int) -> Any:
    """Let one value that came from an e-licence be changed, with the clerk's reason (audited)."""
    application = _window_application(application_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    key = request.form.get("key", "")
    try:
        service.unlock_value(
            db.session,
            application,
            key,
            request.form.get("reason", ""),
            actor=f"综合窗口 用户 {current_user.id}",
        )
    except service.ApplicationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("已解锁，可以修改该项。", "success")
    return redirect(url_for("window.form", application_id=application.id))


@bp.route("/applications/<id:application_id>/checklist", methods=["GET", "POST"])
@permission_required(Permission.ACCEPT_AT_COUNTER)
def checklist(application_id: int) -> Any:
    application = _window_application(application_id)
    if application.status not in (ApplicationState.DRAFT, ApplicationState.REFUSED):
        return redirect(url_for("apply.status", application_id=application.id))
    if request.method == "POST" and FlaskForm().validate_on_submit():
        decision = service.MaterialDecision(
            {m.key: request.form.get(f"m_{m.id}", m.status) for m in application.materials},
            _date(request.form.get("commitment_date")),
            {m.key: request.form.get(f"auth_{m.id}", "") for m in application.materials if m.e_licence},
            set(request.form.getlist("confirmed_party")),
        )

        def decide() -> acceptance.Settlement:
            if request.form.get("action") == "refuse":
                return acceptance.refuse(db.session, application, decision, by=current_user)
            return acceptance.accept(db.session, application, decision, by=current_user)

        attached = _attach_scans(application)
        if attached and request.form.get("action") != "attach" and "delete_file" not in request.form:
            settled = settle(application, decide, form_endpoint="window.form", done_endpoint="window.done")
            if settled is not None:
                return settled
        chosen, commitment = decision.states, request.form.get("commitment_date", "")  # shown again as chosen
        authorisations = decision.authorisations
        ticked = decision.confirmed_parties
    else:
        chosen = {m.key: ("collected" if m.status == "uploaded" else m.status) for m in application.materials}
        commitment = application.commitment_date.isoformat() if application.commitment_date else ""
        authorisations = {}
        ticked = set()
    missing = service.missing_items(db.session, application)
    parties = confirmations.sync(db.session, application)
    db.session.commit()  # the parties to confirm, found on the data as it stands
    return render_template(
        "window/checklist.html",
        application=application,
        parties=parties,
        ticked=ticked,
        states={state.value: state.label for state in CHECKLIST_STATES},
        chosen=chosen,
        commitment=commitment,
        authorisations=authorisations,
        missing=missing,
        csrf_form=FlaskForm(),
    )


def _attach_scans(application: Application) -> bool:
    """Scans the clerk attached to materials (``f_<material id>``) or removed (``delete_file``), kept at
    once, before the decision; False (with the reason told) when a file cannot be accepted, and then
    none of them is kept."""
    removed = request.form.get("delete_file", type=int)
    try:
        if removed is not None:
            upload = next((u for m in application.materials for u in m.uploads if u.id == removed), None)
            if upload is None:
                abort(404)
            delete_upload(db.session, upload)
            flash(f"已删除扫描件：{upload.filename}", "success")
        scans = [
            (material, file.read(), file.filename or "")
            for material in application.materials
            for file in request.files.getlist(f"f_{material.id}")
            if file.filename
        ]
        for material, content, name in scans:
            try:
                check_upload(content, name)
            except UploadError as exc:
                raise UploadError(f"{material.name}：{exc}") from exc
        for material, content, name in scans:
            store_upload(db.session, material, content, name)
    except UploadError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    if scans:
        flash(f"已附上 {len(scans)} 个扫描件", "success")
    return True


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.get("/applications/<id:application_id>/done")
@permission_required(Permission.ACCEPT_AT_COUNTER)
def done(application_id: int) -> str:
    application = _window_application(application_id)
    return render_template(
        "window/done.html",
        application=application,
        documents=documents_for(application),
        owed=deferrals.owed(application),
        overdue={m.id for m in deferrals.overdue(application)},
        due=due_dates(db.session),
        visits=visits.visits_of(db.session, application),
        visit_purposes=labels(VisitPurpose),
    )


@bp.post("/applications/<id:application_id>/visits")
@permission_required(Permission.ACCEPT_AT_COUNTER)
def log_visit(application_id: int) -> Any:
    """The applicant came to the counter today (跑动), for what the clerk picks."""
    application = _window_application(application_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        purpose = VisitPurpose(request.form.get("purpose", ""))
    except ValueError:
        flash("请选择到访事由", "error")
        return redirect(url_for("window.done", application_id=application.id))
    clerk = f"综合窗口 {current_user.actor_label}"
    visits.log_visit(db.session, application, purpose, actor=clerk)
    db.session.commit()
    flash(f"已登记今天的到访：{purpose.label}", "success")
    return redirect(url_for("window.done", application_id=application.id))


@bp.post("/applications/<id:application_id>/materials/<id:material_id>/supplied")
@permission_required(Permission.ACCEPT_AT_COUNTER)
def material_supplied(application_id: int, material_id: int) -> Any:
    """容缺后补 at the counter: the clerk checked the paper original the applicant brought; the
    departments that need it are handed it again and confirm it."""
    application = _window_application(application_id)
    material = next((m for m in application.materials if m.id == material_id), None)
    if material is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    clerk = current_user.actor_label
    try:
        deferrals.mark_supplied(material, collected_by=clerk)
    except deferrals.DeferralError as exc:
        flash(str(exc), "error")
        return redirect(url_for("window.done", application_id=application.id))
    hand_again(db.session, material, actor=f"综合窗口 {clerk}")
    visits.log_visit(db.session, application, VisitPurpose.SUPPLEMENT, actor=f"综合窗口 {clerk}")
    db.session.commit()
    dispatch_application(application.id)
    flash(f"已收取补交的材料：{material.name}，待办理部门确认", "success")
    return redirect(url_for("window.done", application_id=application.id))


@bp.post("/applications/<id:application_id>/reopen")
@permission_required(Permission.ACCEPT_AT_COUNTER)
def reopen(application_id: int) -> Any:
    application = _window_application(application_id)
    FlaskForm().validate_on_submit()
    try:
        service.reopen(application)
    except service.ApplicationError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
    return redirect(url_for("window.form", application_id=application.id))


@bp.route("/applications/<id:application_id>/rate", methods=["GET", "POST"])
@permission_required(Permission.RECORD_RATINGS)
def rate(application_id: int) -> Any:
    """The window's 评价器: the clerk turns this page to the applicant (a tablet on the counter), who
    rates the service at this point (after acceptance, a refusal or collecting the results)."""
    application = _window_application(application_id)
    typed = None
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        try:
            scores = rating_forms.scores_from(request.form)
            ratings.rate(db.session, application, scores, channel=RatingChannel.COUNTER)
        except RatingError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            typed = request.form  # shown again as the applicant left it
        else:
            db.session.commit()
            return render_template("window/rated.html", application=application)
    try:
        occasion = ratings.occasion_of(application, RatingChannel.COUNTER)
    except RatingError as exc:
        flash(str(exc), "error")
        return redirect(url_for("window.done", application_id=application.id))
    return render_template(
        "window/rate.html",
        application=application,
        occasion=occasion,
        rated=ratings.rated_already(db.session, application, RatingChannel.COUNTER),
        typed=typed,
        **rating_forms.form_context(application),
    ), 200 if typed is None else 422
