"""Helpers shared by the browser tests: a real PNG, and filling the merged form the way a person would."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import expect

import forms
from bundler.catalogue import definitions
from bundler.extensions import db
from bundler.models import Application

from factories import PASSWORD


def log_in(page, login: str) -> None:
    """Sign in on the login page as a person would, and wait until the signed-in page shows."""
    page.goto("/login")
    page.get_by_label("手机号码或登录名").fill(login)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name=re.compile("^退出"))).to_be_visible()


def start_online(page, bundle: str, answers: dict[str, str]) -> int:
    """On the bundle's page, signed in: tap each answer (question text -> answer text), 开始申请; the id
    of the new application, whose form is now shown."""
    page.goto(f"/bundles/{bundle}")
    for question, answer in answers.items():
        page.get_by_role("group", name=question).get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="开始申请").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/form$"))
    return int(re.search(r"/applications/(\d+)/form", page.url).group(1))


def fresh_application(application_id: int) -> Application:
    """The application as the pages left it (the test's own session starts a new transaction)."""
    db.session.rollback()
    db.session.expire_all()
    application = db.session.get(Application, application_id)
    assert application is not None
    return application


def schema_and_example(application: Application, keep_saved: bool = False) -> tuple[Any, dict[str, Any]]:
    schema = definitions.schema_for(db.session, application)
    data = forms.example_data(schema, rows=1)
    if keep_saved:
        data.update({k: v for k, v in (application.data or {}).items() if v not in (None, "", [])})
    return schema, data


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def fill_input(page, name: str, fld: Any, value: Any) -> None:
    """Put one value into the visible control called ``name``, as a person would."""
    control = page.locator(f'[name="{name}"]')
    if fld.type == "boolean":  # 是/否: two radio buttons
        page.locator(f'[name="{name}"][value="{"true" if value else "false"}"]').check()
    elif fld.type == "choice":
        control.select_option(str(value))
    elif fld.type == "multichoice":
        control.select_option([str(v) for v in value])
    else:
        control.fill(_text(value))


def fill_unified_form(
    page, schema: Any, data: dict[str, Any], *, skip: set[str] = frozenset(), rows: int = 1
) -> None:
    """Every asked field of the merged form; repeating groups: the first ``rows`` rows of their table.
    A conditional field the page hides (for the values filled before it) is left alone, as a person
    would leave it."""

    def shown(name: str) -> bool:
        return fld.when is None or page.locator(f'[name="{name}"]').first.is_visible()

    for fld in schema.asked_fields:
        if fld.key in skip:
            continue
        if fld.group is None:
            name = forms.field_name(fld.key)
            if data.get(fld.key) is not None and shown(name):
                fill_input(page, name, fld, data[fld.key])
            continue
        group_name = forms.field_name(fld.group_key)
        for i, row in enumerate((data.get(fld.group_key) or [])[:rows]):
            name = f"{group_name}-{i}-{forms.field_name(fld.column or fld.key)}"
            if row.get(fld.column) is not None and shown(name):
                fill_input(page, name, fld, row[fld.column])
