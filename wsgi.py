"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""
import gc

# Loading the app makes ~200,000 objects that live as long as the process (modules, models,
# routes, schemas). The garbage collector would walk them again and again while they are made
# and find almost nothing to free (about 1 MiB): paused while loading, that is ~0.2 s less for
# every web worker, the scheduler and each `flask` command.
gc.disable()

from mentorhub import create_app  # noqa: E402  (after gc.disable)

app = create_app()
# Then out of its reach for good (Python's documentation: gc.freeze): collections during
# requests walk only what a request makes, and the process does not walk the whole app again
# at exit (another ~0.5 s of every `flask` command).
gc.freeze()
gc.enable()
