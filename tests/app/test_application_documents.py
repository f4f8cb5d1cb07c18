"""Documents of an application, rendered by a real rq worker and downloaded as PDFs."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

import forms
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.models import Document
from bundler.queues import DOCUMENTS_QUEUE
from bundler.worker import make_worker


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _accept(client, token, materials=None, commitment=None):
    definition = bundle_definition(db.session, "KFD")
    data = forms.example_data(forms.merge(definition.bundle, definition.items, {}), jsonable=True)
    body = {"bundle": "KFD", "data": data, "materials": materials or {}}
    if commitment:
        body["commitment_date"] = commitment
    response = client.post("/api/v1/applications", json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json(), data


def _work(app):
    make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
    db.session.expire_all()


def test_receipt_and_commitment_are_rendered_by_the_worker(app, client, window_token, make_user):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    application, data = _accept(client, window_token, {"从业人员健康证明|经营者": "deferred"}, tomorrow)
    pending = db.session.query(Document).filter_by(application_id=application["id"]).all()
    assert {d.kind for d in pending} == {"receipt", "commitment", "application_form"}
    assert all(d.status == "pending" and d.enqueued_at for d in pending)

    _work(app)
    documents = {d.kind: d for d in db.session.query(Document).filter_by(application_id=application["id"])}
    assert {d.status for d in documents.values()} == {"ready"}, {k: d.error for k, d in documents.items()}

    receipt = _text(documents["receipt"].content)
    assert "受理回执" in receipt and application["tracking_no"] in receipt
    assert application["promised_date"].replace("-", "")[:4] in receipt.replace("-", "")
    assert data["经营者.公民身份号码"] not in receipt  # masked on paper
    assert data["经营者.公民身份号码"][-4:] in receipt
    commitment = _text(documents["commitment"].content)
    assert "从业人员健康证明" in commitment and "承诺" in commitment
    form = _text(documents["application_form"].content)
    assert data["经营者.姓名"] in form  # the signed application form carries the data

    make_user("window", login="clerk02")
    client.post("/login", data={"login": "clerk02", "password": "Passw0rd-test"})
    download = client.get(f"/applications/{application['id']}/documents/receipt")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == documents["receipt"].content


def test_a_document_asked_for_while_redis_is_down_is_rendered_later(app, client, window_token, free_port):
    from bundler.redis_conn import EXTENSION_KEY, connect
    from bundler.services import documents as documents_service

    working = app.extensions[EXTENSION_KEY]
    app.extensions[EXTENSION_KEY] = connect(f"redis://127.0.0.1:{free_port}/0")  # nobody listens there
    try:
        application, _ = _accept(client, window_token)
    finally:
        app.extensions[EXTENSION_KEY] = working
    receipt = db.session.query(Document).filter_by(application_id=application["id"], kind="receipt").one()
    assert receipt.status == "pending" and receipt.enqueued_at is None  # committed, not lost
    documents_service.ensure_rendering(db.session, receipt)  # Redis is back: the next request enqueues it
    _work(app)
    assert db.session.get(Document, receipt.id).status == "ready"


def test_blank_one_time_notice_of_a_bundle(app, client, sample):
    first = client.get("/bundles/KFD/notice")
    assert first.status_code == 202 and "正在生成" in first.get_data(as_text=True)
    _work(app)
    pdf = client.get("/bundles/KFD/notice")
    assert pdf.status_code == 200
    text = _text(pdf.data)
    assert "一次告知单" in text and "食品经营许可" in text
    assert client.get("/bundles/KFD/notice?q_sells_alcohol=perhaps").status_code == 400
