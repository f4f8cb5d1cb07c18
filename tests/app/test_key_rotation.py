"""Keys change while the service runs: ``bundler keys rotate`` re-encrypts under the new data key and
recomputes the keyed hashes under the new lookup key, in batches that never overwrite an update made
meanwhile; look-ups keep working before, during and after; a process that lacks the new key reads its
key files again, or answers with a clear Chinese message instead of a 500."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from bundler import create_app
from bundler.extensions import db
from bundler.models import Application, AuditEntry, User
from bundler.privacy import generate_data_key, lookup_hash
from bundler.services.accounts import find_user
from bundler.services.elicences import LocalELicenceStore

from factories import PASSWORD
from testapp import accept_by_api, first_step_approved

HOLDER = "610702198807070017"


def _rotate(config: dict, *args: str) -> str:
    rotating = create_app(config)
    with rotating.app_context():
        result = rotating.test_cli_runner().invoke(args=["keys", "rotate", *args])
        db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def test_rotation_moves_every_value_to_the_new_key(app, app_config, client, window_token, make_user):
    user = make_user("applicant", login="13991620055", name="周子涵")
    user_id = user.id
    accepted = first_step_approved(client, window_token)  # rows in every kind of table, the audit log too
    audit_before = {e.id: e.after for e in db.session.scalars(select(AuditEntry))}
    assert audit_before
    old_key = app.config["DATA_KEYS"][0]
    before = db.session.execute(text("SELECT name FROM users")).scalar()

    new_key = generate_data_key()
    output = _rotate({**app_config, "DATA_KEYS": [new_key, old_key]})
    assert "已重新加密" in output and "users 1" in output and "audit_log" in output
    after = db.session.execute(text("SELECT name FROM users")).scalar()
    assert after != before and "周子涵" not in after
    assert "已重新加密 0 行" in _rotate({**app_config, "DATA_KEYS": [new_key, old_key]})  # nothing left

    only_new = create_app({**app_config, "DATA_KEYS": [new_key]})
    with only_new.app_context():
        assert db.session.get(User, user_id).name == "周子涵"  # readable without the old key
        assert {e.id: e.after for e in db.session.scalars(select(AuditEntry))} == audit_before
        assert db.session.get(Application, accepted["id"]).data
        db.session.remove()


def test_the_audit_log_lets_a_rotation_reseal_its_values_and_nothing_else(app, client, window_token):
    first_step_approved(client, window_token)
    db.session.remove()
    with db.engine.connect() as conn:
        for statement in ("UPDATE audit_log SET after = after", "UPDATE audit_log SET actor = 'x'"):
            with pytest.raises(DBAPIError), conn.begin():  # not inside a rotation
                conn.execute(text(statement))
        with conn.begin() as rotation:
            conn.execute(
                text("INSERT INTO key_checks (kind, fingerprint, set_at) VALUES ('rotating', '-', :at)"),
                {"at": dt.datetime.now(dt.UTC)},
            )
            conn.execute(text("UPDATE audit_log SET after = after"))  # re-sealing: allowed
            with pytest.raises(DBAPIError), conn.begin_nested():
                conn.execute(text("UPDATE audit_log SET actor = 'x'"))  # anything else: never
            rotation.rollback()


def test_an_update_made_during_the_rotation_is_not_lost(app, app_config, make_user):
    ids = [make_user("applicant", login=f"139916201{n:02d}", name=f"旧名{n}").id for n in range(12)]
    keys = [generate_data_key(), app.config["DATA_KEYS"][0]]
    config = {**app_config, "DATA_KEYS": keys}  # every process has the new key first, as the README says
    writer_app = create_app(config)

    def rename_everyone() -> None:
        with writer_app.app_context():
            for user in db.session.scalars(select(User).where(User.id.in_(ids))):
                user.name = f"新名{user.id}"
            db.session.commit()
            db.session.remove()

    rotating = create_app(config)
    writer = threading.Thread(target=rename_everyone)
    with rotating.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def update_meanwhile(conn, cursor, statement, parameters, context, executemany):
            # Between the rotation's read of a batch of users and its first write: another process
            # renames them all (on PostgreSQL it waits for the batch's row locks; on SQLite it commits
            # first and the rotation finds the rows changed).
            if statement.startswith("UPDATE users") and not writer.is_alive() and writer.ident is None:
                writer.start()
                writer.join(timeout=2)

        output = rotating.test_cli_runner().invoke(args=["keys", "rotate", "--batch-size", "5"]).output
        event.remove(db.engine, "before_cursor_execute", update_meanwhile)
        db.session.remove()
    writer.join(timeout=20)
    assert writer.ident is not None and not writer.is_alive(), output

    only_new = create_app({**app_config, "DATA_KEYS": keys[:1]})
    with only_new.app_context():
        names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
        db.session.remove()
    assert names == {i: f"新名{i}" for i in ids}, output  # every rename kept, every value readable


def test_a_new_lookup_key_keeps_every_look_up_working(app, app_config, client, window_token, make_user):
    make_user("applicant", login="13991620066", name="林嘉怡")
    accepted = accept_by_api(client, window_token)
    application = db.session.get(Application, accepted["id"])
    subject = application.subject_hash
    number = next(v for k, v in application.data.items() if k.endswith("公民身份号码"))
    LocalELicenceStore(db.session).load([{"holder": HOLDER, "kind": "居民身份证", "number": HOLDER}])
    db.session.commit()
    old_lookup = app.config["LOOKUP_KEY"]
    new_lookup = secrets.token_hex(32)

    def look_ups_work(config: dict) -> None:
        other = create_app(config)
        with other.app_context():
            assert find_user(db.session, "13991620066").name == "林嘉怡"
            assert [lic.number for lic in LocalELicenceStore(db.session).licences_for(HOLDER)] == [HOLDER]
            visitor = other.test_client()
            assert (
                visitor.post("/login", data={"login": "13991620066", "password": PASSWORD}).status_code == 302
            )
            clerk = other.test_client()
            clerk.post("/login", data={"login": "clerk-keys", "password": PASSWORD})
            assert accepted["tracking_no"] in clerk.post("/window/", data={"number": number}).get_data(
                as_text=True
            )
            db.session.remove()

    make_user("window", login="clerk-keys")
    both = {**app_config, "LOOKUP_KEY": [new_lookup, *old_lookup]}
    look_ups_work(both)  # before the rotation: found under the old hashes
    output = _rotate(both)
    assert "已重新计算" in output and "users.login_hash 2" in output, output
    db.session.expire_all()
    assert db.session.get(Application, accepted["id"]).subject_hash != subject
    with create_app(both).app_context():
        assert db.session.get(Application, accepted["id"]).subject_hash == lookup_hash("subject", number)
        db.session.remove()
    look_ups_work({**app_config, "LOOKUP_KEY": [new_lookup]})  # after it, without the old key


def test_a_process_without_the_new_key_reloads_it_or_says_so(app, app_config, tmp_path, make_user):
    instance = tmp_path / "instance"
    config = {**app_config, "INSTANCE_PATH": str(instance)}
    running = create_app(config)  # keys from its instance folder, read at start
    with running.app_context():
        make_user("window", login="clerk-reload", name="窗口人员甲")
        db.session.remove()
    old_key = (instance / "data_keys").read_text().strip()
    new_key = generate_data_key()
    (instance / "data_keys").write_text(f"{new_key},{old_key}")  # the administrator adds the new key
    _rotate(config)

    with running.app_context():
        page = running.test_client()
        page.post("/login", data={"login": "clerk-reload", "password": PASSWORD})
        assert page.get("/window/").status_code == 200  # it read the key file again
        db.session.remove()

    stale = create_app({**app_config, "INSTANCE_PATH": str(instance), "DATA_KEYS": [old_key]})
    with stale.app_context():
        visitor = stale.test_client()
        answer = visitor.get("/login")
        assert answer.status_code == 503 and "缺少加密时使用的密钥" in answer.get_data(as_text=True)
        api = visitor.get("/api/v1/bundles", headers={"Authorization": "Bearer x"})
        assert api.status_code == 503 and "DATA_KEYS" in api.get_json()["error"]
        db.session.remove()
    assert Path(instance / "data_keys").stat().st_mode & 0o077 == 0
