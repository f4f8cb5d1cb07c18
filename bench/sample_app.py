"""The app a benchmark measures, set up the same way by each (imported as ``sample_app``: each
script's folder is on the path, and each script puts the project on it before importing this)."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import Flask

from bundler import create_app, freeze_startup_heap
from bundler.database import rebuild_schema
from bundler.extensions import db
from bundler.services.sample import import_sample


def sample_app(prefix: str, config: dict[str, Any]) -> Flask:
    """A fresh app over ``config``, completed in place with what the benchmarks use: a new instance
    folder named ``prefix…``, no CSRF token or rate limit in the way, no sample loaded at start. The
    schema is created again (every table of the configured database is dropped), the sample catalogue
    imported, and the start-up heap frozen as the production web server does (``bundler.web_app``)."""
    config.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix=prefix))
    for setting in ("SAMPLE_CATALOGUE", "WTF_CSRF_ENABLED", "RATELIMIT_ENABLED"):
        config.setdefault(setting, False)
    app = create_app(config)
    freeze_startup_heap()
    with app.app_context():
        rebuild_schema()
        assert import_sample(db.session).ok
        db.session.commit()
    return app
