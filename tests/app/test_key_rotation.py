"""Personal data keys are rotatable: re-encrypt under a new key, then drop the old one."""

from __future__ import annotations

from sqlalchemy import text

from bundler import create_app
from bundler.extensions import db
from bundler.models import User
from bundler.privacy import generate_data_key


def test_rotation_moves_every_value_to_the_new_key(app, app_config, runner, make_user):
    user = make_user("applicant", login="13991620055", name="周子涵")
    user_id = user.id
    old_key = app.config["DATA_KEYS"][0]
    before = db.session.execute(text("SELECT name FROM users")).scalar()

    new_key = generate_data_key()
    rotating = create_app({**app_config, "DATA_KEYS": [new_key, old_key]})
    with rotating.app_context():
        result = rotating.test_cli_runner().invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "已重新加密" in result.output
        after = db.session.execute(text("SELECT name FROM users")).scalar()
        assert after != before and "周子涵" not in after
        db.session.remove()

    only_new = create_app({**app_config, "DATA_KEYS": [new_key]})
    with only_new.app_context():
        assert db.session.get(User, user_id).name == "周子涵"  # readable without the old key
        db.session.remove()
