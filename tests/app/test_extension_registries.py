"""A new delivery channel and a new document kind are one class and one registration each: these toy
ones, defined here and registered for the test only, go through the real import, acceptance, queues,
worker and PDF renderer like the built-in ones."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bundler.channels import CHANNELS, DeliveryChannel, Destination, Option
from bundler.extensions import db
from bundler.models import AuditEntry, Delivery, Department
from bundler.queues import DOCUMENTS_QUEUE, department_queue_name
from bundler.services import document_contexts
from bundler.services.document_kinds import DOCUMENT_KINDS, ApplicationKind
from bundler.states import ApplicationState
from bundler.worker import make_worker

import factories as f
from testapp import accept_by_api

MAILBOX: list[tuple[Destination, dict[str, Any]]] = []  # the toy department system's in-tray


class MailboxChannel(DeliveryChannel):
    """A department system that takes tasks into a named box (the in-tray above)."""

    name = "mailbox"
    label = "部门收件箱（测试）"
    options = (Option("box", "收件箱名称", str, required=True),)

    def deliver(self, destination: Destination, payload: dict[str, Any]) -> None:
        MAILBOX.append((destination, self.rename_fields(payload, destination.options)))


class ArchiveSlip(ApplicationKind):
    """档案袋封面: a slip for the paper file of every accepted application."""

    name = "archive_slip"
    title = "档案袋封面"
    order = 25

    @classmethod
    def template(cls) -> str:
        return "pdf/receipt.html"

    def offered(self, application):
        return application.accepted_at is not None

    builder = staticmethod(document_contexts.receipt)


@pytest.fixture
def mailbox_channel():
    MAILBOX.clear()
    with CHANNELS.registered(MailboxChannel):
        yield MAILBOX


@pytest.fixture
def archive_slip():
    with DOCUMENT_KINDS.registered(ArchiveSlip):
        yield


def test_a_channel_checks_its_options_at_import(runner, write_yaml, mailbox_channel):
    catalogue = f.small_catalogue()
    catalogue["departments"][0].update(channel="mailbox", channel_options={"colour": "红"})
    result = runner.invoke(args=["import", str(write_yaml(catalogue))])
    assert result.exit_code != 0
    assert "缺少收件箱名称（box）" in result.output and "没有选项“colour”" in result.output

    catalogue["departments"][0]["channel_options"] = {"box": "甲", "field_map": {"applicant_name": ""}}
    result = runner.invoke(args=["import", str(write_yaml(catalogue))])
    assert result.exit_code != 0 and "字段名称对照" in result.output

    catalogue["departments"][0]["channel_options"] = {"box": "甲"}
    result = runner.invoke(args=["import", str(write_yaml(catalogue))])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Department).where(Department.code == "SCJG")).channel == "mailbox"


def test_unknown_channels_are_refused_with_the_registered_names(runner, write_yaml):
    catalogue = f.small_catalogue()
    catalogue["departments"][0]["channel"] = "mailbox"  # not registered outside the fixture
    result = runner.invoke(args=["import", str(write_yaml(catalogue))])
    assert result.exit_code != 0 and "只能是 inbox 或 webhook" in result.output


def test_a_registered_channel_delivers_through_the_queue_and_worker(
    app, client, window_token, mailbox_channel
):
    scjg = db.session.scalar(select(Department).where(Department.code == "SCJG"))
    scjg.channel = "mailbox"
    scjg.extra = {**scjg.extra, "channel_options": {"box": "登记科", "field_map": {"operator_name": "JYZXM"}}}
    db.session.commit()

    application = accept_by_api(client, window_token)
    make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    db.session.expire_all()

    [(destination, payload)] = mailbox_channel
    assert destination.code == "SCJG" and destination.options["box"] == "登记科"
    assert payload["application"] == application["id"] and payload["item"] == "SCJG-001"
    assert "JYZXM" in payload["form"] and "operator_name" not in payload["form"]  # the system's own names
    delivery = db.session.scalar(select(Delivery).where(Delivery.queue == "dept:SCJG"))
    assert delivery.status == "delivered"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delivered"))
    assert entry.after["channel"] == "mailbox"


class DoorbellChannel(MailboxChannel):
    """A department told only that work is waiting: it reads the task here, so no payload is built."""

    name = "doorbell"
    label = "到件提醒（测试）"
    options = ()
    carries_payload = False


def test_a_channel_without_payload_is_spared_building_one(app, client, window_token):
    MAILBOX.clear()
    with CHANNELS.registered(DoorbellChannel):
        scjg = db.session.scalar(select(Department).where(Department.code == "SCJG"))
        scjg.channel = "doorbell"
        db.session.commit()
        accept_by_api(client, window_token)
        make_worker(app, [department_queue_name("SCJG")]).work(burst=True)
    db.session.expire_all()
    [(destination, payload)] = MAILBOX
    assert destination.code == "SCJG" and payload == {}
    delivery = db.session.scalar(select(Delivery).where(Delivery.queue == "dept:SCJG"))
    assert delivery.status == "delivered" and delivery.task.delivered_at is not None


def test_a_registered_document_kind_is_offered_rendered_and_downloaded(
    app, client, window_token, archive_slip
):
    application = accept_by_api(client, window_token)
    kinds = [d["kind"] for d in application["documents"]]
    assert kinds == ["receipt", "archive_slip", "application_form"]  # in its order among the others
    slip = next(d for d in application["documents"] if d["kind"] == "archive_slip")
    assert slip["title"] == "档案袋封面"
    auth = {"Authorization": f"Bearer {window_token}"}
    assert client.get(slip["url"], headers=auth).status_code == 202
    make_worker(app, [DOCUMENTS_QUEUE]).work(burst=True)
    pdf = client.get(slip["url"], headers=auth)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert application["tracking_no"] in text.replace(" ", "")
    assert application["status"] == ApplicationState.ACCEPTED


def test_department_check_reports_what_keeps_a_channel_from_working(runner, sample):
    healthy = runner.invoke(args=["department", "check"])
    assert healthy.exit_code == 0, healthy.output
    assert "SW " in healthy.output and "正常" in healthy.output
    sw = db.session.scalar(select(Department).where(Department.code == "SW"))
    assert sw.channel == "webhook"
    sw.webhook_secret = None
    sw.extra = {**sw.extra, "channel_options": {"timeout": 600}}
    db.session.commit()
    broken = runner.invoke(args=["department", "check"])
    assert broken.exit_code != 0
    line = next(line for line in broken.output.splitlines() if line.startswith("SW "))
    assert "缺少签名密钥" in line and "不能大于 60" in line
