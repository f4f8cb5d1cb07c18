"""WSGI entry point: ``gunicorn wsgi:app``."""

from bundler import create_app

app = create_app()
