"""The app under test as a browser meets it: one request, one app context; optionally with CSRF tokens.

Each test starts from empty tables and an empty Redis database (``make_app``).
"""

from __future__ import annotations

import io
import re
import secrets
import struct
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from redis import Redis
from sqlalchemy import Table, select, text
from werkzeug.datastructures import MultiDict

import forms
import graphs
from bundler import create_app
from bundler.catalogue.importer import ImportResult
from bundler.catalogue.queries import bundle_definition
from bundler.extensions import db
from bundler.services import work_calendar
from bundler.services.confirmations import parties as confirmation_parties
from bundler.services.sample import import_sample


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


class RequestIsolatedClient(FlaskClient):
    """Each request in an application context of its own, as in production: its own ``g`` (the
    logged-in user) and its own database session, not those of the test around it."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


class CsrfClient(RequestIsolatedClient):
    """A browser that sends the CSRF token its pages would have given it with every form it posts
    (for apps that keep CSRF protection on)."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        method = kwargs.get("method") or (args[1] if len(args) > 1 and isinstance(args[1], str) else "GET")
        data = kwargs.get("data")
        if (
            method.upper() == "POST"
            and kwargs.get("json") is None
            and (data is None or hasattr(data, "keys"))
        ):
            data = MultiDict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", secrets.token_hex(20))
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)


def make_app(
    config: dict[str, Any], client_class: type[FlaskClient] = RequestIsolatedClient
) -> Iterator[Flask]:
    app = create_app(config)
    app.test_client_class = client_class
    Redis.from_url(config["REDIS_URL"]).flushdb()
    with app.app_context():
        work_calendar.seed_from_package(db.session)  # reference data, as the migration leaves it
        db.session.commit()
        yield app
        db.session.remove()
        _empty_tables()


class SampleCatalogue:
    """The shipped sample catalogue, imported for real once per test session and copied into each
    later test's empty tables row for row (the import itself is tested in tests/catalogue/)."""

    def __init__(self) -> None:
        self.result: ImportResult | None = None
        self.rows: list[tuple[Table, list[dict[str, Any]]]] = []

    def load(self) -> ImportResult:
        if self.result is None:
            self.result = import_sample(db.session)
            db.session.commit()
            with db.engine.connect() as conn:
                for table in db.metadata.sorted_tables:
                    if table.name == "calendar_years":
                        continue  # seeded for every test by make_app
                    rows = [dict(row._mapping) for row in conn.execute(table.select())]
                    if rows:
                        self.rows.append((table, rows))
            return self.result
        with db.engine.begin() as conn:
            for table, rows in self.rows:
                conn.execute(table.insert(), rows)
                if conn.dialect.name == "postgresql" and "id" in table.c:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"
                        )
                    )
        return self.result


SAMPLE = SampleCatalogue()


