"""WSGI entry point: ``gunicorn wsgi:app``."""

from bundler import web_app

app = web_app()
