"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""
import gc

from mentorhub import create_app

app = create_app()
# What loading the app made (modules, models, routes, templates' helpers) lives as long as the
# process: move it out of the garbage collector's reach. Collections during requests then walk
# only the objects a request makes, and the process does not walk the whole app again at exit
# (about 0.5 s of every `flask` command here). Python's documentation: gc.freeze().
gc.freeze()