def answered(bundle: str = "KFD", answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``answers`` (raw, as a page or the API takes them), and for every other question that must be
    answered before acceptance the answer that brings in no step: the scenario an unanswered question
    used to mean."""
    definition = bundle_definition(db.session, bundle)
    chosen = dict(answers or {})
    for question in graphs.scenarios.unanswered_questions(definition.bundle, chosen):
        brings_no_step = [
            value
            for value in graphs.scenarios.possible_answers(question)
            if not any(
                graphs.step_applies({"when": {qid: expected}}, {qid: value})
                for step in definition.bundle["steps"]
                for qid, expected in step["when"].items()
                if qid == question["id"]
            )
        ]
        value = (brings_no_step or graphs.scenarios.possible_answers(question))[0]
        chosen[question["id"]] = str(value).lower() if isinstance(value, bool) else value
    return chosen


def scenario_form(bundle: str = "KFD", answers: Mapping[str, Any] | None = None) -> dict[str, str]:
    """What a scenario page posts (``q_<question id>``) for :func:`answered`."""
    return {f"q_{qid}": str(value) for qid, value in answered(bundle, answers).items()}


def post_application(client: FlaskClient, token: str, bundle: str = "KFD", **body: Any) -> Any:
    """``POST /api/v1/applications`` with the bundle's example data, as the window system sends it; the
    questions ``body`` leaves unanswered are answered as :func:`answered` does."""
    return client.post("/api/v1/applications", json=application_body(bundle, **body), headers=bearer(token))


def application_body(bundle: str = "KFD", **body: Any) -> dict[str, Any]:
    """What :func:`post_application` sends (in an app context)."""
    definition = bundle_definition(db.session, bundle)
    body["answers"] = answered(bundle, body.get("answers"))
    answers = graphs.parse_answers(definition.bundle["questions"], body["answers"])
    answers = graphs.scenarios.with_defaults(definition.bundle["questions"], answers)
    data = forms.example_data(forms.merge(definition.bundle, definition.items, answers), jsonable=True)
    # 各方确认: the window system checked every party's ID card (unless the test says whom it checked)
    body.setdefault("confirmed_parties", [p.key for p in confirmation_parties(definition.bundle, data)])
    return {"bundle": bundle, "data": data, **body}


def accept_by_api(client: FlaskClient, token: str, bundle: str = "KFD", **body: Any) -> dict[str, Any]:
    """An application accepted through the window system's API (see :func:`post_application`)."""
    response = post_application(client, token, bundle, **body)
    assert response.status_code == 201, response.get_json()
    result: dict[str, Any] = response.get_json()
    return result


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF of blank A4 pages (what a scanned material or a result document looks like here)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(width: int = 24, height: int = 16, rgb: tuple[int, int, int] = (180, 35, 42)) -> bytes:
    """A small, valid PNG (8-bit RGB), built from its chunks."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


USCC = "92610702MA6X0F2K1F"  # the credit code 个体工商户设立登记 produces in these tests


def tax_step_released(client: FlaskClient, token: str, webhook_url: str) -> dict[str, Any]:
    """开饭店 accepted through the window API with the tax office's system at ``webhook_url``, and its
    first step approved, so that SW-001 is ready for the tax office (the accepted application)."""
    from bundler.models import Department

    tax = db.session.scalar(select(Department).where(Department.code == "SW"))
    tax.webhook_url = webhook_url
    db.session.commit()
    return first_step_approved(client, token)


def first_step_approved(client: FlaskClient, token: str) -> dict[str, Any]:
    """开饭店 accepted through the window API and its first step (个体工商户设立登记) approved with the
    credit code it issues, by the department's system (an audited action); the accepted application."""
    from bundler.models import Task

    body = accept_by_api(client, token)
    first = db.session.scalar(
        select(Task).where(Task.application_id == body["id"], Task.item.has(code="SCJG-001"))
    )
    done = client.post(
        f"/api/v1/tasks/{first.id}/complete",
        json={"outcome": "approved", "results": {"经营者.统一社会信用代码": USCC}},
        headers=bearer(department_token("SCJG")),
    )
    assert done.status_code == 200, done.get_json()
    return body


def work_departments(app: Flask, *codes: str) -> None:
    """A burst worker over both queues of each department (inbox and its own system), as the two
    workers of ``bundler serve`` would; then the test's session sees what they wrote."""
    from bundler.queues import department_queue_name, remote_queue_name
    from bundler.worker import make_worker

    names = [name for code in codes for name in (department_queue_name(code), remote_queue_name(code))]
    make_worker(app, names).work(burst=True)
    db.session.expire_all()


def bearer(token: str) -> dict[str, str]:
    """The header an API client sends its token in."""
    return {"Authorization": f"Bearer {token}"}


def department_token(code: str) -> str:
    """A department system's API token (committed: requests run in sessions of their own)."""
    from bundler.services.accounts import create_token

    token = create_token(db.session, "department", code, label=f"{code} 业务系统")
    db.session.commit()
    return token


def finish_by_department_api(
    client: FlaskClient, application_id: int, tokens: dict[str, str] | None = None, seed: int = 7
) -> Any:
    """Every ready step approved through its own department's API (results as it gives them), until
    nothing is ready; the application, reloaded. ``tokens`` keeps each department's token between calls."""
    from bundler.catalogue import definitions
    from bundler.models import Application

    tokens = {} if tokens is None else tokens
    while True:
        db.session.expire_all()
        application = db.session.get(Application, application_id)
        ready = [t for t in application.tasks if t.status == "ready"]
        if not ready:
            return application
        schema = definitions.schema_for(db.session, application)
        for task in ready:
            code = task.department.code
            token = tokens.setdefault(code, department_token(code))
            done = client.post(
                f"/api/v1/tasks/{task.id}/complete",
                json={"outcome": "approved", "results": example_results(schema, task.item.code, seed)},
                headers=bearer(token),
            )
            assert done.status_code == 200, done.get_json()


def online_draft(client: FlaskClient, bundle: str, mobile: str, name: str, file_name: str = "a.png") -> int:
    """An applicant registers, answers the bundle's questions, fills the form with example data and
    gives a PNG for every required material: the id of the draft, ready to review and submit."""
    from bundler.catalogue import definitions
    from bundler.models import Application

    from factories import PASSWORD

    client.post("/register", data={"mobile": mobile, "name": name, "password": PASSWORD, "confirm": PASSWORD})
    response = client.post(f"/bundles/{bundle}/apply", data=scenario_form(bundle))
    application_id = int(re.search(r"/applications/(\d+)/form", response.headers["Location"]).group(1))
    schema = definitions.schema_for(db.session, db.session.get(Application, application_id))
    pairs = [
        (k, v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in forms.formdata_for(schema, forms.example_data(schema))
    ]
    client.post(f"/applications/{application_id}/form", data=MultiDict([*pairs, ("action", "next")]))
    db.session.expire_all()
    for material in db.session.get(Application, application_id).materials:
        if material.required and material.status == "pending":
            client.post(
                f"/applications/{application_id}/materials",
                data={
                    "material": material.id,
                    "action": "upload",
                    "file": (io.BytesIO(png_bytes()), file_name),
                },
                content_type="multipart/form-data",
            )
    return application_id


def confirm_as_parties(app: Flask, application_id: int) -> list[str]:
    """各方确认 online: each party still to confirm registers an account of their own (a client of
    their own), records their ID number and confirms; the parties who did, in order."""
    from bundler.models import Application
    from bundler.services.confirmations import parties

    from factories import PASSWORD

    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    bundle = bundle_definition(db.session, application.bundle_version.bundle.code).bundle
    confirmed = []
    for n, party in enumerate(parties(bundle, application.data)):
        person = app.test_client()
        mobile = f"1390000{application_id % 1000:03d}{n}"
        person.post(
            "/register",
            data={"mobile": mobile, "name": party.name, "password": PASSWORD, "confirm": PASSWORD},
        )
        person.post("/my/id-number", data={"id_number": party.number})
        answer = person.post(f"/applications/{application_id}/confirm")
        assert answer.status_code == 302, answer.get_data(as_text=True)
        confirmed.append(party.key)
    db.session.expire_all()
    return confirmed


def example_results(schema: forms.MergedSchema, item: str, seed: int = 3) -> dict[str, Any]:
    """What the step of ``item`` gives back when its department works it (the results it produces and
    the fields its department fills), as example values in JSON."""
    values = {f.key: forms.example_value(f, seed) for f in schema.fields if f.filled_in_step(item)}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


@contextmanager
def migrated_app(database: Path, app_config: Mapping[str, Any]) -> Iterator[tuple[FlaskClient, str]]:
    """An app of its own on a fresh SQLite file, migrated to the head revision with the sample
    catalogue and a window token, inside its app context (for tests that migrate down and up again):
    its client and the token."""
    from flask_migrate import upgrade

    from bundler.services.accounts import create_token
    from bundler.services.sample import import_sample

    own = create_app({**app_config, "DATABASE_URL": f"sqlite:///{database}"})
    with own.app_context():
        upgrade()
        assert import_sample(db.session).ok
        window = create_token(db.session, "window", None, "窗口")
        db.session.commit()
        yield own.test_client(), window
