"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""
from mentorhub import create_app

app = create_app()
